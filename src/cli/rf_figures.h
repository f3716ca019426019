// The receptive-field part of `vitcnn figures`: rf_growth.png, erf_grid.png and a summary section with the
// measured table (theoretical size vs effective r90 per family and depth; p001, p100 and untrained weights).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "cli/common.h"
#include "core/idx.h"
#include "kernels/kernels.h"

namespace vc::cli {

struct RfFigures {
  std::vector<std::string> files;  // the PNGs written
  std::string markdown;            // the summary section
  json numbers;                    // per family, variant and layer: TRF size, r50, r90, share90, mass outside
};

// For every family (vit, cnn, hybrid) with a p001 or p100 checkpoint in `models`: the TRF of each analysis layer
// and the mean ERF of its centre unit over test images [0, images) of `set`, for p001, p100 and an untrained model of
// the same config (seed 0). Families without checkpoints are left out; an error when none has one. rf_growth.png is
// a slide figure (figures/receptive_field_figures.h) rendered with `fonts`; erf_grid.png is still drawn by cli/raster.h.
Result<RfFigures> receptive_field_figures(const std::filesystem::path& models, const std::filesystem::path& out,
                                          const LabeledImages& set, int images, const KernelTable& kernels,
                                          const FigureFonts& fonts);

}  // namespace vc::cli
