// Attention analyses against the NumPy reference (tools/analysis_ref/attention_ref.py, committed golden
// tests/analysis/data/attention_ref.json, or the file named by VITCNN_ATTENTION_GOLDEN) and their properties.
#include "analysis/attention.h"
#include "analysis/attention_json.h"
#include "golden.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

namespace vc {
namespace {

using nlohmann::json;

const std::string kGolden = golden_path("VITCNN_ATTENTION_GOLDEN", "attention_ref.json");

std::vector<double> doubles(const json& j) {
  std::vector<double> v;
  for (const json& x : j) v.push_back(x.get<double>());
  return v;
}

// Random row-stochastic attention: probs[l] is [B, H, T, T].
std::vector<Tensor> random_probs(int layers, int batch, int heads, int grid, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.5f);
  const int t = 1 + grid * grid;
  std::vector<Tensor> probs;
  for (int l = 0; l < layers; ++l) {
    Tensor a({batch, heads, t, t});
    for (int64_t r = 0; r < a.numel() / t; ++r) {
      float* row = a.ptr() + r * t;
      float sum = 0.0f;
      for (int j = 0; j < t; ++j) sum += row[j] = std::exp(normal(rng));
      for (int j = 0; j < t; ++j) row[j] /= sum;
    }
    probs.push_back(std::move(a));
  }
  return probs;
}

class AttentionGolden : public ::testing::Test {
 protected:
  void SetUp() override {
    g_ = read_golden(kGolden);
    ASSERT_FALSE(g_.is_discarded()) << "cannot read golden " << kGolden;
    ASSERT_EQ(g_.value("version", 0), 1) << "golden version";
    images_ = g_["images"];
    layers_ = g_["layers"];
    heads_ = g_["heads"];
    grid_ = g_["grid"];
    const int t = 1 + grid_ * grid_;
    for (const json& layer : g_["probs"]) {
      Tensor a({images_, heads_, t, t});
      ASSERT_EQ(layer.size(), a.data.size());
      for (size_t k = 0; k < a.data.size(); ++k) a.data[k] = layer[k].get<float>();
      probs_.push_back(std::move(a));
    }
    Result<AttentionStack> s = attention_stack(probs_);
    ASSERT_TRUE(s.ok()) << s.error().message;
    stack_ = *s;
  }
  json g_;
  int images_ = 0, layers_ = 0, heads_ = 0, grid_ = 0;
  std::vector<Tensor> probs_;
  AttentionStack stack_;
};

TEST_F(AttentionGolden, StackShape) {
  EXPECT_EQ(stack_.num_layers(), layers_);
  EXPECT_EQ(stack_.batch, images_);
  EXPECT_EQ(stack_.heads, heads_);
  EXPECT_EQ(stack_.grid, grid_);
  EXPECT_EQ(stack_.tokens, 1 + grid_ * grid_);
}

TEST_F(AttentionGolden, ClsAndTokenMaps) {
  const std::vector<double> cls = doubles(g_["cls_maps"]), tok = doubles(g_["token_maps"]);
  const int n = grid_ * grid_, patch = g_["token_patch"];
  for (int l = 0; l < layers_; ++l)
    for (int b = 0; b < images_; ++b)
      for (int h = 0; h < heads_; ++h) {
        Result<Tensor> c = cls_map(stack_, b, l, h), t = token_map(stack_, b, l, h, patch);
        ASSERT_TRUE(c.ok() && t.ok());
        ASSERT_EQ(c->shape, (std::vector<int64_t>{grid_, grid_}));
        ASSERT_EQ(t->shape, (std::vector<int64_t>{grid_, grid_}));
        const size_t base = ((static_cast<size_t>(l) * images_ + b) * heads_ + h) * n;
        for (int k = 0; k < n; ++k) {
          EXPECT_EQ(c->data[k], static_cast<float>(cls[base + k]));  // a copy: exact
          EXPECT_EQ(t->data[k], static_cast<float>(tok[base + k]));
        }
      }
}

TEST_F(AttentionGolden, Rollout) {
  const std::vector<double> ref = doubles(g_["rollout"]);
  const int t = stack_.tokens;
  for (int b = 0; b < images_; ++b) {
    Result<Tensor> r = rollout(stack_, b);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->shape, (std::vector<int64_t>{t, t}));
    // Computed in double from float32 inputs; only the final cast to float rounds.
    for (int k = 0; k < t * t; ++k) EXPECT_NEAR(r->data[k], ref[static_cast<size_t>(b) * t * t + k], 1e-6);
    Result<Tensor> cls = rollout_cls_map(stack_, b);
    ASSERT_TRUE(cls.ok());
    for (int k = 0; k < grid_ * grid_; ++k) EXPECT_EQ(cls->data[k], r->data[1 + k]);
  }
}

