// The `ref` backend: plain scalar loops, written to be read. It is the specification every other
// backend is tested against (tests/kernels). Accumulation is in float, as in the fast backends,
// except layernorm statistics (double: see layernorm_f32).
#include <cmath>
#include <cstring>

#include "kernels/kernels.h"

namespace vc {
namespace {

constexpr float kInvSqrt2 = 0.70710678118654752f;
constexpr float kInvSqrt2Pi = 0.39894228040143268f;

// torch: F.gelu(x) (approximate='none')
float gelu(float x) { return 0.5f * x * (1.0f + std::erf(x * kInvSqrt2)); }

float activate(Act act, float v) {
  switch (act) {
    case Act::kNone: return v;
    case Act::kRelu: return v > 0.0f ? v : 0.0f;
    case Act::kGelu: return gelu(v);
  }
  return v;
}

// C[M,N] = beta * C + op(A)[M,K] @ op(B)[K,N]
// op(A)[i,k] = trans_a ? A[k*lda + i] : A[i*lda + k];  op(B)[k,j] = trans_b ? B[j*ldb + k] : B[k*ldb + j]
// torch: C = beta * C + A @ B (with A.T / B.T for the transposes)
void gemm_f32(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
              float beta, float* C, int ldc) {
  for (int i = 0; i < M; ++i) {
    for (int j = 0; j < N; ++j) {
      float acc = 0.0f;
      for (int k = 0; k < K; ++k) {
        const float a = trans_a ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k];
        const float b = trans_b ? B[(size_t)j * ldb + k] : B[(size_t)k * ldb + j];
        acc += a * b;
      }
      float& c = C[(size_t)i * ldc + j];
      // beta == 0 overwrites: C's old contents are never read (they may be uninitialized or NaN).
      c = beta == 0.0f ? acc : beta * c + acc;
    }
  }
}

// x[M,K], W[N,K], b[N] or null -> y[M,N] = act(x @ W^T + b)
// torch: act(F.linear(x, W, b))
void linear_f32(int M, int N, int K, const float* x, const float* W, const float* b, Act act, float* y) {
  gemm_f32(false, true, M, N, K, x, K, W, K, 0.0f, y, N);
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      float& v = y[(size_t)i * N + j];
      v = activate(act, v + (b ? b[j] : 0.0f));
    }
}

// x[B,Cin,H,W], w[Cout,Cin,k,k], b[Cout] or null -> y[B,Cout,Ho,Wo]
// y[n,o,oy,ox] = act(b[o] + sum_{c,ky,kx} w[o,c,ky,kx] * x[n,c, oy*s - pad + ky, ox*s - pad + kx]), x = 0 outside
// torch: act(F.conv2d(x, w, b, stride=s, padding=pad))
void conv2d_nchw_f32(const Conv2dShape& s, const float* x, const float* w, const float* b, Act act, float* y) {
  const int Ho = s.out_h(), Wo = s.out_w(), k = s.kernel;
  for (int n = 0; n < s.batch; ++n)
    for (int o = 0; o < s.out_c; ++o)
      for (int oy = 0; oy < Ho; ++oy)
        for (int ox = 0; ox < Wo; ++ox) {
          float acc = b ? b[o] : 0.0f;
          for (int c = 0; c < s.in_c; ++c)
            for (int ky = 0; ky < k; ++ky) {
              const int iy = oy * s.stride - s.pad + ky;
              if (iy < 0 || iy >= s.in_h) continue;
              for (int kx = 0; kx < k; ++kx) {
                const int ix = ox * s.stride - s.pad + kx;
                if (ix < 0 || ix >= s.in_w) continue;
                acc += w[(((size_t)o * s.in_c + c) * k + ky) * k + kx] *
                       x[(((size_t)n * s.in_c + c) * s.in_h + iy) * s.in_w + ix];
              }
            }
          y[(((size_t)n * s.out_c + o) * Ho + oy) * Wo + ox] = activate(act, acc);
        }
}

