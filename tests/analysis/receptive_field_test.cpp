// Receptive fields (analysis/receptive_field.h): the theoretical recurrences on synthetic layer stacks, the
// TRF against the support of a numerically computed gradient, the cnn's zero gradient outside its TRF, the ERF
// summary maths, the N-image mean and the error paths. The ERF maps against PyTorch autograd are checked by
// tools/analysis_ref/rf_ref.py (ctest rf_vs_pytorch).
#include "analysis/receptive_field.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace vc {
namespace {

std::string shipped(const std::string& name) { return VITCNN_SOURCE_DIR "/assets/models/" + name + ".safetensors"; }

std::unique_ptr<Model> load(const std::string& name) {
  Result<std::unique_ptr<Model>> m = load_model_file(shipped(name));
  EXPECT_TRUE(m.ok()) << m.error().message;
  return m.ok() ? std::move(*m) : nullptr;
}

// A conv as the geometry records it (one channel).
ConvGeometry conv(int kernel, int stride, int pad, int dilation = 1) { return {kernel, stride, pad, dilation, 1, 1}; }

// A step of a synthetic stack: its paths, global mixing, and its output side (a 1-channel map).
LayerInfo step(const std::string& name, std::vector<ConvPath> paths, int side, bool global = false) {
  LayerInfo l;
  l.name = name;
  l.out = {FeatureShape::Layout::Map, 1, side, side};
  l.is_layer = true;
  l.geometry = {std::move(paths), global};
  return l;
}

// Seeded normal input [B, 1, S, S].
Tensor random_input(int batch, int side, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Tensor x({batch, 1, side, side});
  for (float& v : x.data) v = normal(rng);
  return x;
}

TEST(TheoreticalRf, StrideOneStackSeesOnePlusLTimesKMinusOne) {
  for (int k : {1, 2, 3, 5, 7})
    for (int depth = 1; depth <= 6; ++depth) {
      std::vector<LayerInfo> stack;
      for (int l = 0; l < depth; ++l) stack.push_back(step("c" + std::to_string(l), {{conv(k, 1, (k - 1) / 2)}}, 32));
      Result<std::vector<TheoreticalRf>> rf = theoretical_rfs(stack, 32);
      ASSERT_TRUE(rf.ok()) << rf.error().message;
      for (int l = 0; l < depth; ++l) {
        EXPECT_EQ((*rf)[l].size_px, 1 + (l + 1) * (k - 1)) << "k " << k << ", layer " << l;
        EXPECT_EQ((*rf)[l].jump_px, 1.0);
        EXPECT_FALSE((*rf)[l].global);
      }
    }
}

TEST(TheoreticalRf, StridesMultiplyTheGrowthAndPaddingShiftsTheStart) {
  // 3x3 s2 p1, then 3x3 s1 p1 twice: 3, then + 2 * 2 per layer; 5x5 dilation 2 (k_eff 9) p0 on jump 2: + 8 * 2.
  Result<std::vector<TheoreticalRf>> rf =
      theoretical_rfs({step("a", {{conv(3, 2, 1)}}, 16), step("b", {{conv(3, 1, 1)}}, 16),
                       step("c", {{conv(3, 1, 1)}}, 16), step("d", {{conv(5, 1, 0, 2)}}, 8)},
                      32);
  ASSERT_TRUE(rf.ok()) << rf.error().message;
  const double sizes[] = {3, 7, 11, 27}, starts[] = {0.5, 0.5, 0.5, 0.5 + 4 * 2};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ((*rf)[i].size_px, sizes[i]) << i;
    EXPECT_EQ((*rf)[i].jump_px, 2.0) << i;
    EXPECT_EQ((*rf)[i].start_px, starts[i]) << i;
  }
  // A k x k conv without padding centres unit 0 on its window: start 0.5 + (k - 1) / 2.
  rf = theoretical_rfs({step("p", {{conv(4, 4, 0)}}, 8)}, 32);
  ASSERT_TRUE(rf.ok());
  EXPECT_EQ((*rf)[0].start_px, 2.0);
  EXPECT_EQ((*rf)[0].size_px, 4.0);
  EXPECT_EQ((*rf)[0].jump_px, 4.0);
}

