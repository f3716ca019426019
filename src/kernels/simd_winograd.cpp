// Winograd F(m x m, 3 x 3) convolution of the `simd` backend, for 3x3 stride-1 forwards (Lavin & Gray, "Fast
// Algorithms for Convolutional Neural Networks", CVPR 2016). An m x m tile of outputs reads an alpha x alpha tile
// of inputs (alpha = m + 2). With the transforms
//   U[o, c] = G g[o, c] G^T       (alpha x alpha; g[o, c] the 3x3 kernel of output o, input c)
//   V[c, t] = B^T d[c, t] B       (alpha x alpha; d[c, t] the input tile t of channel c, zero outside the image)
//   y[o, t] = A^T M[o, t] A       (m x m), M[o, t] = sum over c of U[o, c] * V[c, t] (element-wise),
// the channel sum is alpha^2 GEMMs, one per transform coordinate xi = (a, b), a the row and b the column:
//   M_xi[Cout, T] = U_xi[Cout, Cin] @ V_xi[Cin, T]
// so each output and input channel costs alpha^2 / m^2 multiply-adds instead of 9: 4 for F(2x2), 2.25 for F(4x4).
//
// Tiles are numbered over (image, tile row, tile column) and computed in chunks of whole tile rows (a chunk may
// span images, so small images still give the GEMMs wide B panels): input transform of the chunk into V, the
// alpha^2 GEMMs into M, output transform (+ bias, activation) into y. The transforms are vectorized over kLanes
// neighbouring tiles of a tile row: lane l holds tile tx0 + l, loaded from a zero-bordered copy of the tile row's
// alpha input rows with LoadInterleaved (tile tx starts at column m tx), stored with StoreInterleaved into a row
// buffer that is cropped into y. A tile row whose tile count is not a multiple of kLanes writes its last vector's
// extra lanes into the next tile row's first columns (overwritten right after) or the kLanes floats of slack at the
// end of each V row; those lanes' products are never read back into y.
//
// Scratch (per thread, simd_internal.h, so the kernel is reentrant): U (alpha^2 x Cout x Cin floats, transformed on
// every call: at batch 1 this is why F(2x2) only ties im2col on 8 px images with 64-128 channels), V and M of one
// chunk (alpha^2 x (Cin + Cout) x (~128 + kLanes) floats: about 2.1 MiB at 128 channels with F(2x2)), one row copy.
#include <algorithm>
#include <cstring>

#include "kernels/conv_algo.h"
#include "kernels/simd_internal.h"

