// Model engine tests that need no PyTorch: backward vs finite differences on tiny odd-sized configs,
// layer shapes and MAC counts vs hand computations, batching, traces, and clear errors for bad files.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "kernels/parallel.h"
#include "models/model.h"

namespace vc {
namespace {

std::string meta_json(const std::string& arch, int image_size, int classes, const std::string& config) {
  std::string names;
  for (int i = 0; i < classes; ++i) names += (i ? ",\"c" : "\"c") + std::to_string(i) + "\"";
  return "{\"format_version\": 1, \"arch\": \"" + arch + "\", \"config\": " + config + ", \"class_names\": [" + names +
         "], \"input\": {\"size\": " + std::to_string(image_size) + ", \"pad\": 0, \"mean\": 0.25, \"std\": 0.5}}";
}

// Tiny configs on odd sizes: T = 10 tokens of 6 channels in 2 heads of 3; a 7x7 cnn whose second stage
// has a stride-2 shortcut to 4x4; a hybrid with 3 heads of 2 channels over a 4x4 grid; the tiny vit as an rvit
// (a 3 x 3 grid: 5 x 5 tables).
const std::string kTinyVit = meta_json(
    "vit", 6, 3,
    R"({"image_size": 6, "in_channels": 2, "patch": 2, "dim": 6, "depth": 2, "heads": 2, "mlp_hidden": 5, "num_classes": 3})");
const std::string kTinyCnn = meta_json(
    "cnn", 7, 3,
    R"({"image_size": 7, "in_channels": 2, "stem_width": 3, "widths": [3, 5], "strides": [1, 2], "blocks": [2, 1], "num_classes": 3})");
const std::string kTinyHybrid = meta_json(
    "hybrid", 8, 4,
    R"({"image_size": 8, "in_channels": 1, "stem_width": 3, "widths": [4, 5], "strides": [2, 1], "blocks": [1, 1], "dim": 6, "depth": 2, "heads": 3, "mlp_hidden": 7, "num_classes": 4})");
const std::string kTinyRvit = meta_json(
    "rvit", 6, 3,
    R"({"image_size": 6, "in_channels": 2, "patch": 2, "dim": 6, "depth": 2, "heads": 2, "mlp_hidden": 5, "num_classes": 3, "rel_bias_init": "locality"})");

// models.DEFAULT_CONFIGS
const std::string kDefaultVit = meta_json(
    "vit", 32, 10,
    R"({"image_size": 32, "in_channels": 1, "patch": 4, "dim": 128, "depth": 6, "heads": 4, "mlp_hidden": 256, "num_classes": 10})");
const std::string kDefaultCnn = meta_json(
    "cnn", 32, 10,
    R"({"image_size": 32, "in_channels": 1, "stem_width": 32, "widths": [32, 64, 128], "strides": [1, 2, 2], "blocks": [2, 2, 2], "num_classes": 10})");
const std::string kDefaultHybrid = meta_json(
    "hybrid", 32, 10,
    R"({"image_size": 32, "in_channels": 1, "stem_width": 32, "widths": [32, 64], "strides": [2, 2], "blocks": [1, 1], "dim": 128, "depth": 4, "heads": 4, "mlp_hidden": 256, "num_classes": 10})");
const std::string kDefaultRvit = meta_json(
    "rvit", 32, 10,
    R"({"image_size": 32, "in_channels": 1, "patch": 4, "dim": 128, "depth": 6, "heads": 4, "mlp_hidden": 256, "num_classes": 10, "rel_bias_init": "locality"})");

// Deterministic values in [-1, 1).
struct Lcg {
  uint64_t s;
  float next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<float>(s >> 40) / 8388608.0f - 1.0f;
  }
};

void fill(Tensor& t, Lcg& rng, float scale) {
  for (float& v : t.data) v = scale * rng.next();
}

// init_weights, with LayerNorm affines, the CLS token and rvit's relative-bias tables moved off their
// 1 / 0 / prior defaults so that a swapped or ignored parameter (or a mirrored table index) shows.
SafeTensors weights_for(const std::string& meta, uint64_t seed) {
  Result<SafeTensors> st = init_weights(meta, seed);
  EXPECT_TRUE(st.ok()) << st.error().message;
  Lcg rng{seed};
  for (auto& [name, t] : st->tensors)
    if (name.find("norm") != std::string::npos || name.ends_with("cls_token") || name.ends_with("rel_bias"))
      for (float& v : t.data) v += 0.3f * rng.next();
  return std::move(st.value());
}

std::unique_ptr<Model> load(const SafeTensors& st) {
  Result<std::unique_ptr<Model>> m = load_model(serialize_safetensors(st));
  EXPECT_TRUE(m.ok()) << m.error().message;
  return m.ok() ? std::move(m.value()) : nullptr;
}

Tensor random_input(const Model& m, int batch, uint64_t seed) {
  Tensor x({batch, m.in_channels(), m.image_size(), m.image_size()});
  Lcg rng{seed};
  fill(x, rng, 1.5f);
  return x;
}

// m.forward(x, trace), which must succeed.
Tensor run(const Model& m, const Tensor& x, Trace* trace = nullptr) {
  Result<Tensor> y = m.forward(x, trace);
  EXPECT_TRUE(y.ok()) << y.error().message;
  return y.ok() ? std::move(y).value() : Tensor();
}

// sum(seed * traced tensor `layer`), accumulated in double.
double objective(const Model& m, const Tensor& x, const std::string& layer, const Tensor& seed) {
  Trace trace(TraceRequest{}.add(layer));
  run(m, x, &trace);
  const Tensor* t = trace.find(layer);
  EXPECT_NE(nullptr, t) << layer;
  if (!t) return 0.0;
  double s = 0.0;
  for (size_t i = 0; i < t->data.size(); ++i) s += static_cast<double>(t->data[i]) * seed.data[i];
  return s;
}

// Central differences in float32 with step h = 1e-3: truncation O(h^2), rounding ~1e-7 |f| / h. A ReLU
// unit whose input crosses zero within the step spoils the difference; that happens at one step size, not
// at both, while a wrong gradient fails at both: `fd(h)` is retried once at h / 4.
// Tolerance: 3e-3 + 2 % of |grad|.
constexpr float kStep = 1e-3f;
bool close(double fd, double an) { return std::fabs(fd - an) <= 3e-3 + 2e-2 * std::max(std::fabs(fd), std::fabs(an)); }
template <class Fd>
bool matches_fd(Fd fd, double an, double* got) {
  *got = fd(kStep);
  if (close(*got, an)) return true;
  *got = fd(kStep / 4);
  return close(*got, an);
}

void check_backward_vs_fd(const std::string& meta, const KernelTable& kernels) {
  SafeTensors st = weights_for(meta, 7);
  std::unique_ptr<Model> model = load(st);
  ASSERT_TRUE(model);
  model->set_kernels(kernels);
  Tensor x = random_input(*model, 2, 11);
  Trace names(TraceRequest::everything());
  run(*model, x, &names);
  Lcg rng{99};
  int checks = 0;
  for (const Trace::Entry& traced : names.entries()) {
    const std::string& layer = traced.name;
    SCOPED_TRACE(std::string(kernels.name) + " layer " + layer);
    Tensor seed(traced.value.shape);
    fill(seed, rng, 1.0f);
    Result<Gradients> g = model->backward(x, layer, seed, true);
    ASSERT_TRUE(g.ok()) << g.error().message;
    ASSERT_TRUE(g->input.same_shape(x));
    // Input gradient at a few coordinates.
    for (int k = 0; k < 6; ++k) {
      const size_t i = static_cast<size_t>((rng.next() + 1.0f) * 0.5f * x.data.size()) % x.data.size();
      auto fd = [&](float h) {
        Tensor xp = x, xm = x;
        xp.data[i] += h;
        xm.data[i] -= h;
        return (objective(*model, xp, layer, seed) - objective(*model, xm, layer, seed)) / (2 * h);
      };
      double got;
      EXPECT_TRUE(matches_fd(fd, g->input.data[i], &got))
          << "d/dx[" << i << "]: fd " << got << " backward " << g->input.data[i];
      ++checks;
    }
    // Every weight tensor at two coordinates (gradient exactly zero for weights after `layer`).
    ASSERT_EQ(st.tensors.size(), g->weight_names.size());
    for (size_t w = 0; w < g->weight_names.size(); ++w) {
      Tensor& param = st.tensors.at(g->weight_names[w]);
      for (int k = 0; k < 2; ++k) {
        const size_t i = static_cast<size_t>((rng.next() + 1.0f) * 0.5f * param.data.size()) % param.data.size();
        auto fd = [&](float h) {
          const float saved = param.data[i];
          param.data[i] = saved + h;
          std::unique_ptr<Model> mp = load(st);
          param.data[i] = saved - h;
          std::unique_ptr<Model> mm = load(st);
          param.data[i] = saved;
          mp->set_kernels(kernels);
          mm->set_kernels(kernels);
          return (objective(*mp, x, layer, seed) - objective(*mm, x, layer, seed)) / (2 * h);
        };
        double got;
        EXPECT_TRUE(matches_fd(fd, g->weights[w].data[i], &got))
            << g->weight_names[w] << "[" << i << "]: fd " << got << " backward " << g->weights[w].data[i];
        ++checks;
      }
    }
  }
  EXPECT_GT(checks, 100);
}

TEST(ModelBackward, VitMatchesFiniteDifferences) {
  check_backward_vs_fd(kTinyVit, kernels_ref());
  check_backward_vs_fd(kTinyVit, kernels_simd());
}
TEST(ModelBackward, CnnMatchesFiniteDifferences) {
  check_backward_vs_fd(kTinyCnn, kernels_ref());
  check_backward_vs_fd(kTinyCnn, kernels_simd());
}
TEST(ModelBackward, HybridMatchesFiniteDifferences) {
  check_backward_vs_fd(kTinyHybrid, kernels_ref());
  check_backward_vs_fd(kTinyHybrid, kernels_simd());
}
TEST(ModelBackward, RvitMatchesFiniteDifferences) {
  check_backward_vs_fd(kTinyRvit, kernels_ref());
  check_backward_vs_fd(kTinyRvit, kernels_simd());
}

TEST(ModelBackward, CnnGradientIsZeroOutsideTheTheoreticalReceptiveField) {
  // stem 3x3 (r 3, jump 1) -> conv1 3x3 stride 2 (r 5, jump 2) -> conv2 3x3 (r 9); the 1x1 stride-2 shortcut
  // sees less. With "same" padding the box of output unit u is centred on input u * jump: u = 4 on the 8x8
  // map of a 15x15 image -> rows and columns [8 - 4, 8 + 4].
  const std::string meta = meta_json(
      "cnn", 15, 2,
      R"({"image_size": 15, "in_channels": 1, "stem_width": 3, "widths": [4], "strides": [2], "blocks": [1], "num_classes": 2})");
  std::unique_ptr<Model> m = load(weights_for(meta, 3));
  ASSERT_TRUE(m);
  const Tensor x = random_input(*m, 1, 5);
  Trace trace(TraceRequest{}.add("stages.0.0"));
  run(*m, x, &trace);
  Tensor seed(trace.find("stages.0.0")->shape);
  ASSERT_EQ((std::vector<int64_t>{1, 4, 8, 8}), seed.shape);
  for (int64_t c = 0; c < 4; ++c) seed.data[(c * 8 + 4) * 8 + 4] = 1.0f;
  Result<Gradients> g = m->backward(x, "stages.0.0", seed, false);
  ASSERT_TRUE(g.ok()) << g.error().message;
  double inside = 0.0;
  for (int y = 0; y < 15; ++y)
    for (int xx = 0; xx < 15; ++xx) {
      const float v = g->input.data[y * 15 + xx];
      if (y >= 4 && y <= 12 && xx >= 4 && xx <= 12)
        inside += std::fabs(v);
      else
        EXPECT_EQ(0.0f, v) << "(" << y << ", " << xx << ") is outside the theoretical box";
    }
  EXPECT_GT(inside, 0.0);
}

// layers(): names, out shapes, parameters and MACs of models.DEFAULT_CONFIGS, computed by hand.
TEST(ModelLayers, CnnShapesParamsAndMacs) {
  std::unique_ptr<Model> m = load(weights_for(kDefaultCnn, 1));
  ASSERT_TRUE(m);
  const std::vector<LayerInfo> L = m->layers();
  const std::vector<std::string> names = {"stem",       "stages.0.0", "stages.0.1", "stages.1.0", "stages.1.1",
                                          "stages.2.0", "stages.2.1", "pool",       "logits"};
  ASSERT_EQ(names.size(), L.size());
  for (size_t i = 0; i < L.size(); ++i) EXPECT_EQ(names[i], L[i].name);
  const int64_t conv3 = 9;
  // MACs = out_c * out_h * out_w * in_c * k * k per conv.
  const std::vector<int64_t> macs = {
      32 * 32 * 32 * 1 * conv3,
      2 * (32 * 32 * 32 * 32 * conv3),
      2 * (32 * 32 * 32 * 32 * conv3),
      64 * 16 * 16 * 32 * conv3 + 64 * 16 * 16 * 64 * conv3 + 64 * 16 * 16 * 32,  // + 1x1 shortcut
      2 * (64 * 16 * 16 * 64 * conv3),
      128 * 8 * 8 * 64 * conv3 + 128 * 8 * 8 * 128 * conv3 + 128 * 8 * 8 * 64,
      2 * (128 * 8 * 8 * 128 * conv3),
      0,
      128 * 10};
  const std::vector<int64_t> params = {32 * 9 + 32,
                                       2 * (32 * 32 * 9 + 32),
                                       2 * (32 * 32 * 9 + 32),
                                       64 * 32 * 9 + 64 + 64 * 64 * 9 + 64 + 64 * 32 + 64,
                                       2 * (64 * 64 * 9 + 64),
                                       128 * 64 * 9 + 128 + 128 * 128 * 9 + 128 + 128 * 64 + 128,
                                       2 * (128 * 128 * 9 + 128),
                                       0,
                                       128 * 10 + 10};
  const std::vector<std::vector<int64_t>> shapes = {{1, 32, 32, 32}, {1, 32, 32, 32}, {1, 32, 32, 32},
                                                    {1, 64, 16, 16}, {1, 64, 16, 16}, {1, 128, 8, 8},
                                                    {1, 128, 8, 8},  {1, 128},        {1, 10}};
  int64_t total = 0;
  for (size_t i = 0; i < L.size(); ++i) {
    EXPECT_EQ(macs[i], L[i].macs) << L[i].name;
    EXPECT_EQ(params[i], L[i].params) << L[i].name;
    EXPECT_EQ(shapes[i], L[i].out.dims()) << L[i].name;
    total += params[i];
  }
  EXPECT_EQ(total, m->num_params());
  EXPECT_EQ(std::vector<std::string>(names.begin(), names.end() - 2), m->layer_names());
}

TEST(ModelLayers, VitShapesParamsAndMacs) {
  std::unique_ptr<Model> m = load(weights_for(kDefaultVit, 1));
  ASSERT_TRUE(m);
  const std::vector<LayerInfo> L = m->layers();
  ASSERT_EQ(1u + 6 + 3, L.size());
  const int64_t T = 65, D = 128, Hm = 256;
  EXPECT_EQ("embed", L[0].name);
  EXPECT_EQ((std::vector<int64_t>{1, T, D}), L[0].out.dims());
  EXPECT_EQ(64 * D * 16, L[0].macs);                            // 64 patches x D x (4x4 pixels)
  EXPECT_EQ(D * 16 + D + D + T * D, L[0].params);               // conv + bias, CLS, position embedding
  for (int i = 1; i <= 6; ++i) {
    EXPECT_EQ("blocks." + std::to_string(i - 1), L[i].name);
    // qkv, QK^T, PV, proj, fc1, fc2
    EXPECT_EQ(T * D * 3 * D + T * T * D + T * T * D + T * D * D + T * D * Hm + T * Hm * D, L[i].macs);
    EXPECT_EQ(4 * D + 3 * D * D + 3 * D + D * D + D + Hm * D + Hm + D * Hm + D, L[i].params);
  }
  EXPECT_EQ("norm", L[7].name);
  EXPECT_EQ("pool", L[8].name);
  EXPECT_EQ((std::vector<int64_t>{1, D}), L[8].out.dims());
  EXPECT_EQ("logits", L[9].name);
  EXPECT_EQ(D * 10, L[9].macs);
  int64_t total = 0;
  for (const LayerInfo& l : L) total += l.params;
  EXPECT_EQ(total, m->num_params());
  EXPECT_EQ(2 * D + D * 10 + 10, L[7].params + L[9].params);
}

TEST(ModelLayers, HybridChainsTrunkAndTokens) {
  std::unique_ptr<Model> m = load(weights_for(kDefaultHybrid, 1));
  ASSERT_TRUE(m);
  EXPECT_EQ((std::vector<std::string>{"stem", "stages.0.0", "stages.1.0", "embed", "blocks.0", "blocks.1", "blocks.2",
                                      "blocks.3"}),
            m->layer_names());
  const std::vector<LayerInfo> L = m->layers();
  EXPECT_EQ((std::vector<int64_t>{1, 64, 8, 8}), L[2].out.dims());
  EXPECT_EQ((std::vector<int64_t>{1, 65, 128}), L[3].out.dims());
  EXPECT_EQ(128 * 8 * 8 * 64, L[3].macs);  // the 1x1 projection
}

// --- layer geometry ------------------------------------------------------------------------------

using Layout = FeatureShape::Layout;

ConvGeometry conv(int kernel, int stride, int pad, int in_c, int out_c) {
  return {.kernel = kernel, .stride = stride, .pad = pad, .dilation = 1, .in_c = in_c, .out_c = out_c};
}

// layers() of a model with the config `meta`.
std::vector<LayerInfo> layers_of(const std::string& meta) {
  std::unique_ptr<Model> m = load(weights_for(meta, 1));
  EXPECT_TRUE(m);
  return m ? m->layers() : std::vector<LayerInfo>{};
}

// The step named `name` (a default LayerInfo, and a failure, when there is none).
LayerInfo layer(const std::vector<LayerInfo>& L, const std::string& name) {
  const auto it = std::find_if(L.begin(), L.end(), [&](const LayerInfo& l) { return l.name == name; });
  EXPECT_NE(it, L.end()) << name;
  return it == L.end() ? LayerInfo{} : *it;
}

TEST(ModelGeometry, CnnStemBlocksShortcutsAndPool) {
  const std::vector<LayerInfo> L = layers_of(kDefaultCnn);
  const LayerInfo stem = layer(L, "stem");
  EXPECT_EQ(LayerKind::Stem, stem.kind);
  EXPECT_EQ((FeatureShape{Layout::Map, 1, 32, 32}), stem.in);
  EXPECT_EQ((LayerGeometry{{{conv(3, 1, 1, 1, 32)}}, false}), stem.geometry);
  // Stage 0 keeps width and size: identity shortcut (an empty path).
  EXPECT_EQ((LayerGeometry{{{conv(3, 1, 1, 32, 32), conv(3, 1, 1, 32, 32)}, {}}, false}),
            layer(L, "stages.0.0").geometry);
  // Stage 1 block 0: conv1 3x3 s2 p1, conv2 3x3 s1 p1, shortcut 1x1 s2 p0; block 1 is stride 1 with identity.
  const LayerInfo s10 = layer(L, "stages.1.0");
  EXPECT_EQ(LayerKind::BasicBlock, s10.kind);
  EXPECT_EQ((LayerGeometry{{{conv(3, 2, 1, 32, 64), conv(3, 1, 1, 64, 64)}, {conv(1, 2, 0, 32, 64)}}, false}),
            s10.geometry);
  EXPECT_EQ((FeatureShape{Layout::Map, 32, 32, 32}), s10.in);
  EXPECT_EQ((FeatureShape{Layout::Map, 64, 16, 16}), s10.out);
  EXPECT_EQ((LayerGeometry{{{conv(3, 1, 1, 64, 64), conv(3, 1, 1, 64, 64)}, {}}, false}),
            layer(L, "stages.1.1").geometry);
  EXPECT_EQ((LayerGeometry{{{conv(3, 2, 1, 64, 128), conv(3, 1, 1, 128, 128)}, {conv(1, 2, 0, 64, 128)}}, false}),
            layer(L, "stages.2.0").geometry);
  const LayerInfo pool = layer(L, "pool");
  EXPECT_EQ(LayerKind::AvgPool, pool.kind);
  EXPECT_EQ((LayerGeometry{{}, true}), pool.geometry);
  EXPECT_EQ((FeatureShape{Layout::Vector, 128, 0, 0}), pool.out);
  EXPECT_EQ(LayerKind::Head, layer(L, "logits").kind);
  EXPECT_STREQ("basic_block", layer_type(s10.kind));
  EXPECT_STREQ("conv3x3", layer_type(stem.kind));
  EXPECT_STREQ("avgpool", layer_type(pool.kind));
}

TEST(ModelGeometry, VitPatchEmbedAndGlobalBlocks) {
  const std::vector<LayerInfo> L = layers_of(kDefaultVit);
  const LayerInfo embed = layer(L, "embed");
  EXPECT_EQ(LayerKind::PatchEmbed, embed.kind);
  EXPECT_TRUE(embed.is_layer);
  // kernel = stride = patch 4, no padding: an 8 x 8 grid of tokens (+ CLS).
  EXPECT_EQ((LayerGeometry{{{conv(4, 4, 0, 1, 128)}}, false}), embed.geometry);
  EXPECT_EQ((FeatureShape{Layout::Tokens, 128, 8, 8}), embed.out);
  EXPECT_EQ(65, embed.out.tokens());
  for (int i = 0; i < 6; ++i) {
    const LayerInfo b = layer(L, "blocks." + std::to_string(i));
    EXPECT_EQ(LayerKind::TransformerBlock, b.kind);
    EXPECT_EQ((LayerGeometry{{{}}, true}), b.geometry) << b.name;
    EXPECT_EQ(embed.out, b.out);
  }
  EXPECT_EQ(LayerKind::Norm, layer(L, "norm").kind);
  EXPECT_FALSE(layer(L, "norm").is_layer);
  EXPECT_EQ((LayerGeometry{{{}}, false}), layer(L, "norm").geometry);
  EXPECT_EQ(LayerKind::ClsPool, layer(L, "pool").kind);
  EXPECT_STREQ("cls_token", layer_type(LayerKind::ClsPool));
  EXPECT_EQ((FeatureShape{Layout::Vector, 10, 0, 0}), layer(L, "logits").out);
}

TEST(ModelGeometry, HybridProjectsTheTrunkMapToTokens) {
  const std::vector<LayerInfo> L = layers_of(kDefaultHybrid);
  EXPECT_EQ((LayerGeometry{{{conv(3, 2, 1, 32, 32), conv(3, 1, 1, 32, 32)}, {conv(1, 2, 0, 32, 32)}}, false}),
            layer(L, "stages.0.0").geometry);
  const LayerInfo embed = layer(L, "embed");
  EXPECT_EQ(LayerKind::TokenProj, embed.kind);
  EXPECT_STREQ("token_proj", layer_type(embed.kind));
  EXPECT_EQ((FeatureShape{Layout::Map, 64, 8, 8}), embed.in);
  EXPECT_EQ((LayerGeometry{{{conv(1, 1, 0, 64, 128)}}, false}), embed.geometry);
  EXPECT_EQ((FeatureShape{Layout::Tokens, 128, 8, 8}), embed.out);
  EXPECT_TRUE(layer(L, "blocks.3").geometry.global_mixing);
}

// Random cnn and hybrid configs (odd sizes, strides 1 to 3, 1 to 3 stages).
std::vector<std::string> random_configs(uint64_t seed, int count) {
  Lcg rng{seed};
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>((rng.next() + 1.0f) * 0.5f * (hi - lo + 1)) % (hi - lo + 1); };
  std::vector<std::string> out;
  for (int n = 0; n < count; ++n) {
    const bool hybrid = n % 2 == 1;
    const int stages = pick(1, 3), in_c = pick(1, 2);
    std::string widths, strides, blocks;
    int side = hybrid ? pick(1, 3) : pick(9, 21);
    for (int s = 0; s < stages; ++s) {
      const int stride = pick(1, 3);
      if (hybrid) side *= stride;  // the hybrid's trunk must divide the image exactly
      widths += (s ? ", " : "") + std::to_string(pick(2, 5));
      strides += (s ? ", " : "") + std::to_string(stride);
      blocks += (s ? ", " : "") + std::to_string(pick(1, 2));
    }
    const std::string trunk = "\"image_size\": " + std::to_string(side) + ", \"in_channels\": " + std::to_string(in_c) +
                              ", \"stem_width\": " + std::to_string(pick(2, 4)) + ", \"widths\": [" + widths +
                              "], \"strides\": [" + strides + "], \"blocks\": [" + blocks + "], \"num_classes\": 3";
    out.push_back(hybrid ? meta_json("hybrid", side, 3, "{" + trunk + ", \"dim\": 4, \"depth\": 1, \"heads\": 2, \"mlp_hidden\": 3}")
                         : meta_json("cnn", side, 3, "{" + trunk + "}"));
  }
  return out;
}

