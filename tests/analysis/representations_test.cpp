// Representation analyses (analysis/representations.h): linear CKA against the NumPy reference
// (tools/analysis_ref/cka_ref.py, committed golden tests/analysis/data/cka_ref.json, or the file named by
// VITCNN_CKA_GOLDEN) and its properties; skip ratios and equivariance on small random models with known answers;
// the error paths. Skip ratios and equivariance of the shipped models against PyTorch: the ctest
// representations_vs_pytorch (tools/analysis_ref/representations_ref.py).
#include "analysis/representations.h"

#include "analysis/predictions.h"
#include "analysis/representations_json.h"
#include "golden.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

namespace vc {
namespace {

using nlohmann::json;

const std::string kGolden = golden_path("VITCNN_CKA_GOLDEN", "cka_ref.json");

// [rows][p] -> Tensor [rows, p].
Tensor rows_tensor(const json& j) {
  Tensor t({static_cast<int64_t>(j.size()), static_cast<int64_t>(j[0].size())});
  for (size_t i = 0; i < j.size(); ++i)
    for (size_t c = 0; c < j[i].size(); ++c) t.data[i * j[i].size() + c] = j[i][c].get<float>();
  return t;
}

Tensor first_rows(const Tensor& x, int64_t n) {
  Tensor t({n, x.dim(1)});
  std::copy_n(x.ptr(), t.numel(), t.ptr());
  return t;
}

TEST(CkaGolden, GramHsicAndMinibatchCkaMatchNumpy) {
  const json g = read_golden(kGolden);
  ASSERT_FALSE(g.is_discarded()) << "cannot read golden " << kGolden;
  ASSERT_EQ(g.value("version", 0), 1) << "golden version";
  std::vector<Tensor> a, b;
  for (const json& l : g["a"]) a.push_back(rows_tensor(l));
  for (const json& l : g["b"]) b.push_back(rows_tensor(l));
  const int m0 = g["batches"][0];
  const Tensor K = gram(first_rows(a[0], m0)), L = gram(first_rows(b[0], m0));
  ASSERT_EQ((std::vector<int64_t>{m0, m0}), K.shape);
  for (int i = 0; i < m0 * m0; ++i) {
    const double want_k = g["gram_a0"][i], want_l = g["gram_b0"][i];
    EXPECT_NEAR(K.data[i], want_k, 1e-6 * std::fabs(want_k) + 1e-5);
    EXPECT_NEAR(L.data[i], want_l, 1e-6 * std::fabs(want_l) + 1e-5);
  }
  // The raw Grams hold the features' large common offset: float32 rounding of K, relative 1e-6.
  const double hab = g["hsic_a0_b0"], haa = g["hsic_a0_a0"];
  Result<double> ab = hsic_unbiased(K, L), aa = hsic_unbiased(K, K);
  ASSERT_TRUE(ab.ok() && aa.ok());
  EXPECT_NEAR(*ab, hab, 1e-3 * std::fabs(hab));
  EXPECT_NEAR(*aa, haa, 1e-3 * std::fabs(haa));
  double max_diff = 0.0;
  for (size_t bi = 0; bi < g["batches"].size(); ++bi)
    for (size_t r = 0; r < a.size(); ++r)
      for (size_t c = 0; c < b.size(); ++c) {
        Result<double> cka = minibatch_cka(a[r], b[c], g["batches"][bi]);
        ASSERT_TRUE(cka.ok()) << cka.error().message;
        const double want = g["cka"][bi][r][c];
        max_diff = std::max(max_diff, std::fabs(*cka - want));
        EXPECT_NEAR(*cka, want, 1e-6) << "batch " << g["batches"][bi] << ", A layer " << r << ", B layer " << c;
      }
  std::printf("CKA vs NumPy: max |diff| %.3g\n", max_diff);
}

// Seeded normal features [n, p] with a common offset.
Tensor random_features(int n, int p, uint32_t seed, float offset = 0.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Tensor x({n, p});
  for (float& v : x.data) v = normal(rng) + offset;
  return x;
}

// Y = X W + noise: features that share structure with X.
Tensor related(const Tensor& x, int q, float noise, uint32_t seed) {
  const Tensor w = random_features(static_cast<int>(x.dim(1)), q, seed);
  const Tensor e = random_features(static_cast<int>(x.dim(0)), q, seed + 1);
  Tensor y({x.dim(0), q});
  for (int64_t i = 0; i < x.dim(0); ++i)
    for (int j = 0; j < q; ++j) {
      double s = 0.0;
      for (int64_t k = 0; k < x.dim(1); ++k) s += x.data[i * x.dim(1) + k] * w.data[k * q + j];
      y.data[i * q + j] = static_cast<float>(s) + noise * e.data[i * q + j];
    }
  return y;
}

// A random orthogonal [p, p] (Gram-Schmidt of normal columns, in double).
Tensor random_orthogonal(int p, uint32_t seed) {
  const Tensor g = random_features(p, p, seed);
  std::vector<double> q(g.data.begin(), g.data.end());  // columns q[. , j]
  for (int j = 0; j < p; ++j) {
    for (int k = 0; k < j; ++k) {
      double d = 0.0;
      for (int i = 0; i < p; ++i) d += q[i * p + j] * q[i * p + k];
      for (int i = 0; i < p; ++i) q[i * p + j] -= d * q[i * p + k];
    }
    double n = 0.0;
    for (int i = 0; i < p; ++i) n += q[i * p + j] * q[i * p + j];
    for (int i = 0; i < p; ++i) q[i * p + j] /= std::sqrt(n);
  }
  Tensor out({p, p});
  for (size_t i = 0; i < q.size(); ++i) out.data[i] = static_cast<float>(q[i]);
  return out;
}

Tensor matmul(const Tensor& x, const Tensor& w) {
  Tensor y({x.dim(0), w.dim(1)});
  for (int64_t i = 0; i < x.dim(0); ++i)
    for (int64_t j = 0; j < w.dim(1); ++j) {
      double s = 0.0;
      for (int64_t k = 0; k < x.dim(1); ++k) s += x.data[i * x.dim(1) + k] * w.data[k * w.dim(1) + j];
      y.data[i * w.dim(1) + j] = static_cast<float>(s);
    }
  return y;
}

double cka(const Tensor& x, const Tensor& y, int batch) {
  Result<double> r = minibatch_cka(x, y, batch);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : NAN;
}

TEST(CkaProperties, SymmetricOneWithItselfInvariantToRotationAndScale) {
  const Tensor x = random_features(40, 12, 1, 2.0f), y = related(x, 9, 1.5f, 5);
  const double xy = cka(x, y, 10);
  EXPECT_GT(xy, 0.2);
  EXPECT_LT(xy, 0.99);
  EXPECT_DOUBLE_EQ(xy, cka(y, x, 10));
  EXPECT_NEAR(1.0, cka(x, x, 10), 1e-12);
  EXPECT_NEAR(xy, cka(matmul(x, random_orthogonal(12, 3)), y, 10), 1e-5);
  EXPECT_NEAR(xy, cka(x, matmul(y, random_orthogonal(9, 4)), 10), 1e-5);
  Tensor scaled = y;
  for (float& v : scaled.data) v *= 7.5f;
  EXPECT_NEAR(xy, cka(x, scaled, 10), 1e-6);
  // Adding a constant row changes nothing (the centring the accumulator does).
  Tensor moved = x;
  for (float& v : moved.data) v += 100.0f;
  EXPECT_NEAR(xy, cka(moved, y, 10), 1e-5);
}

TEST(CkaProperties, MinibatchEstimateTendsToTheFullBatchValue) {
  // Many images of one distribution: the minibatch estimate (m = 50) and the full-batch one estimate the same CKA.
  const int n = 2000;
  const Tensor x = random_features(n, 8, 11), y = related(x, 6, 2.0f, 13);
  const double full = cka(x, y, n);
  const double mb50 = cka(x, y, 50), mb10 = cka(x, y, 10);
  EXPECT_NEAR(full, mb50, 0.02);
  EXPECT_NEAR(full, mb10, 0.03);
}

TEST(CkaErrors, BadSizes) {
  const Tensor x = random_features(12, 3, 1), y = random_features(12, 3, 2), z = random_features(8, 3, 3);
  EXPECT_FALSE(minibatch_cka(x, z, 4).ok());
  EXPECT_NE(minibatch_cka(x, y, 3).error().message.find("at least 4"), std::string::npos);
  EXPECT_NE(minibatch_cka(x, y, 5).error().message.find("multiple"), std::string::npos);
  EXPECT_FALSE(hsic_unbiased(Tensor({3, 3}), Tensor({3, 3})).ok());
  EXPECT_FALSE(hsic_unbiased(Tensor({4, 4}), Tensor({5, 5})).ok());
}

// ---- Models ---------------------------------------------------------------------------------------------------------

// Small models on 28 x 28 images (pad 0, mean 0, std 1: the background is 0, as the convs' zero padding).
std::string meta(const std::string& arch, const std::string& config, int size = 28) {
  return R"({"format_version": 1, "arch": ")" + arch + R"(", "config": {"image_size": )" + std::to_string(size) +
         R"(, "in_channels": 1, "num_classes": 3, )" + config +
         R"(}, "class_names": ["a", "b", "c"], "input": {"size": )" + std::to_string(size) + R"(, "pad": )" +
         std::to_string((size - 28) / 2) + R"(, "mean": 0, "std": 1}})";
}
const std::string kCnn = meta("cnn", R"("stem_width": 4, "widths": [4, 6, 8], "strides": [1, 2, 2], "blocks": [1, 1, 1])");
const std::string kVit = meta("vit", R"("patch": 4, "dim": 8, "depth": 2, "heads": 2, "mlp_hidden": 8)");

// With `zero`: every tensor whose name ends with one of these suffixes is set to 0.
std::unique_ptr<Model> model_of(const std::string& meta_json, uint64_t seed, const std::vector<std::string>& zero = {}) {
  Result<SafeTensors> st = init_weights(meta_json, seed);
  EXPECT_TRUE(st.ok()) << st.error().message;
  if (!st.ok()) return nullptr;
  for (auto& [name, t] : st->tensors)
    for (const std::string& z : zero)
      if (name.size() >= z.size() && name.compare(name.size() - z.size(), z.size(), z) == 0)
        std::fill(t.data.begin(), t.data.end(), 0.0f);
  Result<std::unique_ptr<Model>> m = load_model(serialize_safetensors(*st));
  EXPECT_TRUE(m.ok()) << m.error().message;
  return m.ok() ? std::move(*m) : nullptr;
}

// Random images: an object of random pixels in columns [left, right), rows [4, 24), the rest background 0.
LabeledImages random_images(int count, uint32_t seed, int left = 8, int right = 20) {
  std::mt19937 rng(seed);
  LabeledImages set;
  set.count = count;
  set.images.assign(static_cast<size_t>(count) * 28 * 28, 0);
  set.labels.assign(count, 0);
  for (int i = 0; i < count; ++i) {
    set.labels[i] = static_cast<uint8_t>(rng() % 3);
    for (int r = 4; r < 24; ++r)
      for (int c = left; c < right; ++c) set.images[(static_cast<size_t>(i) * 28 + r) * 28 + c] = rng() % 256;
  }
  return set;
}

// The test set's bytes as pixels: byte / 255, images [first, first + count) in order; the model input made of them.
TEST(TestSetPixels, AreTheBytesOverTwoFiftyFiveInOrder) {
  const LabeledImages set = random_images(5, 3);
  const std::vector<float> p = test_set_pixels(set, 2, 2);
  ASSERT_EQ(p.size(), 2u * 28 * 28);
  for (size_t i = 0; i < p.size(); ++i) EXPECT_EQ(p[i], set.images[2 * 28 * 28 + i] / 255.0f) << i;
  const InputSpec spec{32, 2};
  EXPECT_EQ(test_set_input(set, 2, 2, spec).data, make_input(p, 2, spec).data);
}

TEST(CkaModels, ModelWithItselfHasUnitDiagonalAndTwoModelsAreTransposes) {
  const std::unique_ptr<Model> vit = model_of(kVit, 1), cnn = model_of(kCnn, 2);
  ASSERT_TRUE(vit && cnn);
  const LabeledImages set = random_images(16, 7);
  Result<CkaResult> self = cka_on_test_set(*cnn, *cnn, set, 16, 8);
  ASSERT_TRUE(self.ok()) << self.error().message;
  const size_t n = self->rows.size();
  EXPECT_EQ(cnn->layer_names(), self->rows);
  EXPECT_EQ(self->rows, self->cols);
  EXPECT_EQ(16, self->images);
  EXPECT_EQ(8, self->batch);
  for (size_t i = 0; i < n; ++i) {
    EXPECT_NEAR(1.0, self->matrix[i * n + i], 1e-9);
    for (size_t j = 0; j < n; ++j) EXPECT_DOUBLE_EQ(self->matrix[i * n + j], self->matrix[j * n + i]);
  }
  Result<CkaResult> ab = cka_on_test_set(*vit, *cnn, set, 16, 8), ba = cka_on_test_set(*cnn, *vit, set, 16, 8);
  ASSERT_TRUE(ab.ok() && ba.ok());
  ASSERT_EQ(ab->rows, ba->cols);
  const size_t r = ab->rows.size(), c = ab->cols.size();
  for (size_t i = 0; i < r; ++i)
    for (size_t j = 0; j < c; ++j) EXPECT_DOUBLE_EQ(ab->matrix[i * c + j], ba->matrix[j * r + i]);
  const json j = cka_json(*ab);
  EXPECT_EQ(r, j["matrix"].size());
  EXPECT_EQ(c, j["matrix"][0].size());
  EXPECT_EQ(j["rows"][0], "embed");
  // The accumulator, one minibatch at a time, gives the same; so do chunks that do not follow the minibatches (the
  // lab's job adds kCkaChunk images per step), up to the GEMM's rounding of differently shaped row blocks.
  Result<CkaAccumulator> acc = CkaAccumulator::create(*vit, *cnn, 8);
  ASSERT_TRUE(acc.ok());
  EXPECT_FALSE(acc->matrix().ok());
  ASSERT_TRUE(acc->add(set, 0, 8).ok());
  ASSERT_TRUE(acc->add(set, 8, 8).ok());
  EXPECT_EQ(ab->matrix, *acc->matrix());
  Result<CkaAccumulator> chunked = CkaAccumulator::create(*vit, *cnn, 8);
  ASSERT_TRUE(chunked.ok());
  for (const auto& [first, count] : {std::pair{0, 3}, {3, 1}, {4, 6}}) ASSERT_TRUE(chunked->add(set, first, count).ok());
  EXPECT_EQ(8, chunked->images());
  EXPECT_EQ(10, chunked->received());
  EXPECT_GT(chunked->buffer_bytes(), 0);  // the second minibatch's rows and Grams
  ASSERT_TRUE(chunked->add(set, 10, 6).ok());
  EXPECT_EQ(16, chunked->images());
  // Between minibatches nothing is held: a finished accumulator (a cached job in the lab) keeps only its sums.
  EXPECT_EQ(0, chunked->buffer_bytes());
  EXPECT_EQ(0, acc->buffer_bytes());
  const std::vector<double> m = *chunked->matrix();
  for (size_t i = 0; i < m.size(); ++i) EXPECT_NEAR(ab->matrix[i], m[i], 1e-6) << i;
}

TEST(CkaModels, BadInputsSayWhy) {
  const std::unique_ptr<Model> vit = model_of(kVit, 1), cnn = model_of(kCnn, 2);
  const std::unique_ptr<Model> big = model_of(meta("cnn", R"("stem_width": 4, "widths": [4], "strides": [1], "blocks": [1])", 32), 3);
  ASSERT_TRUE(vit && cnn && big);
  const LabeledImages set = random_images(16, 7);
  Result<CkaResult> one = cka_on_test_set(*vit, *cnn, set, 1, 100);
  ASSERT_FALSE(one.ok());
  EXPECT_NE(one.error().message.find("at least 4 images"), std::string::npos) << one.error().message;
  EXPECT_NE(cka_on_test_set(*vit, *cnn, set, 12, 8).error().message.find("multiple of the minibatch size 8"),
            std::string::npos);
  EXPECT_NE(cka_on_test_set(*vit, *cnn, set, 4, 2).error().message.find("at least 4"), std::string::npos);
  EXPECT_NE(cka_on_test_set(*vit, *cnn, set, 32, 16).error().message.find("test set has 16"), std::string::npos);
  Result<CkaResult> sizes = cka_on_test_set(*vit, *big, set, 16, 8);
  ASSERT_FALSE(sizes.ok());
  EXPECT_NE(sizes.error().message.find("1 x 28 x 28 and 1 x 32 x 32"), std::string::npos) << sizes.error().message;
  EXPECT_NE(CkaAccumulator::create(*vit, *cnn, 3).error().message.find("at least 4"), std::string::npos);
  Result<CkaAccumulator> acc = CkaAccumulator::create(*vit, *cnn);
  ASSERT_TRUE(acc.ok());
  EXPECT_FALSE(acc->add(set, 0, 0).ok());
  EXPECT_FALSE(acc->add(set, 12, 8).ok());
}

double skip_of(const SkipRatios& s, const std::string& name) {
  for (const SkipBranch& b : s.branches)
    if (b.name == name) return b.spatial_mean;
  ADD_FAILURE() << "no branch " << name;
  return NAN;
}

TEST(SkipRatio, ZeroBranchGivesOneAndTheLayoutFollowsTheModel) {
  const LabeledImages set = random_images(6, 3);
  // cnn: stage 1's conv2 set to 0 -> its branch is 0 -> ratio 1 at every position.
  const std::unique_ptr<Model> cnn = model_of(kCnn, 4, {"stages.1.0.conv2.weight", "stages.1.0.conv2.bias"});
  ASSERT_TRUE(cnn);
  Result<SkipRatios> s = skip_ratios(*cnn, test_set_input(set, 0, 6, cnn->input_spec()), 4);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(6, s->images);
  ASSERT_EQ(3u, s->branches.size());
  EXPECT_EQ("stages.0.0", s->branches[0].name);
  EXPECT_FALSE(s->branches[1].has_cls);
  EXPECT_EQ(14, s->branches[1].h);
  ASSERT_EQ(14u * 14u, s->branches[1].ratio.size());
  for (double r : s->branches[1].ratio) EXPECT_NEAR(1.0, r, 1e-12);
  EXPECT_NE(1.0, skip_of(*s, "stages.2.0"));
  // vit: block 1's attention projection and block 0's fc2 set to 0.
  const std::unique_ptr<Model> vit =
      model_of(kVit, 5, {"blocks.1.attn.proj.weight", "blocks.1.attn.proj.bias", "blocks.0.mlp.fc2.weight",
                         "blocks.0.mlp.fc2.bias"});
  ASSERT_TRUE(vit);
  Result<SkipRatios> v = skip_ratios(*vit, test_set_input(set, 0, 6, vit->input_spec()), 6);
  ASSERT_TRUE(v.ok()) << v.error().message;
  ASSERT_EQ(4u, v->branches.size());
  EXPECT_EQ("blocks.0.attn", v->branches[0].name);
  EXPECT_EQ("blocks.0.mlp", v->branches[1].name);
  EXPECT_TRUE(v->branches[1].has_cls);
  EXPECT_EQ(7, v->branches[1].w);
  ASSERT_EQ(50u, v->branches[1].ratio.size());
  for (int b : {1, 2})
    for (double r : v->branches[b].ratio) EXPECT_NEAR(1.0, r, 1e-12);
  EXPECT_NEAR(1.0, v->branches[2].cls, 1e-12);
  EXPECT_NE(1.0, v->branches[3].cls);
  // Batching does not change the mean.
  Result<SkipRatios> one_batch = skip_ratios(*vit, test_set_input(set, 0, 6, vit->input_spec()), 4);
  ASSERT_TRUE(one_batch.ok());
  EXPECT_NEAR(v->branches[3].spatial_mean, one_batch->branches[3].spatial_mean, 1e-12);
  EXPECT_EQ(4u, skip_ratios_json(*v)["branches"].size());
}

TEST(SkipRatio, Errors) {
  const std::unique_ptr<Model> vit = model_of(kVit, 1);
  ASSERT_TRUE(vit);
  EXPECT_FALSE(skip_ratios(*vit, Tensor({0, 1, 28, 28}), 4).ok());
  EXPECT_FALSE(skip_ratios(*vit, Tensor({2, 1, 28, 28}), 0).ok());
  EXPECT_FALSE(skip_ratios(*vit, Tensor({2, 1, 20, 20}), 2).ok());
  Result<SkipAccumulator> acc = SkipAccumulator::create(*vit);
  ASSERT_TRUE(acc.ok());
  EXPECT_FALSE(acc->result().ok());
}

TEST(Equivariance, ShiftImage) {
  std::vector<float> img(28 * 28);
  for (size_t i = 0; i < img.size(); ++i) img[i] = static_cast<float>(i % 28) / 28.0f + 0.01f;
  const std::vector<float> s = shift_image_right(img, 3);
  for (int r = 0; r < 28; ++r)
    for (int c = 0; c < 28; ++c) EXPECT_EQ(s[r * 28 + c], c < 3 ? 0.0f : img[r * 28 + c - 3]);
  EXPECT_EQ(img, shift_image_right(img, 0));
}

// A cnn with zero biases maps the zero background to 0 as its zero padding does: the features of an object far from
// the borders move with it, exactly, wherever the shift is a whole number of cells. The object (columns 6 to 11) stays
// out of the receptive fields of the columns that enter on the left and of those that leave on the right.
TEST(Equivariance, ConvStackShiftedByItsStrideIsEquivariant) {
  const std::unique_ptr<Model> cnn = model_of(kCnn, 6, {".bias"});
  ASSERT_TRUE(cnn);
  const LabeledImages set = random_images(5, 9, 6, 12);
  Result<Equivariance> e = equivariance_on_test_set(*cnn, set, 1, 4);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(4, e->images);
  ASSERT_EQ(cnn->layer_names().size(), e->layers.size());
  for (const EquivarianceLayer& l : e->layers) {
    SCOPED_TRACE(l.name);
    for (int k = 1; k <= kMaxShift; ++k) {
      const bool whole = k % static_cast<int>(l.stride_px) == 0;
      EXPECT_EQ(whole, l.defined[k - 1]) << "k " << k;
      if (whole) EXPECT_LT(l.error[k - 1], 1e-5) << "k " << k;
    }
  }
  EXPECT_EQ(1.0, e->layers.front().stride_px);
  EXPECT_EQ(4.0, e->layers.back().stride_px);
  // Shifted by one cell of the last layer (k = 4), the object's pooled features and prediction stay.
  EXPECT_EQ(0.0, e->top1_changed[3]);
  // The vit's position embedding breaks it; only k = 4 (one patch) is defined.
  const std::unique_ptr<Model> vit = model_of(kVit, 7);
  ASSERT_TRUE(vit);
  Result<Equivariance> v = equivariance_on_test_set(*vit, set, 0, 5);
  ASSERT_TRUE(v.ok()) << v.error().message;
  for (const EquivarianceLayer& l : v->layers) {
    EXPECT_EQ((std::vector<bool>{false, false, false, true}), l.defined) << l.name;
    EXPECT_GT(l.error[3], 1e-3) << l.name;
  }
  const json j = equivariance_json(*v);
  EXPECT_TRUE(j["layers"][0]["error"][0].is_null());
  EXPECT_EQ(kMaxShift, j["max_shift"]);
  EXPECT_FALSE(equivariance_on_test_set(*vit, set, 3, 5).ok());
  EXPECT_FALSE(equivariance_on_test_set(*vit, set, 0, 0).ok());
  // The lab's jobs add a few images per step: the same sums (up to the rounding of another batch size).
  EquivarianceAccumulator acc(*vit);
  EXPECT_FALSE(acc.result().ok());
  ASSERT_TRUE(acc.add(set, 0, 2).ok());
  ASSERT_TRUE(acc.add(set, 2, 3).ok());
  Result<Equivariance> chunked = acc.result();
  ASSERT_TRUE(chunked.ok());
  EXPECT_EQ(5, chunked->images);
  EXPECT_EQ(v->top1_changed, chunked->top1_changed);
  for (size_t l = 0; l < v->layers.size(); ++l) EXPECT_NEAR(v->layers[l].error[3], chunked->layers[l].error[3], 1e-6);
}

TEST(RepresentationSummaries, CkaSkipAndEquivarianceMeans) {
  // 3 layers: adjacent pairs 0.8 and 0.6, the far pair 0.2.
  CkaResult r{{"a", "b", "c"}, {"a", "b", "c"}, {1, 0.8, 0.2, 0.8, 1, 0.6, 0.2, 0.6, 1}, 8, 4};
  EXPECT_NEAR(0.7, *mean_adjacent_cka(r), 1e-12);
  EXPECT_NEAR(1.6 / 3, *mean_pairwise_cka(r), 1e-12);
  // Lower halves: rows a, b and columns a, b: best 1 and 1.
  EXPECT_NEAR(1.0, lower_half_best_match(r), 1e-12);
  CkaResult across{{"a", "b"}, {"x", "y", "z"}, {0.5, 0.3, 0.9, 0.1, 0.4, 0.8}, 8, 4};
  EXPECT_NEAR(0.5, lower_half_best_match(across), 1e-12);  // row a (1 of 2) over columns x, y (2 of 3)
  EXPECT_FALSE(mean_adjacent_cka(across).ok());

  SkipRatios s;
  s.branches = {{"stem-like", false, 2, 2, {1, 1, 1, 1}, 0.0, 9.0},  // no CLS: left out for a token model
                {"b0", true, 1, 1, {4, 1}, 4.0, 1.0},
                {"b1", true, 1, 1, {3, 2}, 3.0, 2.0},
                {"b2", true, 1, 1, {1, 3}, 1.0, 3.0},
                {"b3", true, 1, 1, {0.5, 5}, 0.5, 5.0}};
  const SkipTrend t = skip_trend(s);
  EXPECT_TRUE(t.has_cls);
  EXPECT_NEAR(3.5, t.cls_early, 1e-12);
  EXPECT_NEAR(0.75, t.cls_late, 1e-12);
  EXPECT_NEAR(1.5, t.spatial_early, 1e-12);
  EXPECT_NEAR(4.0, t.spatial_late, 1e-12);
  s.branches.resize(1);
  s.branches.push_back({"s1", false, 2, 2, {3, 3, 3, 3}, 0.0, 3.0});
  const SkipTrend cnn = skip_trend(s);
  EXPECT_FALSE(cnn.has_cls);
  EXPECT_NEAR(9.0, cnn.spatial_early, 1e-12);
  EXPECT_NEAR(3.0, cnn.spatial_late, 1e-12);

  Equivariance e;
  e.layers = {{"l0", 32, 1.0, {true, true, true, true}, {0.1, 0.2, 0.3, 0.4}},
              {"l1", 8, 4.0, {false, false, false, true}, {0, 0, 0, 0.8}}};
  EXPECT_NEAR(0.6, *mean_equivariance_error(e, 4), 1e-12);
  EXPECT_NEAR(0.1, *mean_equivariance_error(e, 1), 1e-12);
  e.layers.pop_back();
  e.layers[0].defined[1] = false;
  EXPECT_FALSE(mean_equivariance_error(e, 2).ok());
  EXPECT_FALSE(mean_equivariance_error(e, 5).ok());
}

}  // namespace
}  // namespace vc
