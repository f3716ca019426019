// Parity with the PyTorch reference (tools/train/models.py): goldens written by tools/train/goldens.py
// (the ctest fixture "models_goldens") for every shipped checkpoint and for random checkpoints of each arch.
// Tolerances (goldens are float64 truth):
//   logits                 max |d| <= 1e-4 * max |logit|
//   attention probs        max |d| <= 1e-5 absolute
//   activations            max |d| <= 1e-4 * max |golden tensor|
//   gradients              max |d| <= (1e-4 + 2 kink) * max |golden tensor|, per image for input gradients.
//     kink (goldens.py): how far the true gradient moves when the ReLUs within 1e-5 of their kink flip their
//     derivative. Trained cnns have ReLU inputs within float32 rounding of 0, where float32 and the float64
//     truth may take different sides (cnn_p001 image 10: 1.6e-2). Flipping them all at once is an estimate,
//     not a bound, of flipping a few (their effects can partly cancel; seen: a few flips = 1.06 kink), hence
//     the factor 2. No ReLU (vit): kink = 0, the strict bound.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "models/model.h"

#ifndef VITCNN_GOLDENS_DIR
#error "VITCNN_GOLDENS_DIR must name the folder goldens.py writes (see CMakeLists.txt)"
#endif

namespace vc {
namespace {

struct Entry {
  std::string checkpoint, goldens;
};

std::vector<Entry> read_manifest() {
  std::vector<Entry> out;
  std::ifstream f(std::string(VITCNN_GOLDENS_DIR) + "/goldens.txt");
  std::string line;
  while (std::getline(f, line)) {
    const size_t tab = line.find('\t');
    if (tab != std::string::npos) out.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  return out;
}

// max |got - want|, or infinity when the shapes differ.
double max_abs_diff(const Tensor& got, const Tensor& want) {
  if (!got.same_shape(want) || got.data.size() != want.data.size()) return INFINITY;
  double m = 0.0;
  for (size_t i = 0; i < got.data.size(); ++i) {
    const double d = std::fabs(static_cast<double>(got.data[i]) - want.data[i]);
    m = std::isnan(d) ? INFINITY : std::max(m, d);
  }
  return m;
}

// The first n rows (images) of a batch-first tensor.
Tensor first(const Tensor& t, int64_t n) {
  Tensor out = t;
  out.shape[0] = std::min(n, t.dim(0));
  out.data.resize(static_cast<size_t>(out.numel()));
  return out;
}

double max_abs(const Tensor& t) {
  double m = 0.0;
  for (float v : t.data) m = std::max(m, static_cast<double>(std::fabs(v)));
  return m;
}

// Error of `got` against `want`, relative to max |want| (absolute when `absolute`); checks it is <= tol
// and keeps the worst error in `worst`.
void check(const std::string& what, const Tensor& got, const Tensor& want, double tol, bool absolute, double& worst) {
  const double scale = absolute ? 1.0 : std::max(max_abs(want), 1e-30);
  const double err = max_abs_diff(got, want) / scale;
  worst = std::max(worst, err);
  EXPECT_LE(err, tol) << what << ": got shape " << got.shape_str() << ", golden " << want.shape_str()
                      << (absolute ? " (absolute)" : " (relative to max |golden|)");
}

// Compares the first `images` images of the goldens (weight gradients, summed over the whole golden
// batch, only when all of it runs).
// Per image b (first axis): max |got_b - want_b| / max |want| <= 1e-4 + 2 kink[b].
void check_gradient(const std::string& what, const Tensor& got, const Tensor& want, const Tensor& kink,
                    double& worst) {
  ASSERT_TRUE(got.same_shape(want)) << what << ": got " << got.shape_str() << ", golden " << want.shape_str();
  ASSERT_EQ(want.dim(0), kink.numel()) << what;
  const double scale = std::max(max_abs(want), 1e-30);
  const int64_t per = want.numel() / want.dim(0);
  for (int64_t b = 0; b < want.dim(0); ++b) {
    double err = 0.0;
    for (int64_t i = b * per; i < (b + 1) * per; ++i)
      err = std::max(err, std::fabs(static_cast<double>(got.data[i]) - want.data[i]));
    err /= scale;
    worst = std::max(worst, err);
    EXPECT_LE(err, 1e-4 + 2 * kink.data[b]) << what << ", image " << b << " (kink sensitivity " << kink.data[b] << ")";
  }
}

void run_parity(const KernelTable& kernels, int64_t images) {
  const std::vector<Entry> entries = read_manifest();
  ASSERT_FALSE(entries.empty()) << "no parity goldens in " VITCNN_GOLDENS_DIR "/goldens.txt: the ctest fixture "
                                   "'models_goldens' (tools/train/goldens.py, needs /usr/bin/python3 with torch) "
                                   "did not run or failed";
  for (const Entry& e : entries) {
    SCOPED_TRACE(e.checkpoint);
    Result<std::unique_ptr<Model>> model = load_model_file(e.checkpoint);
    ASSERT_TRUE(model.ok()) << model.error().message;
    Result<SafeTensors> golden_file = read_safetensors(e.goldens);
    ASSERT_TRUE(golden_file.ok()) << golden_file.error().message;
    const auto& all = golden_file->tensors;
    for (const char* need : {"input", "labels", "logits", "grad.logits.input", "seed", "grad.seed.input",
                             "kink.logits.input", "kink.seed.input"})
      ASSERT_TRUE(all.count(need)) << e.goldens << " lacks '" << need << "'";
    const bool whole = images >= all.at("input").dim(0);
    std::map<std::string, Tensor> g;
    for (const auto& [name, t] : all) {
      const bool weight = name.rfind("wgrad.", 0) == 0 || name.rfind("kink.wgrad.", 0) == 0;
      if (whole || !weight) g.emplace(name, whole ? t : first(t, images));
    }
    Model& m = *model.value();
    m.set_kernels(kernels);
    const Tensor& x = g.at("input");

    double e_logits = 0, e_probs = 0, e_act = 0, e_grad = 0, e_seed = 0, e_wgrad = 0;
    Trace trace(TraceRequest::everything());
    const Result<Tensor> logits = m.forward(x, &trace);
    ASSERT_TRUE(logits.ok()) << logits.error().message;
    check("logits", *logits, g.at("logits"), 1e-4, false, e_logits);
    int compared = 0;
    for (const auto& [name, want] : g) {
      if (name.rfind("trace.", 0) != 0) continue;
      const std::string layer = name.substr(6);
      const Tensor* got = trace.find(layer);
      ASSERT_NE(nullptr, got) << "the C++ trace has no '" << layer << "'";
      const bool probs = layer.ends_with("attn.probs");
      check(layer, *got, want, probs ? 1e-5 : 1e-4, probs, probs ? e_probs : e_act);
      ++compared;
    }
    EXPECT_GT(compared, 0) << "goldens hold no traced tensors";

    // d/dx sum_b logits[b, label_b], with every weight gradient.
    Tensor onehot(g.at("logits").shape);
    const int64_t K = onehot.dim(1);
    for (int64_t b = 0; b < onehot.dim(0); ++b) onehot.data[b * K + static_cast<int64_t>(g.at("labels").data[b])] = 1;
    Result<Gradients> grads = m.backward(x, "logits", onehot, true);
    ASSERT_TRUE(grads.ok()) << grads.error().message;
    check_gradient("grad.logits.input", grads->input, g.at("grad.logits.input"), g.at("kink.logits.input"), e_grad);
    for (size_t i = 0; i < grads->weight_names.size() && whole; ++i) {
      const std::string& name = grads->weight_names[i];
      ASSERT_TRUE(g.count("wgrad." + name) && g.count("kink.wgrad." + name)) << "goldens lack wgrad." << name;
      const double kink = g.at("kink.wgrad." + name).data[0];
      check("wgrad." + name, grads->weights[i], g.at("wgrad." + name), 1e-4 + 2 * kink, false, e_wgrad);
    }

    // The receptive-field objective: a one-hot at the centre of an intermediate layer.
    const std::string seed_layer = golden_file->metadata["seed_layer"];
    Result<Gradients> seeded = m.backward(x, seed_layer, g.at("seed"), false);
    ASSERT_TRUE(seeded.ok()) << seeded.error().message;
    check_gradient("grad.seed.input (" + seed_layer + ")", seeded->input, g.at("grad.seed.input"),
                   g.at("kink.seed.input"), e_seed);

    std::printf("[parity] %-24s %-4s logits %.1e  probs %.1e  act %.1e  grad %.1e  %s-grad %.1e  wgrad %.1e\n",
                e.checkpoint.substr(e.checkpoint.rfind('/') + 1).c_str(), kernels.name, e_logits, e_probs, e_act,
                e_grad, seed_layer.c_str(), e_seed, e_wgrad);
  }
}

// The scalar ref backend is slow (under node above all): 2 images, no weight gradients. simd: everything.
TEST(Parity, RefBackend) { run_parity(kernels_ref(), 2); }
TEST(Parity, SimdBackend) { run_parity(kernels_simd(), 1 << 30); }

}  // namespace
}  // namespace vc