// Every path of every step maps the step's input grid and channels to its output's; steps chain; the traced
// tensors of a forward pass have the shapes layers() announces.
void check_geometry_is_consistent(const Model& m) {
  const std::vector<LayerInfo> L = m.layers();
  ASSERT_FALSE(L.empty());
  EXPECT_EQ((FeatureShape{Layout::Map, m.in_channels(), m.image_size(), m.image_size()}), L[0].in);
  Trace trace(TraceRequest::everything());
  run(m, random_input(m, 1, 3), &trace);
  std::vector<std::string> layer_names;
  for (size_t i = 0; i < L.size(); ++i) {
    const LayerInfo& l = L[i];
    SCOPED_TRACE(l.name);
    if (i > 0) EXPECT_EQ(L[i - 1].out, l.in);
    ASSERT_NE(nullptr, trace.find(l.name));
    EXPECT_EQ(l.out.dims(), trace.find(l.name)->shape);
    EXPECT_EQ(is_analysis_layer(l.kind), l.is_layer);
    if (l.is_layer) layer_names.push_back(l.name);
    if (l.out.layout == Layout::Vector) continue;
    EXPECT_FALSE(l.geometry.paths.empty());
    for (const ConvPath& path : l.geometry.paths) {
      int c = l.in.channels, h = l.in.h, w = l.in.w;
      for (const ConvGeometry& g : path) {
        EXPECT_EQ(c, g.in_c);
        EXPECT_EQ(1, g.dilation);
        c = g.out_c;
        h = g.out_size(h);
        w = g.out_size(w);
      }
      EXPECT_EQ(l.out.channels, c);
      EXPECT_EQ(l.out.h, h);
      EXPECT_EQ(l.out.w, w);
    }
  }
  EXPECT_EQ(m.layer_names(), layer_names);
}

