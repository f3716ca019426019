// The slide figures of the Receptive field view (analysis/receptive_field.h): the growth plot, the effective
// receptive field's map and a grid of them, as Figures (figures/figure.h) for the lab's PNG export and
// `vitcnn figures` alike. Layers and pixel rows / columns count from 1.
#pragma once
#include <span>
#include <string>
#include <vector>

#include "analysis/receptive_field.h"
#include "figures/figure.h"

namespace vc {

// One model's receptive-field sizes by depth (analysis layers in depth order); an empty vector is not drawn.
struct RfCurves {
  std::string checkpoint;  // "vit_p100"; named in words (figures/words.h)
  bool untrained = false;  // the same architecture with random weights: "ViT, untrained", dashed
  std::vector<double> trf_px;          // the theoretical receptive field's side
  std::vector<double> r90_px, r50_px;  // the effective one's radii holding 90 % / 50 % of the gradient mass
  std::vector<std::string> layers = {};  // the analysis layers' names ("stem", "blocks.2"), for the ticks (words.h)
};

// Receptive field size in px by layer (x: words.h shared_layer_axis of the models' layers): per model the
// theoretical box side (thin) and the effective field's diameters 2 r90 (thick) and 2 r50 (thin, dashed); dashed
// grey: the image side. `images`: the test images the effective fields are averaged over (1: the one image shown).
Figure rf_growth_figure(std::span<const RfCurves> models, int image_px, int images, Language L);
// Its numbers: one CSV line per model and layer (from 1, with its tick and name): the TRF side and the ERF's r90 and
// r50 (empty where not drawn), the test images the ERF is averaged over.
std::string rf_growth_csv(std::span<const RfCurves> models, int images);

// An ERF (analysis/receptive_field.h Erf) as a map panel: the mean |dy/dx| map, the unit's TRF box clipped to the
// image (none when the TRF is global), the unit's centre, and with `rings` circles of radius r90 and r50.
Panel erf_panel(const Erf& e, bool global_trf, bool rings);

// One row of the ERF grid: a model's ERFs of the centre unit, one per analysis layer in depth order.
struct ErfRow {
  std::string checkpoint;  // "vit_p100"; named in words (figures/words.h)
  bool untrained = false;  // the same architecture with random weights: "ViT, untrained"
  std::vector<const Erf*> erfs;
  std::vector<bool> global;  // per layer: the TRF covers the whole image (then no box)
  std::vector<std::string> layers = {};  // the analysis layers' names, for the ticks (words.h)
};
// Rows of models, columns of depth (words.h shared_layer_axis: every row's block 1 in one column): each ERF map
// coloured sqrt(value / the map's largest), with its TRF box and centre; `images`: the test images the maps are
// averaged over.
Figure erf_grid_figure(std::span<const ErfRow> rows, int images, Language L);

// The Receptive field view's map: one unit's ERF at `layer` (0-based) of `checkpoint`, over `image` (the input as
// the model sees it, figures/figure.h model_view; empty for a mean over `images` test images), with
// opacity `opacity` over it, the TRF box, the centre and the r90 / r50 circles.
struct ErfMap {
  const Erf* erf = nullptr;
  bool global_trf = false;
  std::string checkpoint;
  std::string layer;  // the layer's tick (words.h layer_ticks): "emb", "3"
  std::vector<double> image;
  int images = 1;
  double opacity = 0.75;
};
Figure erf_map_figure(const ErfMap& m, Language L);

// The Receptive field view's calculator: a stack of convolutions (stack[i] applied to row i - 1's output) and the
// theoretical receptive field after each (analysis/receptive_field.h theoretical_rfs); per row the box side (thick)
// and the jump (thin) in px, named "1: k3 s1" (kernel, stride, dilation when not 1); dashed: the image side.
Figure rf_calculator_figure(std::span<const ConvGeometry> stack, std::span<const TheoreticalRf> rows, int image_px,
                            Language L);

}  // namespace vc
