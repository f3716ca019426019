// The CNN-vs-ViT comparison (the lab's Compare view and `vitcnn compare`): the data-scale curve from the
// checkpoints' recorded test accuracies, the table of numbers measured here on our four families, and the table
// cited from the literature. The page and the CLI compute table (b) from the same pieces (CompareStep, below) and
// assemble it with the same function (compare_table), so they print the same numbers; only the forward time is
// measured by each on its own machine.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analysis/checkpoints.h"
#include "core/error.h"
#include "core/idx.h"
#include "models/model.h"

namespace vc {

// ---- Data scale -------------------------------------------------------------------------------------------------
// A checkpoint's test accuracy as recorded in its metadata at export ("test_accuracy", "test_samples": the whole
// 10000-image test set, reproduced to the image by the models_eval_accuracy test), with its standard error
//   se = sqrt(p (1 - p) / n)   (binomial: each test image right or wrong).
struct MeasuredAccuracy {
  double accuracy = 0.0;  // p in [0, 1]
  int64_t samples = 0;    // n
  double standard_error = 0.0;
};
// sqrt(p (1 - p) / n); 0 for n <= 0.
double accuracy_standard_error(double p, int64_t n);
// p = correct / n with its standard error.
MeasuredAccuracy measured_accuracy(int64_t correct, int64_t n);
// From a "vitcnn" metadata JSON (Model::metadata_json()); an error when it records no accuracy.
Result<MeasuredAccuracy> recorded_accuracy(const std::string& metadata_json);

// One family's points over the data shares (kDataScales); a share whose checkpoint is missing has no point.
struct DataScaleCurve {
  int family = 0;
  std::array<std::optional<MeasuredAccuracy>, kDataScaleCount> points;
};

// What the curve says about "does the ViT gain more from data than the CNN?" (seed 000 section 4.4.3): each
// family's gain from 1 % to 100 % of the training data, gain = p(100 %) - p(1 %) with se = sqrt(se_1^2 + se_100^2),
// and the difference of the vit's and the cnn's gains, significant when |difference| > 2 se (se of the difference
// = sqrt(se_vit^2 + se_cnn^2)); and the gap cnn - vit at 1 % and at 100 %.
struct DataScaleGain {
  double gain = 0.0, standard_error = 0.0;
};
// An error when the curve lacks the 1 % or the 100 % point.
Result<DataScaleGain> data_scale_gain(const DataScaleCurve& curve);
struct DataScaleFinding {
  DataScaleGain vit, cnn;
  double difference = 0.0, standard_error = 0.0;  // vit gain - cnn gain
  enum class Outcome { VitGainsMore, CnnGainsMore, NoClearDifference } outcome = Outcome::NoClearDifference;
  double gap_low = 0.0, gap_high = 0.0;  // p_cnn - p_vit at 1 % and at 100 %
};
// From the vit's and the cnn's curves; an error when either lacks the 1 % or the 100 % point.
Result<DataScaleFinding> data_scale_finding(const DataScaleCurve& vit, const DataScaleCurve& cnn);
// The finding in one English sentence (vitcnn figures' summary.md).
std::string data_scale_sentence(const DataScaleFinding& f);
// {families: [...], shares_percent: [1, 3, 10, 30, 100], accuracy: [[p or null per share] per family],
//  standard_error: [[...]], samples: [[...]]}
nlohmann::json data_scale_json(std::span<const DataScaleCurve> curves);

// ---- Tables as text ---------------------------------------------------------------------------------------------
// A table of strings: the header, then rows of as many cells.
struct TextTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};
// RFC 4180: cells holding a comma, a double quote or a line break are quoted, quotes doubled; lines end in "\n".
std::string table_csv(const TextTable& t);
// A GitHub Markdown table: "|" in a cell is written "\|", a line break as a space.
std::string table_markdown(const TextTable& t);
// The cell of a missing value.
inline constexpr const char* kMissingCell = "—";

// ---- Cited (literature, not measured here) ---------------------------------------------------------------------
// ImageNet-1K validation top-1 at 224 x 224 as the papers report them; pretrain: the data the model was trained on
// before (or instead of) ImageNet-1K fine-tuning.
struct CitedResult {
  const char* model;
  double params_m;   // parameters, millions
  double gflops;     // multiply-adds per image, billions (as the papers' "FLOPs")
  double top1;       // %
  const char* pretrain;
  const char* source;  // the paper
};
std::span<const CitedResult> cited_results();
// "Cited from the literature, not measured here: ImageNet-1K validation, 224 x 224, top-1."
extern const char* const kCitedLabel;
TextTable cited_table();

// ---- Measured here (table b) ------------------------------------------------------------------------------------
// Test images the per-image measurements average over (attention distance, ERF, equivariance, CKA), the first ones
// of the test set: with 20 the page measures the whole table in a few seconds, in bounded steps (10 images per
// attention step, kErfBatch per ERF step, one CKA minibatch of kCompareCkaBatch per step; equivariance, 5 forwards per
// image, in one call: equivariance_on_test_set has no partial form).
inline constexpr int kCompareImages = 20;
inline constexpr int kCompareCkaBatch = 20;
inline constexpr int kCompareShiftPx = 4;  // the shift of the equivariance rows (k <= kMaxShift)
// Forward time: batch 1, test image 0, kLatencyWarmup untimed runs, then the median of kLatencyRuns.
inline constexpr int kLatencyWarmup = 3, kLatencyRuns = 15;