TEST(ModelGeometry, ConsistentForShippedTinyAndRandomConfigs) {
  std::vector<std::string> metas = {kTinyVit,    kTinyCnn,    kTinyHybrid,    kTinyRvit,
                                    kDefaultVit, kDefaultCnn, kDefaultHybrid, kDefaultRvit};
  for (const std::string& r : random_configs(17, 6)) metas.push_back(r);
  for (const std::string& meta : metas) {
    SCOPED_TRACE(meta);
    std::unique_ptr<Model> m = load(weights_for(meta, 4));
    ASSERT_TRUE(m);
    check_geometry_is_consistent(*m);
  }
}

// 1-D receptive field of unit 0 of a layer output (Araujo et al. 2019): it covers input pixels
// [start, start + size) and unit u is shifted by u * jump. A conv (k, s, p, d) after (size, jump, start) gives
// (size + (k - 1) d jump, jump s, start - p jump); a step's paths are united.
struct Rf {
  int64_t size = 1, jump = 1, start = 0;
};

Rf through(const Rf& in, const LayerGeometry& g) {
  int64_t lo = 0, hi = 0, jump = 0;
  for (size_t i = 0; i < g.paths.size(); ++i) {
    Rf r = in;
    for (const ConvGeometry& c : g.paths[i]) {
      r.size += (c.kernel - 1) * c.dilation * r.jump;
      r.start -= c.pad * r.jump;
      r.jump *= c.stride;
    }
    lo = i ? std::min(lo, r.start) : r.start;
    hi = i ? std::max(hi, r.start + r.size) : r.start + r.size;
    EXPECT_TRUE(i == 0 || jump == r.jump);
    jump = r.jump;
  }
  return {hi - lo, jump, lo};
}

