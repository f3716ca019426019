#include "analysis/representations_json.h"

#include <nlohmann/json.hpp>

namespace vc {

nlohmann::json cka_json(const CkaResult& r) {
  nlohmann::json matrix = nlohmann::json::array();
  for (size_t i = 0; i < r.rows.size(); ++i)
    matrix.push_back(std::vector<double>(r.matrix.begin() + i * r.cols.size(), r.matrix.begin() + (i + 1) * r.cols.size()));
  return {{"rows", r.rows}, {"cols", r.cols}, {"matrix", matrix}, {"images", r.images}, {"batch", r.batch}};
}

nlohmann::json skip_ratios_json(const SkipRatios& s) {
  nlohmann::json branches = nlohmann::json::array();
  for (const SkipBranch& b : s.branches)
    branches.push_back({{"name", b.name},
                        {"has_cls", b.has_cls},
                        {"h", b.h},
                        {"w", b.w},
                        {"cls", b.has_cls ? nlohmann::json(b.cls) : nlohmann::json()},
                        {"spatial_mean", b.spatial_mean},
                        {"ratio", b.ratio}});
  return {{"images", s.images}, {"branches", branches}};
}

nlohmann::json equivariance_json(const Equivariance& e) {
  nlohmann::json layers = nlohmann::json::array();
  for (const EquivarianceLayer& l : e.layers) {
    nlohmann::json error = nlohmann::json::array();
    for (int k = 0; k < kMaxShift; ++k) error.push_back(l.defined[k] ? nlohmann::json(l.error[k]) : nlohmann::json());
    layers.push_back({{"name", l.name}, {"grid", l.grid}, {"stride_px", l.stride_px}, {"error", error}});
  }
  return {{"images", e.images}, {"max_shift", kMaxShift}, {"top1_changed", e.top1_changed}, {"layers", layers}};
}

}  // namespace vc
