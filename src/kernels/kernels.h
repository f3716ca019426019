// One kernel table per backend. `ref` is scalar and readable: it is the spec. `simd` (Highway:
// wasm simd128 and native) and, natively, `xnnpack` (Debian's XNNPACK for GEMM, linear and conv2d forward)
// must match `ref` within the per-op tolerances of tests/kernels.
// Names follow <op>_<layout>_<dtype>; the backend is the table. All tensors are contiguous
// row-major float32; outputs never alias inputs unless a comment says so.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

namespace vc {

enum class Act { kNone, kRelu, kGelu };  // fused epilogue; GELU is the exact erf form

struct Conv2dShape {
  int batch, in_c, in_h, in_w;  // x [batch, in_c, in_h, in_w]
  int out_c, kernel, stride, pad;  // w [out_c, in_c, kernel, kernel], square kernel, symmetric zero pad
  int out_h() const { return (in_h + 2 * pad - kernel) / stride + 1; }
  int out_w() const { return (in_w + 2 * pad - kernel) / stride + 1; }
};

// Every member from `gemm_f32` on is a function pointer (tests/kernels checks that none is null by reading them as
// such); ref and simd fill the table with designated initializers in declaration order, so entries of the same
// signature cannot be swapped unnoticed (xnnpack starts from a copy of simd's table and replaces the entries it runs).
struct KernelTable {
  const char* name;
  // For benchmark labels: the instruction set the backend was compiled for ("scalar", "WASM mul+add", "AVX2 FMA"),
  // and the register tile of its GEMM microkernel, rows x columns of C ("4x16"), which linear and the
  // convolutions also run on.
  const char* isa;
  const char* gemm_tile;

  // C[M,N] = beta * C + op(A)[M,K] @ op(B)[K,N]; op(A) = A^T when trans_a (then A is stored [K, M]).
  // torch: C = beta * C + A @ B
  void (*gemm_f32)(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B,
                   int ldb, float beta, float* C, int ldc);

  // y[M,N] = act(x[M,K] @ W[N,K]^T + b[N]); b may be null.  torch: act(F.linear(x, W, b))
  void (*linear_f32)(int M, int N, int K, const float* x, const float* W, const float* b, Act act, float* y);

  // y[B,Cout,Ho,Wo] = act(conv2d(x[B,Cin,H,W], w[Cout,Cin,k,k], b[Cout])); b may be null.
  // torch: act(F.conv2d(x, w, b, stride, pad)). simd: im2col + GEMM, or Winograd for 3x3 stride-1 (kernels/conv_algo.h)
  void (*conv2d_nchw_f32)(const Conv2dShape& s, const float* x, const float* w, const float* b, Act act, float* y);
  // dx[B,Cin,H,W] = conv2d input-gradient of dy[B,Cout,Ho,Wo] through w.  torch: conv_transpose2d
  void (*conv2d_backward_input_nchw_f32)(const Conv2dShape& s, const float* dy, const float* w, float* dx);
  // dw[Cout,Cin,k,k] and db[Cout] (db may be null) are overwritten with the weight gradients.
  void (*conv2d_backward_weight_nchw_f32)(const Conv2dShape& s, const float* x, const float* dy, float* dw, float* db);

  // y[rows,D] = (x - mean) * rstd * gamma + beta; mean/rstd[rows] are written when non-null.
  // torch: F.layer_norm(x, (D,), gamma, beta, eps)
  void (*layernorm_f32)(int rows, int D, const float* x, const float* gamma, const float* beta, float eps, float* y,
                        float* mean, float* rstd);
  // dx[rows,D] from dy; dgamma[D], dbeta[D] are ACCUMULATED into (may be null).
  void (*layernorm_backward_f32)(int rows, int D, const float* x, const float* gamma, const float* mean,
                                 const float* rstd, const float* dy, float* dx, float* dgamma, float* dbeta);

  // y[rows,N] = softmax(x) along N; y may alias x.  torch: x.softmax(-1)
  void (*softmax_rows_f32)(int rows, int N, const float* x, float* y);
  // dx = y * (dy - sum(dy * y)) per row.
  void (*softmax_backward_rows_f32)(int rows, int N, const float* y, const float* dy, float* dx);

  // Elementwise over n values; y may alias x.  torch: F.gelu(x) (exact), F.relu(x), a + b
  void (*gelu_f32)(int64_t n, const float* x, float* y);
  void (*gelu_backward_f32)(int64_t n, const float* x, const float* dy, float* dx);
  void (*relu_backward_f32)(int64_t n, const float* y, const float* dy, float* dx);  // y = relu output
  void (*add_f32)(int64_t n, const float* a, const float* b, float* y);

  // y[BC] = mean over HW of x[BC,HW].  torch: x.mean((2, 3))
  void (*global_avgpool_nchw_f32)(int BC, int HW, const float* x, float* y);
  void (*global_avgpool_backward_nchw_f32)(int BC, int HW, const float* dy, float* dx);
};

// The function pointers of a table: from its first kernel to its end, nothing else (no padding either).
inline constexpr size_t kKernelTableFirst = offsetof(KernelTable, gemm_f32);
inline constexpr size_t kKernelTableEntries = (sizeof(KernelTable) - kKernelTableFirst) / sizeof(void (*)());
static_assert(std::is_standard_layout_v<KernelTable>);
static_assert(kKernelTableFirst + kKernelTableEntries * sizeof(void (*)()) == sizeof(KernelTable));

const KernelTable& kernels_ref();
const KernelTable& kernels_simd();
#if VITCNN_XNNPACK
// Native only: XNNPACK's GEMM, linear and conv2d forward, the simd kernels for the rest (src/kernels/native).
const KernelTable& kernels_xnnpack();
#endif
// The bytes the simd kernels' scratch buffers hold, on every kernel thread (kernels/parallel.h): each thread's buffers
// keep the size of the largest call that used them (bounded per thread by the largest layer run so far: with n threads
// up to n times one thread's) until the thread ends.
size_t kernel_scratch_bytes();
// Every backend's table: ref, simd (and xnnpack natively).
std::span<const KernelTable* const> kernel_tables();
// The table of kernel_tables() named `name` ("ref", "simd", natively "xnnpack"); null for an unknown name.
const KernelTable* kernels_by_name(std::string_view name);

}  // namespace vc
