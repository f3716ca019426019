// The comparison (analysis/compare.h): the standard error, the data-scale finding, table (b) assembled from known
// pieces, CSV and Markdown writing, the cited table, and the pieces that need no representation analysis against the
// functions they wrap (latency with a fake clock, attention distance, ERF, the model facts).
#include "analysis/compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "analysis/attention.h"
#include "analysis/predictions.h"
#include "analysis/receptive_field.h"

namespace vc {
namespace {

using nlohmann::json;

std::unique_ptr<Model> load(const std::string& name) {
  Result<std::unique_ptr<Model>> m = load_model_file(VITCNN_SOURCE_DIR "/assets/models/" + name + ".safetensors");
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  return m.ok() ? std::move(*m) : nullptr;
}

const CompareRow& row(const CompareTable& t, const std::string& key) {
  for (const CompareRow& r : t.rows)
    if (r.key == key) return r;
  ADD_FAILURE() << "no row " << key;
  return t.rows.front();
}

TEST(Compare, StandardErrorIsTheBinomialFormula) {
  EXPECT_DOUBLE_EQ(accuracy_standard_error(0.9, 10000), std::sqrt(0.9 * 0.1 / 10000));
  EXPECT_DOUBLE_EQ(accuracy_standard_error(0.5, 100), 0.05);
  EXPECT_EQ(accuracy_standard_error(1.0, 100), 0.0);
  EXPECT_EQ(accuracy_standard_error(0.5, 0), 0.0);
  const MeasuredAccuracy a = measured_accuracy(923, 1000);
  EXPECT_DOUBLE_EQ(a.accuracy, 0.923);
  EXPECT_EQ(a.samples, 1000);
  EXPECT_DOUBLE_EQ(a.standard_error, std::sqrt(0.923 * 0.077 / 1000));
}

TEST(Compare, RecordedAccuracyComesFromTheMetadata) {
  Result<MeasuredAccuracy> a = recorded_accuracy(R"({"test_accuracy": 0.9224, "test_samples": 10000})");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->accuracy, 0.9224);
  EXPECT_EQ(a->samples, 10000);
  EXPECT_DOUBLE_EQ(a->standard_error, std::sqrt(0.9224 * 0.0776 / 10000));
  EXPECT_FALSE(recorded_accuracy(R"({"test_accuracy": 0.9})").ok());
  EXPECT_FALSE(recorded_accuracy("not json").ok());
  // Every shipped p100 checkpoint records its accuracy on the whole test set.
  for (int f = 0; f < kFamilyCount; ++f) {
    std::unique_ptr<Model> m = load(checkpoint_name(f, kDefaultScale));
    ASSERT_TRUE(m);
    Result<MeasuredAccuracy> r = recorded_accuracy(m->metadata_json());
    ASSERT_TRUE(r.ok()) << kFamilies[f];
    EXPECT_EQ(r->samples, 10000);
    EXPECT_GT(r->accuracy, 0.85);
  }
}

TEST(Predictions, LabelSmoothingComesFromTheTrainingRecipe) {
  const Result<LabelSmoothing> a = recorded_label_smoothing(R"({"train": {"recipe": {"label_smoothing": 0.1}}})", 10);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->epsilon, 0.1);
  EXPECT_DOUBLE_EQ(a->target, 0.91);  // 1 - 0.1 + 0.1 / 10
  const Result<LabelSmoothing> b = recorded_label_smoothing(R"({"train": {"recipe": {"label_smoothing": 0.2}}})", 4);
  ASSERT_TRUE(b.ok());
  EXPECT_DOUBLE_EQ(b->target, 0.85);  // 1 - 0.2 + 0.2 / 4
  EXPECT_EQ(b->classes, 4);
  EXPECT_FALSE(recorded_label_smoothing(R"({"train": {"recipe": {}}})", 10).ok());
  EXPECT_FALSE(recorded_label_smoothing(R"({"train": {"recipe": {"label_smoothing": 1.5}}})", 10).ok());
  EXPECT_FALSE(recorded_label_smoothing(R"({"train": {"recipe": {"label_smoothing": "0.1"}}})", 10).ok());
  EXPECT_FALSE(recorded_label_smoothing("not json", 10).ok());
  EXPECT_FALSE(recorded_label_smoothing(R"({"train": {"recipe": {"label_smoothing": 0.1}}})", 0).ok());
  // Every shipped p100 checkpoint records the smoothing it was trained with; the target follows the model's classes.
  for (int f = 0; f < kFamilyCount; ++f) {
    std::unique_ptr<Model> m = load(checkpoint_name(f, kDefaultScale));
    ASSERT_TRUE(m);
    const json recipe = json::parse(m->metadata_json())["train"]["recipe"];
    const Result<LabelSmoothing> r = recorded_label_smoothing(m->metadata_json(), m->num_classes());
    ASSERT_TRUE(r.ok()) << kFamilies[f];
    EXPECT_EQ(r->epsilon, recipe["label_smoothing"].get<double>());
    EXPECT_DOUBLE_EQ(r->target, 1.0 - r->epsilon + r->epsilon / m->num_classes());
  }
}

