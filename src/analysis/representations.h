// Representation analyses (seed 002, Raghu et al. 2021; seeds 000 and 004 for equivariance): how similar the
// layers of one or two models are (linear CKA), how much each residual branch changes its input (skip ratio), and
// whether a layer's features move with a shifted input (translation equivariance) and the prediction stays
// (invariance). Definitions and formulas below; references: tools/analysis_ref/cka_ref.py (NumPy) and
// tools/analysis_ref/representations_ref.py (PyTorch on tools/train/models.py).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/idx.h"
#include "core/tensor.h"
#include "models/model.h"

namespace vc {

// ---- Linear CKA -------------------------------------------------------------------------------------------------
// Layer features of n images: X [n, p], one row per image = the layer's output for that image flattened (a map
// [C, h, w] or tokens [T, D], the CLS token included). K = X X^T [n, n] (linear kernel).
// Unbiased HSIC (Song et al. 2012), for n >= 4, with K~ = K with its diagonal set to 0:
//   HSIC1(K, L) = [ tr(K~ L~) + (1^T K~ 1)(1^T L~ 1) / ((n - 1)(n - 2)) - 2 / (n - 2) 1^T K~ L~ 1 ] / (n (n - 3))
// Minibatch CKA (Nguyen et al. 2021): the images are split into minibatches of m (in order, every minibatch full);
//   CKA(X, Y) = sum_b HSIC1(K_b, L_b) / sqrt( sum_b HSIC1(K_b, K_b) * sum_b HSIC1(L_b, L_b) )
// With one minibatch of all n images it is the unbiased full-batch CKA. Properties (tested): symmetric, 1 for X with
// itself, invariant to X -> X Q (Q orthogonal) and X -> a X (a > 0); the minibatch value tends to the full-batch one.
inline constexpr int kCkaBatch = 100;   // images per minibatch (m) in the lab and the CLI
inline constexpr int kCkaMinBatch = 4;  // HSIC1 needs n >= 4

// HSIC1 of two Gram matrices [n, n] (symmetric), in double. An error for n < 4 or different shapes.
Result<double> hsic_unbiased(const Tensor& K, const Tensor& L);
// The Gram matrix X X^T [n, n] of features X [n, p] (any tensor whose first dim is n: flattened per row), by the
// table's GEMM.
Tensor gram(const Tensor& X, const KernelTable& k = kernels_simd());
// The minibatch CKA of features X [n, ...] and Y [n, ...] (flattened per row) over minibatches of `batch` rows, as
// the accumulator computes it (centred Grams by the table's GEMM, HSIC sums in double). An error when the row counts
// differ, batch < kCkaMinBatch, or n is not a positive multiple of batch.
Result<double> minibatch_cka(const Tensor& X, const Tensor& Y, int batch, const KernelTable& k = kernels_simd());
// HSIC1 is unchanged when a constant row is added to every row of X (the linear kernel's HSIC is a covariance), so
// the Grams are built from each row minus the minibatch's first row: the float32 Gram then holds how the images
// differ, not their large common part.

class GramBuilder;  // one layer's Gram of the minibatch being filled (representations.cpp)

// The CKA of every layer of model A (rows) with every layer of model B (columns), over minibatches of `batch` images
// that arrive a chunk at a time (a time-sliced job adds kCkaChunk images per step; the Gram of a minibatch grows by
// the chunk's rows, so a step costs the chunk's forward passes and its Gram rows). The result does not depend on how
// the images are chunked. A and B may be the same model. Layers: Model::layer_names(). Both models must take the same
// input shape (else an error naming both sizes); each gets its own normalization.
inline constexpr int kCkaChunk = 10;  // images per step in the lab's job and the CLI
class CkaAccumulator {
 public:
  // An error when the models' inputs differ or batch < kCkaMinBatch. Both models must outlive the accumulator.
  static Result<CkaAccumulator> create(const Model& a, const Model& b, int batch = kCkaBatch);
  CkaAccumulator(CkaAccumulator&&) noexcept;
  CkaAccumulator& operator=(CkaAccumulator&&) noexcept;
  ~CkaAccumulator();
  // The next images: the test images [first, first + count) of `set` (count >= 1), made into each model's input
  // (make_input with its InputSpec), one forward per model (B's skipped when it is A). A minibatch's HSIC terms are
  // added when its last image arrives.
  Status add(const LabeledImages& set, int first, int count);
  int64_t images() const { return images_; }     // in completed minibatches (what matrix() covers)
  int64_t received() const { return images_ + pending_; }  // including the minibatch being filled
  int batch() const { return batch_; }
  // Bytes held for the minibatch being filled (its rows and Grams); 0 between minibatches, so once the images are a
  // multiple of the batch.
  int64_t buffer_bytes() const;
  const std::vector<std::string>& rows() const { return rows_; }  // A's layer names
  const std::vector<std::string>& cols() const { return cols_; }  // B's layer names
  // [rows, cols] row-major; an error before the first completed minibatch.
  Result<std::vector<double>> matrix() const;