TEST_F(AttentionGolden, DistancePerImageAndMean) {
  const double cell = g_["cell_px"];
  const std::vector<double> px = doubles(g_["distance_px"]), cells = doubles(g_["distance_patches"]);
  const std::vector<double> mean_px = doubles(g_["mean_distance_px"]);
  const std::vector<double> mean_cells = doubles(g_["mean_distance_patches"]);
  const size_t lh = static_cast<size_t>(layers_) * heads_;
  DistanceMean mean;
  for (int b = 0; b < images_; ++b) {
    Result<AttentionDistance> d = attention_distance(stack_, b, cell);
    ASSERT_TRUE(d.ok()) << d.error().message;
    ASSERT_EQ(d->layers, layers_);
    ASSERT_EQ(d->heads, heads_);
    ASSERT_EQ(d->grid, grid_);
    ASSERT_EQ(d->cell_px, cell);
    for (size_t k = 0; k < lh; ++k) {
      EXPECT_NEAR(d->px[k], px[b * lh + k], 1e-9 * cell);
      EXPECT_NEAR(d->patches[k], cells[b * lh + k], 1e-9);
    }
    ASSERT_TRUE(mean.add(*d).ok());
  }
  Result<AttentionDistance> m = mean.mean();
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(mean.count(), images_);
  for (size_t k = 0; k < lh; ++k) {
    EXPECT_NEAR(m->px[k], mean_px[k], 1e-8);  // fixed point: 2^-32 per image
    EXPECT_NEAR(m->patches[k], mean_cells[k], 1e-8);
  }
}

TEST(Attention, RowsSumToOne) {
  const std::vector<Tensor> probs = random_probs(4, 2, 3, 4, 7);
  Result<AttentionStack> s = attention_stack(probs);
  ASSERT_TRUE(s.ok());
  for (int b = 0; b < 2; ++b) {
    for (int l = 0; l < 4; ++l)
      for (int h = 0; h < 3; ++h) {
        // CLS map + the CLS token's attention to itself is the whole row 0.
        Result<Tensor> c = cls_map(*s, b, l, h);
        ASSERT_TRUE(c.ok());
        double sum = probs[l].data[((static_cast<size_t>(b) * 3 + h) * 17) * 17];
        for (float v : c->data) sum += v;
        EXPECT_NEAR(sum, 1.0, 1e-5);
      }
    Result<Tensor> r = rollout(*s, b);
    ASSERT_TRUE(r.ok());
    for (int i = 0; i < 17; ++i) {
      double sum = 0.0;
      for (int j = 0; j < 17; ++j) sum += r->data[i * 17 + j];
      EXPECT_NEAR(sum, 1.0, 1e-5) << "rollout row " << i;
    }
  }
}

TEST(Attention, RolloutOfIdentityAttentionIsIdentity) {
  const int t = 1 + 2 * 2;
  std::vector<Tensor> probs(3, Tensor({1, 2, t, t}));
  for (Tensor& a : probs)
    for (int h = 0; h < 2; ++h)
      for (int i = 0; i < t; ++i) a.data[(h * t + i) * t + i] = 1.0f;
  Result<AttentionStack> s = attention_stack(probs);
  ASSERT_TRUE(s.ok());
  Result<Tensor> r = rollout(*s, 0);
  ASSERT_TRUE(r.ok());
  for (int i = 0; i < t; ++i)
    for (int j = 0; j < t; ++j) EXPECT_EQ(r->data[i * t + j], i == j ? 1.0f : 0.0f);
}

