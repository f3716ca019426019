// The `xnnpack` backend (native only): Debian's XNNPACK (libxnnpack-dev, 2022 operator API) runs the forward
// GEMM, linear and conv2d, each call on one thread (no pthreadpool; with several kernel threads, kernels/parallel.h,
// the model's attention calls it from each of them on its own images); every other entry is the `simd` kernel. It is the
// native anchor of docs/benchmarks.md: our simd kernels against a production inference library.
// Each call creates, sets up, runs and deletes one XNNPACK operator, so its time includes XNNPACK's weight
// packing (a cache keyed on weight pointers would go stale while the lab trains). A failing XNNPACK call runs the
// `simd` kernel instead and says so once on stderr: never a silently wrong result.
#include <xnnpack.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <limits>
#include <vector>

#include "kernels/kernels.h"

namespace vc {
namespace {

bool xnnpack_ready() {
  static const bool ready = xnn_initialize(nullptr) == xnn_status_success;
  return ready;
}

// Runs `op` (created with status `created`, set up by `setup`), then deletes it; false if any step failed.
template <class Setup>
bool run_operator(xnn_status created, xnn_operator_t op, Setup setup) {
  bool ok = created == xnn_status_success && setup(op) == xnn_status_success &&
            xnn_run_operator(op, /*threadpool=*/nullptr) == xnn_status_success;
  if (op != nullptr) ok = xnn_delete_operator(op) == xnn_status_success && ok;
  return ok;
}

// Says once per kernel on stderr that XNNPACK failed and the simd kernel ran instead.
void warn_fallback(std::atomic<bool>& warned, const char* kernel) {
  if (!warned.exchange(true)) std::fprintf(stderr, "xnnpack: %s failed; running the simd kernel instead\n", kernel);
}

float act_min(Act act) { return act == Act::kRelu ? 0.0f : -std::numeric_limits<float>::infinity(); }
constexpr float kNoMax = std::numeric_limits<float>::infinity();

// y[M,N] = clamp(x[M,K] (row stride ldx) @ W + b[N], lo, +inf) (row stride ldy) through XNNPACK's fully connected
// operator, where W is stored [N,K] (out x in), or [K,N] when `w_kn`. b may be null. False if XNNPACK failed.
bool fully_connected(int M, int N, int K, const float* x, int ldx, const float* W, bool w_kn, const float* b,
                     float lo, float* y, int ldy) {
  if (!xnnpack_ready()) return false;
  xnn_operator_t op = nullptr;
  const xnn_status created = xnn_create_fully_connected_nc_f32(K, N, ldx, ldy, W, b, lo, kNoMax,
                                                               w_kn ? XNN_FLAG_TRANSPOSE_WEIGHTS : 0, &op);
  return run_operator(created, op, [&](xnn_operator_t o) {
    return xnn_setup_fully_connected_nc_f32(o, M, x, y, /*threadpool=*/nullptr);
  });
}

// y[M,N] = act(x[M,K] @ W[N,K]^T + b[N]); GELU runs the simd gelu on XNNPACK's output.
void linear_f32(int M, int N, int K, const float* x, const float* W, const float* b, Act act, float* y) {
  static std::atomic<bool> warned{false};
  if (!fully_connected(M, N, K, x, K, W, /*w_kn=*/false, b, act_min(act), y, N)) {
    warn_fallback(warned, "linear_f32");
    kernels_simd().linear_f32(M, N, K, x, W, b, act, y);
    return;
  }
  if (act == Act::kGelu) kernels_simd().gelu_f32((int64_t)M * N, y, y);
}

// C[M,N] = op(A)[M,K] @ op(B)[K,N] when beta == 0, not trans_a and K > 0 (a fully connected layer with weights op(B));
// B is copied contiguous first when ldb is wider than its rows (attention's heads inside the qkv rows).
// Everything else is the simd GEMM.
void gemm_f32(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
              float beta, float* C, int ldc) {
  static std::atomic<bool> warned{false};
  if (beta == 0.0f && !trans_a && K > 0) {
    const int rows = trans_b ? N : K, cols = trans_b ? K : N;  // B as stored: [N,K] when trans_b, else [K,N]
    std::vector<float> packed;
    const float* W = B;
    if (ldb != cols) {
      packed.resize((size_t)rows * cols);
      for (int r = 0; r < rows; ++r)
        std::copy(B + (size_t)r * ldb, B + (size_t)r * ldb + cols, packed.data() + (size_t)r * cols);
      W = packed.data();
    }
    if (fully_connected(M, N, K, A, lda, W, /*w_kn=*/!trans_b, nullptr, act_min(Act::kNone), C, ldc)) return;
    warn_fallback(warned, "gemm_f32");
  }
  kernels_simd().gemm_f32(trans_a, trans_b, M, N, K, A, lda, B, ldb, beta, C, ldc);
}

// y[B,Cout,Ho,Wo] = act(conv2d(x[B,Cin,H,W], w[Cout,Cin,k,k], b[Cout])) through XNNPACK's NHWC convolution:
// x -> x_nhwc[B,H,W,Cin], w -> w_ohwi[Cout,k,k,Cin], then y_nhwc[B,Ho,Wo,Cout] -> y. GELU runs the simd gelu after.
void conv2d_nchw_f32(const Conv2dShape& s, const float* x, const float* w, const float* b, Act act, float* y) {
  static std::atomic<bool> warned{false};
  const int Ho = s.out_h(), Wo = s.out_w(), kk = s.kernel * s.kernel;
  const size_t in_hw = (size_t)s.in_h * s.in_w, out_hw = (size_t)Ho * Wo;
  std::vector<float> x_nhwc((size_t)s.batch * in_hw * s.in_c), w_ohwi((size_t)s.out_c * kk * s.in_c),
      y_nhwc((size_t)s.batch * out_hw * s.out_c);
  for (int n = 0; n < s.batch; ++n)
    for (int c = 0; c < s.in_c; ++c)
      for (size_t p = 0; p < in_hw; ++p)
        x_nhwc[((size_t)n * in_hw + p) * s.in_c + c] = x[((size_t)n * s.in_c + c) * in_hw + p];
  for (int o = 0; o < s.out_c; ++o)
    for (int c = 0; c < s.in_c; ++c)
      for (int t = 0; t < kk; ++t) w_ohwi[((size_t)o * kk + t) * s.in_c + c] = w[((size_t)o * s.in_c + c) * kk + t];

  bool ok = xnnpack_ready();
  if (ok) {
    xnn_operator_t op = nullptr;
    const xnn_status created = xnn_create_convolution2d_nhwc_f32(
        s.pad, s.pad, s.pad, s.pad, s.kernel, s.kernel, s.stride, s.stride, /*dilation=*/1, 1, /*groups=*/1, s.in_c,
        s.out_c, /*input_channel_stride=*/s.in_c, /*output_channel_stride=*/s.out_c, w_ohwi.data(), b, act_min(act),
        kNoMax, /*flags=*/0, &op);
    ok = run_operator(created, op, [&](xnn_operator_t o) {
      return xnn_setup_convolution2d_nhwc_f32(o, s.batch, s.in_h, s.in_w, x_nhwc.data(), y_nhwc.data(),
                                              /*threadpool=*/nullptr);
    });
  }
  if (!ok) {
    warn_fallback(warned, "conv2d_nchw_f32");
    kernels_simd().conv2d_nchw_f32(s, x, w, b, act, y);
    return;
  }
  for (int n = 0; n < s.batch; ++n)
    for (size_t p = 0; p < out_hw; ++p)
      for (int o = 0; o < s.out_c; ++o)
        y[((size_t)n * s.out_c + o) * out_hw + p] = y_nhwc[((size_t)n * out_hw + p) * s.out_c + o];
  if (act == Act::kGelu) kernels_simd().gelu_f32((int64_t)s.batch * s.out_c * out_hw, y, y);
}

// "XNNPACK (AVX2)": the widest x86 vector extension this CPU offers XNNPACK's microkernels.
const char* isa_name() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return "XNNPACK (AVX-512)";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "XNNPACK (AVX2 FMA)";
  return "XNNPACK";
}

}  // namespace

// The simd table with XNNPACK's three forward kernels in place of simd's.
const KernelTable& kernels_xnnpack() {
  static const KernelTable table = [] {
    KernelTable t = kernels_simd();
    t.name = "xnnpack";
    t.isa = isa_name();
    t.gemm_tile = "xnnpack";
    t.gemm_f32 = gemm_f32;
    t.linear_f32 = linear_f32;
    t.conv2d_nchw_f32 = conv2d_nchw_f32;
    return t;
  }();
  return table;
}

}  // namespace vc
