// Kernel micro-benchmark: GFLOP/s of the `ref` and `simd` backends at the models' shapes, beside this core's peak.
// Prints one line per (kernel, shape, backend); asserts nothing. Native: ./kernels_bench; wasm:
// node kernels_bench.js. Each figure is the median of >= 50 timed samples taken after a warm-up
// (V8 first runs new wasm in its baseline tier, Liftoff: timing before TurboFan kicks in reads ~3x low).
// The first line is the peak: an unrolled loop of independent vector multiply-adds, the GEMM's only arithmetic
// (FMA natively, mul then add in wasm simd128), measured in the same run; every kernel with a flop count then
// prints its median as a percentage of it. Backends are labelled with their ISA and GEMM register tile.
// Usage: kernels_bench [--quick] [NAME]   (--quick: 10 samples, for smoke tests; NAME: only kernels whose
// name starts with NAME, e.g. conv, gemm, linear, wino: the simd conv2d algorithms at the 3x3 stride-1 layers)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "hwy/highway.h"
#include "kernels/conv_algo.h"
#include "kernels/kernels.h"

namespace {

using Clock = std::chrono::steady_clock;

std::vector<float> random_vec(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Timing {
  double median, best;  // seconds per call; best (the fastest sample) is the least disturbed by other load
};

// Median and best seconds per call of fn: warm up for ~0.3 s (at least 3 calls), then `samples` samples, each
// timing enough back-to-back calls to last >= 0.25 ms (both clocks resolve microseconds or better).
Timing time_call(const std::function<void()>& fn, int samples) {
  const auto w0 = Clock::now();
  int warm = 0;
  while (warm < 3 || seconds_since(w0) < 0.3) {
    fn();
    ++warm;
  }
  const double per_call = seconds_since(w0) / warm;
  const int reps = std::max(1, (int)(2.5e-4 / per_call));
  std::vector<double> t(samples);
  for (double& s : t) {
    const auto t0 = Clock::now();
    for (int r = 0; r < reps; ++r) fn();
    s = seconds_since(t0) / reps;
  }
  std::nth_element(t.begin(), t.begin() + samples / 2, t.end());
  return {t[samples / 2], *std::min_element(t.begin(), t.end())};
}

namespace hn = hwy::HWY_NAMESPACE;

// kChains independent multiply-add chains over whole vectors, `iters` rounds: 2 * lanes * kChains * iters flops.
// Enough chains hide the multiply-add's latency behind its throughput; the result goes to `sink` so that the
// loop is not removed.
template <int kChains>
void muladd_chains(int iters, float* sink) {
  const hn::ScalableTag<float> d;
  const auto scale = hn::Set(d, 0.999999f), offset = hn::Set(d, 1e-7f);
  hn::Vec<decltype(d)> acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = hn::Set(d, (float)c);
  for (int i = 0; i < iters; ++i)
    for (int c = 0; c < kChains; ++c) acc[c] = hn::MulAdd(acc[c], scale, offset);
  for (int c = 1; c < kChains; ++c) acc[0] = hn::Add(acc[0], acc[c]);
  *sink += hn::GetLane(acc[0]);
}

// The peak multiply-add rate of one core in GFLOP/s (median), the better of 8 and 12 chains (the GEMM tiles keep
// 8 accumulators; 12 still fit 16 vector registers).
double peak_gflops(int samples) {
  constexpr int kIters = 4096;
  const double lanes = (double)hn::Lanes(hn::ScalableTag<float>());
  float sink = 0.0f;
  const Timing t8 = time_call([&] { muladd_chains<8>(kIters, &sink); }, samples);
  const Timing t12 = time_call([&] { muladd_chains<12>(kIters, &sink); }, samples);
  const double g8 = 2.0 * lanes * 8 * kIters / t8.median * 1e-9, g12 = 2.0 * lanes * 12 * kIters / t12.median * 1e-9;
  std::printf("peak     %-28s %-22s median %7.2f GFLOP/s (8 chains %.2f, 12 chains %.2f; sink %g)\n",
              "vector multiply-add loop", vc::kernels_simd().isa, std::max(g8, g12), g8, g12, sink);
  std::fflush(stdout);
  return std::max(g8, g12);
}

// "simd[AVX2 FMA 4x16]", "ref[scalar 1x1]".
std::string backend_label(const vc::KernelTable& k) {
  return std::string(k.name) + "[" + k.isa + " " + k.gemm_tile + "]";
}

// flops == 0: a memory-bound op, reported by time only.
void report(const char* kernel, const std::string& shape, const vc::KernelTable& k, double flops, Timing t,
            double peak) {
  std::printf("%-8s %-28s %-22s median %9.1f us", kernel, shape.c_str(), backend_label(k).c_str(), t.median * 1e6);
  if (flops > 0) std::printf(" %7.2f GFLOP/s (%3.0f %% of peak)", flops / t.median * 1e-9, 100 * flops / t.median * 1e-9 / peak);
  std::printf("  best %9.1f us", t.best * 1e6);
  if (flops > 0) std::printf(" %7.2f GFLOP/s", flops / t.best * 1e-9);
  std::printf("\n");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0)
      quick = true;
    else
      only = argv[i];
  }
  const int samples = quick ? 10 : 50;
  auto want = [&](const char* kernel) { return std::string(kernel).rfind(only, 0) == 0; };
  const vc::KernelTable* backends[] = {&vc::kernels_ref(), &vc::kernels_simd()};
  const double peak = peak_gflops(samples);