TEST(Attention, OneHotGivesThePatchDistance) {
  const int grid = 5, t = 1 + grid * grid;
  const double cell = 4.0;
  // Every query sends all its mass to CLS except patch p, which attends only to patch q: the patch-to-patch
  // mass is that one entry, so the mean distance is exactly ||pos_p - pos_q||.
  const int pairs[][2] = {{0, 0}, {0, 1}, {0, 5}, {0, 24}, {12, 3}, {20, 4}, {7, 13}};
  for (const auto& pq : pairs) {
    Tensor a({1, 1, t, t});
    for (int i = 0; i < t; ++i) a.data[i * t] = 1.0f;
    a.data[(pq[0] + 1) * t] = 0.0f;
    a.data[(pq[0] + 1) * t + pq[1] + 1] = 1.0f;
    const std::vector<Tensor> probs{a};
    Result<AttentionStack> s = attention_stack(probs);
    ASSERT_TRUE(s.ok());
    Result<AttentionDistance> d = attention_distance(*s, 0, cell);
    ASSERT_TRUE(d.ok()) << d.error().message;
    const double dy = pq[0] / grid - pq[1] / grid, dx = pq[0] % grid - pq[1] % grid;
    EXPECT_DOUBLE_EQ(d->patches[0], std::sqrt(dx * dx + dy * dy)) << pq[0] << " -> " << pq[1];
    EXPECT_DOUBLE_EQ(d->px[0], cell * std::sqrt(dx * dx + dy * dy));
  }
}

TEST(Attention, MeanDoesNotDependOnImageOrder) {
  const int images = 40;
  const std::vector<Tensor> probs = random_probs(3, images, 2, 4, 11);
  Result<AttentionStack> s = attention_stack(probs);
  ASSERT_TRUE(s.ok());
  std::vector<AttentionDistance> per_image;
  for (int b = 0; b < images; ++b) {
    Result<AttentionDistance> d = attention_distance(*s, b, 4.0);
    ASSERT_TRUE(d.ok());
    per_image.push_back(*d);
  }
  DistanceMean forward, shuffled, first_half, second_half;
  for (const AttentionDistance& d : per_image) ASSERT_TRUE(forward.add(d).ok());
  std::vector<int> order(images);
  for (int i = 0; i < images; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(3));
  for (int i : order) ASSERT_TRUE(shuffled.add(per_image[i]).ok());
  for (int i = 0; i < images; ++i) ASSERT_TRUE((i % 3 ? first_half : second_half).add(per_image[i]).ok());
  ASSERT_TRUE(second_half.merge(first_half).ok());
  Result<AttentionDistance> a = forward.mean(), b = shuffled.mean(), c = second_half.mean();
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->px, b->px);  // bitwise
  EXPECT_EQ(a->patches, b->patches);
  EXPECT_EQ(a->px, c->px);
  EXPECT_EQ(second_half.count(), images);
}

// Uniform attention's distance is the mean distance between two cells, counted here pair by pair.
TEST(Attention, UniformDistanceIsTheMeanCellDistance) {
  for (int grid : {1, 2, 3, 8}) {
    double sum = 0.0;
    for (int i = 0; i < grid * grid; ++i)
      for (int j = 0; j < grid * grid; ++j) sum += std::hypot(i / grid - j / grid, i % grid - j % grid);
    Result<double> u = uniform_attention_distance_px(grid, 4.0);
    ASSERT_TRUE(u.ok()) << grid;
    EXPECT_NEAR(*u, 4.0 * sum / (grid * grid * grid * grid), 1e-6 * (1.0 + *u)) << grid;
  }
  EXPECT_FALSE(uniform_attention_distance_px(0, 4.0).ok());
  EXPECT_FALSE(uniform_attention_distance_px(8, 0.0).ok());
}

TEST(Attention, LocalHeadsCountsTheFirstLayersBelowTheThreshold) {
  AttentionDistance d;
  d.layers = 3;
  d.heads = 2;
  d.px = {1.0, 9.0, 2.0, 3.0, 0.5, 0.5};  // [layer][head]
  EXPECT_EQ(local_heads(d, 1, 5.0), 1);
  EXPECT_EQ(local_heads(d, 2, 5.0), 3);
  EXPECT_EQ(local_heads(d, 2, 2.0), 1);   // strictly below
  EXPECT_EQ(local_heads(d, 9, 5.0), 5);   // more layers than the model has
  EXPECT_EQ(local_heads(d, 0, 5.0), 0);
}

// Every layer counted; the farthest head from uniform on either side.
TEST(Attention, LocalityCountsEveryLayerAndTheFarthestHead) {
  AttentionDistance d;
  d.layers = 3;
  d.heads = 2;
  d.grid = 8;
  d.cell_px = 4.0;
  const double u = uniform_attention_distance_px(8, 4.0).value();
  d.px = {1.0, u + 0.5, u - 2.0, u, 0.5 * u - 1e-9, 0.5 * u};  // [layer][head]
  Result<Locality> l = locality(d);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->heads, 6);
  EXPECT_EQ(l->local_heads, 2);  // 1.0 and just below half of uniform; exactly half is not local
  EXPECT_EQ(l->uniform_px, u);
  EXPECT_EQ(l->threshold_px, kLocalFraction * u);
  EXPECT_DOUBLE_EQ(l->farthest_from_uniform_px, u - 1.0);
  d.grid = 0;
  EXPECT_FALSE(locality(d).ok());
}

