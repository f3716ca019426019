#include "analysis/attention_json.h"

#include <nlohmann/json.hpp>

namespace vc {

nlohmann::json layer_head_json(const std::vector<double>& v, int layers, int heads) {
  nlohmann::json out = nlohmann::json::array();
  for (int l = 0; l < layers; ++l)
    out.push_back(std::vector<double>(v.begin() + l * heads, v.begin() + (l + 1) * heads));
  return out;
}

nlohmann::json attention_distance_json(const AttentionDistance& d) {
  nlohmann::json out = {{"layers", d.layers},
                        {"heads", d.heads},
                        {"grid", d.grid},
                        {"tokens", 1 + d.grid * d.grid},
                        {"cell_px", d.cell_px},
                        {"distance_px", layer_head_json(d.px, d.layers, d.heads)},
                        {"distance_patches", layer_head_json(d.patches, d.layers, d.heads)}};
  if (Result<double> u = uniform_attention_distance_px(d.grid, d.cell_px); u) {
    const double threshold = kLocalFraction * *u;
    out.update({{"uniform_px", *u},
                {"local_threshold_px", threshold},
                {"early_layers", kEarlyLayers},
                {"local_heads_early", local_heads(d, kEarlyLayers, threshold)}});
  }
  return out;
}

}  // namespace vc