DataScaleCurve curve(int family, double lo, double hi) {
  DataScaleCurve c{family, {}};
  c.points.front() = MeasuredAccuracy{lo, 10000, accuracy_standard_error(lo, 10000)};
  c.points.back() = MeasuredAccuracy{hi, 10000, accuracy_standard_error(hi, 10000)};
  return c;
}

TEST(Compare, DataScaleFindingComparesTheGainsWithTheirStandardErrors) {
  Result<DataScaleFinding> f = data_scale_finding(curve(kVitFamily, 0.70, 0.92), curve(kCnnFamily, 0.80, 0.93));
  ASSERT_TRUE(f.ok());
  EXPECT_NEAR(f->vit.gain, 0.22, 1e-12);
  EXPECT_NEAR(f->cnn.gain, 0.13, 1e-12);
  EXPECT_NEAR(f->difference, 0.09, 1e-12);
  const double se_vit = std::hypot(accuracy_standard_error(0.70, 10000), accuracy_standard_error(0.92, 10000));
  EXPECT_DOUBLE_EQ(f->vit.standard_error, se_vit);
  EXPECT_EQ(f->outcome, DataScaleFinding::Outcome::VitGainsMore);
  EXPECT_NEAR(f->gap_low, 0.10, 1e-12);
  EXPECT_NEAR(f->gap_high, 0.01, 1e-12);
  const std::string s = data_scale_sentence(*f);
  EXPECT_NE(s.find("22.00 points"), std::string::npos) << s;
  EXPECT_NE(s.find("the ViT gains 9.00 points more"), std::string::npos) << s;

  f = data_scale_finding(curve(kVitFamily, 0.80, 0.90), curve(kCnnFamily, 0.80, 0.902));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->outcome, DataScaleFinding::Outcome::NoClearDifference);
  f = data_scale_finding(curve(kVitFamily, 0.85, 0.90), curve(kCnnFamily, 0.70, 0.90));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->outcome, DataScaleFinding::Outcome::CnnGainsMore);

  DataScaleCurve missing{kVitFamily, {}};
  missing.points.back() = MeasuredAccuracy{0.9, 10000, 0.003};
  EXPECT_FALSE(data_scale_finding(missing, curve(kCnnFamily, 0.8, 0.9)).ok());

  const DataScaleCurve curves[] = {curve(kVitFamily, 0.7, 0.92)};
  const json j = data_scale_json(curves);
  EXPECT_EQ(j["shares_percent"], json({1, 3, 10, 30, 100}));
  EXPECT_EQ(j["accuracy"][0][0], 0.7);
  EXPECT_TRUE(j["accuracy"][0][1].is_null());
  EXPECT_EQ(j["samples"][0][4], 10000);
}

TEST(Compare, CsvAndMarkdownEscapeTheirSpecialCharacters) {
  const TextTable t{{"a", "b,c"}, {{"x\"y", "1|2"}, {"line\nbreak", "—"}}};
  EXPECT_EQ(table_csv(t), "a,\"b,c\"\n\"x\"\"y\",1|2\n\"line\nbreak\",—\n");
  EXPECT_EQ(table_markdown(t), "| a | b,c |\n|---|---|\n| x\"y | 1\\|2 |\n| line break | — |\n");
}

TEST(Compare, TheCitedTableIsLabelledAndHoldsTheLiteratureRows) {
  EXPECT_NE(std::string(kCitedLabel).find("not measured here"), std::string::npos);
  const TextTable t = cited_table();
  ASSERT_EQ(t.rows.size(), 8u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"ResNet-50", "25", "4.1", "76.2", "ImageNet-1K", "He et al. 2016"}));
  EXPECT_EQ(t.rows[4],
            (std::vector<std::string>{"ViT-B/16", "86", "17.6", "84.2", "JFT-300M", "Dosovitskiy et al. 2021"}));
  EXPECT_EQ(t.rows[7], (std::vector<std::string>{"ConvNeXt-B", "89", "15.4", "83.8", "ImageNet-1K", "Liu et al. 2022"}));
  for (const CitedResult& c : cited_results()) EXPECT_GT(std::string(c.source).size(), 8u) << c.model;
}

