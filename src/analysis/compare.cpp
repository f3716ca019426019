#include "analysis/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <nlohmann/json.hpp>

#include "analysis/attention.h"
#include "analysis/predictions.h"
#include "analysis/receptive_field.h"
#include "analysis/representations.h"

namespace vc {

using nlohmann::json;

double accuracy_standard_error(double p, int64_t n) {
  return n > 0 ? std::sqrt(std::max(0.0, p * (1.0 - p)) / static_cast<double>(n)) : 0.0;
}

MeasuredAccuracy measured_accuracy(int64_t correct, int64_t n) {
  const double p = n > 0 ? static_cast<double>(correct) / static_cast<double>(n) : 0.0;
  return {p, n, accuracy_standard_error(p, n)};
}

Result<MeasuredAccuracy> recorded_accuracy(const std::string& metadata_json) {
  const json meta = json::parse(metadata_json, nullptr, false);
  if (meta.is_discarded() || !meta.is_object()) return Error{"the metadata is not a JSON object"};
  if (!meta.contains("test_accuracy") || !meta["test_accuracy"].is_number() || !meta.contains("test_samples") ||
      !meta["test_samples"].is_number_integer())
    return Error{"the metadata records no test_accuracy and test_samples"};
  const double p = meta["test_accuracy"].get<double>();
  const int64_t n = meta["test_samples"].get<int64_t>();
  return MeasuredAccuracy{p, n, accuracy_standard_error(p, n)};
}

Result<DataScaleGain> data_scale_gain(const DataScaleCurve& curve) {
  const std::optional<MeasuredAccuracy>&lo = curve.points.front(), &hi = curve.points.back();
  if (!lo || !hi)
    return Error{std::string(kFamilies[curve.family]) + ": the data-scale curve needs the " +
                 std::to_string(data_scale_percent(0)) + " % and the " +
                 std::to_string(data_scale_percent(kDataScaleCount - 1)) + " % checkpoints"};
  return DataScaleGain{hi->accuracy - lo->accuracy,
                       std::hypot(hi->standard_error, lo->standard_error)};
}

Result<DataScaleFinding> data_scale_finding(const DataScaleCurve& vit, const DataScaleCurve& cnn) {
  Result<DataScaleGain> gv = data_scale_gain(vit), gc = data_scale_gain(cnn);
  if (!gv) return gv.error();
  if (!gc) return gc.error();
  DataScaleFinding f;
  f.vit = *gv;
  f.cnn = *gc;
  f.difference = gv->gain - gc->gain;
  f.standard_error = std::hypot(gv->standard_error, gc->standard_error);
  f.outcome = std::fabs(f.difference) <= 2.0 * f.standard_error ? DataScaleFinding::Outcome::NoClearDifference
              : f.difference > 0.0                              ? DataScaleFinding::Outcome::VitGainsMore
                                                                : DataScaleFinding::Outcome::CnnGainsMore;
  f.gap_low = cnn.points.front()->accuracy - vit.points.front()->accuracy;
  f.gap_high = cnn.points.back()->accuracy - vit.points.back()->accuracy;
  return f;
}

namespace {

// v with `digits` decimals.
std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}
std::string points(double fraction) { return fixed(100.0 * fraction, 2); }

}  // namespace