// The receptive field computed from layers() alone bounds the input gradient of a cnn's centre unit, and is
// reached: the gradient is zero outside the box and non-zero on its first and last rows inside the image.
TEST(ModelGeometry, ReceptiveFieldFromLayersBoundsTheGradient) {
  int checked = 0;
  for (const std::string& meta : random_configs(23, 5)) {
    if (meta.find("\"cnn\"") == std::string::npos) continue;
    ++checked;
    SCOPED_TRACE(meta);
    std::unique_ptr<Model> m = load(weights_for(meta, 8));
    ASSERT_TRUE(m);
    const std::vector<LayerInfo> L = m->layers();
    const LayerInfo& last = L[L.size() - 3];  // the last basic block, before pool and logits
    ASSERT_EQ(LayerKind::BasicBlock, last.kind);
    Rf rf;
    for (const LayerInfo& l : L) {
      rf = through(rf, l.geometry);
      if (&l == &last) break;
    }
    const int u = last.out.h / 2, S = m->image_size();
    const Tensor x = random_input(*m, 1, 5);
    Tensor seed(last.out.dims());
    for (int c = 0; c < last.out.channels; ++c) seed.data[(static_cast<size_t>(c) * last.out.h + u) * last.out.w + u] = 1.0f;
    Result<Gradients> g = m->backward(x, last.name, seed, false);
    ASSERT_TRUE(g.ok()) << g.error().message;
    const int64_t lo = rf.start + u * rf.jump, hi = lo + rf.size - 1;
    double edge = 0.0;
    for (int y = 0; y < S; ++y)
      for (int xx = 0; xx < S; ++xx) {
        const float v = g->input.data[static_cast<size_t>(y) * S + xx];
        if (y < lo || y > hi || xx < lo || xx > hi) EXPECT_EQ(0.0f, v) << "(" << y << ", " << xx << ")";
        if (y == std::max<int64_t>(lo, 0) || y == std::min<int64_t>(hi, S - 1)) edge += std::fabs(v);
      }
    EXPECT_GT(edge, 0.0) << "rf [" << lo << ", " << hi << "]";
  }
  EXPECT_EQ(3, checked);
}