 private:
  CkaAccumulator();
  Status append(const Model& model, const LabeledImages& set, int first, int count, std::vector<GramBuilder>& grams,
                size_t layers);
  void finish_minibatch();
  const Model* a_ = nullptr;
  const Model* b_ = nullptr;
  int batch_ = kCkaBatch;
  std::vector<std::string> rows_, cols_;
  std::vector<GramBuilder> grams_a_, grams_b_;       // per layer, the minibatch being filled
  std::vector<double> hsic_ab_, hsic_aa_, hsic_bb_;  // sums over minibatches: [rows * cols], [rows], [cols]
  int64_t images_ = 0;
  int pending_ = 0;  // images of the minibatch being filled
};

struct CkaResult {
  std::vector<std::string> rows, cols;  // layer names of A and B
  std::vector<double> matrix;           // [rows, cols] row-major
  int64_t images = 0;
  int batch = kCkaBatch;
};
// CKA over the test images [0, images) of `set`, minibatches of `batch` (images must be a multiple of batch, and
// batch >= kCkaMinBatch; else an error that says so). What `vitcnn cka` prints and the lab's job computes.
Result<CkaResult> cka_on_test_set(const Model& a, const Model& b, const LabeledImages& set, int images,
                                  int batch = kCkaBatch);

// ---- Skip ratio -------------------------------------------------------------------------------------------------
// For each residual branch y = x + f(x) (seed 002 section 5-1), per token t (a transformer's CLS and patch tokens,
// or a position of a CNN feature map):  ratio_t = ||x_t|| / ||x_t + f(x_t)||  (norms over the channels / features).
// Large (> 1 means f(x) points against x; near 1: the branch changes little): the skip path dominates.
// Branches, in forward order:
//   transformer block i: "blocks.{i}.attn" (x = the block's input, f = the attention branch "blocks.{i}.attn.branch"),
//                        "blocks.{i}.mlp"  (x = "blocks.{i}.mid", f = "blocks.{i}.mlp.branch")
//   basic block s.b:     "stages.{s}.{b}" (x = the shortcut "stages.{s}.{b}.shortcut" (the input itself, or the
//                        1x1 projection), f = the conv path "stages.{s}.{b}.branch"; the sum before the final ReLU)
// The ratio is the mean over images of the per-image ratio (a token with x_t + f(x_t) = 0 counts 1).
struct SkipBranch {
  std::string name;       // "blocks.3.attn", "stages.1.0"
  bool has_cls = false;   // token layout: ratio[0] is the CLS token
  int h = 0, w = 0;       // the grid of the spatial tokens / positions
  std::vector<double> ratio;  // [has_cls + h * w]: the CLS token first (if any), then the grid row-major
  double cls = 0.0;           // ratio of the CLS token (0 without one)
  double spatial_mean = 0.0;  // mean over the grid tokens / positions
};
struct SkipRatios {
  std::vector<SkipBranch> branches;
  int64_t images = 0;
};
// The per-token sums of the ratios over images added a batch at a time (a time-sliced job adds kSkipChunk images
// per step); the result does not depend on how the images are split.
inline constexpr int kSkipChunk = 10;
class SkipAccumulator {
 public:
  // An error for a model with no residual branch. The model must outlive the accumulator.
  static Result<SkipAccumulator> create(const Model& model);
  // The images of x [B, C, S, S] (B >= 1): one forward that traces the branches' tensors only.
  Status add(const Tensor& x);
  int64_t images() const { return images_; }
  // Means over the images so far; an error before the first image.
  Result<SkipRatios> result() const;

