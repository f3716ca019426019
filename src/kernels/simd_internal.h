// Internals shared by the `simd` backend's translation units (not a public header).
// Highway static dispatch: the target is fixed at compile time (WASM = simd128 under emscripten with
// -msimd128; AVX2 natively with -mavx2 -mfma), so the code below is plain inline functions over hn::.
#pragma once
#include <cstddef>

#include "hwy/highway.h"
#include "hwy/contrib/math/math-inl.h"
#include "kernels/kernels.h"

namespace vc::simd {

namespace hn = hwy::HWY_NAMESPACE;
using D = hn::ScalableTag<float>;
using V = hn::Vec<D>;

// Reusable per-thread scratch memory: slot s keeps its buffer between calls, so hot paths allocate only
// when a call needs more than any earlier one. Distinct slots may be used at the same time.
enum ScratchSlot { kPackB, kBias, kCol, kTile, kNumSlots };
float* scratch(ScratchSlot slot, size_t n);

// Exact-form GELU, 0.5 x (1 + erf(x / sqrt 2)), with erf from Abramowitz & Stegun 7.1.26:
// erfc(z) = (a1 t + a2 t^2 + a3 t^3 + a4 t^4 + a5 t^5) exp(-z^2), t = 1 / (1 + p z), z >= 0, |error| <= 1.5e-7.
// With z = |x| / sqrt 2 and q = erfc(z): gelu(x) = x (1 - q/2) for x >= 0 and x q/2 for x < 0, so the
// negative tail is computed without the cancellation of 1 + erf(x / sqrt 2).
struct GeluParts {
  V cdf;       // Phi(x) = 0.5 (1 + erf(x / sqrt 2))
  V exp_half;  // exp(-x^2 / 2), for the derivative
};
HWY_INLINE GeluParts gelu_parts(D d, V x) {
  const V z = hn::Mul(hn::Abs(x), hn::Set(d, 0.70710678118654752f));
  const V t = hn::Div(hn::Set(d, 1.0f), hn::MulAdd(hn::Set(d, 0.3275911f), z, hn::Set(d, 1.0f)));
  // Horner: t (a1 + t (a2 + t (a3 + t (a4 + t a5)))).
  V poly = hn::MulAdd(t, hn::Set(d, 1.061405429f), hn::Set(d, -1.453152027f));
  poly = hn::MulAdd(poly, t, hn::Set(d, 1.421413741f));
  poly = hn::MulAdd(poly, t, hn::Set(d, -0.284496736f));
  poly = hn::MulAdd(poly, t, hn::Set(d, 0.254829592f));
  poly = hn::Mul(poly, t);
  const V e = hn::Exp(d, hn::Neg(hn::Mul(z, z)));
  const V half_q = hn::Mul(hn::Set(d, 0.5f), hn::Mul(poly, e));
  const V cdf = hn::IfThenElse(hn::Lt(x, hn::Zero(d)), half_q, hn::Sub(hn::Set(d, 1.0f), half_q));
  return {cdf, e};
}

HWY_INLINE V gelu(D d, V x) { return hn::Mul(x, gelu_parts(d, x).cdf); }

HWY_INLINE V activate(D d, Act act, V v) {
  switch (act) {
    case Act::kNone: return v;
    case Act::kRelu: return hn::Max(v, hn::Zero(d));
    case Act::kGelu: return gelu(d, v);
  }
  return v;
}

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
  Act act = Act::kNone;
};

constexpr size_t kLanes = hn::MaxLanes(D());
constexpr int kNr = 2 * (int)kLanes;  // panel width: 8 floats in wasm simd128, 16 with AVX2

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

// Each translation unit of the backend fills its entries of the table.
void set_gemm_entries(KernelTable& t);
void set_conv_entries(KernelTable& t);
void set_eltwise_entries(KernelTable& t);

}  // namespace vc::simd
