// Position analyses against the NumPy reference (tools/analysis_ref/position_ref.py, committed golden
// tests/analysis/data/position_ref.json, computed from the shipped weight files) and their properties.
#include "analysis/position.h"
#include "golden.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace vc {
namespace {

using nlohmann::json;

std::unique_ptr<Model> shipped(const std::string& name) {
  Result<std::unique_ptr<Model>> m = load_model_file(VITCNN_SOURCE_DIR "/assets/models/" + name + ".safetensors");
  EXPECT_TRUE(m.ok()) << m.error().message;
  return m.ok() ? std::move(m.value()) : nullptr;
}

// Element (r, c) of a [rows, cols] tensor.
float at(const Tensor& t, int r, int c) { return t.data[static_cast<size_t>(r) * t.dim(1) + c]; }

TEST(PositionGolden, SimilarityMapsAndKernelsMatchNumPy) {
  const json golden = read_golden(golden_path(nullptr, "position_ref.json"));
  ASSERT_FALSE(golden.is_discarded()) << "tests/analysis/data/position_ref.json";
  ASSERT_EQ(1, golden["version"].get<int>());
  int maps = 0, kernels = 0;
  for (const auto& [name, want] : golden["models"].items()) {
    SCOPED_TRACE(name);
    std::unique_ptr<Model> m = shipped(name);
    ASSERT_TRUE(m);
    for (const json& s : want["similarity"]) {
      Result<Tensor> got = position_embedding_similarity(*m, s["patch"].get<int>());
      ASSERT_TRUE(got.ok()) << got.error().message;
      const json& map = s["map"];
      ASSERT_EQ((std::vector<int64_t>{static_cast<int64_t>(map.size()), static_cast<int64_t>(map.size())}), got->shape);
      // float32 result of a float64 computation on the same weights.
      for (size_t r = 0; r < map.size(); ++r)
        for (size_t c = 0; c < map.size(); ++c) EXPECT_NEAR(map[r][c].get<double>(), at(*got, r, c), 1e-6) << r << ", " << c;
      ++maps;
    }
    for (const json& k : want["kernels"]) {
      Result<Tensor> got = relative_bias_kernel(*m, k["layer"].get<int>(), k["head"].get<int>());
      ASSERT_TRUE(got.ok()) << got.error().message;
      const json& kernel = k["kernel"];
      ASSERT_EQ(static_cast<int64_t>(kernel.size()), got->dim(0));
      for (size_t r = 0; r < kernel.size(); ++r)
        for (size_t c = 0; c < kernel.size(); ++c)
          EXPECT_EQ(static_cast<float>(kernel[r][c].get<double>()), at(*got, r, c)) << r << ", " << c;  // a copy
      ++kernels;
    }
  }
  EXPECT_EQ(5, maps);
  EXPECT_EQ(3, kernels);
}

// 1 at the patch itself, symmetric, within [-1, 1]: every patch of the shipped vit and rvit.
TEST(PositionProperties, SimilarityIsOneAtThePatchAndSymmetric) {
  for (const char* name : {"vit_p100", "rvit_p010"}) {
    SCOPED_TRACE(name);
    std::unique_ptr<Model> m = shipped(name);
    ASSERT_TRUE(m);
    Result<int> g = position_grid(*m);
    ASSERT_TRUE(g.ok());
    EXPECT_EQ(8, *g);
    std::vector<Tensor> maps;
    for (int p = 0; p < 64; ++p) {
      Result<Tensor> s = position_embedding_similarity(*m, p);
      ASSERT_TRUE(s.ok()) << s.error().message;
      maps.push_back(std::move(*s));
      EXPECT_NEAR(1.0f, maps.back().data[p], 1e-6f) << p;
    }
    for (int a = 0; a < 64; ++a)
      for (int b = 0; b < 64; ++b) {
        EXPECT_EQ(maps[a].data[b], maps[b].data[a]) << a << ", " << b;
        EXPECT_LE(std::fabs(maps[a].data[b]), 1.0f + 1e-6f);
      }
  }
}

// An untrained rvit's kernel is its locality prior -d^2 / 4^(h+1) (d in px, patch 4 on an 8 x 8 grid):
// symmetric, so the kernel equals the table.
TEST(PositionProperties, UntrainedRvitKernelIsTheLocalityPrior) {
  const std::string meta =
      R"({"format_version": 1, "arch": "rvit", "config": {"image_size": 32, "in_channels": 1, "patch": 4, "dim": 16,)"
      R"( "depth": 2, "heads": 4, "mlp_hidden": 8, "num_classes": 2}, "class_names": ["a", "b"],)"
      R"( "input": {"size": 32, "pad": 0, "mean": 0, "std": 1}})";
  Result<SafeTensors> st = init_weights(meta, 1);
  ASSERT_TRUE(st.ok()) << st.error().message;
  Result<std::unique_ptr<Model>> m = load_model(serialize_safetensors(*st));
  ASSERT_TRUE(m.ok()) << m.error().message;
  for (int h = 0; h < 4; ++h) {
    Result<Tensor> k = relative_bias_kernel(**m, 1, h);
    ASSERT_TRUE(k.ok()) << k.error().message;
    ASSERT_EQ((std::vector<int64_t>{15, 15}), k->shape);
    const float a = std::ldexp(1.0f, -2 * (h + 1));
    for (int r = 0; r < 15; ++r)
      for (int c = 0; c < 15; ++c)
        EXPECT_EQ(-a * 16.0f * static_cast<float>((r - 7) * (r - 7) + (c - 7) * (c - 7)), at(*k, r, c));
  }
}

// A trained kernel is the table rotated: the bias of the key one row below the query is stored at query minus
// key = (-1, 0).
TEST(PositionProperties, KernelIsIndexedByTheKeysOffset) {
  std::unique_ptr<Model> m = shipped("rvit_p100");
  ASSERT_TRUE(m);
  const Tensor& table = *m->weight("tokens.blocks.2.attn.rel_bias");  // [4, 15, 15]
  Result<Tensor> k = relative_bias_kernel(*m, 2, 1);
  ASSERT_TRUE(k.ok());
  auto stored = [&](int dr, int dc) { return table.data[225 + (dr + 7) * 15 + dc + 7]; };  // head 1
  EXPECT_EQ(stored(-1, 0), at(*k, 7 + 1, 7));
  EXPECT_EQ(stored(3, -2), at(*k, 7 - 3, 7 + 2));
  EXPECT_EQ(stored(-7, 7), at(*k, 14, 0));
}

TEST(PositionProperties, AllKernelsInLayerHeadOrder) {
  std::unique_ptr<Model> m = shipped("rvit_p003");
  ASSERT_TRUE(m);
  Result<BiasKernels> all = relative_bias_kernels(*m);
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(6, all->layers);
  EXPECT_EQ(4, all->heads);
  ASSERT_EQ(24u, all->kernels.size());
  EXPECT_EQ(relative_bias_kernel(*m, 4, 1)->data, all->kernels[4 * 4 + 1].data);
  std::unique_ptr<Model> vit = shipped("vit_p003");
  ASSERT_TRUE(vit);
  EXPECT_NE(std::string::npos, relative_bias_kernels(*vit).error().message.find("only rvit"));
}

TEST(PositionProperties, BiasWeightsAreTheSoftmaxFactorsAgainstTheFavouredOffset) {
  Tensor k({2, 2});
  k.data = {0.5f, -1.5f, 0.5f, 2.5f};
  const Tensor w = relative_bias_weights(k);
  EXPECT_EQ(k.shape, w.shape);
  EXPECT_FLOAT_EQ(std::exp(-2.0f), w.data[0]);
  EXPECT_FLOAT_EQ(std::exp(-4.0f), w.data[1]);
  EXPECT_EQ(1.0f, w.data[3]);
  EXPECT_EQ(std::vector<float>(4, 1.0f), relative_bias_weights(Tensor({2, 2})).data);  // a zero table
}

TEST(PositionErrors, WrongModelPatchLayerOrHead) {
  std::unique_ptr<Model> cnn = shipped("cnn_p001"), vit = shipped("vit_p001"), rvit = shipped("rvit_p001");
  ASSERT_TRUE(cnn && vit && rvit);
  EXPECT_NE(std::string::npos, position_embedding_similarity(*cnn, 0).error().message.find("no position embedding"));
  EXPECT_NE(std::string::npos, position_embedding_similarity(*vit, 64).error().message.find("outside the 8x8 grid"));
  EXPECT_FALSE(position_embedding_similarity(*vit, -1).ok());
  EXPECT_NE(std::string::npos, relative_bias_kernel(*vit, 0, 0).error().message.find("only rvit"));
  EXPECT_NE(std::string::npos, relative_bias_kernel(*rvit, 6, 0).error().message.find("layer 6"));
  EXPECT_NE(std::string::npos, relative_bias_kernel(*rvit, 0, 4).error().message.find("head 4"));
  EXPECT_FALSE(relative_bias_kernel(*rvit, -1, 0).ok());
}

}  // namespace
}  // namespace vc
