// Row-wise and elementwise kernels of the `simd` backend: layernorm, softmax, GELU, ReLU backward, add,
// global average pooling. Statistics are accumulated in float vectors (kLanes partial sums).
#include <algorithm>
#include <cmath>

#include "kernels/simd_internal.h"

namespace vc::simd {
namespace {

// y[i] = f(x[i]...) over n values in whole vectors; the tail goes through a zero-padded buffer so that
// f is always evaluated on full vectors (the same code for every element).
template <class F>
void map1(int64_t n, const float* x, float* y, F f) {
  const D d;
  int64_t i = 0;
  for (; i + (int64_t)kLanes <= n; i += kLanes) hn::StoreU(f(hn::LoadU(d, x + i)), d, y + i);
  if (i == n) return;
  HWY_ALIGN float bx[kLanes] = {};
  std::copy(x + i, x + n, bx);
  hn::Store(f(hn::Load(d, bx)), d, bx);
  std::copy(bx, bx + (n - i), y + i);
}

template <class F>
void map2(int64_t n, const float* a, const float* b, float* y, F f) {
  const D d;
  int64_t i = 0;
  for (; i + (int64_t)kLanes <= n; i += kLanes) hn::StoreU(f(hn::LoadU(d, a + i), hn::LoadU(d, b + i)), d, y + i);
  if (i == n) return;
  HWY_ALIGN float ba[kLanes] = {}, bb[kLanes] = {};
  std::copy(a + i, a + n, ba);
  std::copy(b + i, b + n, bb);
  hn::Store(f(hn::Load(d, ba), hn::Load(d, bb)), d, ba);
  std::copy(ba, ba + (n - i), y + i);
}

// sum_i f(x[i]) for a row of n values: kLanes partial sums; the tail is a zero-padded vector whose
// padding lanes are masked out after f.
template <class F>
float row_sum(int n, const float* x, F f) {
  const D d;
  V acc = hn::Zero(d);
  int i = 0;
  for (; i + (int)kLanes <= n; i += kLanes) acc = hn::Add(acc, f(hn::LoadU(d, x + i)));
  if (i < n) {
    HWY_ALIGN float buf[kLanes] = {};
    std::copy(x + i, x + n, buf);
    acc = hn::Add(acc, hn::IfThenElseZero(hn::FirstN(d, n - i), f(hn::Load(d, buf))));
  }
  return hn::GetLane(hn::SumOfLanes(d, acc));
}

}  // namespace

// x[rows,D], gamma[D], beta[D] -> y[rows,D]; mean/rstd[rows] when non-null
// mean = sum(x)/D, var = sum((x - mean)^2)/D, y = (x - mean) * rstd * gamma + beta, rstd = 1/sqrt(var + eps)
// torch: F.layer_norm(x, (D,), gamma, beta, eps)
void layernorm_f32(int rows, int D_, const float* x, const float* gamma, const float* beta, float eps, float* y,
                   float* mean, float* rstd) {
  const D d;
  for (int r = 0; r < rows; ++r) {
    const float* xr = x + (size_t)r * D_;
    float* yr = y + (size_t)r * D_;
    const float m = row_sum(D_, xr, [](V v) { return v; }) / D_;
    const V vm = hn::Set(d, m);
    // Two passes (sum of squared deviations) avoid the cancellation of E[x^2] - E[x]^2.
    const float var = row_sum(D_, xr, [&](V v) { return hn::Mul(hn::Sub(v, vm), hn::Sub(v, vm)); }) / D_;
    const float rs = 1.0f / std::sqrt(var + eps);
    const V vrs = hn::Set(d, rs);
    int i = 0;
    for (; i + (int)kLanes <= D_; i += kLanes) {
      const V xhat = hn::Mul(hn::Sub(hn::LoadU(d, xr + i), vm), vrs);
      hn::StoreU(hn::MulAdd(xhat, hn::LoadU(d, gamma + i), hn::LoadU(d, beta + i)), d, yr + i);
    }
    for (; i < D_; ++i) yr[i] = (xr[i] - m) * rs * gamma[i] + beta[i];
    if (mean) mean[r] = m;
    if (rstd) rstd[r] = rs;
  }
}

// x[rows,D], gamma[D], mean/rstd[rows], dy[rows,D] -> dx[rows,D]; dgamma[D], dbeta[D] += (or null)
// xhat = (x - mean) * rstd, g = dy * gamma: dx = rstd * (g - mean(g) - xhat * mean(g * xhat))
// dgamma += sum_rows dy * xhat, dbeta += sum_rows dy.  torch: autograd of F.layer_norm
void layernorm_backward_f32(int rows, int D_, const float* x, const float* gamma, const float* mean, const float* rstd,
                            const float* dy, float* dx, float* dgamma, float* dbeta) {
  const D d;
  for (int r = 0; r < rows; ++r) {
    const float* xr = x + (size_t)r * D_;
    const float* dyr = dy + (size_t)r * D_;
    float* dxr = dx + (size_t)r * D_;
    const V vm = hn::Set(d, mean[r]), vrs = hn::Set(d, rstd[r]);
    // First pass: the two row means, and the parameter gradients.
    V sg = hn::Zero(d), sgx = hn::Zero(d);
    float tg = 0.0f, tgx = 0.0f;
    int i = 0;
    for (; i + (int)kLanes <= D_; i += kLanes) {
      const V xhat = hn::Mul(hn::Sub(hn::LoadU(d, xr + i), vm), vrs);
      const V dyv = hn::LoadU(d, dyr + i);
      const V g = hn::Mul(dyv, hn::LoadU(d, gamma + i));
      sg = hn::Add(sg, g);
      sgx = hn::MulAdd(g, xhat, sgx);
      if (dgamma) hn::StoreU(hn::MulAdd(dyv, xhat, hn::LoadU(d, dgamma + i)), d, dgamma + i);
      if (dbeta) hn::StoreU(hn::Add(dyv, hn::LoadU(d, dbeta + i)), d, dbeta + i);
    }
    for (; i < D_; ++i) {
      const float xhat = (xr[i] - mean[r]) * rstd[r], g = dyr[i] * gamma[i];
      tg += g;
      tgx += g * xhat;
      if (dgamma) dgamma[i] += dyr[i] * xhat;
      if (dbeta) dbeta[i] += dyr[i];
    }
    const float g_mean = (hn::GetLane(hn::SumOfLanes(d, sg)) + tg) / D_;
    const float gx_mean = (hn::GetLane(hn::SumOfLanes(d, sgx)) + tgx) / D_;
    // Second pass: dx.
    const V vgm = hn::Set(d, g_mean), vgxm = hn::Set(d, gx_mean);
    i = 0;
    for (; i + (int)kLanes <= D_; i += kLanes) {
      const V xhat = hn::Mul(hn::Sub(hn::LoadU(d, xr + i), vm), vrs);
      const V g = hn::Mul(hn::LoadU(d, dyr + i), hn::LoadU(d, gamma + i));
      hn::StoreU(hn::Mul(vrs, hn::Sub(hn::Sub(g, vgm), hn::Mul(xhat, vgxm))), d, dxr + i);
    }
    for (; i < D_; ++i) {
      const float xhat = (xr[i] - mean[r]) * rstd[r];
      dxr[i] = rstd[r] * (dyr[i] * gamma[i] - g_mean - xhat * gx_mean);
    }
  }
}

// x[rows,N] -> y[rows,N] (may alias): y = exp(x - max) / sum(exp(x - max)).  torch: x.softmax(-1)
void softmax_rows_f32(int rows, int N, const float* x, float* y) {
  const D d;
  const MathVecs k(d);
  for (int r = 0; r < rows; ++r) {
    const float* xr = x + (size_t)r * N;
    float* yr = y + (size_t)r * N;
    V vmax = hn::Set(d, xr[0]);
    int i = 0;
    for (; i + (int)kLanes <= N; i += kLanes) vmax = hn::Max(vmax, hn::LoadU(d, xr + i));
    float mx = hn::GetLane(hn::MaxOfLanes(d, vmax));
    for (; i < N; ++i) mx = std::max(mx, xr[i]);
    // Subtracting the row max keeps exp in range; it cancels in the ratio. One pass writes exp and sums it
    // (padding lanes of the tail masked out of the sum), a second scales.
    const V vm = hn::Set(d, mx);
    V sum = hn::Zero(d);
    i = 0;
    for (; i + (int)kLanes <= N; i += kLanes) {
      const V e = exp_nonpos(d, k, hn::Sub(hn::LoadU(d, xr + i), vm));
      hn::StoreU(e, d, yr + i);
      sum = hn::Add(sum, e);
    }
    if (i < N) {
      HWY_ALIGN float buf[kLanes] = {};
      std::copy(xr + i, xr + N, buf);
      const V e = hn::IfThenElseZero(hn::FirstN(d, N - i), exp_nonpos(d, k, hn::Sub(hn::Load(d, buf), vm)));
      hn::Store(e, d, buf);
      std::copy(buf, buf + (N - i), yr + i);
      sum = hn::Add(sum, e);
    }
    const V inv = hn::Set(d, 1.0f / hn::GetLane(hn::SumOfLanes(d, sum)));
    map1(N, yr, yr, [&](V v) { return hn::Mul(v, inv); });
  }
}

// y[rows,N] (softmax output), dy[rows,N] -> dx[rows,N] = y * (dy - sum(dy * y)) per row
void softmax_backward_rows_f32(int rows, int N, const float* y, const float* dy, float* dx) {
  const D d;
  for (int r = 0; r < rows; ++r) {
    const float* yr = y + (size_t)r * N;
    const float* dyr = dy + (size_t)r * N;
    V acc = hn::Zero(d);
    float dot = 0.0f;
    int i = 0;
    for (; i + (int)kLanes <= N; i += kLanes) acc = hn::MulAdd(hn::LoadU(d, dyr + i), hn::LoadU(d, yr + i), acc);
    for (; i < N; ++i) dot += dyr[i] * yr[i];
    const V vdot = hn::Set(d, dot + hn::GetLane(hn::SumOfLanes(d, acc)));
    map2(N, yr, dyr, dx + (size_t)r * N, [&](V yv, V g) { return hn::Mul(yv, hn::Sub(g, vdot)); });
  }
}

// dx = dy * (Phi(x) + x * exp(-x^2 / 2) / sqrt(2 pi))
void gelu_backward_f32(int64_t n, const float* x, const float* dy, float* dx) {
  const D d;
  const MathVecs k(d);
  map2(n, x, dy, dx, [&](V v, V g) {
    const V pdf = hn::Mul(exp_nonpos(d, k, hn::Mul(hn::Neg(k.half), hn::Mul(v, v))), k.inv_sqrt_2pi);
    return hn::Mul(g, hn::MulAdd(v, pdf, gaussian_cdf(d, k, v)));
  });
}

// dx = y > 0 ? dy : 0 (y = relu output)
void relu_backward_f32(int64_t n, const float* y, const float* dy, float* dx) {
  const D d;
  map2(n, y, dy, dx, [&](V yv, V g) { return hn::IfThenElseZero(hn::Gt(yv, hn::Zero(d)), g); });
}

// y = a + b.  torch: a + b
void add_f32(int64_t n, const float* a, const float* b, float* y) {
  map2(n, a, b, y, [](V u, V v) { return hn::Add(u, v); });
}

// x[BC,HW] -> y[BC] = sum(x) / HW.  torch: x.mean((2, 3))
void global_avgpool_nchw_f32(int BC, int HW, const float* x, float* y) {
  for (int r = 0; r < BC; ++r) y[r] = row_sum(HW, x + (size_t)r * HW, [](V v) { return v; }) / HW;
}

// dy[BC] -> dx[BC,HW] = dy / HW
void global_avgpool_backward_nchw_f32(int BC, int HW, const float* dy, float* dx) {
  const D d;
  for (int r = 0; r < BC; ++r) {
    const float g = dy[r] / HW;
    const V vg = hn::Set(d, g);
    float* row = dx + (size_t)r * HW;
    int i = 0;
    for (; i + (int)kLanes <= HW; i += kLanes) hn::StoreU(vg, d, row + i);
    for (; i < HW; ++i) row[i] = g;
  }
}

// x[n] -> y[n] = 0.5 x (1 + erf(x / sqrt 2)) (may alias).  torch: F.gelu(x)
void gelu_f32(int64_t n, const float* x, float* y) {
  const D d;
  const MathVecs k(d);
  map1(n, x, y, [&](V v) { return hn::Mul(v, gaussian_cdf(d, k, v)); });
}

}  // namespace vc::simd