TEST(Compare, TheTableIsAssembledFromItsPiecesAndMissingOnesStayMissing) {
  CompareMeasures m;
  EXPECT_EQ(m.images, kCompareImages);
  m.families[kVitFamily].params = 1234;
  m.families[kVitFamily].accuracy[4] = MeasuredAccuracy{0.9224, 10000, accuracy_standard_error(0.9224, 10000)};
  m.families[kCnnFamily].top1_changed = 0.125;
  m.families[kCnnFamily].equivariance_error = 0.0456;
  m.cka_last[kVitFamily][kCnnFamily] = m.cka_last[kCnnFamily][kVitFamily] = 0.75;
  const CompareTable t = compare_table(m);
  EXPECT_EQ(t.families, (std::vector<std::string>{"vit", "cnn", "hybrid", "rvit"}));
  EXPECT_EQ(t.checkpoints[1], "cnn_p100");
  EXPECT_EQ(t.rows.size(), 3u + kDataScaleCount + 6u + kFamilyCount);
  EXPECT_EQ(t.rows.front().key, "params");
  EXPECT_EQ(row(t, "params").values[0], 1234.0);
  EXPECT_FALSE(row(t, "params").values[1]);
  EXPECT_DOUBLE_EQ(*row(t, "accuracy_p100").values[0], 92.24);
  EXPECT_DOUBLE_EQ(*row(t, "accuracy_p100").errors[0], 100.0 * accuracy_standard_error(0.9224, 10000));
  EXPECT_DOUBLE_EQ(*row(t, "top1_changed_k4").values[1], 12.5);
  EXPECT_EQ(row(t, "cka_last_vit").values[0], 1.0);  // the diagonal
  EXPECT_EQ(row(t, "cka_last_vit").values[1], 0.75);
  EXPECT_EQ(row(t, "cka_last_cnn").values[0], 0.75);
  EXPECT_FALSE(row(t, "cka_last_cnn").values[2]);

  const TextTable text = compare_text_table(t);
  EXPECT_EQ(text.header, (std::vector<std::string>{"measurement", "vit_p100", "cnn_p100", "hybrid_p100", "rvit_p100"}));
  EXPECT_EQ(text.rows[0][1], "1234");
  EXPECT_EQ(text.rows[0][2], kMissingCell);
  EXPECT_EQ(text.rows[7][1], "92.24 ± 0.27");
  const std::string md = table_markdown(text);
  EXPECT_NE(md.find("| parameters | 1234 | — | — | — |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 0.046 |"), std::string::npos) << md;

  const json j = compare_json(t);
  EXPECT_EQ(j["images"], kCompareImages);
  EXPECT_EQ(j["shift_px"], kCompareShiftPx);
  EXPECT_EQ(j["rows"][0]["key"], "params");
  EXPECT_EQ(j["rows"][0]["values"][0], 1234.0);
  EXPECT_TRUE(j["rows"][0]["values"][1].is_null());
  EXPECT_FALSE(j["rows"][0].contains("errors"));
  EXPECT_TRUE(j["rows"][7].contains("errors"));
}

TEST(Compare, ThePiecesCoverEveryFamilyAndPairOnce) {
  const std::vector<ComparePiece> pieces = compare_pieces();
  // latency, erf, equivariance for 4 families, attention for the 3 with attention, CKA for 6 pairs
  EXPECT_EQ(pieces.size(), 4u * 3u + 3u + 6u);
  std::set<std::string> names;
  for (const ComparePiece& p : pieces) EXPECT_TRUE(names.insert(p.name()).second) << p.name();
  EXPECT_TRUE(names.count("latency.vit"));
  EXPECT_FALSE(names.count("attention.cnn"));
  EXPECT_TRUE(names.count("cka.vit.cnn"));
}

