// conv2d of the `simd` backend, all through the GEMM core of simd_gemm.cpp. Per image n, with
// col[K, P] the im2col matrix (K = Cin*k*k rows indexed (c, ky, kx), P = Ho*Wo columns indexed (oy, ox)):
//   forward          y_n[Cout, P]  = W[Cout, K] @ col[K, P]      (col packed straight from x: no col buffer)
//   backward input   dcol[K, P]    = W^T @ dy_n[Cout, P], then col2im scatters dcol into dx_n
//   backward weight  dW[Cout, K]  += dy_n[Cout, P] @ col^T[P, K]
// A 1x1, stride-1, unpadded convolution has col = x_n itself, so it skips im2col and col2im.
#include <algorithm>
#include <cstring>

#include "kernels/simd_internal.h"

namespace vc::simd {
namespace {

bool is_pointwise(const Conv2dShape& s) { return s.kernel == 1 && s.stride == 1 && s.pad == 0; }

// dst[0 .. count) = col[kidx, p0 .. p0 + count) of one image x[Cin, H, W]; zero where the kernel tap
// falls in the padding. col[(c, ky, kx), (oy, ox)] = x[c, oy*stride - pad + ky, ox*stride - pad + kx].
void im2col_row(const float* x, const Conv2dShape& s, int kidx, int p0, int count, float* dst) {
  const D d;
  const int Wo = s.out_w(), k = s.kernel;
  const int c = kidx / (k * k), ky = kidx / k % k, kx = kidx % k;
  const float* plane = x + (size_t)c * s.in_h * s.in_w;
  // Columns with 0 <= ox*stride - pad + kx < in_w read the image; the others are padding.
  const int ox_lo = std::max(0, (s.pad - kx + s.stride - 1) / s.stride);
  const int ox_hi = std::min(Wo, (s.in_w + s.pad - kx + s.stride - 1) / s.stride);
  int p = p0;
  const int end = p0 + count;
  while (p < end) {
    // One run of columns within output row oy.
    const int oy = p / Wo, ox0 = p % Wo, n = std::min(Wo - ox0, end - p);
    const int iy = oy * s.stride - s.pad + ky;
    if (iy < 0 || iy >= s.in_h) {
      std::fill(dst, dst + n, 0.0f);
    } else {
      const float* row = plane + (size_t)iy * s.in_w - s.pad + kx;
      const int a = std::clamp(ox_lo, ox0, ox0 + n), b = std::clamp(ox_hi, a, ox0 + n);
      std::fill(dst, dst + (a - ox0), 0.0f);
      if (s.stride == 1) {
        int ox = a;
        for (; ox + (int)kLanes <= b; ox += kLanes) hn::StoreU(hn::LoadU(d, row + ox), d, dst + (ox - ox0));
        for (; ox < b; ++ox) dst[ox - ox0] = row[ox];
      } else {
        for (int ox = a; ox < b; ++ox) dst[ox - ox0] = row[ox * s.stride];
      }
      std::fill(dst + (b - ox0), dst + n, 0.0f);
    }
    dst += n;
    p += n;
  }
}

struct Im2colB {
  const float* x;  // one image [Cin, H, W]
  const Conv2dShape* s;
  int P;
};

// Packs B = col[K, P] (see gemm's PackB) directly from the image. Fast paths, when the panel's kNr
// columns lie in one output row: a tap row wholly in the padding is zeros; a tap row wholly inside the
// image is kNr consecutive inputs (stride 1) or every other input (stride 2). Other taps (image borders,
// row-crossing panels) go through im2col_row.
void pack_b_im2col(const void* ctx, int k0, int kc, int j0, float* dst) {
  const Im2colB& c = *static_cast<const Im2colB*>(ctx);
  const Conv2dShape& s = *c.s;
  const D d;
  const int Wo = s.out_w(), k = s.kernel, n = std::min(kNr, c.P - j0);
  const int oy = j0 / Wo, ox0 = j0 % Wo;
  const bool one_row = n == kNr && ox0 + kNr <= Wo;
  // Tap (ch, ky, kx) of row k0, advanced incrementally below.
  int ch = k0 / (k * k), ky = k0 / k % k, kx = k0 % k;
  for (int kk = 0; kk < kc; ++kk, dst += kNr) {
    const int iy = oy * s.stride - s.pad + ky, ix0 = ox0 * s.stride - s.pad + kx;
    const float* src = c.x + ((size_t)ch * s.in_h + iy) * s.in_w + ix0;
    if (one_row && (iy < 0 || iy >= s.in_h)) {
      hn::StoreU(hn::Zero(d), d, dst);
      hn::StoreU(hn::Zero(d), d, dst + kLanes);
    } else if (one_row && s.stride == 1 && ix0 >= 0 && ix0 + kNr <= s.in_w) {
      hn::StoreU(hn::LoadU(d, src), d, dst);
      hn::StoreU(hn::LoadU(d, src + kLanes), d, dst + kLanes);
    } else if (one_row && s.stride == 2 && ix0 >= 0 && ix0 + 2 * kNr <= s.in_w) {
      // Even lanes of 2 kNr consecutive inputs.
      hn::StoreU(hn::ConcatEven(d, hn::LoadU(d, src + kLanes), hn::LoadU(d, src)), d, dst);
      hn::StoreU(hn::ConcatEven(d, hn::LoadU(d, src + 3 * kLanes), hn::LoadU(d, src + 2 * kLanes)), d,
                 dst + kLanes);
    } else {
      im2col_row(c.x, s, k0 + kk, j0, n, dst);
      std::fill(dst + n, dst + kNr, 0.0f);
    }
    if (++kx == k) {
      kx = 0;
      if (++ky == k) {
        ky = 0;
        ++ch;
      }
    }
  }
}

// x[B,Cin,H,W], w[Cout,Cin,k,k], b[Cout] or null -> y[B,Cout,Ho,Wo] = act(conv2d(x, w) + b)
// torch: act(F.conv2d(x, w, b, stride, pad))
void conv2d_nchw_f32(const Conv2dShape& s, const float* x, const float* w, const float* b, Act act, float* y) {
  const int K = s.in_c * s.kernel * s.kernel, P = s.out_h() * s.out_w();
  const Epilogue ep{b, true, act};
  for (int n = 0; n < s.batch; ++n) {
    const float* xn = x + (size_t)n * s.in_c * s.in_h * s.in_w;
    float* yn = y + (size_t)n * s.out_c * P;
    if (is_pointwise(s)) {
      const DenseB col{xn, (size_t)P, P};
      gemm(s.out_c, P, K, w, K, 1, pack_b_rows, &col, 0.0f, yn, P, ep);
    } else {
      const Im2colB col{xn, &s, P};
      gemm(s.out_c, P, K, w, K, 1, pack_b_im2col, &col, 0.0f, yn, P, ep);
    }
  }
}

// dcol[K, P] of one image -> dx[Cin, H, W] (overwritten): dx[c, iy, ix] = sum of dcol over the (ky, kx, oy, ox)
// that read x[c, iy, ix] in the forward pass.
void col2im(const float* dcol, const Conv2dShape& s, float* dx) {
  const D d;
  const int Ho = s.out_h(), Wo = s.out_w(), k = s.kernel;
  std::memset(dx, 0, sizeof(float) * s.in_c * s.in_h * s.in_w);
  for (int kidx = 0; kidx < s.in_c * k * k; ++kidx) {
    const int c = kidx / (k * k), ky = kidx / k % k, kx = kidx % k;
    float* plane = dx + (size_t)c * s.in_h * s.in_w;
    const int ox_lo = std::max(0, (s.pad - kx + s.stride - 1) / s.stride);
    const int ox_hi = std::min(Wo, (s.in_w + s.pad - kx + s.stride - 1) / s.stride);
    for (int oy = 0; oy < Ho; ++oy) {
      const int iy = oy * s.stride - s.pad + ky;
      if (iy < 0 || iy >= s.in_h) continue;
      const float* src = dcol + ((size_t)kidx * Ho + oy) * Wo;
      float* row = plane + (size_t)iy * s.in_w - s.pad + kx;
      int ox = ox_lo;
      if (s.stride == 1)
        for (; ox + (int)kLanes <= ox_hi; ox += kLanes)
          hn::StoreU(hn::Add(hn::LoadU(d, row + ox), hn::LoadU(d, src + ox)), d, row + ox);
      for (; ox < ox_hi; ++ox) row[ox * s.stride] += src[ox];
    }
  }
}

// dy[B,Cout,Ho,Wo], w[Cout,Cin,k,k] -> dx[B,Cin,H,W].  torch: torch.nn.grad.conv2d_input
void conv2d_backward_input_nchw_f32(const Conv2dShape& s, const float* dy, const float* w, float* dx) {
  const int K = s.in_c * s.kernel * s.kernel, P = s.out_h() * s.out_w();
  // A = W^T: A[kidx, o] = w[o * K + kidx].
  for (int n = 0; n < s.batch; ++n) {
    const DenseB dyn{dy + (size_t)n * s.out_c * P, (size_t)P, P};
    float* dxn = dx + (size_t)n * s.in_c * s.in_h * s.in_w;
    if (is_pointwise(s)) {
      gemm(K, P, s.out_c, w, 1, K, pack_b_rows, &dyn, 0.0f, dxn, P, Epilogue{});
    } else {
      float* dcol = scratch(kCol, (size_t)K * P);
      gemm(K, P, s.out_c, w, 1, K, pack_b_rows, &dyn, 0.0f, dcol, P, Epilogue{});
      col2im(dcol, s, dxn);
    }
  }
}

// x[B,Cin,H,W], dy[B,Cout,Ho,Wo] -> dw[Cout,Cin,k,k], db[Cout] or null (overwritten)
// torch: torch.nn.grad.conv2d_weight(x, w.shape, dy, stride, pad), dy.sum((0, 2, 3))
void conv2d_backward_weight_nchw_f32(const Conv2dShape& s, const float* x, const float* dy, float* dw, float* db) {
  const D d;
  const int K = s.in_c * s.kernel * s.kernel, P = s.out_h() * s.out_w();
  for (int n = 0; n < s.batch; ++n) {
    const float* xn = x + (size_t)n * s.in_c * s.in_h * s.in_w;
    const float* dyn = dy + (size_t)n * s.out_c * P;
    // B[p, kidx] = col[kidx, p]: the transposed storage of col (x_n itself when pointwise).
    const float* col = xn;
    if (!is_pointwise(s)) {
      float* buf = scratch(kCol, (size_t)K * P);
      for (int kidx = 0; kidx < K; ++kidx) im2col_row(xn, s, kidx, 0, P, buf + (size_t)kidx * P);
      col = buf;
    }
    const DenseB colt{col, (size_t)P, K};
    gemm(s.out_c, K, P, dyn, P, 1, pack_b_cols, &colt, n == 0 ? 0.0f : 1.0f, dw, K, Epilogue{});
  }
  if (!db) return;
  for (int o = 0; o < s.out_c; ++o) {
    V acc = hn::Zero(d);
    float tail = 0.0f;
    for (int n = 0; n < s.batch; ++n) {
      const float* row = dy + ((size_t)n * s.out_c + o) * P;
      int p = 0;
      for (; p + (int)kLanes <= P; p += kLanes) acc = hn::Add(acc, hn::LoadU(d, row + p));
      for (; p < P; ++p) tail += row[p];
    }
    db[o] = hn::GetLane(hn::SumOfLanes(d, acc)) + tail;
  }
}

}  // namespace

void set_conv_entries(KernelTable& t) {
  t.conv2d_nchw_f32 = conv2d_nchw_f32;
  t.conv2d_backward_input_nchw_f32 = conv2d_backward_input_nchw_f32;
  t.conv2d_backward_weight_nchw_f32 = conv2d_backward_weight_nchw_f32;
}

}  // namespace vc::simd