TEST(TheoreticalRf, ResidualPathsUniteAndGlobalMixingCoversTheImage) {
  // Identity path: the conv path's box contains it. A 1x1 stride-2 shortcut next to a 3x3 stride-2 path: 3x3's.
  // Then paths whose boxes stick out on different sides: a 3x3 without padding (box moved by + 1 jump) and a 1x1
  // with padding 1 (moved by - 1 jump): on jump 2, [-3, 8) and [-5, 2), so the union [-5, 8): size 13, centre 1.5.
  Result<std::vector<TheoreticalRf>> rf = theoretical_rfs(
      {step("block", {{conv(3, 1, 1), conv(3, 1, 1)}, {}}, 32), step("down", {{conv(3, 2, 1)}, {conv(1, 2, 0)}}, 16),
       step("shift", {{conv(3, 1, 0)}, {conv(1, 1, 1)}}, 14), step("attn", {{}}, 14, true),
       step("after", {{conv(3, 1, 1)}}, 14)},
      32);
  ASSERT_TRUE(rf.ok()) << rf.error().message;
  EXPECT_EQ((*rf)[0].size_px, 5.0);
  EXPECT_EQ((*rf)[1].size_px, 7.0);
  EXPECT_EQ((*rf)[1].jump_px, 2.0);
  EXPECT_EQ((*rf)[2].size_px, 13.0);
  EXPECT_EQ((*rf)[2].start_px, 1.5);
  EXPECT_TRUE((*rf)[3].global);
  EXPECT_EQ((*rf)[3].size_px, 32.0);
  EXPECT_TRUE((*rf)[4].global) << "global stays global";
  EXPECT_EQ((*rf)[4].size_px, 32.0);
  // Paths that disagree on the stride cannot be summed.
  EXPECT_FALSE(theoretical_rfs({step("bad", {{conv(3, 2, 1)}, {}}, 16)}, 32).ok());
}

TEST(TheoreticalRf, ShippedFamilies) {
  // cnn: stem 3, then per basic block + 2 j (conv1) + 2 j' (conv2), j' = j * stride.
  std::unique_ptr<Model> cnn = load("cnn_p100");
  ASSERT_TRUE(cnn);
  Result<std::vector<TheoreticalRf>> rf = theoretical_rfs(*cnn);
  ASSERT_TRUE(rf.ok()) << rf.error().message;
  const std::vector<std::pair<std::string, double>> want = {{"stem", 3},        {"stages.0.0", 7},  {"stages.0.1", 11},
                                                            {"stages.1.0", 17}, {"stages.1.1", 25}, {"stages.2.0", 37},
                                                            {"stages.2.1", 53}};
  ASSERT_EQ(rf->size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ((*rf)[i].name, want[i].first);
    EXPECT_EQ((*rf)[i].size_px, want[i].second) << want[i].first;
    EXPECT_EQ((*rf)[i].start_px, 0.5) << want[i].first;
    EXPECT_FALSE((*rf)[i].global);
  }
  EXPECT_EQ(rf->back().jump_px, 4.0);
  // vit: the 4 x 4 patch at embed, the whole image from blocks.0 on.
  std::unique_ptr<Model> vit = load("vit_p100");
  ASSERT_TRUE(vit);
  rf = theoretical_rfs(*vit);
  ASSERT_TRUE(rf.ok());
  EXPECT_EQ((*rf)[0].name, "embed");
  EXPECT_EQ((*rf)[0].size_px, 4.0);
  EXPECT_EQ((*rf)[0].jump_px, 4.0);
  EXPECT_EQ((*rf)[0].start_px, 2.0);
  EXPECT_FALSE((*rf)[0].global);
  for (size_t i = 1; i < rf->size(); ++i) {
    EXPECT_TRUE((*rf)[i].global) << (*rf)[i].name;
    EXPECT_EQ((*rf)[i].size_px, 32.0);
  }
  // hybrid: the trunk (stem 3, stride-2 stages: 3 + 2 + 4 = 9, 9 + 4 + 8 = 21), the 1x1 projection, then global.
  std::unique_ptr<Model> hybrid = load("hybrid_p100");
  ASSERT_TRUE(hybrid);
  rf = theoretical_rfs(*hybrid);
  ASSERT_TRUE(rf.ok());
  ASSERT_GE(rf->size(), 5u);
  EXPECT_EQ((*rf)[2].name, "stages.1.0");
  EXPECT_EQ((*rf)[2].size_px, 21.0);
  EXPECT_EQ((*rf)[3].name, "embed");
  EXPECT_EQ((*rf)[3].size_px, 21.0);
  EXPECT_EQ((*rf)[3].jump_px, 4.0);
  EXPECT_FALSE((*rf)[3].global);
  EXPECT_TRUE((*rf)[4].global);
}

