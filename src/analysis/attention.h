// Attention analyses over the traced attention probabilities of a vit, rvit or hybrid model: CLS and token
// maps, attention rollout, mean attention distance (each definition and its formula below).
// Every function is pure: it reads the probs tensors and returns new values.
#pragma once
#include <cstdint>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"
#include "models/model.h"

namespace vc {

// The attention probs of one forward pass, in layer order, all validated to one shape
// [B, H, T, T] with T = 1 + grid * grid (a CLS token then the patch tokens in row-major grid order).
struct AttentionStack {
  std::vector<const Tensor*> layers;  // borrowed: the trace (or tensors) must outlive the stack
  int batch = 0, heads = 0, tokens = 0, grid = 0;
  int num_layers() const { return static_cast<int>(layers.size()); }
};

// Collects "blocks.{i}.attn.probs" for i = 0, 1, ... from a trace; an error when there are none
// (a cnn, or a trace that did not request TraceKind::AttnProbs) or when shapes disagree.
Result<AttentionStack> attention_stack(const Trace& trace);
// The same from explicit per-layer tensors, each [B, H, T, T].
Result<AttentionStack> attention_stack(const std::vector<Tensor>& probs);

// CLS map: A[layer, head, 0, 1:] of image b -> [grid, grid].
Result<Tensor> cls_map(const AttentionStack& s, int b, int layer, int head);
// Token map: A[layer, head, patch + 1, 1:] of image b (where patch `patch` attends) -> [grid, grid].
Result<Tensor> token_map(const AttentionStack& s, int b, int layer, int head, int patch);

// Attention rollout (Abnar & Zuidema 2020) of image b: R = prod over layers (last on the left) of
// Abar_l = rownorm(0.5 * mean_h A[l, h] + 0.5 * I) -> [T, T]; each row of R sums to 1.
Result<Tensor> rollout(const AttentionStack& s, int b);
// Row 0 of the rollout (what the CLS token gathers) over the patch tokens -> [grid, grid].
Result<Tensor> rollout_cls_map(const AttentionStack& s, int b);
// Row `row` of a [T, T] matrix m (row-major, T = tokens) over the patch tokens (columns 1..T-1) -> [grid, grid].
Tensor patch_row(const float* m, int tokens, int grid, int row);

// Mean attention distance per layer and head, [layers * heads] row-major (index l * heads + h).
struct AttentionDistance {
  int layers = 0, heads = 0;
  int grid = 0;         // patch grid side
  double cell_px = 0;   // input pixels per token cell
  std::vector<double> px;       // in input pixels
  std::vector<double> patches;  // in token cells (px / cell_px)
};

// d[l, h] = sum_ij A[l,h,i,j] * ||pos_i - pos_j|| / sum_ij A[l,h,i,j] over patch tokens i, j of image b
// (CLS excluded); pos = cell centre, a cell being cell_px input pixels wide (vit, rvit: the patch size;
// hybrid: image_size / grid).
Result<AttentionDistance> attention_distance(const AttentionStack& s, int b, double cell_px);

// Mean over images of the per-image distances. The sums are kept in 64-bit fixed point
// (2^-32 resolution), so the mean is bitwise the same whatever order the images are added in,
// and partial means (time-sliced jobs, threads) can be merged.
class DistanceMean {
 public:
  Status add(const AttentionDistance& d);
  Status merge(const DistanceMean& other);
  int64_t count() const { return count_; }
  // Error when nothing was added.
  Result<AttentionDistance> mean() const;

 private:
  int layers_ = 0, heads_ = 0, grid_ = 0;
  double cell_px_ = 0;
  int64_t count_ = 0;
  std::vector<int64_t> px_, patches_;
  Status check_shape(int layers, int heads, int grid, double cell_px);
};

// Mean attention distance, in px, that uniform attention over all patch tokens gives: the mean distance between
// two cells of a grid x grid patch grid (cells cell_px wide), the level of a head with no preference for near or
// far patches. An error for grid < 1 or cell_px <= 0.
Result<double> uniform_attention_distance_px(int grid, double cell_px);
// A head counts as local when its mean distance is below this fraction of the uniform level.
inline constexpr double kLocalFraction = 0.5;
// How many of the first layers the local-head count looks at (does a low-data ViT learn local heads early?).
inline constexpr int kEarlyLayers = 2;
// Heads of layers [0, first_layers) whose mean distance is below threshold_px.
int local_heads(const AttentionDistance& d, int first_layers, double threshold_px);
// Mean over the heads of layer `layer`'s distance in px: (1/H) sum_h d.px[layer * H + h].
double layer_head_mean(const AttentionDistance& d, int layer);

// How local a model's heads are, every layer counted ("plain ViT: near-uniform; rvit: local heads").
struct Locality {
  int local_heads = 0, heads = 0;  // heads below threshold_px, of layers * heads
  double uniform_px = 0.0;         // uniform_attention_distance_px of the grid
  double threshold_px = 0.0;       // kLocalFraction * uniform_px
  double farthest_from_uniform_px = 0.0;  // max over heads of |d - uniform_px|
};
Result<Locality> locality(const AttentionDistance& d);

// Input pixels per token cell of a model whose attention covers a grid x grid patch grid:
// image_size / grid (vit, rvit: the patch size; hybrid: the stride of its conv trunk).
double cell_px_of(const Model& model, int grid);

// One forward pass of x [B, C, S, S] tracing only the attention -> the probs of every layer, in layer order,
// each [B, H, T, T] (validated as by attention_stack). An error for a cnn. The one place attention analyses
// run a model.
Result<std::vector<Tensor>> attention_probs(const Model& model, const Tensor& x);

// The attention of one input image through a vit or hybrid model: what the lab's Attention view and
// `vitcnn attention` show.
struct AttentionImage {
  std::vector<Tensor> probs;     // per layer [1, H, T, T]
  std::vector<Tensor> rollouts;  // per layer l: the rollout through layers 0..l, [T, T]; empty without rollouts
  AttentionDistance distance;    // also the sizes: layers, heads, grid, cell_px
};
// x [1, C, S, S]: one image as model input (core/image.h make_input, as every caller prepares it).
// Without rollouts (averaging needs only the distances), `rollouts` stays empty. An error for a cnn.
Result<AttentionImage> analyse_attention(const Model& model, const Tensor& x, bool with_rollouts);
// The grid x grid map for (layer, head): the CLS row, or the row of `patch` (>= 0); with `use_rollout`, the same
// row of the rollout through `layer` (then `head` is not used).
Result<Tensor> attention_map(const AttentionImage& a, int layer, int head, bool use_rollout, int patch);
// The top of one colour scale shared by every map shown of the row of `patch` (as attention_map): the largest value
// of all layers x heads maps and of the enlarged map (layer, head, use_rollout); 0 when none can be drawn.
float shared_map_max(const AttentionImage& a, int layer, int head, bool use_rollout, int patch);

// Runs `model` over x [N, C, S, S] in batches of `batch` images, tracing only the attention, and
// returns the mean over the N images of the per-image attention distance. An error for a cnn.
Result<AttentionDistance> mean_attention_distance(const Model& model, const Tensor& x, int batch);
// One batch of it: adds the per-image distances of the images of x [B, C, S, S] (one forward) to `mean`, so a
// time-sliced job gets bitwise the same mean as mean_attention_distance over the same images.
Status add_attention_distances(const Model& model, const Tensor& x, DistanceMean& mean);

}  // namespace vc
