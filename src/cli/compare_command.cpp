// vitcnn compare: table (b) of the Compare view measured natively (analysis/compare.h: the same pieces and the same
// assembly as the page; the forward time is this machine's), written as compare.csv and compare.md and printed as
// JSON. And the data-scale figure of `vitcnn figures`.
#include "cli/compare_command.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <fstream>
#include <memory>
#include <span>

#include "cli/cli.h"
#include "figures/compare_figures.h"

namespace vc::cli {
namespace {

namespace fs = std::filesystem;

using Checkpoints = std::array<std::array<std::unique_ptr<Model>, kDataScaleCount>, kFamilyCount>;

// Every "<family>_p<NNN>.safetensors" of `models` that exists, loaded with `kernels`.
Result<Checkpoints> load_checkpoints(const fs::path& models, const KernelTable& kernels) {
  std::error_code ec;
  if (!fs::is_directory(models, ec)) return Error{"no checkpoint folder '" + models.string() + "'"};
  Checkpoints out;
  for (int f = 0; f < kFamilyCount; ++f)
    for (int s = 0; s < kDataScaleCount; ++s) {
      const fs::path path = models / (checkpoint_name(f, s) + ".safetensors");
      if (!fs::exists(path)) continue;
      Result<std::unique_ptr<Model>> m = load_model_file(path.string());
      if (!m) return Error{"cannot load '" + path.string() + "': " + m.error().message};
      (*m)->set_kernels(kernels);
      out[f][s] = std::move(*m);
    }
  return out;
}

// The recorded accuracy of every loaded checkpoint.
CompareMeasures recorded_measures(const Checkpoints& c) {
  CompareMeasures m;
  for (int f = 0; f < kFamilyCount; ++f)
    for (int s = 0; s < kDataScaleCount; ++s)
      if (c[f][s]) add_recorded_accuracy(m, f, s, *c[f][s]);
  return m;
}

double now_ms() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

Result<json> run_compare(const Args& args) {
  if (!args.has("out")) return Error{"--out DIR is required"};
  const fs::path out = args.get("out"), models = args.get("models-dir", "assets/models");
  Result<const KernelTable*> chosen = kernels_from_args(args);
  if (!chosen) return chosen.error();
  const KernelTable* kernels = *chosen;
  const std::string backend = kernels->name;
  Result<LabeledImages> set = open_test_set(args);
  if (!set) return set.error();
  Result<int> images = args.get_int("images", kCompareImages, kCompareCkaBatch, set->count);
  if (!images) return images.error();
  if (*images % kCompareCkaBatch != 0)
    return Error{"--images must be a multiple of " + std::to_string(kCompareCkaBatch) + " (CKA's minibatch), got " +
                 std::to_string(*images)};
  Result<Checkpoints> checkpoints = load_checkpoints(models, *kernels);
  if (!checkpoints) return checkpoints.error();
  for (int f = 0; f < kFamilyCount; ++f)
    if (!(*checkpoints)[f][kDefaultScale])
      return Error{"compare needs " + checkpoint_name(f, kDefaultScale) + ".safetensors in '" + models.string() + "'"};
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec || !fs::is_directory(out)) return Error{"cannot create the folder '" + out.string() + "'"};

  CompareMeasures m = recorded_measures(*checkpoints);
  m.images = *images;
  auto p100 = [&](int f) -> const Model& { return *(*checkpoints)[f][kDefaultScale]; };
  for (int f = 0; f < kFamilyCount; ++f) add_model_facts(m, f, p100(f));
  for (const ComparePiece& piece : compare_pieces()) {
    Result<std::unique_ptr<CompareStep>> step = make_compare_step(
        piece, p100(piece.family), piece.other >= 0 ? &p100(piece.other) : nullptr, *set, *images, now_ms);
    if (!step) return Error{piece.name() + ": " + step.error().message};
    for (;;) {
      Result<bool> done = (*step)->step();
      if (!done) return Error{piece.name() + ": " + done.error().message};
      if (*done) break;
    }
    (*step)->write(m);
  }

