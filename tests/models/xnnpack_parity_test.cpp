// The `xnnpack` backend (native only) against `ref` on every shipped checkpoint: the logits of the first
// kImages Fashion-MNIST test images, max |xnnpack - ref| <= 1e-5 * max |ref logit| (parity_test.cpp's relative
// form, ten times tighter: both sides are float32 here, no float64 golden).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "core/idx.h"
#include "core/image.h"
#include "models/model.h"

#if VITCNN_XNNPACK

namespace vc {
namespace {

constexpr int kImages = 4;

TEST(XnnpackParity, EveryShippedCheckpointMatchesRef) {
  Result<LabeledImages> set = load_fashion_mnist(kDefaultFashionMnistDir, "t10k");
  if (!set) GTEST_SKIP() << "apt package dataset-fashion-mnist not installed";
  std::vector<float> pixels((size_t)kImages * set->rows * set->cols);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = set->images[i] / 255.0f;

  const auto start = std::chrono::steady_clock::now();
  std::vector<std::filesystem::path> checkpoints;
  for (const auto& e : std::filesystem::directory_iterator(VITCNN_SOURCE_DIR "/assets/models"))
    if (e.path().extension() == ".safetensors") checkpoints.push_back(e.path());
  std::sort(checkpoints.begin(), checkpoints.end());
  int checked = 0;
  for (const std::filesystem::path& path : checkpoints) {
    SCOPED_TRACE(path.filename().string());
    Result<std::unique_ptr<Model>> model = load_model_file(path.string());
    ASSERT_TRUE(model.ok()) << model.error().message;
    Model& m = **model;
    const Tensor x = make_input(pixels, kImages, m.input_spec());
    m.set_kernels(kernels_ref());
    const Result<Tensor> want = m.forward(x, nullptr);
    m.set_kernels(kernels_xnnpack());
    const Result<Tensor> got = m.forward(x, nullptr);
    ASSERT_TRUE(want.ok() && got.ok());
    ASSERT_TRUE(got->same_shape(*want));
    double diff = 0.0, scale = 1e-30;
    for (size_t i = 0; i < want->data.size(); ++i) {
      diff = std::max(diff, (double)std::fabs(got->data[i] - want->data[i]));
      scale = std::max(scale, (double)std::fabs(want->data[i]));
    }
    EXPECT_LE(diff / scale, 1e-5) << "max |d logit| " << diff << ", max |logit| " << scale;
    std::printf("[xnnpack parity] %-26s max |d logit| %.1e  relative %.1e\n", path.filename().c_str(), diff,
                diff / scale);
    ++checked;
  }
  EXPECT_GT(checked, 0);
  std::printf("[xnnpack parity] %d checkpoints x %d images: %.2f s\n", checked, kImages,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

}  // namespace
}  // namespace vc

#endif
