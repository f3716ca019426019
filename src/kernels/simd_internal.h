// Internals shared by the `simd` backend's translation units (not a public header).
// Highway static dispatch: the target is fixed at compile time (WASM = simd128 under emscripten with
// -msimd128; AVX2 natively with -march=haswell -maes, see CMakeLists.txt), so the code below is plain inline functions over hn::.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hwy/highway.h"
#include "kernels/kernels.h"
#include "kernels/parallel.h"

namespace vc::simd {

namespace hn = hwy::HWY_NAMESPACE;
using D = hn::ScalableTag<float>;
using V = hn::Vec<D>;

// Reusable per-thread scratch memory: slot s keeps its buffer between calls, so hot paths allocate only
// when a call needs more than any earlier one. Distinct slots may be used at the same time. Each kernel thread
// (kernels/parallel.h) has its own.
// Winograd (simd_winograd.cpp) uses its own slots: transformed weights, input tiles, products, row copies.
enum ScratchSlot { kPackB, kBias, kCol, kPad, kWinoU, kWinoV, kWinoM, kWinoRows, kNumSlots };
float* scratch(ScratchSlot slot, size_t n);
// The bytes every thread's scratch buffers hold (kernel_scratch_bytes).
size_t scratch_bytes();

// Constants of the vector exp and erf. Kernels load them once per call into vectors (MathVecs) instead
// of writing literals: LLVM's wasm backend rematerializes vector literals inside loops, and V8 builds each
// v128.const with several instructions (GELU ran 2x slower that way). The table is defined in simd.cpp,
// out of sight of the TUs that use it, so the compiler cannot fold the loads back into literals.
struct MathConsts {
  float one, half, log2e, neg_ln2_hi, neg_ln2_lo, exp_min;
  float taylor[8];  // 1/i!, i = 0..7
  float inv_sqrt2, erf_a[6], inv_sqrt_2pi;
  int32_t exp_bias;
};
extern const MathConsts kMathConsts;

struct MathVecs {
  V one, half, log2e, neg_ln2_hi, neg_ln2_lo, exp_min, taylor[8], inv_sqrt2, erf_a[6], inv_sqrt_2pi;
  hn::Vec<hn::RebindToSigned<D>> exp_bias;
  explicit MathVecs(D d, const MathConsts& k = kMathConsts)
      : one(hn::Set(d, k.one)),
        half(hn::Set(d, k.half)),
        log2e(hn::Set(d, k.log2e)),
        neg_ln2_hi(hn::Set(d, k.neg_ln2_hi)),
        neg_ln2_lo(hn::Set(d, k.neg_ln2_lo)),
        exp_min(hn::Set(d, k.exp_min)),
        inv_sqrt2(hn::Set(d, k.inv_sqrt2)),
        inv_sqrt_2pi(hn::Set(d, k.inv_sqrt_2pi)),
        exp_bias(hn::Set(hn::RebindToSigned<D>(), k.exp_bias)) {
    for (int i = 0; i < 8; ++i) taylor[i] = hn::Set(d, k.taylor[i]);
    for (int i = 0; i < 6; ++i) erf_a[i] = hn::Set(d, k.erf_a[i]);
  }
};

// exp(x) for x <= 0 (inputs below -87 give exp(-87) ~ 1.6e-38, i.e. 0 for our uses). Cody-Waite:
// x = n ln2 + r, |r| <= ln2/2, with ln2 split in a short high part (exact n * hi) and a low part;
// e^r by its degree-7 Taylor polynomial (truncation r^8/8! < 5e-9 relative); 2^n built in the exponent bits.
// Error: ~2 ulp.
HWY_INLINE V exp_nonpos(D d, const MathVecs& k, V x) {
  const hn::RebindToSigned<D> di;
  x = hn::Max(x, k.exp_min);
  const V n = hn::Round(hn::Mul(x, k.log2e));
  const V r = hn::MulAdd(n, k.neg_ln2_lo, hn::MulAdd(n, k.neg_ln2_hi, x));
  V p = k.taylor[7];
  for (int i = 6; i >= 0; --i) p = hn::MulAdd(p, r, k.taylor[i]);
  const V two_n = hn::BitCast(d, hn::ShiftLeft<23>(hn::Add(hn::ConvertTo(di, n), k.exp_bias)));
  return hn::Mul(p, two_n);
}

// Phi(x) = 0.5 (1 + erf(x / sqrt 2)), the factor of exact GELU (gelu(x) = x Phi(x)), with erf from
// Abramowitz & Stegun 7.1.28: erfc(z) = 1 / (1 + a1 z + ... + a6 z^6)^16 for z >= 0, |error| <= 3e-7.
// No exp: ~24 vector ops, half of the exp-based 7.1.26. With z = |x| / sqrt 2 and q = erfc(z):
// Phi(x) = 1 - q/2 for x >= 0 and q/2 for x < 0, so the negative tail has no cancellation.
HWY_INLINE V gaussian_cdf(D d, const MathVecs& k, V x) {
  const V z = hn::Mul(hn::Abs(x), k.inv_sqrt2);
  V p = k.erf_a[5];
  for (int i = 4; i >= 0; --i) p = hn::MulAdd(p, z, k.erf_a[i]);
  p = hn::MulAdd(p, z, k.one);
  // p^16 by four squarings.
  p = hn::Mul(p, p);
  p = hn::Mul(p, p);
  p = hn::Mul(p, p);
  p = hn::Mul(p, p);
  const V half_q = hn::Div(k.half, p);
  return hn::IfThenElse(hn::Lt(x, hn::Zero(d)), half_q, hn::Sub(k.one, half_q));
}

// The backend's kernels (kernels.h documents each): kernels_simd() lists them. gelu_f32 is also the GEMM's GELU
// epilogue, run over each output row.
void gemm_f32(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
              float beta, float* C, int ldc);                                                        // simd_gemm.cpp
void linear_f32(int M, int N, int K, const float* x, const float* W, const float* b, Act act, float* y);
void conv2d_nchw_f32(const Conv2dShape& s, const float* x, const float* w, const float* b, Act act,
                     float* y);                                                                  // simd_winograd.cpp
// conv2d forward as im2col + GEMM (simd_conv.cpp) and as Winograd F(m x m, 3 x 3), m = 2 or 4, for 3x3 stride-1
// convolutions (simd_winograd.cpp); conv2d_nchw_f32 runs the one simd_conv_algo (kernels/conv_algo.h) picks.
void conv2d_im2col(const Conv2dShape& s, const float* x, const float* w, const float* b, Act act, float* y);
void conv2d_winograd(int m, const Conv2dShape& s, const float* x, const float* w, const float* b, Act act, float* y);
void conv2d_backward_input_nchw_f32(const Conv2dShape& s, const float* dy, const float* w, float* dx);
void conv2d_backward_weight_nchw_f32(const Conv2dShape& s, const float* x, const float* dy, float* dw, float* db);
void layernorm_f32(int rows, int D, const float* x, const float* gamma, const float* beta, float eps, float* y,
                   float* mean, float* rstd);                                                        // simd_eltwise.cpp
void layernorm_backward_f32(int rows, int D, const float* x, const float* gamma, const float* mean,
                            const float* rstd, const float* dy, float* dx, float* dgamma, float* dbeta);
void softmax_rows_f32(int rows, int N, const float* x, float* y);
void softmax_backward_rows_f32(int rows, int N, const float* y, const float* dy, float* dx);
void gelu_f32(int64_t n, const float* x, float* y);
void gelu_backward_f32(int64_t n, const float* x, const float* dy, float* dx);
void relu_backward_f32(int64_t n, const float* y, const float* dy, float* dx);
void add_f32(int64_t n, const float* a, const float* b, float* y);
void global_avgpool_nchw_f32(int BC, int HW, const float* x, float* y);
void global_avgpool_backward_nchw_f32(int BC, int HW, const float* dy, float* dx);

// ---------------------------------------------------------------------------------------------
// GEMM core. C[M,N] = beta * C + A[M,K] @ B[K,N], then optionally bias and activation.
// A is read in place through strides (A[i,k] = a[i * a_row + k * a_col]) with a_row or a_col equal to 1;
// B is packed by a caller-supplied function into column panels of kNr = 2 vectors:
//   dst[(k - k0) * kNr + jj] = B[k, j0 + jj] for k in [k0, k0 + kc), jj < kNr; zero where j0 + jj >= N.
// This way transposes, im2col and plain matrices share one microkernel.

using PackB = void (*)(const void* ctx, int k0, int kc, int j0, float* dst);

struct Epilogue {
  const float* bias = nullptr;  // bias[M] (per row) or bias[N] (per column), or null
  bool bias_per_row = false;
  Act act = Act::kNone;  // ReLU is applied in the register tile; GELU by gelu_f32 over each finished row
};

constexpr size_t kLanes = hn::MaxLanes(D());
constexpr int kNr = 2 * (int)kLanes;  // panel width: 8 floats in wasm simd128, 16 with AVX2
// Highway's name of the compiled target and how it multiplies-adds: "WASM mul+add" (simd128 has no fused
// multiply-add), "AVX2 FMA".
const char* isa_name();
// The GEMM microkernel's register tile, "<rows>x<columns>" of C (simd_gemm.cpp).
const char* gemm_tile();

void gemm(int M, int N, int K, const float* a, size_t a_row, size_t a_col, PackB pack_b, const void* b_ctx,
          float beta, float* C, size_t ldc, const Epilogue& ep);

// Packers for a dense B of N columns: pack_b_rows reads B[k, j] = b[k * ldb + j], pack_b_cols reads the
// transposed storage B[k, j] = b[j * ldb + k] (e.g. nn.Linear's W[N, K]). ctx points to a DenseB.
struct DenseB {
  const float* b;
  size_t ldb;
  int N;
};
void pack_b_rows(const void* ctx, int k0, int kc, int j0, float* dst);
void pack_b_cols(const void* ctx, int k0, int kc, int j0, float* dst);

}  // namespace vc::simd
