#include "models/relative_bias.h"

#include <cmath>

namespace vc {

std::vector<int32_t> RelativePosition::index() const {
  const int g = grid, N = patches();
  std::vector<int32_t> out(static_cast<size_t>(N) * N);
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j)
      out[static_cast<size_t>(i) * N + j] = (i / g - j / g + g - 1) * side() + (i % g - j % g + g - 1);
  return out;
}

Tensor RelativePosition::initial_table(int heads) const {
  const int S = side();
  Tensor t({heads, S, S});
  if (init != "locality") return t;
  for (int h = 0; h < heads; ++h) {
    const float a = std::ldexp(1.0f, -2 * (h + 1));  // 0.25^(h+1), exact as torch's 0.25 ** k
    for (int r = 0; r < S; ++r)
      for (int c = 0; c < S; ++c) {
        const float dr = static_cast<float>(r - (grid - 1)), dc = static_cast<float>(c - (grid - 1));
        const float d2 = static_cast<float>(cell_px * cell_px) * (dr * dr + dc * dc);
        t.data[(static_cast<size_t>(h) * S + r) * S + c] = -a * d2;
      }
  }
  return t;
}

RelativeBias::RelativeBias(const RelativePosition& pos, int heads)
    : heads_(heads), patches_(pos.patches()), table_size_(pos.side() * pos.side()), index_(pos.index()) {}

void RelativeBias::add(int B, const float* table, float* logits) const {
  const int N = patches_, T = N + 1;
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < heads_; ++h) {
      const float* tab = table + static_cast<size_t>(h) * table_size_;
      float* l = logits + (static_cast<size_t>(b) * heads_ + h) * T * T;
      for (int i = 0; i < N; ++i) {
        float* row = l + static_cast<size_t>(i + 1) * T + 1;
        const int32_t* idx = index_.data() + static_cast<size_t>(i) * N;
        for (int j = 0; j < N; ++j) row[j] += tab[idx[j]];
      }
    }
}

void RelativeBias::backward(int B, const float* dlogits, float* dtable) const {
  const int N = patches_, T = N + 1;
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < heads_; ++h) {
      float* dtab = dtable + static_cast<size_t>(h) * table_size_;
      const float* d = dlogits + (static_cast<size_t>(b) * heads_ + h) * T * T;
      for (int i = 0; i < N; ++i) {
        const float* row = d + static_cast<size_t>(i + 1) * T + 1;
        const int32_t* idx = index_.data() + static_cast<size_t>(i) * N;
        for (int j = 0; j < N; ++j) dtab[idx[j]] += row[j];
      }
    }
}

}  // namespace vc