// dy[B,Cout,Ho,Wo], w[Cout,Cin,k,k] -> dx[B,Cin,H,W]
// dx[n,c,iy,ix] = sum over (o,oy,ox,ky,kx) with iy = oy*s - pad + ky, ix = ox*s - pad + kx of dy[n,o,oy,ox] * w[o,c,ky,kx]
// torch: torch.nn.grad.conv2d_input(x.shape, w, dy, stride=s, padding=pad)
void conv2d_backward_input_nchw_f32(const Conv2dShape& s, const float* dy, const float* w, float* dx) {
  const int Ho = s.out_h(), Wo = s.out_w(), k = s.kernel;
  std::memset(dx, 0, sizeof(float) * s.batch * s.in_c * s.in_h * s.in_w);
  // Scatter each output gradient back to the inputs it read in the forward pass.
  for (int n = 0; n < s.batch; ++n)
    for (int o = 0; o < s.out_c; ++o)
      for (int oy = 0; oy < Ho; ++oy)
        for (int ox = 0; ox < Wo; ++ox) {
          const float g = dy[(((size_t)n * s.out_c + o) * Ho + oy) * Wo + ox];
          for (int c = 0; c < s.in_c; ++c)
            for (int ky = 0; ky < k; ++ky) {
              const int iy = oy * s.stride - s.pad + ky;
              if (iy < 0 || iy >= s.in_h) continue;
              for (int kx = 0; kx < k; ++kx) {
                const int ix = ox * s.stride - s.pad + kx;
                if (ix < 0 || ix >= s.in_w) continue;
                dx[(((size_t)n * s.in_c + c) * s.in_h + iy) * s.in_w + ix] +=
                    g * w[(((size_t)o * s.in_c + c) * k + ky) * k + kx];
              }
            }
        }
}

// x[B,Cin,H,W], dy[B,Cout,Ho,Wo] -> dw[Cout,Cin,k,k], db[Cout] (overwritten; db may be null)
// dw[o,c,ky,kx] = sum_{n,oy,ox} dy[n,o,oy,ox] * x[n,c, oy*s - pad + ky, ox*s - pad + kx];  db[o] = sum_{n,oy,ox} dy
// torch: torch.nn.grad.conv2d_weight(x, w.shape, dy, stride=s, padding=pad), dy.sum((0, 2, 3))
void conv2d_backward_weight_nchw_f32(const Conv2dShape& s, const float* x, const float* dy, float* dw, float* db) {
  const int Ho = s.out_h(), Wo = s.out_w(), k = s.kernel;
  for (int o = 0; o < s.out_c; ++o) {
    for (int c = 0; c < s.in_c; ++c)
      for (int ky = 0; ky < k; ++ky)
        for (int kx = 0; kx < k; ++kx) {
          float acc = 0.0f;
          for (int n = 0; n < s.batch; ++n)
            for (int oy = 0; oy < Ho; ++oy) {
              const int iy = oy * s.stride - s.pad + ky;
              if (iy < 0 || iy >= s.in_h) continue;
              for (int ox = 0; ox < Wo; ++ox) {
                const int ix = ox * s.stride - s.pad + kx;
                if (ix < 0 || ix >= s.in_w) continue;
                acc += dy[(((size_t)n * s.out_c + o) * Ho + oy) * Wo + ox] *
                       x[(((size_t)n * s.in_c + c) * s.in_h + iy) * s.in_w + ix];
              }
            }
          dw[(((size_t)o * s.in_c + c) * k + ky) * k + kx] = acc;
        }
    if (db) {
      float acc = 0.0f;
      for (int n = 0; n < s.batch; ++n)
        for (int p = 0; p < Ho * Wo; ++p) acc += dy[((size_t)n * s.out_c + o) * Ho * Wo + p];
      db[o] = acc;
    }
  }
}

