// Receptive fields (this header holds the definitions and their formulas; seed 000 for the theory, seed 002
// section 4-3 for the effective receptive field): which input pixels a unit of a layer can see (theoretical, from
// the engine's layer geometry) and how strongly each pixel moves it (effective, from the input gradient).
//
// Coordinates: input pixels of the MODEL input (S x S, 32 x 32 for the shipped models: the 28 x 28 image
// zero-padded by 2 on every side). Pixel (r, c) covers [r, r + 1) x [c, c + 1); its centre is (r + 0.5, c + 0.5).
//
// Theoretical receptive field (TRF) of a layer output whose units form a grid (a feature map, or the patch-token
// grid), the same along rows and columns (square kernels and inputs):
//   size_px   side of the square input box one unit sees
//   jump_px   input distance between two neighbouring units (the product of the strides so far)
//   start_px  centre of unit 0's box (may lie in the padding)
// Unit (row, col) sees the box of side size_px centred at (start + jump * row, start + jump * col).
// Recurrences (Araujo et al., Distill 2019, "Computing Receptive Fields of Convolutional Neural Networks"), from the
// input (size 1, jump 1, start 0.5), for a conv with kernel k, stride s, zero padding p and dilation d:
//   k_eff = d (k - 1) + 1;  size' = size + (k_eff - 1) jump;  start' = start + ((k_eff - 1) / 2 - p) jump;
//   jump' = jump s.
// So L stride-1 k x k convs see 1 + L (k - 1) px, and a stride multiplies the growth of every later layer.
// A step that sums several paths (a residual block: the conv path plus the shortcut, an empty path being the
// identity, which keeps the input's box) sees the union of its paths' boxes: lo = min_i (start_i - size_i / 2),
// hi = max_i (start_i + size_i / 2), size = hi - lo, start = (lo + hi) / 2; the paths must agree on the jump.
// A step with global mixing (attention: every token attends to every token; global average pooling) makes the
// TRF the whole input: `global`, size_px = S (start and jump still place the tokens on the grid).
// So: cnn, the conv recurrences through the residual blocks; vit, its p x p patch at "embed", then the whole image
// from "blocks.0" on; hybrid, the conv trunk's box (the 1x1 projection adds nothing), then the whole image.
//
// Units and their box. Map layer [1, C, h, w]: position (row, col). Token layer [1, 1 + h * w, D]: patch token
// n = row * w + col (sequence index n + 1) centred on its grid cell, or the CLS token (sequence index 0), whose
// centre is the image centre (S / 2, S / 2) and whose box is the whole image once a global step has mixed the
// tokens, empty before (at "embed" the CLS token is a learned constant: it sees no pixel).
//
// Effective receptive field (ERF; Luo et al. 2016): for one unit y of a layer, |d y / d x| over the input, y being
// the sum of the unit's channels (map) or features (token): Model::backward with a gradient of ones there. Summed
// over the input channels -> an [S, S] map; for N images, the mean of the N maps. Summary of a map m and the unit:
//   mass               sum m
//   r50_px, r90_px     radius of the smallest disc around the unit centre holding >= 50 % / 90 % of the mass:
//                      pixels sorted by the distance of their centre to the unit centre, the distance of the pixel
//                      at which the cumulative mass first reaches the fraction
//   share90_trf        pixels of the smallest set of largest-m pixels holding >= 90 % of the mass, divided by the
//                      area of the unit's TRF box clipped to the image (0 when that area is 0)
//   mass_outside_trf   share of the mass outside the clipped TRF box (exactly 0 for a conv layer: a property test)
// A map with zero mass (the CLS token at "embed") has every summary value 0.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/idx.h"
#include "core/safetensors.h"
#include "core/tensor.h"
#include "models/model.h"

