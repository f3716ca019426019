// A 2-D tensor as nested JSON arrays, for the maps the analyses print (`vitcnn attention`'s CLS maps, the ERF map of
// `vitcnn rf` and of the lab's lab_query("receptive_field")).
#pragma once
#include <nlohmann/json_fwd.hpp>

#include "core/tensor.h"

namespace vc {

// t [h, w] -> [[w values] per row]
nlohmann::json grid_json(const Tensor& t);

}  // namespace vc