TEST(ModelForward, BatchRowsMatchSingleImages) {
  for (const std::string* meta : {&kTinyVit, &kTinyCnn, &kTinyHybrid, &kTinyRvit}) {
    std::unique_ptr<Model> m = load(weights_for(*meta, 2));
    ASSERT_TRUE(m);
    const Tensor x = random_input(*m, 3, 4);
    const Tensor all = run(*m, x);
    ASSERT_EQ((std::vector<int64_t>{3, m->num_classes()}), all.shape);
    const int64_t per = x.numel() / 3;
    for (int b = 0; b < 3; ++b) {
      Tensor one({1, m->in_channels(), m->image_size(), m->image_size()});
      std::copy_n(x.ptr() + b * per, per, one.ptr());
      const Tensor y = run(*m, one);
      for (int k = 0; k < m->num_classes(); ++k)
        EXPECT_NEAR(all.data[b * m->num_classes() + k], y.data[k], 1e-5f) << arch_name(m->arch()) << " image " << b;
    }
  }
}

TEST(ModelForward, Batch64AtFullSize) {
  for (const std::string* meta : {&kDefaultVit, &kDefaultCnn, &kDefaultHybrid}) {
    std::unique_ptr<Model> m = load(weights_for(*meta, 5));
    ASSERT_TRUE(m);
    const Tensor x = random_input(*m, 64, 6);
    const Tensor y = run(*m, x);
    ASSERT_EQ((std::vector<int64_t>{64, 10}), y.shape);
    Tensor last({1, 1, 32, 32});
    std::copy_n(x.ptr() + 63 * 1024, 1024, last.ptr());
    const Tensor y63 = run(*m, last);
    for (int k = 0; k < 10; ++k) EXPECT_NEAR(y.data[63 * 10 + k], y63.data[k], 1e-4f * (1 + std::fabs(y63.data[k])));
    Tensor seed(y.shape, 1.0f);
    Result<Gradients> g = m->backward(x, "logits", seed, true);
    ASSERT_TRUE(g.ok()) << g.error().message;
    EXPECT_TRUE(g->input.same_shape(x));
  }
}

// The kernel threads (kernels/parallel.h) split GEMM rows, convolution images, Winograd tile chunks and attention's
// images: every family's logits and input gradient are the same bits on 1 and 3 threads, at an odd batch.
TEST(ModelForward, ThreadsChangeNoBit) {
  for (const std::string* meta : {&kDefaultVit, &kDefaultCnn, &kDefaultHybrid, &kDefaultRvit}) {
    std::unique_ptr<Model> m = load(weights_for(*meta, 7));
    ASSERT_TRUE(m);
    const Tensor x = random_input(*m, 9, 8);
    const auto logits_and_gradient = [&] {
      const Tensor y = run(*m, x);
      Result<Gradients> g = m->backward(x, "logits", Tensor(y.shape, 1.0f), true);
      EXPECT_TRUE(g.ok()) << g.error().message;
      return std::make_pair(y, g.ok() ? g->input : Tensor());
    };
    const auto one = logits_and_gradient();
    set_kernel_threads(3);
    const auto three = logits_and_gradient();
    set_kernel_threads(1);
    EXPECT_EQ(one.first.data, three.first.data) << arch_name(m->arch());
    EXPECT_EQ(one.second.data, three.second.data) << arch_name(m->arch());
  }
}

