// The slide figure of the Receptive field view's growth plot (analysis/receptive_field.h), as a Figure
// (figures/figure.h) for the lab's PNG export and `vitcnn figures` alike. Layers count from 1.
#pragma once
#include <span>
#include <string>
#include <vector>

#include "figures/figure.h"

namespace vc {

// One model's receptive-field sizes by depth (analysis layers in depth order); an empty vector is not drawn.
struct RfCurves {
  std::string checkpoint;  // "vit_p100"; named in words (figures/words.h)
  bool untrained = false;  // the same architecture with random weights: "ViT, untrained", dashed
  std::vector<double> trf_px;          // the theoretical receptive field's side
  std::vector<double> r90_px, r50_px;  // the effective one's radii holding 90 % / 50 % of the gradient mass
};

// Receptive field size in px by layer: per model the theoretical box side (thin) and the effective field's diameters
// 2 r90 (thick) and 2 r50 (thin, dashed); dashed grey: the image side. `images`: the test images the effective
// fields are averaged over (1: the one image shown).
Figure rf_growth_figure(std::span<const RfCurves> models, int image_px, int images, Language L);

}  // namespace vc