// d(unit)/d(input) of a stack of 1-channel convs with all-ones weights (so no path cancels: the support is
// exactly the set of connected pixels), computed with the engine's conv backward kernel.
Tensor stack_gradient(const std::vector<LayerInfo>& stack, int side, int row, int col) {
  // Input side of every step.
  std::vector<int> in_side = {side};
  for (const LayerInfo& l : stack) in_side.push_back(l.out.h);
  Tensor d({1, 1, stack.back().out.h, stack.back().out.w});
  d.data[static_cast<size_t>(row) * stack.back().out.w + col] = 1.0f;
  for (size_t i = stack.size(); i-- > 0;) {
    const int n = in_side[i];
    Tensor din({1, 1, n, n});
    for (const ConvPath& path : stack[i].geometry.paths) {
      // Back through the path's convs, last first.
      std::vector<int> sides = {n};
      for (const ConvGeometry& c : path) sides.push_back(c.out_size(sides.back()));
      Tensor g = d;
      for (size_t j = path.size(); j-- > 0;) {
        const ConvGeometry& c = path[j];
        const std::vector<float> w(static_cast<size_t>(c.kernel) * c.kernel, 1.0f);
        Tensor gi({1, 1, sides[j], sides[j]});
        kernels_ref().conv2d_backward_input_nchw_f32({1, 1, sides[j], sides[j], 1, c.kernel, c.stride, c.pad}, g.ptr(),
                                                     w.data(), gi.ptr());
        g = std::move(gi);
      }
      for (size_t k = 0; k < din.data.size(); ++k) din.data[k] += g.data[k];
    }
    d = std::move(din);
  }
  return d;
}

// Whether the windows of conv c cover all n inputs: window 0 starts at -pad <= 0 (pad <= k_eff - 1) and the last
// window ends at or after pixel n - 1. A conv that drops trailing inputs (floor in the output size) leaves pixels
// no unit reads, which its TRF box, a bound computed without the borders, still contains.
bool covers(const ConvGeometry& c, int n) {
  const int k_eff = c.dilation * (c.kernel - 1) + 1;
  return c.pad <= k_eff - 1 && (c.out_size(n) - 1) * c.stride - c.pad + k_eff >= n;
}