TEST(ModelForward, TraceIsOptionalAndSelective) {
  std::unique_ptr<Model> m = load(weights_for(kTinyVit, 3));
  ASSERT_TRUE(m);
  const Tensor x = random_input(*m, 2, 1);
  Trace full(TraceRequest::everything());
  const Tensor a = run(*m, x, &full);
  const Tensor b = run(*m, x);
  EXPECT_EQ(a.data, b.data);
  const std::vector<std::string> want = {"input", "embed", "blocks.0.attn.probs", "blocks.0.attn.branch",
                                         "blocks.0.mid", "blocks.0.mlp.branch", "blocks.0"};
  const std::vector<std::string> names = full.names();
  ASSERT_GE(names.size(), want.size());
  EXPECT_EQ(want, std::vector<std::string>(names.begin(), names.begin() + want.size()));
  EXPECT_EQ("logits", names.back());
  EXPECT_EQ(a.data, full.find("logits")->data);
  EXPECT_EQ((std::vector<int64_t>{2, 2, 10, 10}), full.find("blocks.1.attn.probs")->shape);
  // Each entry's kind, without parsing its name.
  const std::vector<TraceKind> kinds = {TraceKind::Input,      TraceKind::Layer,     TraceKind::AttnProbs,
                                        TraceKind::AttnBranch, TraceKind::Mid,       TraceKind::MlpBranch,
                                        TraceKind::Layer,      TraceKind::AttnProbs, TraceKind::AttnBranch,
                                        TraceKind::Mid,        TraceKind::MlpBranch, TraceKind::Layer,
                                        TraceKind::Norm,       TraceKind::Pool,      TraceKind::Logits};
  ASSERT_EQ(kinds.size(), full.entries().size());
  for (size_t i = 0; i < kinds.size(); ++i) EXPECT_EQ(kinds[i], full.entries()[i].kind) << full.entries()[i].name;
  int64_t bytes = 0;
  for (const Trace::Entry& e : full.entries()) bytes += e.value.numel() * 4;
  EXPECT_EQ(bytes, full.bytes());

  Trace attention_only({TraceKind::AttnProbs});
  run(*m, x, &attention_only);
  EXPECT_EQ((std::vector<std::string>{"blocks.0.attn.probs", "blocks.1.attn.probs"}), attention_only.names());
  EXPECT_EQ(2 * (2 * 2 * 10 * 10 * 4), attention_only.bytes());
  // Each attention row is a distribution.
  const Tensor& p = *attention_only.find("blocks.1.attn.probs");
  for (int64_t r = 0; r < p.numel() / 10; ++r) {
    float s = 0;
    for (int j = 0; j < 10; ++j) s += p.data[r * 10 + j];
    EXPECT_NEAR(1.0f, s, 1e-5f);
  }
  EXPECT_EQ(full.find("blocks.1.attn.probs")->data, p.data);
  const std::vector<Trace::Entry> taken = attention_only.release();
  ASSERT_EQ(2u, taken.size());
  EXPECT_EQ(full.find("blocks.1.attn.probs")->data, taken[1].value.data);
  EXPECT_TRUE(attention_only.entries().empty());
  EXPECT_EQ(nullptr, attention_only.find("blocks.1.attn.probs"));

  // Names and kinds together; a second pass overwrites in place.
  Trace some(TraceRequest{TraceKind::Logits}.add("blocks.1.mid").add("input"));
  run(*m, x, &some);
  const Tensor x2 = random_input(*m, 2, 9);
  run(*m, x2, &some);
  EXPECT_EQ((std::vector<std::string>{"input", "blocks.1.mid", "logits"}), some.names());
  EXPECT_EQ(x2.data, some.find("input")->data);
  EXPECT_EQ(TraceKind::Mid, some.entries()[1].kind);
  EXPECT_EQ(nullptr, some.find("blocks.0.mid"));

  Trace nothing(TraceRequest{});
  EXPECT_EQ(a.data, run(*m, x, &nothing).data);
  EXPECT_TRUE(nothing.entries().empty());
  EXPECT_EQ(0, nothing.bytes());
}

TEST(ModelArch, NamesParseAndModelsReportTheirArch) {
  EXPECT_STREQ("vit", arch_name(Arch::Vit));
  EXPECT_STREQ("cnn", arch_name(Arch::Cnn));
  EXPECT_STREQ("hybrid", arch_name(Arch::Hybrid));
  EXPECT_STREQ("rvit", arch_name(Arch::Rvit));
  for (Arch a : {Arch::Vit, Arch::Cnn, Arch::Hybrid, Arch::Rvit}) EXPECT_EQ(a, parse_arch(arch_name(a)));
  EXPECT_FALSE(parse_arch("mlp").has_value());
  EXPECT_FALSE(parse_arch("VIT").has_value());
  EXPECT_FALSE(parse_arch("").has_value());
  const std::pair<const std::string*, Arch> cases[] = {
      {&kTinyVit, Arch::Vit}, {&kTinyCnn, Arch::Cnn}, {&kTinyHybrid, Arch::Hybrid}, {&kTinyRvit, Arch::Rvit}};
  for (const auto& [meta, arch] : cases) {
    std::unique_ptr<Model> m = load(weights_for(*meta, 1));
    ASSERT_TRUE(m);
    EXPECT_EQ(arch, m->arch());
  }
}

// --- rvit: the relative-position bias ------------------------------------------------------------

// A vit's metadata as an rvit's with the same config and rel_bias_init `init`.
std::string rvit_of(const std::string& vit_meta, const std::string& init) {
  std::string m = vit_meta;
  m.replace(m.find("\"vit\""), 5, "\"rvit\"");
  m.insert(m.find(", \"class_names\"") - 1, ", \"rel_bias_init\": \"" + init + "\"");
  return m;
}

std::string table_name(int block) { return "tokens.blocks." + std::to_string(block) + ".attn.rel_bias"; }

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.shape == b.shape && a.data.size() == b.data.size() &&
         std::memcmp(a.data.data(), b.data.data(), a.data.size() * sizeof(float)) == 0;
}

// Default rvit: 6 blocks, tables [4, 15, 15]. init_weights draws the vit's weights of the same seed (the tables
// draw no random numbers) and starts the tables at -d^2 / 4^(h+1) (d in px, patch 4) or at 0.
TEST(ModelRvit, InitWeightsAreTheVitsPlusTheTables) {
  const SafeTensors vit = init_weights(kDefaultVit, 9).value();
  for (const char* init : {"locality", "zero"}) {
    SCOPED_TRACE(init);
    const SafeTensors rvit = init_weights(rvit_of(kDefaultVit, init), 9).value();
    ASSERT_EQ(vit.tensors.size() + 6, rvit.tensors.size());
    for (const auto& [name, t] : vit.tensors) EXPECT_TRUE(same_bits(t, rvit.tensors.at(name))) << name;
    for (int i = 0; i < 6; ++i) {
      const Tensor& table = rvit.tensors.at(table_name(i));
      ASSERT_EQ((std::vector<int64_t>{4, 15, 15}), table.shape);
      for (int h = 0; h < 4; ++h) {
        const float a = std::string(init) == "zero" ? 0.0f : std::ldexp(1.0f, -2 * (h + 1));
        const float* t = table.ptr() + h * 225;
        EXPECT_EQ(0.0f, t[7 * 15 + 7]);                 // no offset
        EXPECT_EQ(-a * 16, t[8 * 15 + 7]);              // one patch down: 4 px
        EXPECT_EQ(-a * 16 * 2, t[6 * 15 + 8]);          // one up, one right
        EXPECT_EQ(-a * 16 * 98, t[0]);                  // (-7, -7) patches
        EXPECT_EQ(t[3 * 15 + 12], t[12 * 15 + 3]);      // symmetric in the offset
      }
    }
  }
}