std::string data_scale_sentence(const DataScaleFinding& f) {
  const std::string lo = std::to_string(data_scale_percent(0)) + " %",
                    hi = std::to_string(data_scale_percent(kDataScaleCount - 1)) + " %";
  std::string out = "From " + lo + " to " + hi + " of the training data the ViT gains " + points(f.vit.gain) +
                    " points (± " + points(f.vit.standard_error) + ") and the CNN " + points(f.cnn.gain) + " (± " +
                    points(f.cnn.standard_error) + "): ";
  switch (f.outcome) {
    case DataScaleFinding::Outcome::VitGainsMore:
      out += "the ViT gains " + points(f.difference) + " points more, beyond twice the standard error (" +
             points(f.standard_error) + "), as the seed expects of a model with less built-in bias.";
      break;
    case DataScaleFinding::Outcome::CnnGainsMore:
      out += "the CNN gains " + points(-f.difference) + " points more, beyond twice the standard error (" +
             points(f.standard_error) + "): the opposite of the seed's claim, at our scale.";
      break;
    case DataScaleFinding::Outcome::NoClearDifference:
      out += "the difference, " + points(f.difference) + " points, is within twice its standard error (" +
             points(f.standard_error) + "): no clear difference at our scale.";
      break;
  }
  out += " The CNN leads the ViT by " + points(f.gap_low) + " points at " + lo + " and by " + points(f.gap_high) +
         " at " + hi + ".";
  return out;
}

json data_scale_json(std::span<const DataScaleCurve> curves) {
  json families = json::array(), acc = json::array(), se = json::array(), n = json::array(),
       shares = json::array();
  for (int s = 0; s < kDataScaleCount; ++s) shares.push_back(data_scale_percent(s));
  for (const DataScaleCurve& c : curves) {
    families.push_back(kFamilies[c.family]);
    json a = json::array(), e = json::array(), k = json::array();
    for (const std::optional<MeasuredAccuracy>& p : c.points) {
      a.push_back(p ? json(p->accuracy) : json(nullptr));
      e.push_back(p ? json(p->standard_error) : json(nullptr));
      k.push_back(p ? json(p->samples) : json(nullptr));
    }
    acc.push_back(a);
    se.push_back(e);
    n.push_back(k);
  }
  return {{"families", families},
          {"shares_percent", shares},
          {"accuracy", acc},
          {"standard_error", se},
          {"samples", n}};
}

// ---- Tables as text ---------------------------------------------------------------------------------------------

namespace {

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string markdown_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

template <class Cell>
std::string join_row(const std::vector<std::string>& row, const char* open, const char* sep, const char* close,
                     Cell cell) {
  std::string out = open;
  for (size_t i = 0; i < row.size(); ++i) out += (i ? sep : "") + cell(row[i]);
  return out + close;
}

}  // namespace

std::string table_csv(const TextTable& t) {
  std::string out = join_row(t.header, "", ",", "\n", csv_cell);
  for (const std::vector<std::string>& r : t.rows) out += join_row(r, "", ",", "\n", csv_cell);
  return out;
}

std::string table_markdown(const TextTable& t) {
  std::string out = join_row(t.header, "| ", " | ", " |\n", markdown_cell);
  out += "|";
  for (size_t i = 0; i < t.header.size(); ++i) out += "---|";
  out += "\n";
  for (const std::vector<std::string>& r : t.rows) out += join_row(r, "| ", " | ", " |\n", markdown_cell);
  return out;
}

// ---- Cited ------------------------------------------------------------------------------------------------------