namespace vc::simd {
namespace {

constexpr int kL = (int)kLanes;

HWY_INLINE V twice(V v) { return hn::Add(v, v); }  // exact, like 4 v and 8 v below: no constant vectors needed
HWY_INLINE V times4(V v) { return twice(twice(v)); }

// The multipliers of the weight transforms, loaded once per call (see MathConsts on vector literals in wasm).
struct WeightConsts {
  V quarter, half, sixth;
  explicit WeightConsts(D d) : quarter(hn::Set(d, 0.25f)), half(hn::Set(d, 0.5f)), sixth(hn::Set(d, 1.0f / 6)) {}
};

// The 1D transforms of F(2, 3): t = B^T d (4 -> 4), u = G g (3 -> 4), o = A^T mm (4 -> 2), with
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1],
//   A^T = [1 1 1 0; 0 1 -1 -1].
struct F2 {
  static constexpr int kM = 2, kAlpha = 4;
  static void input(const V* d, V* t) {
    t[0] = hn::Sub(d[0], d[2]);
    t[1] = hn::Add(d[1], d[2]);
    t[2] = hn::Sub(d[2], d[1]);
    t[3] = hn::Sub(d[1], d[3]);
  }
  static void weight(const WeightConsts& k, const V* g, V* u) {
    const V g02 = hn::Add(g[0], g[2]);
    u[0] = g[0];
    u[1] = hn::Mul(hn::Add(g02, g[1]), k.half);
    u[2] = hn::Mul(hn::Sub(g02, g[1]), k.half);
    u[3] = g[2];
  }
  static void output(const V* mm, V* o) {
    o[0] = hn::Add(hn::Add(mm[0], mm[1]), mm[2]);
    o[1] = hn::Sub(hn::Sub(mm[1], mm[2]), mm[3]);
  }
  // row[j] lane l = p[2 l + j], j < 4: the input row of tiles tx0 .. tx0 + kLanes - 1 (p at column 2 tx0).
  static void load_row(D d, const float* p, V* row) {
    hn::LoadInterleaved2(d, p, row[0], row[1]);
    hn::LoadInterleaved2(d, p + 2, row[2], row[3]);
  }
  // p[2 l + j] = o[j] lane l, j < 2: one output row of the tiles.
  static void store_row(D d, const V* o, float* p) { hn::StoreInterleaved2(o[0], o[1], d, p); }
};

// F(4, 3) with the points 0, 1, -1, 2, -2 and infinity:
//   B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1],
//   G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1],
//   A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1].
struct F4 {
  static constexpr int kM = 4, kAlpha = 6;
  static void input(const V* d, V* t) {
    const V d42 = hn::Sub(d[4], d[2]), d31 = twice(hn::Sub(d[3], d[1]));
    t[0] = hn::Add(hn::Sub(times4(d[0]), hn::Add(times4(d[2]), d[2])), d[4]);
    t[1] = hn::Sub(hn::Add(d[4], d[3]), times4(hn::Add(d[1], d[2])));
    t[2] = hn::Add(hn::Sub(d[4], d[3]), times4(hn::Sub(d[1], d[2])));
    t[3] = hn::Add(d42, d31);
    t[4] = hn::Sub(d42, d31);
    t[5] = hn::Add(hn::Sub(times4(d[1]), hn::Add(times4(d[3]), d[3])), d[5]);
  }
  static void weight(const WeightConsts& k, const V* g, V* u) {
    const V g02 = hn::Add(g[0], g[2]), neg_sixth = hn::Neg(k.sixth);
    const V g0q2 = hn::MulAdd(g[0], k.quarter, g[2]), g1h = hn::Mul(g[1], k.half);
    u[0] = hn::Mul(g[0], k.quarter);
    u[1] = hn::Mul(hn::Add(g02, g[1]), neg_sixth);
    u[2] = hn::Mul(hn::Sub(g02, g[1]), neg_sixth);
    u[3] = hn::Mul(hn::Add(g0q2, g1h), k.sixth);
    u[4] = hn::Mul(hn::Sub(g0q2, g1h), k.sixth);
    u[5] = g[2];
  }
  static void output(const V* mm, V* o) {
    const V s12 = hn::Add(mm[1], mm[2]), d12 = hn::Sub(mm[1], mm[2]);
    const V s34 = hn::Add(mm[3], mm[4]), d34 = hn::Sub(mm[3], mm[4]);
    o[0] = hn::Add(hn::Add(mm[0], s12), s34);
    o[1] = hn::Add(d12, twice(d34));
    o[2] = hn::Add(s12, times4(s34));
    o[3] = hn::Add(hn::Add(d12, twice(times4(d34))), mm[5]);
  }
  static void load_row(D d, const float* p, V* row) {
    V unused0, unused1;
    hn::LoadInterleaved4(d, p, row[0], row[1], row[2], row[3]);
    hn::LoadInterleaved4(d, p + 4, row[4], row[5], unused0, unused1);
  }
  static void store_row(D d, const V* o, float* p) { hn::StoreInterleaved4(o[0], o[1], o[2], o[3], d, p); }
};

// out[a * kOut + b] = (T in T^T)[a, b] for in[kIn x kIn] and a 1D transform t: kIn -> kOut values (columns first,
// then rows).
template <int kIn, int kOut, class T1>
HWY_INLINE void transform2d(const V* in, V* out, const T1& t) {
  V cols[kOut * kIn];  // cols[a * kIn + j] = (T in[., j])[a]
  for (int j = 0; j < kIn; ++j) {
    V c[kIn], r[kOut];
    for (int i = 0; i < kIn; ++i) c[i] = in[i * kIn + j];
    t(c, r);
    for (int a = 0; a < kOut; ++a) cols[a * kIn + j] = r[a];
  }
  for (int a = 0; a < kOut; ++a) t(cols + a * kIn, out + a * kOut);
}

// The tiling of one convolution by F.
template <class F>
struct Tiling {
  int out_h, out_w;
  int tiles_y, tiles_x;  // tiles of m x m outputs per image
  int groups;            // vectors of kLanes tiles per tile row
  int in_row_w;          // floats per input row copy: the loads of the last group stay inside it
  int out_row_w;         // floats per output row of a tile row (groups * kLanes * m)
  explicit Tiling(const Conv2dShape& s)
      : out_h(s.out_h()),
        out_w(s.out_w()),
        tiles_y((out_h + F::kM - 1) / F::kM),
        tiles_x((out_w + F::kM - 1) / F::kM),
        groups((tiles_x + kL - 1) / kL),
        in_row_w(groups * kL * F::kM + F::kM),
        out_row_w(groups * kL * F::kM) {}
};

// Tile rows per chunk: enough for ~kChunkTiles tiles, at least one: 8 (AVX2) or 16 (wasm) B panels per GEMM, while V
// and M of a chunk stay near 1 MiB at 128 channels (not tuned further).
constexpr int kChunkTiles = 128;
int chunk_rows(int tiles_x) { return std::max(1, kChunkTiles / tiles_x); }

// U[xi * ld + o * Cin + c] = (G w[o, c] G^T)[xi], xi < alpha^2, for the `pairs` = Cout * Cin kernels of
// w[Cout, Cin, 3, 3]; ld >= pairs rounded up to kLanes. Vectorized over kLanes consecutive (o, c) pairs.
template <class F>
void transform_weights(const float* w, int pairs, float* U, size_t ld) {
  constexpr int kA = F::kAlpha;
  const D d;
  const WeightConsts k(d);
  HWY_ALIGN float taps[9 * kL];  // taps[t * kL + l] = w[(i0 + l) * 9 + t]
  for (int i0 = 0; i0 < pairs; i0 += kL) {
    const int n = std::min(kL, pairs - i0);
    for (int l = 0; l < kL; ++l)
      for (int t = 0; t < 9; ++t) taps[t * kL + l] = l < n ? w[(size_t)(i0 + l) * 9 + t] : 0.0f;
    V g[9], u[kA * kA];
    for (int t = 0; t < 9; ++t) g[t] = hn::Load(d, taps + t * kL);
    transform2d<3, kA>(g, u, [&](const V* in, V* out) { F::weight(k, in, out); });
    for (int xi = 0; xi < kA * kA; ++xi) hn::StoreU(u[xi], d, U + xi * ld + i0);
  }
}

// rows[i * in_row_w + j] = x_n[c, m ty - pad + i, j - pad] for i < alpha, zero outside the image.
template <class F>
void copy_tile_row(const Conv2dShape& s, const Tiling<F>& tl, const float* xc, int ty, float* rows) {
  std::fill(rows, rows + (size_t)F::kAlpha * tl.in_row_w, 0.0f);
  for (int i = 0; i < F::kAlpha; ++i) {
    const int iy = F::kM * ty - s.pad + i;
    if (iy >= 0 && iy < s.in_h)
      std::memcpy(rows + (size_t)i * tl.in_row_w + s.pad, xc + (size_t)iy * s.in_w, sizeof(float) * s.in_w);
  }
}

// x[B, Cin, H, W] -> Vt[xi][c][t] = (B^T d[c, t] B)[xi] for the tiles t of tile rows [r0, r1) (t counted from the
// chunk's first tile; rows of ld floats, planes xi of Cin rows).
template <class F>
void transform_input(const Conv2dShape& s, const Tiling<F>& tl, const float* x, int r0, int r1, float* Vt,
                     size_t ld, float* rows) {
  constexpr int kA = F::kAlpha;
  const D d;
  const size_t plane = (size_t)s.in_c * ld;
  for (int c = 0; c < s.in_c; ++c)
    for (int r = r0; r < r1; ++r) {
      const int n = r / tl.tiles_y, ty = r % tl.tiles_y;
      copy_tile_row(s, tl, x + ((size_t)n * s.in_c + c) * s.in_h * s.in_w, ty, rows);
      float* dst = Vt + c * ld + (size_t)(r - r0) * tl.tiles_x;
      for (int q = 0; q < tl.groups; ++q) {
        V dt[kA * kA], vt[kA * kA];
        for (int i = 0; i < kA; ++i) F::load_row(d, rows + (size_t)i * tl.in_row_w + q * kL * F::kM, dt + i * kA);
        transform2d<kA, kA>(dt, vt, F::input);
        for (int xi = 0; xi < kA * kA; ++xi) hn::StoreU(vt[xi], d, dst + xi * plane + q * kL);
      }
    }
}

// Mt[xi][o][t] of the tiles of tile rows [r0, r1) -> y[B, Cout, Ho, Wo] = act(A^T M A + b): the tiles' outputs
// inside the image.
template <class F>
void transform_output(const Conv2dShape& s, const Tiling<F>& tl, const float* Mt, size_t ld, int r0, int r1,
                      const float* b, Act act, float* rows, float* y) {
  constexpr int kA = F::kAlpha, kM = F::kM;
  const D d;
  const size_t plane = (size_t)s.out_c * ld;
  for (int o = 0; o < s.out_c; ++o) {
    const V bias = hn::Set(d, b ? b[o] : 0.0f);
    for (int r = r0; r < r1; ++r) {
      const int n = r / tl.tiles_y, ty = r % tl.tiles_y;
      const float* src = Mt + o * ld + (size_t)(r - r0) * tl.tiles_x;
      for (int q = 0; q < tl.groups; ++q) {
        V mt[kA * kA], ot[kM * kM];
        for (int xi = 0; xi < kA * kA; ++xi) mt[xi] = hn::LoadU(d, src + xi * plane + q * kL);
        transform2d<kA, kM>(mt, ot, F::output);
        for (int i = 0; i < kM * kM; ++i) {
          ot[i] = hn::Add(ot[i], bias);
          if (act == Act::kRelu) ot[i] = hn::Max(ot[i], hn::Zero(d));
        }
        for (int i = 0; i < kM; ++i) F::store_row(d, ot + i * kM, rows + (size_t)i * tl.out_row_w + q * kL * kM);
      }
      const int valid = std::min(kM, tl.out_h - kM * ty);
      for (int i = 0; i < valid; ++i) {
        float* dst = y + (((size_t)n * s.out_c + o) * tl.out_h + kM * ty + i) * tl.out_w;
        std::memcpy(dst, rows + (size_t)i * tl.out_row_w, sizeof(float) * tl.out_w);
        if (act == Act::kGelu) gelu_f32(tl.out_w, dst, dst);
      }
    }
  }
}

size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

// Floats of scratch that winograd<F> takes for shape s (see kWinogradMaxScratchFloats).
template <class F>
size_t scratch_floats(const Conv2dShape& s) {
  const Tiling<F> tl(s);
  const size_t a2 = F::kAlpha * F::kAlpha, ld = (size_t)chunk_rows(tl.tiles_x) * tl.tiles_x + kL;
  return a2 * round_up((size_t)s.out_c * s.in_c, kL) + a2 * (s.in_c + s.out_c) * ld +
         (size_t)F::kAlpha * tl.in_row_w;
}

// x[B, Cin, H, W], w[Cout, Cin, 3, 3], b[Cout] or null -> y[B, Cout, Ho, Wo] (stride 1).
template <class F>
void winograd(const Conv2dShape& s, const float* x, const float* w, const float* b, Act act, float* y) {
  constexpr int kA2 = F::kAlpha * F::kAlpha;
  const Tiling<F> tl(s);
  const int pairs = s.out_c * s.in_c;
  const size_t uld = round_up(pairs, kL);
  float* U = scratch(kWinoU, kA2 * uld);
  transform_weights<F>(w, pairs, U, uld);
  const int total_rows = s.batch * tl.tiles_y, chunk = chunk_rows(tl.tiles_x);
  const int chunks = (total_rows + chunk - 1) / chunk;
  const size_t ld = (size_t)chunk * tl.tiles_x + kL;
  // Chunks [c0, c1) of tile rows on one kernel thread, with its own transformed tiles and products.
  const auto run_chunks = [&](int c0, int c1) {
    float* Vt = scratch(kWinoV, kA2 * s.in_c * ld);
    float* Mt = scratch(kWinoM, kA2 * s.out_c * ld);
    float* rows = scratch(kWinoRows, (size_t)F::kAlpha * tl.in_row_w);  // >= kM * out_row_w
    for (int r0 = c0 * chunk; r0 < std::min(total_rows, c1 * chunk); r0 += chunk) {
      const int r1 = std::min(total_rows, r0 + chunk), T = (r1 - r0) * tl.tiles_x;
      transform_input(s, tl, x, r0, r1, Vt, ld, rows);
      for (int xi = 0; xi < kA2; ++xi) {
        const DenseB v{Vt + xi * s.in_c * ld, ld, T};
        gemm(s.out_c, T, s.in_c, U + xi * uld, s.in_c, 1, pack_b_rows, &v, 0.0f, Mt + xi * s.out_c * ld, ld,
             Epilogue{});
      }
      transform_output(s, tl, Mt, ld, r0, r1, b, act, rows, y);
    }
  };
  parallel_for_macs((int64_t)s.batch * s.out_c * s.in_c * 9 * tl.out_h * tl.out_w, chunks, 1, run_chunks);
}

}  // namespace

