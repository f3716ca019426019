// The Predictions view (panel_predictions.cpp): the top-3 classes (or all 10) of a ViT, a CNN, a hybrid and an rvit for the
// current input with their forward times, a checkpoint selector per family, and the accuracy run on test images.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <span>

#include "ui/jobs.h"
#include "ui/view.h"

namespace vc {

void panel_predictions(AppState& app);
// lab_query("predictions"): per shown model {name, ready, probs[10], top[3], top_probs[3] (their probabilities), ms,
// median_ms, input_version, error, label_smoothing {epsilon, target} (when its file records it)}, and all_classes.
nlohmann::json predictions_query(const AppState& app);
// Links: each family's shipped checkpoint that differs from the default, "&pred.vit=p010", and "&pred.all=1" for all
// 10 classes (predictions_view.cpp); pred.all=0 (the top 3, the default) is read too.
std::string predictions_view_state(const AppState& app);
bool apply_predictions_view_key(AppState& app, const std::string& key, const std::string& value);
// lab_query("accuracy"): per shown model {name, correct, n (images done), total, done, error}.
nlohmann::json accuracy_query(const AppState& app);

// The accuracy of one checkpoint on the first `images` test images of the gallery's set, counted a batch per step in
// a time-sliced job of `slot` (one running per slot). The key, job_key("accuracy", checkpoint, images), is shared:
// a run finished in one view is the result in every other.
struct AccuracyRun {
  int correct = 0, done = 0, total = 0;
};
std::string accuracy_key(const std::string& checkpoint, int images);
const Job& request_accuracy(AppState& app, const std::string& slot, const std::string& checkpoint, const Model* model,
                            int images);
// The same job looked up without starting anything.
JobView<AccuracyRun> accuracy_job(const AppState& app, const std::string& checkpoint, int images);

inline constexpr ViewQuery kPredictionsQueries[] = {{"predictions", predictions_query}, {"accuracy", accuracy_query}};
inline constexpr const char* kPredictionsAnchors[] = {"predictions.table", "combo.scale.vit", "backend.simd",
                                                      "accuracy.table", "predictions.all_classes"};
std::span<const TextPair> predictions_texts();

}  // namespace vc
