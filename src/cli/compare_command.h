// The CNN-vs-ViT comparison in the CLI (analysis/compare.h): `vitcnn compare` (table (b) as CSV, Markdown and JSON)
// and the data-scale part of `vitcnn figures` (data_scale.png and its summary sentence).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "analysis/compare.h"
#include "cli/common.h"

namespace vc::cli {

struct DataScaleFigure {
  std::vector<std::string> files;  // data_scale.png and data_scale.csv
  std::string markdown;  // the summary section: the accuracies and what the curve shows
  json numbers;          // data_scale_json, and the finding
};
// Draws data_scale.png into `out` from the checkpoints' recorded accuracies in `models` (figures/compare_figures.h:
// accuracy against the share of training data, standard-error bars, one line per family; rendered with `fonts`) and
// writes the finding. A missing checkpoint is a missing point; an error when the vit's or the cnn's 1 % or 100 %
// checkpoint is missing. The figure's words in L.
Result<DataScaleFigure> data_scale_figure(const std::filesystem::path& models, const std::filesystem::path& out,
                                          const FigureFonts& fonts, Language L);

}  // namespace vc::cli
