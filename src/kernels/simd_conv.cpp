// conv2d of the `simd` backend through the GEMM core of simd_gemm.cpp (3x3 stride-1 forwards may take Winograd
// instead: simd_winograd.cpp). Per image n, with
// col[K, P] the im2col matrix (K = Cin*k*k rows indexed (c, ky, kx), P = Ho*Wo columns indexed (oy, ox)):
//   forward          y_n[Cout, P]  = W[Cout, K] @ col[K, P]      (col packed straight from x: no col buffer)
//   backward input   dcol[K, P]    = W^T @ dy_n[Cout, P], then col2im scatters dcol into dx_n
//   backward weight  dW[Cout, K]  += dy_n[Cout, P] @ col^T[P, K]
// Padding is materialized once per image (a zero-bordered copy of x, or a bordered dx that is cropped at
// the end), so im2col and col2im never test bounds: col[(c, ky, kx), (oy, ox)] = xp[c, oy*s + ky, ox*s + kx].
// A 1x1, stride-1, unpadded convolution has col = x_n itself, so it skips im2col and col2im.
#include <algorithm>
#include <cstring>

#include "kernels/simd_internal.h"

namespace vc::simd {
namespace {

bool is_pointwise(const Conv2dShape& s) { return s.kernel == 1 && s.stride == 1 && s.pad == 0; }

// One image with its zero border: data[c, y, x] for y < h, x < w (h = in_h + 2 pad, w = in_w + 2 pad).
struct Padded {
  const float* data;
  int h, w;
};

// Image n of x with its zero border, in scratch. Strided convolutions always take the copy: their packer
// reads up to one float past the last row (the odd lane after the last tap), which lies in the copy's
// kNr floats of zero slack.
Padded pad_image(const Conv2dShape& s, const float* xn) {
  if (s.pad == 0 && s.stride == 1) return {xn, s.in_h, s.in_w};
  const int h = s.in_h + 2 * s.pad, w = s.in_w + 2 * s.pad;
  const size_t size = (size_t)s.in_c * h * w + kNr;
  float* buf = scratch(kPad, size);
  std::memset(buf, 0, sizeof(float) * size);
  for (int c = 0; c < s.in_c; ++c)
    for (int y = 0; y < s.in_h; ++y)
      std::memcpy(buf + ((size_t)c * h + y + s.pad) * w + s.pad, xn + ((size_t)c * s.in_h + y) * s.in_w,
                  sizeof(float) * s.in_w);
  return {buf, h, w};
}

// dst[0 .. count) = col[kidx, p0 .. p0 + count).
void im2col_row(const Padded& xp, const Conv2dShape& s, int kidx, int p0, int count, float* dst) {
  const D d;
  const int Wo = s.out_w(), k = s.kernel;
  const int c = kidx / (k * k), ky = kidx / k % k, kx = kidx % k;
  for (int p = p0, end = p0 + count; p < end;) {
    // One run of columns within output row oy.
    const int oy = p / Wo, ox0 = p % Wo, n = std::min(Wo - ox0, end - p);
    const float* src = xp.data + ((size_t)c * xp.h + oy * s.stride + ky) * xp.w + ox0 * s.stride + kx;
    int i = 0;
    if (s.stride == 1)
      for (; i + (int)kLanes <= n; i += kLanes) hn::StoreU(hn::LoadU(d, src + i), d, dst + i);
    for (; i < n; ++i) dst[i] = src[i * s.stride];
    dst += n;
    p += n;
  }
}

struct Im2colB {
  Padded xp;
  const Conv2dShape* s;
  int P;
};

// Packs B = col[K, P] (see gemm's PackB) directly from the padded image. When the panel's kNr columns
// lie in one output row, each tap row is kNr consecutive inputs (stride 1) or the even lanes of 2 kNr
// inputs (stride 2); other panels go through im2col_row.
void pack_b_im2col(const void* ctx, int k0, int kc, int j0, float* dst) {
  const Im2colB& c = *static_cast<const Im2colB*>(ctx);
  const Conv2dShape& s = *c.s;
  const D d;
  const int Wo = s.out_w(), k = s.kernel, n = std::min(kNr, c.P - j0);
  const int oy = j0 / Wo, ox0 = j0 % Wo;
  const bool fast = n == kNr && ox0 + kNr <= Wo && (s.stride == 1 || s.stride == 2);
  if (!fast) {
    for (int kk = 0; kk < kc; ++kk, dst += kNr) {
      im2col_row(c.xp, s, k0 + kk, j0, n, dst);
      std::fill(dst + n, dst + kNr, 0.0f);
    }
    return;
  }
  // Tap (ch, ky, kx) of row k0, advanced incrementally.
  int ch = k0 / (k * k), ky = k0 / k % k, kx = k0 % k;
  for (int kk = 0; kk < kc; ++kk, dst += kNr) {
    const float* src = c.xp.data + ((size_t)ch * c.xp.h + oy * s.stride + ky) * c.xp.w + ox0 * s.stride + kx;
    if (s.stride == 1) {
      hn::StoreU(hn::LoadU(d, src), d, dst);
      hn::StoreU(hn::LoadU(d, src + kLanes), d, dst + kLanes);
    } else {
      // Even lanes of src[0 .. 2 kNr); the last odd lane may be one past the row (see pad_image).
      hn::StoreU(hn::ConcatEven(d, hn::LoadU(d, src + kLanes), hn::LoadU(d, src)), d, dst);
      hn::StoreU(hn::ConcatEven(d, hn::LoadU(d, src + 3 * kLanes), hn::LoadU(d, src + 2 * kLanes)), d,
                 dst + kLanes);
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

}  // namespace

// x[B,Cin,H,W], w[Cout,Cin,k,k], b[Cout] or null -> y[B,Cout,Ho,Wo] = act(conv2d(x, w) + b)
// torch: act(F.conv2d(x, w, b, stride, pad))
void conv2d_im2col(const Conv2dShape& s, const float* x, const float* w, const float* b, Act act, float* y) {
  const int K = s.in_c * s.kernel * s.kernel, P = s.out_h() * s.out_w();
  const Epilogue ep{b, true, act};
  // Images [n0, n1) on one kernel thread (its own padded copy); one image's GEMM may split its rows instead.
  parallel_for_macs((int64_t)s.batch * s.out_c * P * K, s.batch, 1, [&](int n0, int n1) {
    for (int n = n0; n < n1; ++n) {
      const float* xn = x + (size_t)n * s.in_c * s.in_h * s.in_w;
      float* yn = y + (size_t)n * s.out_c * P;
      if (is_pointwise(s)) {
        const DenseB col{xn, (size_t)P, P};
        gemm(s.out_c, P, K, w, K, 1, pack_b_rows, &col, 0.0f, yn, P, ep);
      } else {
        const Im2colB col{pad_image(s, xn), &s, P};
        gemm(s.out_c, P, K, w, K, 1, pack_b_im2col, &col, 0.0f, yn, P, ep);
      }
    }
  });
}

namespace {

// dcol[K, P] of one image -> dx[Cin, H, W] (overwritten): dx[c, iy, ix] = sum of dcol over the (ky, kx, oy, ox)
// that read x[c, iy, ix] in the forward pass. Accumulates into a bordered buffer, then crops the border.
void col2im(const float* dcol, const Conv2dShape& s, float* dx) {
  const D d;
  const int Ho = s.out_h(), Wo = s.out_w(), k = s.kernel;
  const int h = s.in_h + 2 * s.pad, w = s.in_w + 2 * s.pad;
  float* acc = s.pad == 0 ? dx : scratch(kPad, (size_t)s.in_c * h * w);
  std::memset(acc, 0, sizeof(float) * s.in_c * h * w);
  for (int kidx = 0; kidx < s.in_c * k * k; ++kidx) {
    const int c = kidx / (k * k), ky = kidx / k % k, kx = kidx % k;
    for (int oy = 0; oy < Ho; ++oy) {
      const float* src = dcol + ((size_t)kidx * Ho + oy) * Wo;
      float* row = acc + ((size_t)c * h + oy * s.stride + ky) * w + kx;
      int ox = 0;
      if (s.stride == 1)
        for (; ox + (int)kLanes <= Wo; ox += kLanes)
          hn::StoreU(hn::Add(hn::LoadU(d, row + ox), hn::LoadU(d, src + ox)), d, row + ox);
      for (; ox < Wo; ++ox) row[ox * s.stride] += src[ox];
    }
  }
  if (s.pad == 0) return;
  for (int c = 0; c < s.in_c; ++c)
    for (int y = 0; y < s.in_h; ++y)
      std::memcpy(dx + ((size_t)c * s.in_h + y) * s.in_w, acc + ((size_t)c * h + y + s.pad) * w + s.pad,
                  sizeof(float) * s.in_w);
}

}  // namespace

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
      const Padded xp = pad_image(s, xn);
      float* buf = scratch(kCol, (size_t)K * P);
      for (int kidx = 0; kidx < K; ++kidx) im2col_row(xp, s, kidx, 0, P, buf + (size_t)kidx * P);
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

}  // namespace vc::simd