TEST(Attention, LayerHeadMeanAveragesTheHeadsOfOneLayer) {
  AttentionDistance d;
  d.layers = 3;
  d.heads = 2;
  d.px = {1.0, 9.0, 2.0, 3.0, 0.5, 0.5};  // [layer][head]
  EXPECT_DOUBLE_EQ(layer_head_mean(d, 0), 5.0);
  EXPECT_DOUBLE_EQ(layer_head_mean(d, 1), 2.5);
  EXPECT_DOUBLE_EQ(layer_head_mean(d, 2), 0.5);
}

// An AttentionImage made from random probs (batch 1), as analyse_attention builds it from a model's trace.
AttentionImage random_image(int layers, int heads, int grid, double cell_px, uint32_t seed) {
  AttentionImage a;
  a.probs = random_probs(layers, 1, heads, grid, seed);
  Result<AttentionStack> s = attention_stack(a.probs);
  EXPECT_TRUE(s.ok());
  a.distance = attention_distance(*s, 0, cell_px).value();
  for (int l = 0; l < layers; ++l) {
    AttentionStack upto = *s;
    upto.layers.resize(static_cast<size_t>(l) + 1);
    a.rollouts.push_back(rollout(upto, 0).value());
  }
  return a;
}

TEST(Attention, AttentionMapPicksTheClsRowAPatchRowOrTheRollout) {
  const AttentionImage a = random_image(3, 2, 3, 4.0, 21);
  Result<AttentionStack> s = attention_stack(a.probs);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(attention_map(a, 2, 1, false, -1)->data, cls_map(*s, 0, 2, 1)->data);
  EXPECT_EQ(attention_map(a, 1, 0, false, 4)->data, token_map(*s, 0, 1, 0, 4)->data);
  EXPECT_EQ(attention_map(a, 2, 0, true, -1)->data, rollout_cls_map(*s, 0)->data);
  // The rollout through layer 0 alone, row of patch 7 (token 8).
  AttentionStack first = *s;
  first.layers.resize(1);
  const Tensor r0 = rollout(first, 0).value();
  EXPECT_EQ(attention_map(a, 0, 1, true, 7)->data, patch_row(r0.ptr(), s->tokens, s->grid, 8).data);
  EXPECT_FALSE(attention_map(a, 3, 0, false, -1).ok());
  EXPECT_FALSE(attention_map(a, 0, 0, false, 9).ok());
  AttentionImage no_rollout = a;
  no_rollout.rollouts.clear();
  EXPECT_FALSE(attention_map(no_rollout, 0, 0, true, -1).ok());
  EXPECT_TRUE(attention_map(no_rollout, 0, 0, false, -1).ok());
}

// The shared colour scale's top: no map of the grid or the enlarged map exceeds it, one of them reaches it, and the
// enlarged rollout counts only when it is the one shown.
TEST(Attention, SharedMapMaxIsTheLargestValueOfEveryShownMap) {
  const AttentionImage a = random_image(3, 2, 3, 4.0, 22);
  for (const int patch : {-1, 4}) {
    float grid_top = 0.0f;
    for (int l = 0; l < 3; ++l)
      for (int h = 0; h < 2; ++h) {
        const Tensor m = attention_map(a, l, h, false, patch).value();
        grid_top = std::max(grid_top, *std::max_element(m.data.begin(), m.data.end()));
      }
    EXPECT_EQ(shared_map_max(a, 1, 1, false, patch), grid_top) << patch;
    const Tensor r = attention_map(a, 2, 0, true, patch).value();
    EXPECT_EQ(shared_map_max(a, 2, 0, true, patch), std::max(grid_top, *std::max_element(r.data.begin(), r.data.end())))
        << patch;
  }
  AttentionImage none = a;
  none.probs.clear();
  none.rollouts.clear();
  EXPECT_EQ(shared_map_max(none, 0, 0, false, -1), 0.0f);  // nothing to draw
}