  const CompareTable table = compare_table(m);
  const TextTable text = compare_text_table(table);
  const std::string csv = (out / "compare.csv").string(), md = (out / "compare.md").string();
  if (Status s = write_text(csv, table_csv(text)); !s) return s.error();
  const std::string markdown = "# Measured here: the lab's four families\n\n"
                               "`vitcnn compare` (backend " + backend + ") on the p100 checkpoints of '" +
                               models.string() + "'; per-image measurements over the first " +
                               std::to_string(*images) +
                               " Fashion-MNIST test images; accuracies as recorded in the checkpoints (the whole "
                               "test set, ± the standard error sqrt(p (1 - p) / n)); forward time measured on this "
                               "machine.\n\n" +
                               table_markdown(text) + "\n## " + kCitedLabel + "\n\n" + table_markdown(cited_table());
  if (Status s = write_text(md, markdown); !s) return s.error();
  const std::array<DataScaleCurve, kFamilyCount> curves = data_scale_curves(m);
  return json{{"files", {csv, md}},
              {"backend", backend},
              {"table", compare_json(table)},
              {"data_scale", data_scale_json(curves)}};
}

}  // namespace

Result<DataScaleFigure> data_scale_figure(const fs::path& models, const fs::path& out, const FigureFonts& fonts,
                                          Language L) {
  Result<Checkpoints> checkpoints = load_checkpoints(models, kernels_simd());
  if (!checkpoints) return checkpoints.error();
  const std::array<DataScaleCurve, kFamilyCount> all = data_scale_curves(recorded_measures(*checkpoints));
  const Result<DataScaleFinding> finding = data_scale_finding(all[kVitFamily], all[kCnnFamily]);
  std::vector<DataScaleCurve> curves;
  for (const DataScaleCurve& c : all)
    for (const std::optional<MeasuredAccuracy>& p : c.points)
      if (p) {
        curves.push_back(c);
        break;
      }
  DataScaleFigure fig;
  fig.files = {(out / "data_scale.png").string(), (out / "data_scale.csv").string()};
  if (Status s = write_figure_csv(vc::data_scale_figure(curves, {}, L), data_scale_csv(curves, {}), fonts,
                                  (out / "data_scale").string());
      !s)
    return s.error();
  TextTable t{{"family"}, {}};
  for (int s = 0; s < kDataScaleCount; ++s) t.header.push_back(std::to_string(data_scale_percent(s)) + " %");
  for (const DataScaleCurve& c : curves) {
    std::vector<std::string> row = {kFamilies[c.family]};
    for (const std::optional<MeasuredAccuracy>& p : c.points)
      row.push_back(p ? fixed(100.0 * p->accuracy, 2) + " ± " + fixed(100.0 * p->standard_error, 2) : kMissingCell);
    t.rows.push_back(std::move(row));
  }
  fig.markdown = "\n## Does the ViT gain more from data than the CNN? (data-scale curve)\n\n"
                 "Test accuracy in % of each checkpoint as recorded at export (all 10000 test images, ± the standard "
                 "error sqrt(p (1 - p) / n)), by the share of the training set it was trained on "
                 "(`data_scale.png`):\n\n" +
                 table_markdown(t) + "\n" +
                 (finding ? data_scale_sentence(*finding)
                          : finding.error().message + " with recorded accuracies: not measured.") +
                 "\n";
  fig.numbers = data_scale_json(curves);
  if (!finding) return fig;
  const char* kOutcomes[] = {"vit_gains_more", "cnn_gains_more", "no_clear_difference"};
  fig.numbers["finding"] = {{"vit_gain", finding->vit.gain},
                            {"vit_gain_se", finding->vit.standard_error},
                            {"cnn_gain", finding->cnn.gain},
                            {"cnn_gain_se", finding->cnn.standard_error},
                            {"difference", finding->difference},
                            {"difference_se", finding->standard_error},
                            {"outcome", kOutcomes[static_cast<int>(finding->outcome)]},
                            {"gap_low", finding->gap_low},
                            {"gap_high", finding->gap_high}};
  return fig;
}

Command compare_command() {
  return {"compare",
          "the Compare view's table (b) measured natively: compare.csv, compare.md and JSON",
          {{"out", "DIR", "output folder (created)"},
           {"models-dir", "DIR", "checkpoint folder (default assets/models; needs the four p100 checkpoints)"},
           {"images", "N", "test images of the per-image measurements, a multiple of 20 (default 20)"},
           data_flag(),
           backend_flag()},
          run_compare};
}

}  // namespace vc::cli