namespace {

constexpr CitedResult kCited[] = {
    {"ResNet-50", 25, 4.1, 76.2, "ImageNet-1K", "He et al. 2016"},
    {"ResNet-152", 60, 11.6, 78.3, "ImageNet-1K", "He et al. 2016"},
    {"EfficientNet-B7", 66, 37, 84.3, "ImageNet-1K", "Tan & Le 2019"},
    {"ViT-B/16", 86, 17.6, 77.9, "ImageNet-1K", "Dosovitskiy et al. 2021"},
    {"ViT-B/16", 86, 17.6, 84.2, "JFT-300M", "Dosovitskiy et al. 2021"},
    {"DeiT-B", 86, 17.6, 81.8, "ImageNet-1K", "Touvron et al. 2021"},
    {"Swin-B", 88, 15.4, 83.5, "ImageNet-1K", "Liu et al. 2021"},
    {"ConvNeXt-B", 89, 15.4, 83.8, "ImageNet-1K", "Liu et al. 2022"},
};

// The shortest decimal form of a cited number (25, 4.1, 17.6).
std::string cited_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

const char* const kCitedLabel =
    "Cited from the literature, not measured here: ImageNet-1K validation, 224 x 224, top-1 accuracy";

std::span<const CitedResult> cited_results() { return kCited; }

TextTable cited_table() {
  TextTable t{{"model", "params (M)", "multiply-adds (G)", "top-1 (%)", "trained on", "source"}, {}};
  for (const CitedResult& c : kCited)
    t.rows.push_back({c.model, cited_number(c.params_m), cited_number(c.gflops), cited_number(c.top1), c.pretrain,
                      c.source});
  return t;
}

// ---- Measured here ----------------------------------------------------------------------------------------------

CompareMeasures::CompareMeasures() {
  for (int f = 0; f < kFamilyCount; ++f) cka_last[f][f] = 1.0;  // CKA of a layer with itself
}

void add_model_facts(CompareMeasures& m, int family, const Model& p100) {
  FamilyMeasures& f = m.families[family];
  f.params = p100.num_params();
  int64_t macs = 0;
  for (const LayerInfo& l : p100.layers()) macs += l.macs;
  f.macs = macs;
  if (Result<std::vector<TheoreticalRf>> rfs = theoretical_rfs(p100); rfs && !rfs->empty())
    f.trf_px = rfs->back().size_px;
}

void add_recorded_accuracy(CompareMeasures& m, int family, int scale, const Model& model) {
  if (Result<MeasuredAccuracy> a = recorded_accuracy(model.metadata_json()); a)
    m.families[family].accuracy[scale] = *a;
}

std::array<DataScaleCurve, kFamilyCount> data_scale_curves(const CompareMeasures& m) {
  std::array<DataScaleCurve, kFamilyCount> out;
  for (int f = 0; f < kFamilyCount; ++f) out[f] = {f, m.families[f].accuracy};
  return out;
}

std::string ComparePiece::name() const {
  constexpr const char* kNames[] = {"latency", "attention", "erf", "equivariance", "cka"};
  std::string out = std::string(kNames[static_cast<int>(kind)]) + "." + kFamilies[family];
  if (other >= 0) out += std::string(".") + kFamilies[other];
  return out;
}

std::vector<ComparePiece> compare_pieces() {
  std::vector<ComparePiece> out;
  for (CompareKind k : {CompareKind::Latency, CompareKind::Attention, CompareKind::Erf, CompareKind::Equivariance})
    for (int f = 0; f < kFamilyCount; ++f)
      if (k != CompareKind::Attention || f != kCnnFamily) out.push_back({k, f, -1});
  for (int a = 0; a < kFamilyCount; ++a)
    for (int b = a + 1; b < kFamilyCount; ++b) out.push_back({CompareKind::Cka, a, b});
  return out;
}

namespace {

// Images per attention step: one forward of this many images.
constexpr int kAttentionBatch = 10;

class LatencyStep : public CompareStep {
 public:
  LatencyStep(const Model& model, const LabeledImages& set, int family, std::function<double()> now_ms)
      : model_(model), x_(test_set_input(set, 0, 1, model.input_spec())), family_(family), now_(std::move(now_ms)) {}
  Result<bool> step() override {
    const double t0 = now_();
    const Result<Tensor> y = model_.forward(x_, nullptr);
    const double ms = now_() - t0;
    if (!y) return y.error();
    if (runs_++ >= kLatencyWarmup) ms_.push_back(ms);
    return static_cast<int>(ms_.size()) == kLatencyRuns;
  }
  float progress() const override { return static_cast<float>(runs_) / (kLatencyWarmup + kLatencyRuns); }
  void write(CompareMeasures& m) const override {
    std::vector<double> v = ms_;
    std::sort(v.begin(), v.end());
    m.families[family_].forward_ms =
        v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
  }