TEST(Attention, PatchRowSkipsTheClsColumn) {
  // A [5, 5] matrix (CLS + a 2 x 2 grid) holding 10 * row + column.
  Tensor m({5, 5});
  for (int i = 0; i < 25; ++i) m.data[i] = static_cast<float>(10 * (i / 5) + i % 5);
  const Tensor r = patch_row(m.ptr(), 5, 2, 3);
  EXPECT_EQ(r.shape_str(), Tensor({2, 2}).shape_str());
  EXPECT_EQ(r.data, (std::vector<float>{31, 32, 33, 34}));
}

TEST(Attention, DistanceJsonHasOneSetOfKeys) {
  const AttentionImage a = random_image(3, 2, 3, 4.0, 22);
  const AttentionDistance& d = a.distance;
  const json j = attention_distance_json(d);
  EXPECT_EQ(j["layers"], 3);
  EXPECT_EQ(j["heads"], 2);
  EXPECT_EQ(j["grid"], 3);
  EXPECT_EQ(j["tokens"], 10);
  EXPECT_EQ(j["cell_px"], 4.0);
  ASSERT_EQ(j["distance_px"].size(), 3u);
  for (int l = 0; l < 3; ++l)
    for (int h = 0; h < 2; ++h) {
      EXPECT_EQ(j["distance_px"][l][h].get<double>(), d.px[l * 2 + h]);
      EXPECT_EQ(j["distance_patches"][l][h].get<double>(), d.patches[l * 2 + h]);
    }
  const double uniform = uniform_attention_distance_px(3, 4.0).value();
  EXPECT_EQ(j["uniform_px"].get<double>(), uniform);
  EXPECT_EQ(j["local_threshold_px"].get<double>(), kLocalFraction * uniform);
  EXPECT_EQ(j["early_layers"], kEarlyLayers);
  EXPECT_EQ(j["local_heads_early"], local_heads(d, kEarlyLayers, kLocalFraction * uniform));
  EXPECT_FALSE(j.contains("patch"));
}

TEST(Attention, RejectsBadInput) {
  EXPECT_FALSE(attention_stack(std::vector<Tensor>{}).ok());
  EXPECT_FALSE(attention_stack(std::vector<Tensor>{Tensor({1, 2, 6, 6})}).ok());  // 5 patches: no grid
  EXPECT_FALSE(attention_stack(std::vector<Tensor>{Tensor({1, 2, 5, 4})}).ok());
  EXPECT_FALSE(attention_stack(std::vector<Tensor>{Tensor({1, 2, 5, 5}), Tensor({1, 1, 5, 5})}).ok());
  Trace cnn_trace(TraceRequest::everything());
  cnn_trace.put(TraceKind::Layer, "stem", Tensor({1, 4, 8, 8}));
  Result<AttentionStack> none = attention_stack(cnn_trace);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("attn.probs"), std::string::npos);

  const std::vector<Tensor> probs = random_probs(2, 1, 2, 2, 5);
  Result<AttentionStack> s = attention_stack(probs);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(cls_map(*s, 1, 0, 0).ok());
  EXPECT_FALSE(cls_map(*s, 0, 2, 0).ok());
  EXPECT_FALSE(cls_map(*s, 0, 0, -1).ok());
  EXPECT_FALSE(token_map(*s, 0, 0, 0, 4).ok());
  EXPECT_FALSE(attention_distance(*s, 0, 0.0).ok());
  DistanceMean empty;
  EXPECT_FALSE(empty.mean().ok());
  AttentionDistance other{1, 1, 2, 4.0, {1.0}, {0.25}};
  DistanceMean m;
  Result<AttentionDistance> d = attention_distance(*s, 0, 4.0);
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(m.add(*d).ok());
  EXPECT_FALSE(m.add(other).ok());
  EXPECT_EQ(m.count(), 1);
}

TEST(Attention, StackFromTraceKeepsLayerOrder) {
  Trace trace(TraceRequest::everything());
  const std::vector<Tensor> probs = random_probs(3, 1, 2, 2, 9);
  trace.put(TraceKind::Layer, "embed", Tensor({1, 5, 8}));
  for (int l = 0; l < 3; ++l) trace.put(TraceKind::AttnProbs, "blocks." + std::to_string(l) + ".attn.probs", probs[l]);
  Result<AttentionStack> s = attention_stack(trace);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->num_layers(), 3);
  for (int l = 0; l < 3; ++l) EXPECT_EQ(s->layers[l]->data, probs[l].data);
}

}  // namespace
}  // namespace vc
