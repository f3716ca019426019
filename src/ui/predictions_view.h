// The Predictions view (panel_predictions.cpp): the top-3 classes of a ViT, a CNN, a hybrid and an rvit for the
// current input with their forward times, a checkpoint selector per family, and the accuracy run on test images.
#pragma once
#include <nlohmann/json.hpp>
#include <span>

#include "ui/view.h"

namespace vc {

void panel_predictions(AppState& app);
// lab_query("predictions"): per shown model {name, ready, probs[10], top[3], ms, median_ms, input_version, error}.
nlohmann::json predictions_query(const AppState& app);
// lab_query("accuracy"): per shown model {name, correct, n (images done), total, done, error}.
nlohmann::json accuracy_query(const AppState& app);

inline constexpr ViewQuery kPredictionsQueries[] = {{"predictions", predictions_query}, {"accuracy", accuracy_query}};
inline constexpr const char* kPredictionsAnchors[] = {"predictions.table", "combo.scale.vit", "backend.simd",
                                                      "accuracy.table"};
std::span<const TextPair> predictions_texts();

}  // namespace vc