namespace vc {

struct TheoreticalRf {
  std::string name;    // the step's traced output ("stem", "stages.1.0", "embed", "blocks.3", ...)
  FeatureShape shape;  // the step's output for one image: its grid is shape.h x shape.w
  double size_px = 1.0, jump_px = 1.0, start_px = 0.5;
  bool global = false;
};

// The TRF of every step of `layers` (Model::layers(), forward order) for an S x S input; an error when the paths
// of a step disagree on the jump.
Result<std::vector<TheoreticalRf>> theoretical_rfs(const std::vector<LayerInfo>& layers, int image_size);
// The TRF of a model's analysis layers (Model::layer_names(), depth order).
Result<std::vector<TheoreticalRf>> theoretical_rfs(const Model& model);

// A unit of a layer: a grid position (map position, or patch token row * w + col), or the CLS token.
struct RfUnit {
  bool cls = false;
  int row = 0, col = 0;
};
// The centre of the grid: (h / 2, w / 2).
RfUnit centre_unit(const TheoreticalRf& rf);
// The grid unit whose centre is nearest to the input point (row_px, col_px), clamped to the grid: the unit under
// the mouse, or the unit of another layer at the same place.
RfUnit unit_at(const TheoreticalRf& rf, double row_px, double col_px);

// Rows [top, bottom) and columns [left, right) of input pixels.
struct PixelBox {
  int top = 0, left = 0, bottom = 0, right = 0;
  int64_t area() const;
  bool contains(int row, int col) const { return row >= top && row < bottom && col >= left && col < right; }
};

// Where a unit sits in the input and what it sees.
struct UnitField {
  RfUnit unit;
  double centre_row = 0.0, centre_col = 0.0;  // px
  PixelBox box;                               // the TRF box (may reach outside the image)
  PixelBox clipped;                           // the same clipped to the image
  bool sees_input = true;                     // false for the CLS token before any global step: empty box
};
// An error when the unit is outside the grid, is the CLS token of a map layer, or the layer has no grid.
Result<UnitField> unit_field(const TheoreticalRf& rf, const RfUnit& unit, int image_size);

struct ErfSummary {
  double mass = 0.0, r50_px = 0.0, r90_px = 0.0, share90_trf = 0.0, mass_outside_trf = 0.0;
};
// The summary above of an ERF map [S, S] for the unit `field` describes.
ErfSummary summarize_erf(const Tensor& map, const UnitField& field);

// One unit of one layer of a model, checked: what Model::backward is seeded with.
struct ErfProbe {
  std::string layer;
  TheoreticalRf trf;
  UnitField field;
};
// An error naming the model's layers for an unknown (or non-analysis) layer, and the unit_field() errors.
Result<ErfProbe> erf_probe(const Model& model, std::string_view layer, const RfUnit& unit);

// |d y / d x| summed over the input channels, per image of x [B, C, S, S] -> [B, S, S]. One forward up to the
// layer and one backward, no weight gradients.
Result<Tensor> erf_maps(const Model& model, const ErfProbe& probe, const Tensor& x);

struct Erf {
  Tensor map;  // [S, S], the mean over `images` of the per-image maps
  int64_t images = 0;
  UnitField field;
  ErfSummary summary;
};

// The N-image mean in steps (a time-sliced job adds one image or a few per step). The model must outlive it.
// Sums are kept in double.
class ErfAccumulator {
 public:
  ErfAccumulator(const Model& model, ErfProbe probe);
  // Adds the B images of x [B, C, S, S].
  Status add(const Tensor& x);
  int64_t count() const { return count_; }
  const ErfProbe& probe() const { return probe_; }
  // The mean map and its summary; an error when nothing was added.
  Result<Erf> result() const;

 private:
  const Model* model_;
  ErfProbe probe_;
  std::vector<double> sum_;  // [S * S]
  int64_t count_ = 0;
};

// The ERF of one unit, averaged over the images of x [B, C, S, S] (B = 1: one image) in one call.
Result<Erf> effective_rf(const Model& model, std::string_view layer, const RfUnit& unit, const Tensor& x);

// Images per backward pass of mean_effective_rf: larger batches were slower natively (100 images of the p100
// models: batch 16 took 1.5-2.5x the time of batches of 1 or 4, which were equal within noise).
inline constexpr int kErfBatch = 4;
// The mean ERF over the test images [first, first + count) of `set`, kErfBatch images per backward pass.
Result<Erf> mean_effective_rf(const Model& model, std::string_view layer, const RfUnit& unit, const LabeledImages& set,
                              int first, int count);

// The receptive-field calculator: a plain chain of convs (no residual paths, no global step).
// A conv with "same" padding p = floor(d (k - 1) / 2), as every conv of the shipped models has.
ConvGeometry same_padded_conv(int kernel, int stride, int dilation);
// The TRF after each conv of `chain` on an S x S input (names "conv1", "conv2", ...; maps of one channel), by the
// recurrences above; the grid shrinks by ConvGeometry::out_size, to 0 x 0 once the input is used up.
std::vector<TheoreticalRf> conv_chain_rfs(std::span<const ConvGeometry> chain, int image_size);
// The longest chain of convs from the input (Model::layers(), forward order): the first path of every step before
// the first global step. The cnn: its stem, then conv1 and conv2 of every block (the shortcuts see less).
std::vector<ConvGeometry> main_conv_path(const std::vector<LayerInfo>& layers);

// The seed of every untrained model: `vitcnn rf --untrained`'s default, `vitcnn figures` and the lab.
inline constexpr uint64_t kUntrainedSeed = 0;
// Untrained weights of the same config, seeded (init_weights()); the metadata keeps the config, class names and
// input spec, and its "train" entry says untrained (fraction 0, the seed); no test accuracy.
Result<SafeTensors> untrained_weights(const Model& trained, uint64_t seed);
// The same loaded as a model, with the trained model's kernels.
Result<std::unique_ptr<Model>> untrained_model(const Model& trained, uint64_t seed);

}  // namespace vc