// With zero tables an rvit is the vit of the same weights, bit for bit: every traced tensor, the input
// gradient and every weight gradient the vit has. The tables' gradient is non-zero, except the last block's:
// the logits read only its CLS row, which has no bias.
TEST(ModelRvit, ZeroTablesGiveTheVitBitForBit) {
  struct Case {
    const std::string* meta;
    int heads, grid, depth;
  };
  for (const Case& c : {Case{&kTinyVit, 2, 3, 2}, Case{&kDefaultVit, 4, 8, 6}}) {
    const SafeTensors v = weights_for(*c.meta, 5);
    SafeTensors r = v;
    r.metadata["vitcnn"] = rvit_of(*c.meta, "locality");  // the engine loads the tables, whatever their init was
    for (int i = 0; i < c.depth; ++i) r.tensors[table_name(i)] = Tensor({c.heads, 2 * c.grid - 1, 2 * c.grid - 1});
    std::unique_ptr<Model> vit = load(v), rvit = load(r);
    ASSERT_TRUE(vit && rvit);
    EXPECT_EQ(Arch::Rvit, rvit->arch());
    for (const KernelTable* kernels : {&kernels_ref(), &kernels_simd()}) {
      SCOPED_TRACE(std::string(kernels->name) + " " + *c.meta);
      vit->set_kernels(*kernels);
      rvit->set_kernels(*kernels);
      const Tensor x = random_input(*vit, 2, 8);
      Trace tv(TraceRequest::everything()), tr(TraceRequest::everything());
      EXPECT_TRUE(same_bits(run(*vit, x, &tv), run(*rvit, x, &tr)));
      ASSERT_EQ(tv.names(), tr.names());
      for (size_t i = 0; i < tv.entries().size(); ++i)
        EXPECT_TRUE(same_bits(tv.entries()[i].value, tr.entries()[i].value)) << tv.entries()[i].name;
      Tensor seed(tv.find("logits")->shape);
      Lcg rng{3};
      fill(seed, rng, 1.0f);
      Result<Gradients> gv = vit->backward(x, "logits", seed, true), gr = rvit->backward(x, "logits", seed, true);
      ASSERT_TRUE(gv.ok() && gr.ok());
      EXPECT_TRUE(same_bits(gv->input, gr->input));
      ASSERT_EQ(gv->weight_names.size() + c.depth, gr->weight_names.size());
      for (size_t i = 0; i < gr->weight_names.size(); ++i) {
        const std::string& name = gr->weight_names[i];
        const auto it = std::find(gv->weight_names.begin(), gv->weight_names.end(), name);
        if (it == gv->weight_names.end()) {
          EXPECT_TRUE(name.ends_with(".attn.rel_bias")) << name;
          double mass = 0.0;
          for (float g : gr->weights[i].data) mass += std::fabs(g);
          if (name == table_name(c.depth - 1))
            EXPECT_EQ(0.0, mass);
          else
            EXPECT_GT(mass, 0.0) << name;
        } else {
          EXPECT_TRUE(same_bits(gv->weights[it - gv->weight_names.begin()], gr->weights[i])) << name;
        }
      }
    }
  }
}

// Block 0 sees the same input in an rvit and in the vit of its other weights, so per attention row
// log p_rvit - log p_vit is the bias up to a constant: the bias of CLS key 0 is 0, hence
// bias(i, j) = (log p_rvit - log p_vit)[i, j] - (log p_rvit - log p_vit)[i, 0]: the table at
// (row_i - row_j + g - 1, col_i - col_j + g - 1) for patch tokens i, j, and 0 in the CLS row.
TEST(ModelRvit, TheTableShiftsEachPatchPairsLogitByItsOffset) {
  const SafeTensors r = weights_for(kTinyRvit, 6);
  SafeTensors v = r;
  v.metadata["vitcnn"] = kTinyVit;
  for (int i = 0; i < 2; ++i) v.tensors.erase(table_name(i));
  std::unique_ptr<Model> rvit = load(r), vit = load(v);
  ASSERT_TRUE(rvit && vit);
  const Tensor x = random_input(*rvit, 2, 4);
  Trace tr({TraceKind::AttnProbs}), tv({TraceKind::AttnProbs});
  run(*rvit, x, &tr);
  run(*vit, x, &tv);
  const Tensor &pr = *tr.find("blocks.0.attn.probs"), &pv = *tv.find("blocks.0.attn.probs");
  const Tensor& table = r.tensors.at(table_name(0));  // [2, 5, 5]
  const int g = 3, T = 10, S = 5;
  auto shift = [&](int b, int h, int i, int j) {
    const size_t at = ((static_cast<size_t>(b) * 2 + h) * T + i) * T + j;
    return std::log(static_cast<double>(pr.data[at])) - std::log(static_cast<double>(pv.data[at]));
  };
  for (int b = 0; b < 2; ++b)
    for (int h = 0; h < 2; ++h)
      for (int i = 0; i < T; ++i)
        for (int j = 0; j < T; ++j) {
          double want = 0.0;
          if (i > 0 && j > 0) {
            const int ri = (i - 1) / g, ci = (i - 1) % g, rj = (j - 1) / g, cj = (j - 1) % g;
            want = table.data[(static_cast<size_t>(h) * S + ri - rj + g - 1) * S + ci - cj + g - 1];
          }
          EXPECT_NEAR(want, shift(b, h, i, j) - shift(b, h, i, 0), 1e-4) << "image " << b << " head " << h << " (" << i << ", " << j << ")";
        }
  // The accessor hands out the same table.
  ASSERT_NE(nullptr, rvit->weight(table_name(0)));
  EXPECT_TRUE(same_bits(table, *rvit->weight(table_name(0))));
  EXPECT_EQ(nullptr, vit->weight(table_name(0)));
}

// layers(): the vit's chain, shapes, MACs and geometry (global mixing); each block adds its table's
// H (2g - 1)^2 = 4 x 15 x 15 parameters, 5400 in all.
TEST(ModelLayers, RvitIsTheVitChainPlusTheTables) {
  std::unique_ptr<Model> vit = load(weights_for(kDefaultVit, 1)), rvit = load(weights_for(kDefaultRvit, 1));
  ASSERT_TRUE(vit && rvit);
  const std::vector<LayerInfo> V = vit->layers(), R = rvit->layers();
  ASSERT_EQ(V.size(), R.size());
  for (size_t i = 0; i < V.size(); ++i) {
    SCOPED_TRACE(V[i].name);
    EXPECT_EQ(V[i].name, R[i].name);
    EXPECT_EQ(V[i].kind, R[i].kind);
    EXPECT_EQ(V[i].in, R[i].in);
    EXPECT_EQ(V[i].out, R[i].out);
    EXPECT_EQ(V[i].macs, R[i].macs);
    EXPECT_EQ(V[i].geometry, R[i].geometry);
    EXPECT_EQ(V[i].params + (R[i].kind == LayerKind::TransformerBlock ? 4 * 15 * 15 : 0), R[i].params);
  }
  EXPECT_EQ(vit->num_params() + 5400, rvit->num_params());
  EXPECT_EQ(vit->layer_names(), rvit->layer_names());
}

// --- errors -------------------------------------------------------------------------------------

std::string load_error(const SafeTensors& st) {
  Result<std::unique_ptr<Model>> m = load_model(serialize_safetensors(st));
  EXPECT_FALSE(m.ok());
  return m.ok() ? std::string() : m.error().message;
}

std::string meta_error(const std::string& meta) {
  SafeTensors st;
  st.metadata["vitcnn"] = meta;
  return load_error(st);
}

