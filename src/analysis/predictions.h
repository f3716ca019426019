// Class probabilities and accuracy from a model's logits (the Predictions view, benchmarks).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/idx.h"
#include "core/image.h"
#include "core/tensor.h"

namespace vc {

// p_k = exp(z_k - max z) / sum_j exp(z_j - max z), in double.  torch: logits.double().softmax(-1)
std::vector<double> softmax_probs(std::span<const float> logits);
// Indices of the k largest probabilities, largest first (ties: lower index first).
std::vector<int> top_classes(std::span<const double> probs, int k);
// Rows of logits [B, K] whose argmax (first maximum) equals labels[b].
int count_correct(const Tensor& logits, std::span<const uint8_t> labels);
// Test images [first, first + count) of `set` as pixels in [0, 1] (bytes / 255), [count, rows, cols] row-major.
std::vector<float> test_set_pixels(const LabeledImages& set, int first, int count);
// The same images as model input [count, 1, S, S].
Tensor test_set_input(const LabeledImages& set, int first, int count, const InputSpec& spec);

// Label smoothing in training: the loss's target keeps 1 - eps on the true class and spreads eps evenly over the K
// classes, so the true class is trained towards 1 - eps + eps / K (0.91 for eps = 0.1, K = 10) and a trained model's
// top probability settles near that instead of 1.  torch: F.cross_entropy(logits, y, label_smoothing=eps)
struct LabelSmoothing {
  double epsilon = 0.0;  // eps
  double target = 1.0;   // 1 - eps + eps / K
  int classes = 0;       // K, the model's number of classes
};
// eps as a "vitcnn" metadata JSON records it (train.recipe.label_smoothing, written by tools/train/train.py), for a
// model of `classes` outputs; an error when the file records none (a checkpoint made elsewhere) or K < 1.
Result<LabelSmoothing> recorded_label_smoothing(const std::string& metadata_json, int classes);

}  // namespace vc