  // GEMM at the ViT's linear layers (M = 65 tokens), one attention head (QK^T: 65x65x32, AV: 65x32x65),
  // and conv-as-GEMM shapes (im2col rows x Cout x Cin*9).
  struct Mnk {
    int M, N, K;
  };
  const Mnk gemms[] = {{65, 384, 128}, {65, 128, 128}, {65, 256, 128}, {65, 128, 256},
                        {65, 65, 32},   {65, 32, 65},   {1024, 32, 288}, {256, 64, 576}};
  for (const Mnk& g : gemms) {
    const auto A = random_vec((size_t)g.M * g.K, 1), B = random_vec((size_t)g.K * g.N, 2);
    std::vector<float> C((size_t)g.M * g.N);
    const std::string shape = std::to_string(g.M) + "x" + std::to_string(g.N) + "x" + std::to_string(g.K);
    for (const vc::KernelTable* k : backends) {
      if (!want("gemm_nn")) break;
      const Timing sec =
          time_call([&] { k->gemm_f32(false, false, g.M, g.N, g.K, A.data(), g.K, B.data(), g.N, 0.0f, C.data(), g.N); },
                    samples);
      report("gemm_nn", shape, *k, 2.0 * g.M * g.N * g.K, sec, peak);
    }
    // linear_f32 = x @ W^T + b with GELU: the B panels come from a transposed W.
    for (const vc::KernelTable* k : backends) {
      if (!want("linear")) break;
      const auto bias = random_vec(g.N, 3);
      const Timing sec = time_call(
          [&] { k->linear_f32(g.M, g.N, g.K, A.data(), B.data(), bias.data(), vc::Act::kGelu, C.data()); }, samples);
      report("linear", shape + " gelu", *k, 2.0 * g.M * g.N * g.K, sec, peak);
    }
  }

  // The CNN's convolutions (stem, stages at 32/16/8 px, 1x1 stride-2 shortcuts) and the ViT's patch embedding.
  struct Conv {
    const char* name;
    vc::Conv2dShape s;
  };
  const Conv convs[] = {
      {"stem 1->32 @32", {1, 1, 32, 32, 32, 3, 1, 1}},     {"s1 32->32 @32", {1, 32, 32, 32, 32, 3, 1, 1}},
      {"s2 32->64 /2", {1, 32, 32, 32, 64, 3, 2, 1}},      {"s2 64->64 @16", {1, 64, 16, 16, 64, 3, 1, 1}},
      {"sc 32->64 1x1/2", {1, 32, 32, 32, 64, 1, 2, 0}},   {"s3 64->128 /2", {1, 64, 16, 16, 128, 3, 2, 1}},
      {"s3 128->128 @8", {1, 128, 8, 8, 128, 3, 1, 1}},    {"sc 64->128 1x1/2", {1, 64, 16, 16, 128, 1, 2, 0}},
      {"vit patch 4x4/4", {1, 1, 32, 32, 128, 4, 4, 0}},
  };
  for (const Conv& c : convs) {
    const vc::Conv2dShape& s = c.s;
    const auto x = random_vec((size_t)s.batch * s.in_c * s.in_h * s.in_w, 4);
    const auto w = random_vec((size_t)s.out_c * s.in_c * s.kernel * s.kernel, 5), b = random_vec(s.out_c, 6);
    std::vector<float> y((size_t)s.batch * s.out_c * s.out_h() * s.out_w()), dx(x.size()), dw(w.size());
    const double flops = 2.0 * y.size() * s.in_c * s.kernel * s.kernel;
    for (const vc::KernelTable* k : backends) {
      if (!want("conv")) break;
      const Timing sec =
          time_call([&] { k->conv2d_nchw_f32(s, x.data(), w.data(), b.data(), vc::Act::kRelu, y.data()); }, samples);
      report("conv", c.name, *k, flops, sec, peak);
    }
    for (const vc::KernelTable* k : backends) {
      if (!want("conv_dx")) break;
      const Timing sec = time_call([&] { k->conv2d_backward_input_nchw_f32(s, y.data(), w.data(), dx.data()); }, samples);
      report("conv_dx", c.name, *k, flops, sec, peak);
    }
    for (const vc::KernelTable* k : backends) {
      if (!want("conv_dw")) break;
      const Timing sec =
          time_call([&] { k->conv2d_backward_weight_nchw_f32(s, x.data(), y.data(), dw.data(), nullptr); }, samples);
      report("conv_dw", c.name, *k, flops, sec, peak);
    }
  }