 private:
  SkipAccumulator() = default;
  const Model* model_ = nullptr;
  std::vector<std::string> names_, x_names_, f_names_;  // per branch: its name, x and f(x) traced names
  std::vector<SkipBranch> sums_;                          // ratio holds the sums over images
  int64_t images_ = 0;
};
// Over the images of x [N, C, S, S], in batches of `batch`. An error for a model with no residual branch.
Result<SkipRatios> skip_ratios(const Model& model, const Tensor& x, int batch);

// ---- Translation equivariance and invariance ---------------------------------------------------------------------
// T_k: the 28 x 28 image shifted right by k px, the k columns that enter on the left set to 0 (background); then
// make_input as usual. For a layer with a grid (map [C, n, n] or the patch tokens of [1 + n n, D]; the CLS token is
// left out) of stride s = S / n px per cell, when k / s is an integer c the shifted features are F(x) moved right by
// c cells, and the layer is compared on the columns [c, n) where both are defined:
//   err_l(k) = sqrt( sum_images ||F_l(T_k x) - shift_c F_l(x)||^2 ) / sqrt( sum_images ||shift_c F_l(x)||^2 )
// over those columns (all rows, channels). 0: perfectly equivariant. When k / s is not an integer the layer has no
// value for k (defined = false). Invariance: the share of images whose top-1 class changes under T_k.
inline constexpr int kMaxShift = 4;
// The 28 x 28 image (row-major, [0, 1]) shifted right by k px with zero fill. k in [0, 28].
std::vector<float> shift_image_right(const std::vector<float>& image28, int k);
struct EquivarianceLayer {
  std::string name;
  int grid = 0;              // n
  double stride_px = 0.0;    // s
  std::vector<bool> defined;  // [kMaxShift]: for k = 1..kMaxShift
  std::vector<double> error;  // [kMaxShift]: err_l(k) (0 where not defined)
};
struct Equivariance {
  std::vector<EquivarianceLayer> layers;  // Model::layer_names() order
  std::vector<double> top1_changed;       // [kMaxShift]: share of images whose top-1 changes, k = 1..kMaxShift
  int64_t images = 0;
};
inline constexpr int kEquivarianceBatch = 50;  // images per forward pass at most
inline constexpr int kEquivarianceChunk = 5;   // images per step of the lab's jobs: 5 (kMaxShift + 1) forwards
// The sums of err_l(k) and the top-1 changes, over test images added a few at a time (a time-sliced job adds
// kEquivarianceChunk per step); the result does not depend on how the images are split, up to the float rounding of
// forward passes of another batch size.
class EquivarianceAccumulator {
 public:
  explicit EquivarianceAccumulator(const Model& model) : model_(&model) {}  // the model must outlive it
  // The test images [first, first + count) of `set` (28 x 28), kMaxShift + 1 forward passes.
  Status add(const LabeledImages& set, int first, int count);
  int64_t images() const { return images_; }
  // An error before the first image.
  Result<Equivariance> result() const;

 private:
  const Model* model_;
  std::vector<EquivarianceLayer> layers_;  // names, grids, defined (error unused until result())
  std::vector<std::vector<double>> num_, den_;  // [layers][kMaxShift]
  std::vector<int64_t> changed_ = std::vector<int64_t>(kMaxShift, 0);
  int64_t images_ = 0;
};
// Over the test images [first, first + count) of `set`, in batches of kEquivarianceBatch.
Result<Equivariance> equivariance_on_test_set(const Model& model, const LabeledImages& set, int first, int count);

// ---- Summaries of the seed claims (what `vitcnn figures` states) -------------------------------------------------
// Seed 002 section 3: (a) ViT layers are more uniform bottom to top than the ResNet's; (b) the ViT's lower layers
// resemble the ResNet's lower layers only partly; section 5-1: (c) a phase transition in the skip ratio (CLS high early
// and low late, spatial tokens the reverse); seeds 000, 004: (d) a CNN's features are more translation-equivariant.

// CKA at or above this: "alike"; below kCkaUnlike: "unlike"; between: "partly alike".
inline constexpr double kCkaAlike = 0.9;
inline constexpr double kCkaUnlike = 0.3;
// Two mean CKAs closer than this count as equal: a margin for the sampling noise of the estimate (a choice, not a
// measured bound).
inline constexpr double kCkaMargin = 0.02;
// Within one model (rows == cols): the mean CKA of adjacent layers (l, l + 1), and of all pairs l != m. An error for
// a matrix that is not square or has fewer than 2 layers.
Result<double> mean_adjacent_cka(const CkaResult& r);
Result<double> mean_pairwise_cka(const CkaResult& r);
// The lower halves (the first ceil(n / 2) layers of each side): for each lower row layer, its highest CKA with a lower
// column layer; the mean of those.
double lower_half_best_match(const CkaResult& r);

// Skip ratios in the first and the second half of the branches (in forward order): the mean CLS ratio (over the
// branches with a CLS token; 0 without) and the mean spatial ratio (over the token branches of a model with a CLS
// token, else over every branch).
struct SkipTrend {
  bool has_cls = false;
  double cls_early = 0.0, cls_late = 0.0;
  double spatial_early = 0.0, spatial_late = 0.0;
};
SkipTrend skip_trend(const SkipRatios& s);
// The colour range of a per-token skip-ratio heatmap: the smallest and largest ratio of any branch and token, rounded
// out to a tenth, at least a tenth apart.
struct SkipRange {
  double lo = 0.0, hi = 0.1;
};
SkipRange skip_colour_range(const SkipRatios& s);

// The mean equivariance error at shift k (1..kMaxShift) over the layers where it is defined; an error when none is.
Result<double> mean_equivariance_error(const Equivariance& e, int k);

}  // namespace vc