TEST(TheoreticalRf, RandomConvStacksEqualTheSupportOfTheirGradient) {
  std::mt19937 rng(20240611);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int side = 32;
  for (int trial = 0; trial < 40; ++trial) {
    // Steps: a plain conv (kernel 1-5, stride <= kernel so that the windows leave no gaps, pad <= (k - 1) / 2) or a
    // residual block (an odd "same" conv path next to the identity or a 1x1 shortcut of the same stride), each
    // conv path covering its input (covers()), until the map is small.
    std::vector<LayerInfo> stack;
    int n = side;
    const int depth = pick(1, 5);
    for (int l = 0; l < depth && n >= 4; ++l) {
      std::vector<ConvPath> paths;
      do {
        if (pick(0, 1)) {
          const int k = pick(1, 5), s = pick(1, std::min(k, 2));
          paths = {{conv(k, s, pick(0, (k - 1) / 2))}};
        } else {
          const int k = 2 * pick(0, 2) + 1, s = pick(1, 2);
          paths = {{conv(k, s, k / 2), conv(3, 1, 1)}, s == 1 && pick(0, 1) ? ConvPath{} : ConvPath{conv(1, s, 0)}};
        }
      } while (!covers(paths[0][0], n));
      int out = n;
      for (const ConvGeometry& c : paths[0]) out = c.out_size(out);
      stack.push_back(step("l" + std::to_string(l), std::move(paths), out));
      n = out;
    }
    Result<std::vector<TheoreticalRf>> rf = theoretical_rfs(stack, side);
    ASSERT_TRUE(rf.ok()) << rf.error().message;
    const TheoreticalRf& last = rf->back();
    for (int u = 0; u < 4; ++u) {
      const RfUnit unit{false, u == 0 ? 0 : pick(0, n - 1), u == 1 ? n - 1 : pick(0, n - 1)};
      Result<UnitField> f = unit_field(last, unit, side);
      ASSERT_TRUE(f.ok()) << f.error().message;
      const Tensor g = stack_gradient(stack, side, unit.row, unit.col);
      PixelBox support{side, side, 0, 0};
      for (int r = 0; r < side; ++r)
        for (int c = 0; c < side; ++c)
          if (g.data[static_cast<size_t>(r) * side + c] != 0.0f)
            support = {std::min(support.top, r), std::min(support.left, c), std::max(support.bottom, r + 1),
                       std::max(support.right, c + 1)};
      if (support.bottom == 0) support = {0, 0, 0, 0};
      const PixelBox& box = f->clipped;
      const bool empty = box.area() == 0;
      EXPECT_TRUE(empty ? support.area() == 0
                        : support.top == box.top && support.left == box.left && support.bottom == box.bottom &&
                              support.right == box.right)
          << "trial " << trial << ", unit (" << unit.row << ", " << unit.col << "): TRF box [" << box.top << ", "
          << box.bottom << ") x [" << box.left << ", " << box.right << "), gradient support [" << support.top << ", "
          << support.bottom << ") x [" << support.left << ", " << support.right << ")";
    }
  }
}

TEST(EffectiveRf, CnnGradientIsExactlyZeroOutsideTheTrfAtEveryLayer) {
  std::unique_ptr<Model> trained = load("cnn_p001");
  std::unique_ptr<Model> hybrid = load("hybrid_p100");
  ASSERT_TRUE(trained && hybrid);
  Result<std::unique_ptr<Model>> untrained = untrained_model(*trained, 3);
  ASSERT_TRUE(untrained.ok()) << untrained.error().message;
  const Tensor x = random_input(1, 32, 5);
  for (const Model* m : {trained.get(), untrained->get(), hybrid.get()}) {
    Result<std::vector<TheoreticalRf>> rfs = theoretical_rfs(*m);
    ASSERT_TRUE(rfs.ok());
    for (const TheoreticalRf& rf : *rfs) {
      if (rf.shape.layout != FeatureShape::Layout::Map) continue;
      const int h = rf.shape.h, w = rf.shape.w;
      for (RfUnit u : {RfUnit{false, 0, 0}, RfUnit{false, h - 1, w / 3}, centre_unit(rf)}) {
        Result<Erf> e = effective_rf(*m, rf.name, u, x);
        ASSERT_TRUE(e.ok()) << e.error().message;
        const PixelBox& box = e->field.clipped;
        int outside_nonzero = 0;
        for (int r = 0; r < 32; ++r)
          for (int c = 0; c < 32; ++c) outside_nonzero += !box.contains(r, c) && e->map.data[r * 32 + c] != 0.0f;
        EXPECT_EQ(outside_nonzero, 0) << rf.name << " unit (" << u.row << ", " << u.col << ")";
        EXPECT_EQ(e->summary.mass_outside_trf, 0.0) << rf.name;
        EXPECT_GT(e->summary.mass, 0.0) << rf.name;
        EXPECT_LE(e->summary.share90_trf, 1.0) << rf.name;
      }
    }
  }
}