 private:
  const Model& model_;
  Tensor x_;
  int family_, runs_ = 0;
  std::function<double()> now_;
  std::vector<double> ms_;
};

class AttentionStep : public CompareStep {
 public:
  AttentionStep(const Model& model, const LabeledImages& set, int family, int images)
      : model_(model), set_(set), family_(family), images_(images) {}
  Result<bool> step() override {
    const int first = static_cast<int>(mean_.count());
    const int count = std::min(kAttentionBatch, images_ - first);
    if (Status s = add_attention_distances(model_, test_set_input(set_, first, count, model_.input_spec()), mean_);
        !s)
      return s.error();
    if (mean_.count() < images_) return false;
    Result<AttentionDistance> d = mean_.mean();
    if (!d) return d.error();
    first_px_ = layer_head_mean(*d, 0);
    last_px_ = layer_head_mean(*d, d->layers - 1);
    return true;
  }
  float progress() const override { return static_cast<float>(mean_.count()) / static_cast<float>(images_); }
  void write(CompareMeasures& m) const override {
    m.families[family_].attention_first_px = first_px_;
    m.families[family_].attention_last_px = last_px_;
  }

 private:
  const Model& model_;
  const LabeledImages& set_;
  int family_, images_;
  DistanceMean mean_;
  double first_px_ = 0.0, last_px_ = 0.0;
};

class ErfStep : public CompareStep {
 public:
  ErfStep(const Model& model, ErfProbe probe, const LabeledImages& set, int family, int images)
      : acc_(model, std::move(probe)), model_(model), set_(set), family_(family), images_(images) {}
  Result<bool> step() override {
    // kErfBatch images per step, as mean_effective_rf batches them.
    const int first = static_cast<int>(acc_.count());
    if (Status s = acc_.add(test_set_input(set_, first, std::min(kErfBatch, images_ - first), model_.input_spec()));
        !s)
      return s.error();
    if (acc_.count() < images_) return false;
    Result<Erf> e = acc_.result();
    if (!e) return e.error();
    r90_ = e->summary.r90_px;
    return true;
  }
  float progress() const override { return static_cast<float>(acc_.count()) / static_cast<float>(images_); }
  void write(CompareMeasures& m) const override { m.families[family_].erf_r90_px = r90_; }

 private:
  ErfAccumulator acc_;
  const Model& model_;
  const LabeledImages& set_;
  int family_, images_;
  double r90_ = 0.0;
};

class EquivarianceStep : public CompareStep {
 public:
  EquivarianceStep(const Model& model, const LabeledImages& set, int family, int images)
      : acc_(model), set_(set), family_(family), images_(images) {}
  // kEquivarianceChunk images per step.
  Result<bool> step() override {
    const int first = static_cast<int>(acc_.images());
    if (Status s = acc_.add(set_, first, std::min(kEquivarianceChunk, images_ - first)); !s) return s.error();
    if (acc_.images() < images_) return false;
    Result<Equivariance> e = acc_.result();
    if (!e) return e.error();
    if (e->layers.empty()) return Error{"equivariance: the model has no analysis layers"};
    const EquivarianceLayer& last = e->layers.back();
    const int k = kCompareShiftPx - 1;
    if (static_cast<int>(last.defined.size()) > k && last.defined[k]) error_ = last.error[k];
    changed_ = e->top1_changed.at(k);
    return true;
  }
  float progress() const override { return static_cast<float>(acc_.images()) / static_cast<float>(images_); }
  void write(CompareMeasures& m) const override {
    m.families[family_].equivariance_error = error_;
    m.families[family_].top1_changed = changed_;
  }