// x[rows,D], gamma[D], beta[D] -> y[rows,D]; mean[rows], rstd[rows] when non-null
// mean = sum(x)/D, var = sum((x - mean)^2)/D (biased, as torch), rstd = 1/sqrt(var + eps)
// y = (x - mean) * rstd * gamma + beta.  torch: F.layer_norm(x, (D,), gamma, beta, eps)
// The statistics are accumulated in double so that the spec's own rounding error stays far below
// the tolerance the float backends are held to.
void layernorm_f32(int rows, int D, const float* x, const float* gamma, const float* beta, float eps, float* y,
                   float* mean, float* rstd) {
  for (int r = 0; r < rows; ++r) {
    const float* xr = x + (size_t)r * D;
    float* yr = y + (size_t)r * D;
    double sum = 0.0;
    for (int i = 0; i < D; ++i) sum += xr[i];
    const double m = sum / D;
    double sq = 0.0;
    for (int i = 0; i < D; ++i) sq += (xr[i] - m) * (xr[i] - m);
    const float rs = (float)(1.0 / std::sqrt(sq / D + eps));
    const float mf = (float)m;
    for (int i = 0; i < D; ++i) yr[i] = (xr[i] - mf) * rs * gamma[i] + beta[i];
    if (mean) mean[r] = mf;
    if (rstd) rstd[r] = rs;
  }
}

// x[rows,D], gamma[D], mean/rstd[rows] (from the forward), dy[rows,D] -> dx[rows,D]; dgamma[D], dbeta[D] += (or null)
// xhat = (x - mean) * rstd, g = dy * gamma:  dx = rstd * (g - mean(g) - xhat * mean(g * xhat))
// dgamma += sum_rows dy * xhat, dbeta += sum_rows dy.  torch: autograd of F.layer_norm
void layernorm_backward_f32(int rows, int D, const float* x, const float* gamma, const float* mean, const float* rstd,
                            const float* dy, float* dx, float* dgamma, float* dbeta) {
  for (int r = 0; r < rows; ++r) {
    const float* xr = x + (size_t)r * D;
    const float* dyr = dy + (size_t)r * D;
    float* dxr = dx + (size_t)r * D;
    float g_mean = 0.0f, gx_mean = 0.0f;
    for (int i = 0; i < D; ++i) {
      const float xhat = (xr[i] - mean[r]) * rstd[r];
      const float g = dyr[i] * gamma[i];
      g_mean += g;
      gx_mean += g * xhat;
      if (dgamma) dgamma[i] += dyr[i] * xhat;
      if (dbeta) dbeta[i] += dyr[i];
    }
    g_mean /= D;
    gx_mean /= D;
    for (int i = 0; i < D; ++i) {
      const float xhat = (xr[i] - mean[r]) * rstd[r];
      dxr[i] = rstd[r] * (dyr[i] * gamma[i] - g_mean - xhat * gx_mean);
    }
  }
}

// x[rows,N] -> y[rows,N] (y may alias x): y = exp(x - max(x)) / sum(exp(x - max(x)))
// Subtracting the row max keeps exp from overflowing; it cancels in the ratio.  torch: x.softmax(-1)
void softmax_rows_f32(int rows, int N, const float* x, float* y) {
  for (int r = 0; r < rows; ++r) {
    const float* xr = x + (size_t)r * N;
    float* yr = y + (size_t)r * N;
    float mx = xr[0];
    for (int i = 1; i < N; ++i) mx = std::fmax(mx, xr[i]);
    float sum = 0.0f;
    for (int i = 0; i < N; ++i) {
      yr[i] = std::exp(xr[i] - mx);
      sum += yr[i];
    }
    const float inv = 1.0f / sum;
    for (int i = 0; i < N; ++i) yr[i] *= inv;
  }
}