void conv2d_winograd(int m, const Conv2dShape& s, const float* x, const float* w, const float* b, Act act, float* y) {
  if (m == 2)
    winograd<F2>(s, x, w, b, act, y);
  else
    winograd<F4>(s, x, w, b, act, y);
}

// x[B,Cin,H,W], w[Cout,Cin,k,k], b[Cout] or null -> y[B,Cout,Ho,Wo].  torch: act(F.conv2d(x, w, b, stride, pad))
void conv2d_nchw_f32(const Conv2dShape& s, const float* x, const float* w, const float* b, Act act, float* y) {
  simd_conv2d_nchw_f32(simd_conv_algo(s), s, x, w, b, act, y);
}

}  // namespace vc::simd

namespace vc {

const char* conv_algo_name(ConvAlgo algo) {
  switch (algo) {
    case ConvAlgo::kWinograd2: return "winograd F(2x2,3x3)";
    case ConvAlgo::kWinograd4: return "winograd F(4x4,3x3)";
    default: return "im2col";
  }
}

bool winograd_fits(ConvAlgo algo, const Conv2dShape& s) {
  if (algo == ConvAlgo::kIm2col || s.kernel != 3 || s.stride != 1 || s.out_h() <= 0 || s.out_w() <= 0) return false;
  const size_t floats = algo == ConvAlgo::kWinograd2 ? simd::scratch_floats<simd::F2>(s)
                                                     : simd::scratch_floats<simd::F4>(s);
  return floats <= kWinogradMaxScratchFloats;
}

// The rule, from kernels_bench's "wino" rows and a CPU-time run of the same shapes (docs/benchmarks.md, "3x3
// convolutions: Winograd"), natively (AVX2) and in wasm simd128 under node: F(2x2,3x3) for every 3x3 stride-1
// convolution with at least kWinogradMinInChannels input channels. It won or tied at every such layer of the models
// (32 to 128 channels at 32, 16 and 8 px; batch 1 and 64; natively the 8 px layers only tie). With one input channel (the stem) the GEMMs have K = 1 and
// the transforms dominate: im2col was 2.5-4x faster. F(4x4,3x3) won more in wasm, lost badly on 8 px images at batch 1
// (4 tiles per image fill a quarter of a GEMM panel) and lost to F(2x2) natively at most layers; one rule on both platforms keeps the page's numbers equal to the CLI's.
constexpr int kWinogradMinInChannels = 8;

ConvAlgo simd_conv_algo(const Conv2dShape& s) {
  if (s.in_c >= kWinogradMinInChannels && winograd_fits(ConvAlgo::kWinograd2, s)) return ConvAlgo::kWinograd2;
  return ConvAlgo::kIm2col;
}

void simd_conv2d_nchw_f32(ConvAlgo algo, const Conv2dShape& s, const float* x, const float* w, const float* b,
                          Act act, float* y) {
  if (algo == ConvAlgo::kIm2col)
    simd::conv2d_im2col(s, x, w, b, act, y);
  else
    simd::conv2d_winograd(algo == ConvAlgo::kWinograd2 ? 2 : 4, s, x, w, b, act, y);
}

}  // namespace vc