TEST(ModelErrors, BadFiles) {
  const std::vector<uint8_t> good = serialize_safetensors(weights_for(kTinyVit, 1));
  Result<std::unique_ptr<Model>> m = load_model(std::span<const uint8_t>(good.data(), good.size() - 10));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(std::string::npos, m.error().message.find("truncated")) << m.error().message;
  m = load_model(std::span<const uint8_t>(good.data(), 5));
  ASSERT_FALSE(m.ok());
  m = load_model_file("/nonexistent/model.safetensors");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(std::string::npos, m.error().message.find("/nonexistent/model.safetensors"));
  EXPECT_NE(std::string::npos, load_error(SafeTensors{}).find("no \"vitcnn\""));
}

TEST(ModelErrors, MissingMisShapedAndUnexpectedTensors) {
  SafeTensors st = weights_for(kTinyCnn, 1);
  SafeTensors missing = st;
  missing.tensors.erase("trunk.stages.1.0.shortcut.weight");
  EXPECT_NE(std::string::npos, load_error(missing).find("no tensor 'trunk.stages.1.0.shortcut.weight'"));
  SafeTensors wrong = st;
  wrong.tensors["head.weight"] = Tensor({3, 4});
  const std::string msg = load_error(wrong);
  EXPECT_NE(std::string::npos, msg.find("'head.weight'")) << msg;
  EXPECT_NE(std::string::npos, msg.find("[3, 4]")) << msg;
  EXPECT_NE(std::string::npos, msg.find("[3, 5]")) << msg;
  SafeTensors extra = st;
  extra.tensors["trunk.stages.0.0.shortcut.weight"] = Tensor({3, 3, 1, 1});
  EXPECT_NE(std::string::npos, load_error(extra).find("unexpected tensor 'trunk.stages.0.0.shortcut.weight'"));
}

TEST(ModelErrors, RvitTables) {
  const SafeTensors st = weights_for(kTinyRvit, 1);
  SafeTensors missing = st;
  missing.tensors.erase(table_name(1));
  EXPECT_NE(std::string::npos, load_error(missing).find("no tensor 'tokens.blocks.1.attn.rel_bias'"));
  SafeTensors wrong = st;
  wrong.tensors[table_name(0)] = Tensor({2, 7, 7});
  const std::string msg = load_error(wrong);
  EXPECT_NE(std::string::npos, msg.find("[2, 7, 7], the config needs [2, 5, 5]")) << msg;
  SafeTensors vit = st;
  vit.metadata["vitcnn"] = kTinyVit;
  EXPECT_NE(std::string::npos, load_error(vit).find("unexpected tensor 'tokens.blocks.0.attn.rel_bias'"));
}

TEST(ModelErrors, BadMetadata) {
  EXPECT_NE(std::string::npos, meta_error("{not json").find("not a JSON object"));
  std::string m = kTinyVit;
  EXPECT_NE(std::string::npos, meta_error(std::string(m).replace(m.find("\"vit\""), 5, "\"mlp\"")).find("unknown arch 'mlp'"));
  EXPECT_NE(std::string::npos,
            meta_error(std::string(m).replace(m.find("\"format_version\": 1"), 19, "\"format_version\": 2"))
                .find("format_version 2"));
  EXPECT_NE(std::string::npos, meta_error(std::string(m).replace(m.find("\"heads\": 2"), 10, "\"heads\": 4")).find("multiple of config.heads"));
  EXPECT_NE(std::string::npos, meta_error(std::string(m).replace(m.find("\"patch\": 2"), 10, "\"patch\": 4")).find("multiple of config.patch"));
  EXPECT_NE(std::string::npos, meta_error(std::string(m).replace(m.find("\"dim\": 6,"), 9, "")).find("config.dim is missing"));
  EXPECT_NE(std::string::npos, meta_error(std::string(m).replace(m.find("\"depth\": 2"), 10, "\"depth\": 1.5")).find("config.depth is not an integer"));
  EXPECT_NE(std::string::npos, meta_error(std::string(m).replace(m.find(",\"c2\""), 5, "")).find("2 class_names for config.num_classes 3"));
  EXPECT_NE(std::string::npos, meta_error(std::string(m).replace(m.find("\"size\": 6"), 9, "\"size\": 8")).find("input.size 8"));
  EXPECT_NE(std::string::npos, meta_error(std::string(m).replace(m.find("\"std\": 0.5"), 10, "\"std\": 0")).find("input.std"));
  const std::string h = kTinyHybrid;
  EXPECT_NE(std::string::npos, meta_error(std::string(h).replace(h.find("\"strides\": [2, 1]"), 17, "\"strides\": [3, 1]")).find("not divisible by stride 3"));
  EXPECT_NE(std::string::npos, meta_error(std::string(h).replace(h.find("\"blocks\": [1, 1]"), 16, "\"blocks\": [1]")).find("different lengths"));
  EXPECT_NE(std::string::npos, meta_error(std::string(h).replace(h.find("\"blocks\": [1, 1]"), 16, "\"blocks\": [1, 0]")).find("config.blocks[1] = 0"));
  const std::string r = kTinyRvit;
  EXPECT_NE(std::string::npos, meta_error(std::string(r).replace(r.find("\"locality\""), 10, "\"gauss\"")).find("config.rel_bias_init = \"gauss\""));
  EXPECT_NE(std::string::npos, meta_error(std::string(r).replace(r.find("\"locality\""), 10, "0")).find("expected \"locality\" or \"zero\""));
}

TEST(ModelErrors, BadBackwardAndForwardArguments) {
  std::unique_ptr<Model> m = load(weights_for(kTinyVit, 1));
  ASSERT_TRUE(m);
  const Tensor x = random_input(*m, 2, 1);
  Result<Gradients> g = m->backward(x, "blocks.7", Tensor({2, 10, 6}), false);
  ASSERT_FALSE(g.ok());
  EXPECT_NE(std::string::npos, g.error().message.find("unknown layer 'blocks.7'"));
  g = m->backward(x, "blocks.1", Tensor({2, 10, 5}), false);
  ASSERT_FALSE(g.ok());
  EXPECT_NE(std::string::npos, g.error().message.find("[2, 10, 6]"));
  g = m->backward(x, "blocks.0.attn.probs", Tensor({2, 2, 10, 9}), false);
  ASSERT_FALSE(g.ok());
  EXPECT_NE(std::string::npos, g.error().message.find("[2, 2, 10, 10]"));
  const Tensor bad({2, 1, 6, 6});
  Trace untouched(TraceRequest::everything());
  Result<Tensor> y = m->forward(bad, &untouched);
  ASSERT_FALSE(y.ok());
  EXPECT_NE(std::string::npos, y.error().message.find("expected [B, 2, 6, 6]")) << y.error().message;
  EXPECT_TRUE(untouched.entries().empty());
  g = m->backward(bad, "logits", Tensor({2, 3}), false);
  ASSERT_FALSE(g.ok());
  EXPECT_NE(std::string::npos, g.error().message.find("expected [B, 2, 6, 6]"));
  // "input" is a traced tensor too: its gradient is the seed itself.
  g = m->backward(x, "input", x, false);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(x.data, g->input.data);
}

}  // namespace
}  // namespace vc
