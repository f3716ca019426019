// Class probabilities and accuracy from a model's logits (the Predictions view, benchmarks).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

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
// Test images [first, first + count) of `set` (bytes / 255) as model input [count, 1, S, S].
Tensor test_set_input(const LabeledImages& set, int first, int count, const InputSpec& spec);

}  // namespace vc
