#include "analysis/grid_json.h"

#include <nlohmann/json.hpp>

namespace vc {

nlohmann::json grid_json(const Tensor& t) {
  nlohmann::json rows = nlohmann::json::array();
  for (int64_t i = 0; i < t.dim(0); ++i)
    rows.push_back(std::vector<float>(t.data.begin() + i * t.dim(1), t.data.begin() + (i + 1) * t.dim(1)));
  return rows;
}

}  // namespace vc
