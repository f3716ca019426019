// rvit's relative-position attention bias (CoAtNet-style; models.RelPos and models.Attention.relative_bias).
// Each head h of a block has a learned table rel_bias[h] [2g-1, 2g-1] over the offsets between the patch tokens
// of a g x g grid. Token 0 is CLS, token 1 + r * g + c is patch (r, c). The logit of patch query i = (ri, ci) and
// patch key j = (rj, cj) gets table[h, ri - rj + g - 1, ci - cj + g - 1]; the CLS row and column get nothing.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace vc {

// Where the bias applies and how training started its table.  torch: models.RelPos(grid, cell_px, init)
struct RelativePosition {
  int grid = 0;      // g
  int cell_px = 0;   // input pixels between neighbouring patch centres (the patch size)
  std::string init;  // "locality" | "zero"

  int side() const { return 2 * grid - 1; }
  int patches() const { return grid * grid; }
  // [N, N], N = g * g: the flat table index (ri - rj + g - 1) * (2g - 1) + (ci - cj + g - 1).  torch: RelPos.index()
  std::vector<int32_t> index() const;
  // [H, 2g-1, 2g-1]: "locality" -a_h * d^2, d^2 = cell_px^2 (drow^2 + dcol^2) in px^2, a_h = 4^-(h+1) per px^2
  // (1/4, 1/16, 1/64, 1/256 for 4 heads); "zero" zeros.  torch: RelPos.initial_table(heads)
  Tensor initial_table(int heads) const;
};

// The bias of one block's H heads, gathered from (and its gradient scattered into) a table [H, 2g-1, 2g-1].
class RelativeBias {
 public:
  RelativeBias(const RelativePosition& pos, int heads);
  // logits [B, H, T, T] (T = 1 + N) += table[h].flat[index[i, j]] at patch query 1 + i, patch key 1 + j.
  // torch: logits + F.pad(rel_bias.flatten(1)[:, rel_index], (1, 0, 1, 0))
  void add(int B, const float* table, float* logits) const;
  // dtable [H, 2g-1, 2g-1] += at each index k the sum over images and over the patch pairs (i, j) with
  // index[i, j] = k of dlogits[b, h, 1 + i, 1 + j].  torch: autograd of relative_bias() (the gather's backward)
  void backward(int B, const float* dlogits, float* dtable) const;

 private:
  int heads_, patches_, table_size_;
  std::vector<int32_t> index_;  // [N, N]
};

}  // namespace vc
