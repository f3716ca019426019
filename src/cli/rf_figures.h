// The receptive-field part of `vitcnn figures`: rf_growth.png, erf_grid.png (each with its .csv) and a summary section with the
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
  std::vector<std::string> files;  // the files written: rf_growth.png, rf_growth.csv, erf_grid.png, erf_grid.csv
  std::string markdown;            // the summary section
  json numbers;                    // per family, variant and layer: TRF size, r50, r90, share90, mass outside
};

// For every family (vit, cnn, hybrid) with a p001 or p100 checkpoint in `models`: the TRF of each analysis layer
// and the mean ERF of its centre unit over test images [0, images) of `set`, for p001, p100 and an untrained model of
// the same config (seed 0). Families without checkpoints are left out; an error when none has one. rf_growth.png and
// erf_grid.png are slide figures (figures/receptive_field_figures.h) rendered with `fonts`, their words in L.
Result<RfFigures> receptive_field_figures(const std::filesystem::path& models, const std::filesystem::path& out,
                                          const LabeledImages& set, int images, const KernelTable& kernels,
                                          const FigureFonts& fonts, Language L);

}  // namespace vc::cli