  // The simd backend's conv2d algorithms at the models' 3x3 stride-1 layers (cnn: stem and stages at 32/16/8 px;
  // hybrid: stem, 32->32 at 16 px, 64->64 at 8 px), batch 1 and 64: im2col + GEMM, Winograd F(2x2,3x3) and
  // F(4x4,3x3). GFLOP/s counts the direct convolution's 2 * Cout * Cin * 9 flops per output pixel for every
  // algorithm (an equivalent rate: Winograd does fewer); "x" is im2col's median time over this algorithm's; "<- rule"
  // marks what simd_conv_algo picks (kernels_simd().conv2d_nchw_f32 runs it).
  const Conv conv3x3[] = {
      {"stem 1->32 @32", {1, 1, 32, 32, 32, 3, 1, 1}},   {"32->32 @32", {1, 32, 32, 32, 32, 3, 1, 1}},
      {"32->32 @16", {1, 32, 16, 16, 32, 3, 1, 1}},      {"64->64 @16", {1, 64, 16, 16, 64, 3, 1, 1}},
      {"64->64 @8", {1, 64, 8, 8, 64, 3, 1, 1}},         {"128->128 @8", {1, 128, 8, 8, 128, 3, 1, 1}},
  };
  for (const Conv& c : conv3x3)
    for (int batch : {1, 64}) {
      if (!want("wino")) break;
      vc::Conv2dShape s = c.s;
      s.batch = batch;
      const auto x = random_vec((size_t)s.batch * s.in_c * s.in_h * s.in_w, 4);
      const auto w = random_vec((size_t)s.out_c * s.in_c * 9, 5), b = random_vec(s.out_c, 6);
      std::vector<float> y((size_t)s.batch * s.out_c * s.out_h() * s.out_w());
      const double flops = 2.0 * y.size() * s.in_c * 9;
      const std::string shape = std::string(c.name) + " b" + std::to_string(batch);
      double im2col_median = 0;
      for (vc::ConvAlgo algo : {vc::ConvAlgo::kIm2col, vc::ConvAlgo::kWinograd2, vc::ConvAlgo::kWinograd4}) {
        const Timing t = time_call(
            [&] { vc::simd_conv2d_nchw_f32(algo, s, x.data(), w.data(), b.data(), vc::Act::kRelu, y.data()); },
            samples);
        if (algo == vc::ConvAlgo::kIm2col) im2col_median = t.median;
        std::printf("wino     %-28s %-22s median %9.1f us %7.2f GFLOP/s-eq  x%.2f  best %9.1f us%s\n", shape.c_str(),
                    vc::conv_algo_name(algo), t.median * 1e6, flops / t.median * 1e-9, im2col_median / t.median,
                    t.best * 1e6, vc::simd_conv_algo(s) == algo ? "  <- rule" : "");
        std::fflush(stdout);
      }
    }

  // Row-wise ops at the ViT's sizes: layernorm and GELU over 65 x 128 / 65 x 256, softmax over 4 heads x 65 x 65.
  {
    const int rows = 65, D = 128;
    const auto x = random_vec((size_t)rows * 256, 7), g = random_vec(D, 8), bt = random_vec(D, 9);
    std::vector<float> y(x.size());
    for (const vc::KernelTable* k : backends) {
      if (!want("lnorm")) break;
      const Timing sec = time_call(
          [&] { k->layernorm_f32(rows, D, x.data(), g.data(), bt.data(), 1e-5f, y.data(), nullptr, nullptr); },
          samples);
      report("lnorm", "65x128", *k, 0.0, sec, peak);
    }
    for (const vc::KernelTable* k : backends) {
      if (!want("gelu")) break;
      const Timing sec = time_call([&] { k->gelu_f32(rows * 256, x.data(), y.data()); }, samples);
      report("gelu", "65x256", *k, 0.0, sec, peak);
    }
    const auto s = random_vec(4 * 65 * 65, 10);
    std::vector<float> p(s.size());
    for (const vc::KernelTable* k : backends) {
      if (!want("softmax")) break;
      const Timing sec = time_call([&] { k->softmax_rows_f32(4 * 65, 65, s.data(), p.data()); }, samples);
      report("softmax", "260x65", *k, 0.0, sec, peak);
    }
  }
  return 0;
}