TEST(EffectiveRf, UnitFieldsAndTheirErrors) {
  std::unique_ptr<Model> vit = load("vit_p001");
  std::unique_ptr<Model> cnn = load("cnn_p001");
  ASSERT_TRUE(vit && cnn);
  // Patch token 2 * 8 + 5 at embed: its 4 x 4 patch, centre (10, 22).
  Result<ErfProbe> p = erf_probe(*vit, "embed", {false, 2, 5});
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->field.centre_row, 10.0);
  EXPECT_EQ(p->field.centre_col, 22.0);
  EXPECT_EQ(p->field.clipped.top, 8);
  EXPECT_EQ(p->field.clipped.left, 20);
  EXPECT_EQ(p->field.clipped.area(), 16);
  // The CLS token: the image centre; nothing at embed, everything after a block.
  p = erf_probe(*vit, "embed", {true, 0, 0});
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->field.sees_input);
  EXPECT_EQ(p->field.clipped.area(), 0);
  EXPECT_EQ(p->field.centre_row, 16.0);
  p = erf_probe(*vit, "blocks.0", {true, 0, 0});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->field.clipped.area(), 32 * 32);
  // The cnn's corner unit: its box reaches into the padding and is clipped.
  p = erf_probe(*cnn, "stages.2.1", {false, 0, 0});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->field.box.top, 0 - 26);
  EXPECT_EQ(p->field.clipped.top, 0);
  EXPECT_EQ(p->field.clipped.bottom, 27);

  Result<ErfProbe> outside = erf_probe(*vit, "blocks.1", {false, 8, 0});
  ASSERT_FALSE(outside.ok());
  EXPECT_NE(outside.error().message.find("outside"), std::string::npos) << outside.error().message;
  EXPECT_FALSE(erf_probe(*vit, "blocks.1", {false, 0, -1}).ok());
  Result<ErfProbe> unknown = erf_probe(*vit, "blocks.99", {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("embed, blocks.0"), std::string::npos) << unknown.error().message;
  EXPECT_FALSE(erf_probe(*vit, "blocks.0.attn.probs", {}).ok()) << "only the analysis layers";
  Result<ErfProbe> cls = erf_probe(*cnn, "stem", {true, 0, 0});
  ASSERT_FALSE(cls.ok());
  EXPECT_NE(cls.error().message.find("CLS"), std::string::npos) << cls.error().message;
  Result<ErfProbe> stem = erf_probe(*cnn, "stem", {});
  ASSERT_TRUE(stem.ok());
  EXPECT_FALSE(erf_maps(*cnn, *stem, Tensor({1, 1, 28, 28})).ok()) << "wrong input shape";
}

// A map that is 1 on the pixels of `box` (clipped to the S x S image) and 0 elsewhere.
Tensor box_map(int side, const PixelBox& box) {
  Tensor m({side, side});
  for (int r = 0; r < side; ++r)
    for (int c = 0; c < side; ++c) m.data[r * side + c] = box.contains(r, c) ? 1.0f : 0.0f;
  return m;
}

TEST(EffectiveRf, SummaryMaths) {
  UnitField f;
  f.centre_row = f.centre_col = 16.0;
  f.clipped = f.box = {8, 8, 24, 24};  // 16 x 16 = 256 px
  // A spike at pixel (16, 16): every radius is its centre's distance, sqrt(0.5).
  Tensor spike({32, 32});
  spike.data[16 * 32 + 16] = 2.0f;
  ErfSummary s = summarize_erf(spike, f);
  EXPECT_EQ(s.mass, 2.0);
  EXPECT_DOUBLE_EQ(s.r50_px, std::sqrt(0.5));
  EXPECT_DOUBLE_EQ(s.r90_px, std::sqrt(0.5));
  EXPECT_DOUBLE_EQ(s.share90_trf, 1.0 / 256);
  EXPECT_EQ(s.mass_outside_trf, 0.0);
  // Uniform over the 4 x 4 pixels around the centre: half the mass within the 4 innermost (distance sqrt 0.5),
  // 90 % needs all 16 (the corners, sqrt(1.5^2 * 2)); 90 % of 16 equal pixels: 15 pixels.
  s = summarize_erf(box_map(32, {14, 14, 18, 18}), f);
  EXPECT_DOUBLE_EQ(s.r50_px, std::sqrt(1.5 * 1.5 + 0.5 * 0.5));
  EXPECT_DOUBLE_EQ(s.r90_px, std::sqrt(1.5 * 1.5 * 2));
  EXPECT_DOUBLE_EQ(s.share90_trf, 15.0 / 256);
  // Mass outside the box: a uniform image has (1024 - 256) / 1024 of it outside.
  s = summarize_erf(box_map(32, {0, 0, 32, 32}), f);
  EXPECT_DOUBLE_EQ(s.mass_outside_trf, 0.75);
  EXPECT_DOUBLE_EQ(s.share90_trf, std::ceil(0.9 * 1024) / 256);
  // No mass: all zero.
  s = summarize_erf(Tensor({32, 32}), f);
  EXPECT_EQ(s.mass, 0.0);
  EXPECT_EQ(s.r90_px, 0.0);
  EXPECT_EQ(s.share90_trf, 0.0);
}

