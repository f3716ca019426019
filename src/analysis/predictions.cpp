#include "analysis/predictions.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>

namespace vc {

std::vector<double> softmax_probs(std::span<const float> logits) {
  std::vector<double> p(logits.size());
  if (logits.empty()) return p;
  const double mx = *std::max_element(logits.begin(), logits.end());
  double sum = 0.0;
  for (size_t i = 0; i < logits.size(); ++i) sum += p[i] = std::exp(logits[i] - mx);
  for (double& v : p) v /= sum;
  return p;
}

std::vector<int> top_classes(std::span<const double> probs, int k) {
  std::vector<int> order(probs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return probs[a] > probs[b]; });
  order.resize(std::min<size_t>(order.size(), static_cast<size_t>(std::max(k, 0))));
  return order;
}

int count_correct(const Tensor& logits, std::span<const uint8_t> labels) {
  const int64_t rows = logits.dim(0), k = logits.dim(1);
  int correct = 0;
  for (int64_t b = 0; b < rows && b < static_cast<int64_t>(labels.size()); ++b) {
    const float* row = logits.ptr() + b * k;
    correct += std::max_element(row, row + k) - row == labels[b];
  }
  return correct;
}

std::vector<float> test_set_pixels(const LabeledImages& set, int first, int count) {
  const size_t px = static_cast<size_t>(set.rows) * set.cols;
  std::vector<float> pixels(px * count);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = set.images[first * px + i] / 255.0f;
  return pixels;
}

Tensor test_set_input(const LabeledImages& set, int first, int count, const InputSpec& spec) {
  return make_input(test_set_pixels(set, first, count), count, spec);
}

Result<LabelSmoothing> recorded_label_smoothing(const std::string& metadata_json, int classes) {
  using nlohmann::json;
  if (classes < 1) return Error{"a model without classes has no label smoothing"};
  const json meta = json::parse(metadata_json, nullptr, false);
  const json::json_pointer where("/train/recipe/label_smoothing");
  if (meta.is_discarded() || !meta.is_object() || !meta.contains(where) || !meta[where].is_number())
    return Error{"the metadata records no train.recipe.label_smoothing"};
  const double eps = meta[where].get<double>();
  if (eps < 0.0 || eps > 1.0) return Error{"the recorded label smoothing is outside [0, 1]"};
  return LabelSmoothing{eps, 1.0 - eps + eps / classes, classes};
}

}  // namespace vc
