#include "analysis/position.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace vc {

namespace {

constexpr const char* kPosEmbed = "tokens.pos_embed";

std::string rel_bias_name(int layer) { return "tokens.blocks." + std::to_string(layer) + ".attn.rel_bias"; }

}  // namespace

Result<int> position_grid(const Model& model) {
  const Tensor* pos = model.weight(kPosEmbed);
  if (!pos) return Error{"a " + std::string(arch_name(model.arch())) + " model has no position embedding (" + kPosEmbed + ")"};
  const int64_t patches = pos->dim(1) - 1;
  const int g = static_cast<int>(std::lround(std::sqrt(static_cast<double>(patches))));
  if (static_cast<int64_t>(g) * g != patches)
    return Error{std::string(kPosEmbed) + " has " + std::to_string(patches) + " patch rows: not a square grid"};
  return g;
}

Result<Tensor> position_embedding_similarity(const Model& model, int patch) {
  Result<int> g = position_grid(model);
  if (!g) return g.error();
  const int n = *g * *g;
  if (patch < 0 || patch >= n)
    return Error{"patch " + std::to_string(patch) + " is outside the " + std::to_string(*g) + "x" + std::to_string(*g) +
                 " grid"};
  const Tensor& pos = *model.weight(kPosEmbed);  // [1, 1 + n, D]
  const int64_t D = pos.dim(2);
  auto row = [&](int t) { return pos.ptr() + (1 + static_cast<int64_t>(t)) * D; };
  auto norm = [&](int t) {
    double s = 0.0;
    for (int64_t d = 0; d < D; ++d) s += static_cast<double>(row(t)[d]) * row(t)[d];
    return std::sqrt(s);
  };
  const double na = norm(patch);
  Tensor out({*g, *g});
  for (int q = 0; q < n; ++q) {
    const double nb = norm(q);
    if (na == 0.0 || nb == 0.0) return Error{"patch " + std::to_string(na == 0.0 ? patch : q) + " has a zero position embedding"};
    double dot = 0.0;
    for (int64_t d = 0; d < D; ++d) dot += static_cast<double>(row(patch)[d]) * row(q)[d];
    out.data[q] = static_cast<float>(dot / (na * nb));
  }
  return out;
}

Result<Tensor> relative_bias_kernel(const Model& model, int layer, int head) {
  const Tensor* table = model.weight(rel_bias_name(layer));
  if (!table)
    return Error{model.arch() == Arch::Rvit ? "layer " + std::to_string(layer) + " is out of range"
                                        : "a " + std::string(arch_name(model.arch())) + " model has no relative-position bias (only rvit)"};
  const int heads = static_cast<int>(table->dim(0)), side = static_cast<int>(table->dim(1));
  if (head < 0 || head >= heads)
    return Error{"head " + std::to_string(head) + " is outside [0, " + std::to_string(heads) + ")"};
  Tensor out({side, side});
  const float* t = table->ptr() + static_cast<int64_t>(head) * side * side;
  // Key offset (dr, dc) from the query is query-minus-key offset (-dr, -dc): the flat index reverses.
  for (int i = 0; i < side * side; ++i) out.data[i] = t[side * side - 1 - i];
  return out;
}

Result<BiasKernels> relative_bias_kernels(const Model& model) {
  BiasKernels out;
  for (const Tensor* t; (t = model.weight(rel_bias_name(out.layers))) != nullptr; ++out.layers) {
    out.heads = static_cast<int>(t->dim(0));
    for (int h = 0; h < out.heads; ++h) {
      Result<Tensor> k = relative_bias_kernel(model, out.layers, h);
      if (!k) return k.error();
      out.kernels.push_back(std::move(k).value());
    }
  }
  if (out.layers == 0) return relative_bias_kernel(model, 0, 0).error();  // says why: no tables
  return out;
}

Tensor relative_bias_weights(const Tensor& kernel) {
  Tensor out = kernel;
  if (out.data.empty()) return out;
  const float top = *std::max_element(out.data.begin(), out.data.end());
  for (float& v : out.data) v = std::exp(v - top);
  return out;
}

}  // namespace vc
