// The JSON form of the attention analyses, one set of key names for every reader: `vitcnn attention` prints it,
// the lab's lab_query("attention") answers with it, and tests/cli, tests/browser and tools/analysis_ref read it.
// Indices in JSON are 0-based (layer l is distance_px[l]); people read layers and heads from 1.
// nlohmann::json is the project's JSON library from core up (safetensors headers, model metadata), so the
// writer lives here, next to the definitions, and the ui and cli layers share it.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "analysis/attention.h"

namespace vc {

// v [layers * heads] row-major -> [[per head] per layer]
nlohmann::json layer_head_json(const std::vector<double>& v, int layers, int heads);

// {layers, heads, grid, tokens (1 + grid^2), cell_px (input pixels per token cell), distance_px and
// distance_patches ([[per head] per layer]), uniform_px (uniform_attention_distance_px), local_threshold_px
// (kLocalFraction of it), early_layers (kEarlyLayers), local_heads_early (local_heads of those layers)}.
nlohmann::json attention_distance_json(const AttentionDistance& d);

}  // namespace vc