// y[rows,N] (softmax output), dy[rows,N] -> dx[rows,N] = y * (dy - sum(dy * y)) per row.  torch: autograd of softmax
void softmax_backward_rows_f32(int rows, int N, const float* y, const float* dy, float* dx) {
  for (int r = 0; r < rows; ++r) {
    const float* yr = y + (size_t)r * N;
    const float* dyr = dy + (size_t)r * N;
    float dot = 0.0f;
    for (int i = 0; i < N; ++i) dot += dyr[i] * yr[i];
    for (int i = 0; i < N; ++i) dx[(size_t)r * N + i] = yr[i] * (dyr[i] - dot);
  }
}

// x[n] -> y[n] = 0.5 * x * (1 + erf(x / sqrt(2))) (y may alias x).  torch: F.gelu(x)
void gelu_f32(int64_t n, const float* x, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = gelu(x[i]);
}

// dx = dy * gelu'(x),  gelu'(x) = 0.5 * (1 + erf(x / sqrt(2))) + x * exp(-x^2 / 2) / sqrt(2 pi)
void gelu_backward_f32(int64_t n, const float* x, const float* dy, float* dx) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    const float cdf = 0.5f * (1.0f + std::erf(v * kInvSqrt2));
    dx[i] = dy[i] * (cdf + v * std::exp(-0.5f * v * v) * kInvSqrt2Pi);
  }
}

// y[n] = relu output, dy[n] -> dx[n] = y > 0 ? dy : 0
void relu_backward_f32(int64_t n, const float* y, const float* dy, float* dx) {
  for (int64_t i = 0; i < n; ++i) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

// y[n] = a[n] + b[n].  torch: a + b
void add_f32(int64_t n, const float* a, const float* b, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = a[i] + b[i];
}

// x[BC,HW] -> y[BC] = sum(x) / HW.  torch: x.mean((2, 3))
void global_avgpool_nchw_f32(int BC, int HW, const float* x, float* y) {
  for (int r = 0; r < BC; ++r) {
    float acc = 0.0f;
    for (int i = 0; i < HW; ++i) acc += x[(size_t)r * HW + i];
    y[r] = acc / HW;
  }
}

// dy[BC] -> dx[BC,HW] = dy / HW (every position contributed 1/HW of the mean)
void global_avgpool_backward_nchw_f32(int BC, int HW, const float* dy, float* dx) {
  for (int r = 0; r < BC; ++r)
    for (int i = 0; i < HW; ++i) dx[(size_t)r * HW + i] = dy[r] / HW;
}

}  // namespace

const KernelTable& kernels_ref() {
  static const KernelTable table = {
      .name = "ref",
      .isa = "scalar",
      .gemm_tile = "1x1",
      .gemm_f32 = gemm_f32,
      .linear_f32 = linear_f32,
      .conv2d_nchw_f32 = conv2d_nchw_f32,
      .conv2d_backward_input_nchw_f32 = conv2d_backward_input_nchw_f32,
      .conv2d_backward_weight_nchw_f32 = conv2d_backward_weight_nchw_f32,
      .layernorm_f32 = layernorm_f32,
      .layernorm_backward_f32 = layernorm_backward_f32,
      .softmax_rows_f32 = softmax_rows_f32,
      .softmax_backward_rows_f32 = softmax_backward_rows_f32,
      .gelu_f32 = gelu_f32,
      .gelu_backward_f32 = gelu_backward_f32,
      .relu_backward_f32 = relu_backward_f32,
      .add_f32 = add_f32,
      .global_avgpool_nchw_f32 = global_avgpool_nchw_f32,
      .global_avgpool_backward_nchw_f32 = global_avgpool_backward_nchw_f32,
  };
  return table;
}

std::span<const KernelTable* const> kernel_tables() {
#if VITCNN_XNNPACK
  static const KernelTable* const tables[] = {&kernels_ref(), &kernels_simd(), &kernels_xnnpack()};
#else
  static const KernelTable* const tables[] = {&kernels_ref(), &kernels_simd()};
#endif
  return tables;
}

const KernelTable* kernels_by_name(std::string_view name) {
  for (const KernelTable* t : kernel_tables())
    if (name == t->name) return t;
  return nullptr;
}

}  // namespace vc
