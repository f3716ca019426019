#include "figures/csv.h"

#include <cstdio>

#include "analysis/compare.h"

namespace vc {

std::string csv_number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string maps_csv(const Figure& f) {
  if (!f.maps) return "";
  const MapGrid& g = *f.maps;
  auto name = [](const std::vector<std::string>& ticks, int i) {
    return i < static_cast<int>(ticks.size()) ? ticks[i] : std::to_string(i + 1);
  };
  const bool single = g.rows == 1 && g.cols == 1;
  const std::array<std::string, 5>& c = g.csv_columns;
  TextTable t{single ? std::vector<std::string>(c.begin() + 2, c.end()) : std::vector<std::string>(c.begin(), c.end()),
              {}};
  for (int i = 0; i < g.rows; ++i)
    for (int j = 0; j < g.cols; ++j) {
      const Panel& p = g.panels[static_cast<size_t>(i) * g.cols + j];
      for (size_t k = 0; k < p.map.size(); ++k) {
        std::vector<std::string> row = {std::to_string(k / g.map_side + 1), std::to_string(k % g.map_side + 1),
                                        csv_number(p.map[k])};
        if (!single) row.insert(row.begin(), {name(f.y_ticks, i), name(f.x_ticks, j)});
        t.rows.push_back(std::move(row));
      }
    }
  return table_csv(t);
}

}  // namespace vc