// Runs a piece to the end as the CLI does, and returns what it writes.
CompareMeasures run(const ComparePiece& piece, const Model& model, const LabeledImages& set, int images,
                    std::function<double()> clock = {}) {
  Result<std::unique_ptr<CompareStep>> s = make_compare_step(piece, model, nullptr, set, images, std::move(clock));
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  CompareMeasures m;
  if (!s.ok()) return m;
  int steps = 0;
  for (;;) {
    Result<bool> done = (*s)->step();
    EXPECT_TRUE(done.ok()) << (done.ok() ? "" : done.error().message);
    ++steps;
    if (!done.ok() || *done) break;
  }
  EXPECT_EQ((*s)->progress(), 1.0f);
  (*s)->write(m);
  return m;
}

TEST(Compare, PiecesEqualTheAnalysesTheyWrap) {
  Result<LabeledImages> set = load_fashion_mnist(kDefaultFashionMnistDir, "t10k");
  if (!set) GTEST_SKIP() << "apt package dataset-fashion-mnist not installed";
  constexpr int kImages = 12;
  std::unique_ptr<Model> vit = load("vit_p100"), cnn = load("cnn_p100");
  ASSERT_TRUE(vit && cnn);

  // Model facts: parameters, MACs (the layers' sum), the last layer's TRF (global for the vit: the image).
  CompareMeasures facts;
  add_model_facts(facts, kVitFamily, *vit);
  add_model_facts(facts, kCnnFamily, *cnn);
  add_recorded_accuracy(facts, kCnnFamily, 4, *cnn);
  EXPECT_EQ(*facts.families[kVitFamily].params, vit->num_params());
  int64_t macs = 0;
  for (const LayerInfo& l : cnn->layers()) macs += l.macs;
  EXPECT_EQ(*facts.families[kCnnFamily].macs, macs);
  EXPECT_EQ(*facts.families[kVitFamily].trf_px, 32.0);
  EXPECT_EQ(*facts.families[kCnnFamily].trf_px, theoretical_rfs(*cnn)->back().size_px);
  EXPECT_EQ(facts.families[kCnnFamily].accuracy[4]->accuracy, recorded_accuracy(cnn->metadata_json())->accuracy);

  // Attention distance: bitwise the batch mean over the same images.
  const CompareMeasures a = run({CompareKind::Attention, kVitFamily}, *vit, *set, kImages);
  Result<AttentionDistance> d = mean_attention_distance(*vit, test_set_input(*set, 0, kImages, vit->input_spec()), 5);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*a.families[kVitFamily].attention_first_px, layer_head_mean(*d, 0));
  EXPECT_EQ(*a.families[kVitFamily].attention_last_px, layer_head_mean(*d, d->layers - 1));
  // A cnn has no attention: the piece fails with a message.
  Result<std::unique_ptr<CompareStep>> s =
      make_compare_step({CompareKind::Attention, kCnnFamily}, *cnn, nullptr, *set, kImages, {});
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE((*s)->step().ok());

  // ERF r90 of the last layer's centre unit: the mean_effective_rf value.
  const CompareMeasures e = run({CompareKind::Erf, kCnnFamily}, *cnn, *set, kImages);
  const TheoreticalRf last = theoretical_rfs(*cnn)->back();
  Result<Erf> erf = mean_effective_rf(*cnn, last.name, centre_unit(last), *set, 0, kImages);
  ASSERT_TRUE(erf.ok());
  EXPECT_EQ(*e.families[kCnnFamily].erf_r90_px, erf->summary.r90_px);

  // Latency: the median of the timed runs after the warm-up, with a clock that advances 1, 2, 3, ... ms per run.
  double t = 0.0;
  int calls = 0;
  const CompareMeasures l = run({CompareKind::Latency, kCnnFamily}, *cnn, *set, kImages, [&] {
    if (++calls % 2 == 0) t += calls / 2;  // the k-th forward takes k ms
    return t;
  });
  // Forwards kLatencyWarmup + 1 .. kLatencyWarmup + kLatencyRuns are timed: their median is the middle one.
  EXPECT_EQ(*l.families[kCnnFamily].forward_ms, kLatencyWarmup + (kLatencyRuns + 1) / 2);

  // Bad image counts are errors.
  EXPECT_FALSE(make_compare_step({CompareKind::Erf, kCnnFamily}, *cnn, nullptr, *set, 0, {}).ok());
  EXPECT_FALSE(make_compare_step({CompareKind::Latency, kCnnFamily}, *cnn, nullptr, *set, 1, {}).ok());
  EXPECT_FALSE(make_compare_step({CompareKind::Cka, kVitFamily, kCnnFamily}, *vit, cnn.get(), *set, 50, {}).ok());
}

}  // namespace
}  // namespace vc