TEST(EffectiveRf, MeanOverImagesInAnyStepsAndBatchIndependence) {
  std::unique_ptr<Model> hybrid = load("hybrid_p003");
  ASSERT_TRUE(hybrid);
  const Tensor x = random_input(3, 32, 9);
  Result<ErfProbe> probe = erf_probe(*hybrid, "blocks.1", {false, 3, 4});
  ASSERT_TRUE(probe.ok());
  Result<Tensor> batch = erf_maps(*hybrid, *probe, x);
  ASSERT_TRUE(batch.ok()) << batch.error().message;
  ASSERT_EQ(batch->shape, (std::vector<int64_t>{3, 32, 32}));
  ErfAccumulator one_by_one(*hybrid, *probe);
  EXPECT_FALSE(one_by_one.result().ok()) << "nothing added";
  for (int b = 0; b < 3; ++b) {
    Tensor xb({1, 1, 32, 32});
    std::copy_n(x.ptr() + b * 1024, 1024, xb.ptr());
    Result<Tensor> single = erf_maps(*hybrid, *probe, xb);
    ASSERT_TRUE(single.ok());
    double diff = 0.0, peak = 0.0;
    for (int i = 0; i < 1024; ++i) {
      diff = std::max(diff, static_cast<double>(std::fabs(single->data[i] - batch->data[b * 1024 + i])));
      peak = std::max(peak, static_cast<double>(single->data[i]));
    }
    EXPECT_LE(diff, 1e-5 * peak) << "image " << b << " alone vs in the batch";
    ASSERT_TRUE(one_by_one.add(xb).ok());
  }
  ErfAccumulator at_once(*hybrid, *probe);
  ASSERT_TRUE(at_once.add(x).ok());
  Result<Erf> a = one_by_one.result(), b = at_once.result();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->images, 3);
  double diff = 0.0, peak = 0.0;
  for (int i = 0; i < 1024; ++i) {
    const double mean = (batch->data[i] + batch->data[1024 + i] + batch->data[2048 + i]) / 3.0;
    diff = std::max(diff, std::fabs(a->map.data[i] - mean) + std::fabs(b->map.data[i] - mean));
    peak = std::max(peak, mean);
  }
  EXPECT_LE(diff, 1e-5 * peak);
  // After attention the TRF is the whole image, and the gradient does reach beyond the unit's conv-trunk box.
  EXPECT_EQ(a->field.clipped.area(), 1024);
  Result<ErfProbe> trunk = erf_probe(*hybrid, "embed", {false, 3, 4});
  ASSERT_TRUE(trunk.ok());
  double beyond = 0.0;
  for (int r = 0; r < 32; ++r)
    for (int c = 0; c < 32; ++c) beyond += trunk->field.clipped.contains(r, c) ? 0.0 : a->map.data[r * 32 + c];
  EXPECT_GT(beyond, 0.0);
}

TEST(EffectiveRf, UntrainedModelIsSeededAndSaysSo) {
  std::unique_ptr<Model> vit = load("vit_p010");
  ASSERT_TRUE(vit);
  Result<SafeTensors> a = untrained_weights(*vit, 11), b = untrained_weights(*vit, 11), c = untrained_weights(*vit, 12);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(serialize_safetensors(*a), serialize_safetensors(*b));
  EXPECT_NE(serialize_safetensors(*a), serialize_safetensors(*c));
  const std::string meta = a->metadata.at("vitcnn");
  EXPECT_EQ(meta.find("test_accuracy"), std::string::npos);
  EXPECT_NE(meta.find("untrained"), std::string::npos);
  Result<std::unique_ptr<Model>> u = untrained_model(*vit, 11);
  ASSERT_TRUE(u.ok()) << u.error().message;
  EXPECT_EQ((*u)->layer_names(), vit->layer_names());
  EXPECT_EQ((*u)->num_params(), vit->num_params());
}

}  // namespace
}  // namespace vc