 private:
  EquivarianceAccumulator acc_;
  const LabeledImages& set_;
  int family_, images_;
  std::optional<double> error_;
  double changed_ = 0.0;
};

class CkaStep : public CompareStep {
 public:
  CkaStep(CkaAccumulator acc, const LabeledImages& set, int family, int other, int images)
      : acc_(std::move(acc)), set_(set), family_(family), other_(other), images_(images) {}
  Result<bool> step() override {
    const int first = static_cast<int>(acc_.images());
    if (Status s = acc_.add(set_, first, kCompareCkaBatch); !s) return s.error();
    if (acc_.images() < images_) return false;
    Result<std::vector<double>> m = acc_.matrix();
    if (!m) return m.error();
    cka_ = m->back();  // [last row, last column]: the last layer of each
    return true;
  }
  float progress() const override { return static_cast<float>(acc_.images()) / static_cast<float>(images_); }
  void write(CompareMeasures& m) const override {
    m.cka_last[family_][other_] = cka_;
    m.cka_last[other_][family_] = cka_;
  }

 private:
  CkaAccumulator acc_;
  const LabeledImages& set_;
  int family_, other_, images_;
  double cka_ = 0.0;
};

}  // namespace

Result<std::unique_ptr<CompareStep>> make_compare_step(const ComparePiece& piece, const Model& model,
                                                       const Model* other, const LabeledImages& set, int images,
                                                       std::function<double()> now_ms) {
  if (images < 1 || images > set.count)
    return Error{"the comparison needs 1 to " + std::to_string(set.count) + " test images, got " +
                 std::to_string(images)};
  switch (piece.kind) {
    case CompareKind::Latency:
      if (!now_ms) return Error{"latency needs a clock"};
      return std::unique_ptr<CompareStep>(new LatencyStep(model, set, piece.family, std::move(now_ms)));
    case CompareKind::Attention:
      return std::unique_ptr<CompareStep>(new AttentionStep(model, set, piece.family, images));
    case CompareKind::Erf: {
      Result<std::vector<TheoreticalRf>> rfs = theoretical_rfs(model);
      if (!rfs) return rfs.error();
      if (rfs->empty()) return Error{"the model has no analysis layers"};
      Result<ErfProbe> probe = erf_probe(model, rfs->back().name, centre_unit(rfs->back()));
      if (!probe) return probe.error();
      return std::unique_ptr<CompareStep>(new ErfStep(model, std::move(*probe), set, piece.family, images));
    }
    case CompareKind::Equivariance:
      return std::unique_ptr<CompareStep>(new EquivarianceStep(model, set, piece.family, images));
    case CompareKind::Cka: {
      if (!other) return Error{"CKA needs two models"};
      if (images % kCompareCkaBatch != 0)
        return Error{"CKA takes minibatches of " + std::to_string(kCompareCkaBatch) + " images: " +
                     std::to_string(images) + " is not a multiple"};
      Result<CkaAccumulator> acc = CkaAccumulator::create(model, *other, kCompareCkaBatch);
      if (!acc) return acc.error();
      return std::unique_ptr<CompareStep>(
          new CkaStep(std::move(*acc), set, piece.family, piece.other, images));
    }
  }
  return Error{"unknown comparison piece"};
}

CompareTable compare_table(const CompareMeasures& m) {
  CompareTable t;
  for (int f = 0; f < kFamilyCount; ++f) {
    t.families.push_back(kFamilies[f]);
    t.checkpoints.push_back(checkpoint_name(f, kDefaultScale));
  }
  t.images = m.images;
  // One row from a member of FamilyMeasures, scaled.
  auto row = [&](std::string key, std::string label, int digits, auto get, double scale = 1.0) {
    CompareRow r{std::move(key), std::move(label), {}, {}, digits};
    for (const FamilyMeasures& f : m.families) {
      const auto v = get(f);
      r.values.push_back(v ? std::optional<double>(static_cast<double>(*v) * scale) : std::nullopt);
    }
    t.rows.push_back(std::move(r));
  };
  row("params", "parameters", 0, [](const FamilyMeasures& f) { return f.params; });
  row("macs", "multiply-adds per image", 0, [](const FamilyMeasures& f) { return f.macs; });
  row("forward_ms", "forward ms (batch 1, median, this machine)", 2,
      [](const FamilyMeasures& f) { return f.forward_ms; });
  for (int s = 0; s < kDataScaleCount; ++s) {
    const std::string share = std::to_string(data_scale_percent(s));
    CompareRow r{std::string("accuracy_") + kDataScales[s],
                 "test accuracy % trained on " + share + " % (recorded, 10000 images)", {}, {}, 2};
    for (const FamilyMeasures& f : m.families) {
      const std::optional<MeasuredAccuracy>& a = f.accuracy[s];
      r.values.push_back(a ? std::optional<double>(100.0 * a->accuracy) : std::nullopt);
      r.errors.push_back(a ? std::optional<double>(100.0 * a->standard_error) : std::nullopt);
    }
    t.rows.push_back(std::move(r));
  }
  const std::string n = std::to_string(m.images), k = std::to_string(kCompareShiftPx);
  row("attention_first_px", "mean attention distance px, first block (" + n + " images)", 2,
      [](const FamilyMeasures& f) { return f.attention_first_px; });
  row("attention_last_px", "mean attention distance px, last block (" + n + " images)", 2,
      [](const FamilyMeasures& f) { return f.attention_last_px; });
  row("trf_last_px", "theoretical RF side px, last layer", 0, [](const FamilyMeasures& f) { return f.trf_px; });
  row("erf_r90_last_px", "ERF r90 px, centre unit of the last layer (" + n + " images)", 2,
      [](const FamilyMeasures& f) { return f.erf_r90_px; });
  row("equivariance_error_k" + k, "equivariance error, last layer, shift " + k + " px (" + n + " images)", 3,
      [](const FamilyMeasures& f) { return f.equivariance_error; });
  row("top1_changed_k" + k, "top-1 changed % under a " + k + " px shift (" + n + " images)", 1,
      [](const FamilyMeasures& f) { return f.top1_changed; }, 100.0);
  for (int g = 0; g < kFamilyCount; ++g) {
    CompareRow r{std::string("cka_last_") + kFamilies[g],
                 std::string("CKA of the last layer with ") + kFamilies[g] + "'s (" + n + " images)", {}, {}, 3};
    for (int f = 0; f < kFamilyCount; ++f) r.values.push_back(m.cka_last[f][g]);
    t.rows.push_back(std::move(r));
  }
  return t;
}

TextTable compare_text_table(const CompareTable& t) {
  TextTable out;
  out.header.push_back("measurement");
  for (const std::string& c : t.checkpoints) out.header.push_back(c);
  for (const CompareRow& r : t.rows) {
    std::vector<std::string> cells = {r.label};
    for (size_t f = 0; f < r.values.size(); ++f) {
      if (!r.values[f]) {
        cells.push_back(kMissingCell);
        continue;
      }
      std::string cell = fixed(*r.values[f], r.digits);
      if (f < r.errors.size() && r.errors[f]) cell += " ± " + fixed(*r.errors[f], r.digits);
      cells.push_back(cell);
    }
    out.rows.push_back(std::move(cells));
  }
  return out;
}

json compare_json(const CompareTable& t) {
  json rows = json::array();
  auto values = [](const std::vector<std::optional<double>>& v) {
    json out = json::array();
    for (const std::optional<double>& x : v) out.push_back(x ? json(*x) : json(nullptr));
    return out;
  };
  for (const CompareRow& r : t.rows) {
    json row = {{"key", r.key}, {"label", r.label}, {"values", values(r.values)}};
    if (!r.errors.empty()) row["errors"] = values(r.errors);
    rows.push_back(row);
  }
  return {{"images", t.images},
          {"shift_px", kCompareShiftPx},
          {"families", t.families},
          {"checkpoints", t.checkpoints},
          {"rows", rows}};
}

}  // namespace vc