// One family's numbers (its p100 checkpoint unless a row is per data share); nullopt: not measured (yet), or not
// applicable (a cnn has no attention).
struct FamilyMeasures {
  std::optional<int64_t> params, macs;  // macs: sum of Model::layers() macs, one image
  std::optional<double> forward_ms;
  std::array<std::optional<MeasuredAccuracy>, kDataScaleCount> accuracy;  // recorded
  std::optional<double> attention_first_px, attention_last_px;  // head mean of the first / last block
  std::optional<double> trf_px;   // theoretical RF side at the last analysis layer (the image side when global)
  std::optional<double> erf_r90_px;  // ERF r90 of that layer's centre unit, mean over the images
  std::optional<double> equivariance_error, top1_changed;  // last layer, shift kCompareShiftPx
};
struct CompareMeasures {
  std::array<FamilyMeasures, kFamilyCount> families;
  // Linear CKA of the last analysis layers of the p100 models, [a][b]; symmetric, 1 on the diagonal.
  std::array<std::array<std::optional<double>, kFamilyCount>, kFamilyCount> cka_last;
  int images = kCompareImages;
  CompareMeasures();
};

// The measurements that need no images, from a loaded model: params, macs, trf_px (p100), and the recorded
// accuracy of the checkpoint of `scale`.
void add_model_facts(CompareMeasures& m, int family, const Model& p100);
void add_recorded_accuracy(CompareMeasures& m, int family, int scale, const Model& model);

// One piece of table (b) that runs the models, computed in bounded steps: the page runs one step per time slice
// (ui/jobs.h), the CLI loops until done. A step is one batch of images, or one forward.
class CompareStep {
 public:
  virtual ~CompareStep() = default;
  // One step; true once the piece is finished (then step() is not called again).
  virtual Result<bool> step() = 0;
  virtual float progress() const = 0;
  // Writes the finished piece's numbers into m.
  virtual void write(CompareMeasures& m) const = 0;
};

// The pieces of table (b), each by family (and other family for CKA):
//   Latency       forward_ms: now_ms is the caller's clock (the page's, or the CLI's steady clock)
//   Attention     attention_first_px, attention_last_px (vit, hybrid, rvit): mean_attention_distance over the images
//   Erf           erf_r90_px: mean_effective_rf of the last layer's centre unit over the images
//   Equivariance  equivariance_error, top1_changed: equivariance_on_test_set over the images, k = kCompareShiftPx
//   Cka           cka_last[family][other]: CkaAccumulator over the images (minibatches of kCompareCkaBatch; images
//                 must be a multiple of it)
enum class CompareKind { Latency, Attention, Erf, Equivariance, Cka };
struct ComparePiece {
  CompareKind kind;
  int family = 0;
  int other = -1;  // Cka: the second family (> family)
  std::string name() const;  // "latency.vit", "cka.vit.cnn": job slots and keys
};
// Every piece of the table, in the order the page starts them (cheap ones first).
std::vector<ComparePiece> compare_pieces();
// The models the piece runs: p100 of `family` (and of `other`).
// `images` test images of `set` (the first ones); set and models must outlive the step.
Result<std::unique_ptr<CompareStep>> make_compare_step(const ComparePiece& piece, const Model& model,
                                                       const Model* other, const LabeledImages& set, int images,
                                                       std::function<double()> now_ms);

// The data-scale curve of every family, from the recorded accuracies in m.
std::array<DataScaleCurve, kFamilyCount> data_scale_curves(const CompareMeasures& m);

// The table as rows (one per measurement, one value per family); missing values are nullopt.
struct CompareRow {
  std::string key;    // "params", "accuracy_p010", "cka_last_cnn": the JSON key
  std::string label;  // English, with the unit
  std::vector<std::optional<double>> values;  // per family
  std::vector<std::optional<double>> errors;  // per family: the standard error (accuracy rows), else empty
  int digits = 2;     // decimals in text
};
struct CompareTable {
  std::vector<std::string> families;     // kFamilies
  std::vector<std::string> checkpoints;  // the p100 checkpoints
  int images = 0;
  std::vector<CompareRow> rows;
};
// The row keys in table order: params, macs, forward_ms, accuracy_p001..accuracy_p100 (%, recorded),
// attention_first_px, attention_last_px, trf_last_px, erf_r90_last_px, equivariance_error_k4, top1_changed_k4 (%),
// cka_last_vit .. cka_last_rvit (CKA of each family's last layer with that family's).
CompareTable compare_table(const CompareMeasures& m);
// Header "measurement" + families; a value with `digits` decimals ("± se" on accuracy rows), kMissingCell if none.
TextTable compare_text_table(const CompareTable& t);
// {images, shift_px, families, checkpoints, rows: [{key, label, values: [number or null], errors?}]}
nlohmann::json compare_json(const CompareTable& t);

}  // namespace vc
