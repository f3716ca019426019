// The representation part of `vitcnn figures`: cka_vit_vit.png, cka_cnn_cnn.png, cka_vit_cnn.png (layer x layer
// heatmaps with a colour bar), skip_ratio.png, skip_ratio_tokens_<family>_p100.png (branch x token heatmaps),
// equivariance.png (slide figures of figures/render.h, 1600 px wide, each with its CSV),
// and a summary section stating what our p100 models show for each seed claim (analysis/representations.h),
// whichever way it falls.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "cli/common.h"
#include "core/idx.h"
#include "figures/render.h"
#include "kernels/kernels.h"

namespace vc::cli {

struct RepresentationFigures {
  std::vector<std::string> files;  // the PNGs written, each followed by its CSV
  std::string markdown;            // the summary section
  json numbers;                    // cka (cka_json per pair), skip (skip_ratios_json per family), equivariance
};

// The p100 checkpoints of vit, cnn and hybrid found in `models` (families without one are left out; an error when
// none has one): CKA over the test images [0, cka_images) in minibatches of min(kCkaBatch, cka_images), skip ratios
// and equivariance over [0, images). The PNGs are drawn by figures/render.h with `fonts`
// (figures/representation_figures.h builds them, their words in L).
Result<RepresentationFigures> representation_figures(const std::filesystem::path& models,
                                                     const std::filesystem::path& out, const LabeledImages& set,
                                                     int cka_images, int images, const KernelTable& kernels,
                                                     const FigureFonts& fonts, Language L);

}  // namespace vc::cli
