// Kernel tests. Two kinds:
//  - the spec itself: `ref` backward kernels against central finite differences of `ref` forward kernels,
//    plus properties (softmax rows sum to 1, layernorm output has mean 0 and variance 1);
//  - every fast backend against `ref` at odd and model-sized shapes, with a tolerance justified per op.
// Inputs are uniform in [-1, 1] from a fixed seed, so every failure reproduces.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <tuple>
#include <vector>

#include "kernels/conv_algo.h"
#include "kernels/kernels.h"
#include "kernels/parallel.h"

namespace vc {
namespace {

constexpr float kU = std::numeric_limits<float>::epsilon() / 2;  // unit roundoff of float, 2^-24
const KernelTable& R = kernels_ref();

std::vector<float> random_vec(size_t n, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

std::vector<float> abs_vec(std::vector<float> v) {
  for (float& x : v) x = std::fabs(x);
  return v;
}

// Checks |got - want| <= tol[i] element-wise and reports the first offender and the count.
void expect_close(const std::vector<float>& got, const std::vector<float>& want, const std::vector<float>& tol,
                  const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  size_t bad = 0, first = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    if (!(std::fabs(got[i] - want[i]) <= tol[i])) {
      if (bad++ == 0) first = i;
    }
  }
  EXPECT_EQ(bad, 0u) << what << ": first mismatch at " << first << " got " << got[first] << " want " << want[first]
                     << " tol " << tol[first];
}

// Mixed tolerance: abs_tol + rel_tol * |want|.
void expect_close(const std::vector<float>& got, const std::vector<float>& want, float abs_tol, float rel_tol,
                  const std::string& what) {
  std::vector<float> tol(want.size());
  for (size_t i = 0; i < want.size(); ++i) tol[i] = abs_tol + rel_tol * std::fabs(want[i]);
  expect_close(got, want, tol, what);
}

// The fast backends under test; each is compared with `ref`.
#if VITCNN_XNNPACK
std::vector<const KernelTable*> fast_backends() { return {&kernels_simd(), &kernels_xnnpack()}; }
#else
std::vector<const KernelTable*> fast_backends() { return {&kernels_simd()}; }
#endif

// ---------------------------------------------------------------------------------------------
// Finite differences: for a scalar loss L(p) = sum_i r_i * f(p)_i (r fixed random weights, L summed in
// double), the backward kernel's gradient must match (L(p + h e_j) - L(p - h e_j)) / 2h for every j.
// Central differences have truncation error O(h^2 f''') and rounding error ~ u |L| / h; with O(1)
// inputs, h = 1e-2 for linear maps and 1e-3 for curved ones, both stay below the 2e-3 mixed tolerance.
void expect_fd_gradient(std::vector<float> p, const std::function<std::vector<float>(const std::vector<float>&)>& f,
                        const std::vector<float>& r, const std::vector<float>& grad, float h, const std::string& what) {
  auto loss = [&](const std::vector<float>& q) {
    const std::vector<float> y = f(q);
    double l = 0.0;
    for (size_t i = 0; i < y.size(); ++i) l += (double)r[i] * y[i];
    return l;
  };
  std::vector<float> fd(p.size());
  for (size_t j = 0; j < p.size(); ++j) {
    const float keep = p[j];
    p[j] = keep + h;
    const double lp = loss(p);
    p[j] = keep - h;
    const double lm = loss(p);
    p[j] = keep;
    fd[j] = (float)((lp - lm) / (2.0 * h));
  }
  expect_close(grad, fd, 2e-3f, 2e-3f, what);
}

// ---------------------------------------------------------------------------------------------
// GEMM

struct GemmCase {
  int M, N, K;
};

// Every shape is run with both transposes and beta 0 / 1 / 0.5; leading dimensions are padded by 3 so
// that code assuming ld == width fails. K = 0 leaves C = beta * C.
const GemmCase kGemmCases[] = {{3, 5, 0},     {1, 1, 1},     {1, 5, 3},     {3, 1, 5},    {5, 3, 1},     {17, 17, 17},
                               {4, 8, 16},    {7, 9, 300},   {127, 5, 3},  {3, 127, 129}, {33, 65, 127},
                               {65, 384, 128}, {65, 128, 256}, {65, 65, 32}, {32, 1024, 288}, {64, 256, 576}};

// Error bound (Higham, Thm 3.5): a K-term float dot product differs from the exact one by at most
// gamma_K * sum_k |a_k b_k|, gamma_K = K u / (1 - K u). Two implementations summing in different orders
// differ by at most twice that, plus the rounding of beta * C + acc (2 u |beta C + acc|).
std::vector<float> gemm_tolerance(bool ta, bool tb, int M, int N, int K, const std::vector<float>& A, int lda,
                                  const std::vector<float>& B, int ldb, float beta, const std::vector<float>& C0,
                                  int ldc) {
  std::vector<float> absab(C0.size(), 0.0f);
  R.gemm_f32(ta, tb, M, N, K, abs_vec(A).data(), lda, abs_vec(B).data(), ldb, 0.0f, absab.data(), ldc);
  const float gamma = (K + 2) * kU / (1 - (K + 2) * kU);
  std::vector<float> tol(C0.size());
  for (size_t i = 0; i < tol.size(); ++i)
    tol[i] = 2 * gamma * (absab[i] + std::fabs(beta * C0[i])) + std::numeric_limits<float>::min();
  return tol;
}

TEST(Gemm, FastMatchesRef) {
  for (const KernelTable* T : fast_backends())
    for (const GemmCase& g : kGemmCases)
      for (int ta = 0; ta < 2; ++ta)
        for (int tb = 0; tb < 2; ++tb)
          for (float beta : {0.0f, 1.0f, 0.5f}) {
            const int lda = (ta ? g.M : g.K) + 3, ldb = (tb ? g.K : g.N) + 3, ldc = g.N + 3;
            const auto A = random_vec((size_t)(ta ? g.K : g.M) * lda, 1);
            const auto B = random_vec((size_t)(tb ? g.N : g.K) * ldb, 2);
            auto C0 = random_vec((size_t)g.M * ldc, 3);
            // beta == 0 must ignore C entirely: poison it with NaN (only the valid columns: the padding
            // must be left untouched, checked by comparing it with ref's).
            if (beta == 0.0f)
              for (int i = 0; i < g.M; ++i)
                for (int j = 0; j < g.N; ++j) C0[(size_t)i * ldc + j] = std::nanf("");
            auto want = C0, got = C0;
            R.gemm_f32(ta, tb, g.M, g.N, g.K, A.data(), lda, B.data(), ldb, beta, want.data(), ldc);
            T->gemm_f32(ta, tb, g.M, g.N, g.K, A.data(), lda, B.data(), ldb, beta, got.data(), ldc);
            auto c0 = C0;
            if (beta == 0.0f) std::fill(c0.begin(), c0.end(), 0.0f);
            auto tol = gemm_tolerance(ta, tb, g.M, g.N, g.K, A, lda, B, ldb, beta, c0, ldc);
            // Padding columns are never written: they must stay bit-identical (NaN == NaN not needed there).
            for (int i = 0; i < g.M; ++i)
              for (int j = g.N; j < ldc; ++j) tol[(size_t)i * ldc + j] = 0.0f;
            expect_close(got, want, tol,
                         std::string(T->name) + " gemm M=" + std::to_string(g.M) + " N=" + std::to_string(g.N) +
                             " K=" + std::to_string(g.K) + " ta=" + std::to_string(ta) + " tb=" + std::to_string(tb) +
                             " beta=" + std::to_string(beta));
          }
}

// GELU of the fast backends is an approximation accurate to 2e-6 (see Gelu.FastMatchesRef); ReLU and
// identity are exact. GELU is 1.13-Lipschitz, so the GEMM bound carries through scaled by 1.13.
TEST(Linear, FastMatchesRef) {
  const GemmCase cases[] = {{1, 1, 1}, {3, 5, 17}, {65, 384, 128}, {65, 128, 256}, {5, 10, 127}, {17, 3, 1}};
  for (const KernelTable* T : fast_backends())
    for (const GemmCase& g : cases)
      for (Act act : {Act::kNone, Act::kRelu, Act::kGelu})
        for (bool bias : {false, true}) {
          const auto x = random_vec((size_t)g.M * g.K, 4), W = random_vec((size_t)g.N * g.K, 5);
          const auto b = random_vec(g.N, 6);
          std::vector<float> want((size_t)g.M * g.N), got(want.size(), std::nanf(""));
          R.linear_f32(g.M, g.N, g.K, x.data(), W.data(), bias ? b.data() : nullptr, act, want.data());
          T->linear_f32(g.M, g.N, g.K, x.data(), W.data(), bias ? b.data() : nullptr, act, got.data());
          std::vector<float> c0(want.size(), 0.0f);
          for (int i = 0; i < g.M && bias; ++i)
            for (int j = 0; j < g.N; ++j) c0[(size_t)i * g.N + j] = b[j];
          auto tol = gemm_tolerance(false, true, g.M, g.N, g.K, x, g.K, W, g.K, 1.0f, c0, g.N);
          for (size_t i = 0; i < tol.size(); ++i) tol[i] = 1.13f * tol[i] + 2e-6f + 2e-6f * std::fabs(want[i]);
          expect_close(got, want, tol,
                       std::string(T->name) + " linear M=" + std::to_string(g.M) + " N=" + std::to_string(g.N) +
                           " K=" + std::to_string(g.K) + " act=" + std::to_string((int)act) +
                           " bias=" + std::to_string(bias));
        }
}

// ---------------------------------------------------------------------------------------------
// conv2d

std::string conv_name(const Conv2dShape& s) {
  return "conv b=" + std::to_string(s.batch) + " cin=" + std::to_string(s.in_c) + " " + std::to_string(s.in_h) + "x" +
         std::to_string(s.in_w) + " cout=" + std::to_string(s.out_c) + " k=" + std::to_string(s.kernel) +
         " s=" + std::to_string(s.stride) + " p=" + std::to_string(s.pad);
}

size_t x_size(const Conv2dShape& s) { return (size_t)s.batch * s.in_c * s.in_h * s.in_w; }
size_t w_size(const Conv2dShape& s) { return (size_t)s.out_c * s.in_c * s.kernel * s.kernel; }
size_t y_size(const Conv2dShape& s) { return (size_t)s.batch * s.out_c * s.out_h() * s.out_w(); }

// batch, in_c, in_h, in_w, out_c, kernel, stride, pad: odd sizes, both strides and pads, kernels 1/3/4, batch 2,
// and the layers of the models (CNN stem and stages, ViT patch embedding, 1x1 downsample).
const Conv2dShape kConvCases[] = {
    {1, 1, 1, 1, 1, 1, 1, 0},    {1, 3, 5, 5, 5, 3, 1, 1},    {3, 3, 7, 6, 5, 3, 2, 1},   {1, 5, 8, 8, 7, 1, 1, 0},
    {3, 17, 9, 9, 3, 1, 2, 0},   {1, 5, 17, 13, 3, 4, 2, 1},  {3, 2, 5, 7, 9, 3, 1, 0},   {1, 3, 4, 4, 1, 4, 4, 0},
    {1, 1, 32, 32, 32, 3, 1, 1}, {1, 32, 32, 32, 32, 3, 1, 1}, {1, 32, 32, 32, 64, 3, 2, 1}, {1, 64, 16, 16, 64, 3, 1, 1},
    {1, 64, 16, 16, 128, 1, 2, 0}, {3, 128, 8, 8, 128, 3, 1, 1}, {1, 1, 32, 32, 128, 4, 4, 0}, {1, 7, 3, 3, 5, 3, 1, 1},
    {2, 5, 11, 9, 7, 4, 2, 1},   {2, 3, 9, 7, 5, 1, 1, 1},
};

// Same argument as GEMM with K = in_c * k * k terms; the bias adds one more rounding (in c0 below).
std::vector<float> conv_tolerance(const Conv2dShape& s, const std::vector<float>& x, const std::vector<float>& w,
                                  const float* b) {
  std::vector<float> absxw(y_size(s));
  R.conv2d_nchw_f32(s, abs_vec(x).data(), abs_vec(w).data(), nullptr, Act::kNone, absxw.data());
  const int K = s.in_c * s.kernel * s.kernel + 1;
  const float gamma = (K + 2) * kU / (1 - (K + 2) * kU);
  const int P = s.out_h() * s.out_w();
  std::vector<float> tol(absxw.size());
  for (size_t i = 0; i < tol.size(); ++i)
    tol[i] = 2 * gamma * (absxw[i] + (b ? std::fabs(b[(i / P) % s.out_c]) : 0.0f)) * 1.13f +
             std::numeric_limits<float>::min();
  return tol;
}

// Winograd F(m x m, 3 x 3) (kernels/conv_algo.h) sums other terms than the direct convolution: per output tile
//   y = A^T [sum over c of (G g_c G^T) .* (B^T d_c B)] A,
// whose matrix products expand into terms (coefficients) x w x x with the absolute sum
//   E = |A^T| [sum over c of (|G| |g_c| |G^T|) .* (|B^T| |d_c| |B|)] |A|   (computed below in double).
// Each term passes through at most Cin + 24 roundings in simd_winograd.cpp (weight transform: a rounded constant
// such as 1/6, a product, two additions, per dimension; input transform: 3 operations per dimension; the Cin-term
// channel sum; output transform: 4 additions per dimension; the bias), so |got - exact| <= gamma_{Cin+24} (E + |b|),
// plus ref's own error bound (conv_tolerance). The transform matrices are Lavin & Gray's (simd_winograd.cpp).
struct WinogradMatrices {
  int m, alpha;
  std::vector<double> BT, G, AT;  // [alpha x alpha], [alpha x 3], [m x alpha], absolute values
};

WinogradMatrices winograd_abs_matrices(ConvAlgo algo) {
  if (algo == ConvAlgo::kWinograd2)
    return {2, 4, {1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1},
            {1, 0, 0, .5, .5, .5, .5, .5, .5, 0, 0, 1},
            {1, 1, 1, 0, 0, 1, 1, 1}};
  return {4, 6,
          {4, 0, 5, 0, 1, 0, 0, 4, 4, 1, 1, 0, 0, 4, 4, 1, 1, 0, 0, 2, 1, 2, 1, 0, 0, 2, 1, 2, 1, 0, 0, 4, 0, 5, 0, 1},
          {1. / 4, 0, 0, 1. / 6, 1. / 6, 1. / 6, 1. / 6, 1. / 6, 1. / 6, 1. / 24, 1. / 12, 1. / 6, 1. / 24, 1. / 12,
           1. / 6, 0, 0, 1},
          {1, 1, 1, 1, 1, 0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 4, 4, 0, 0, 1, 1, 8, 8, 1}};
}

// P[r x c] = L[r x k] X[k x k'] R^T for R [c x k'].
std::vector<double> sandwich(const std::vector<double>& L, const std::vector<double>& X, const std::vector<double>& Rm,
                             int r, int k, int kk, int c) {
  std::vector<double> LX((size_t)r * kk, 0.0), P((size_t)r * c, 0.0);
  for (int i = 0; i < r; ++i)
    for (int q = 0; q < k; ++q)
      for (int j = 0; j < kk; ++j) LX[i * kk + j] += L[i * k + q] * X[q * kk + j];
  for (int i = 0; i < r; ++i)
    for (int j = 0; j < c; ++j)
      for (int q = 0; q < kk; ++q) P[i * c + j] += LX[i * kk + q] * Rm[j * kk + q];
  return P;
}

std::vector<float> winograd_tolerance(ConvAlgo algo, const Conv2dShape& s, const std::vector<float>& x,
                                      const std::vector<float>& w, const float* b) {
  const WinogradMatrices t = winograd_abs_matrices(algo);
  const int m = t.m, a = t.alpha, Ho = s.out_h(), Wo = s.out_w();
  // |G| |g_c| |G^T| for every (o, c), and per image, channel and tile |B^T| |d| |B|, then E per output.
  std::vector<std::vector<double>> U((size_t)s.out_c * s.in_c);
  for (int o = 0; o < s.out_c; ++o)
    for (int c = 0; c < s.in_c; ++c) {
      std::vector<double> g(9);
      for (int i = 0; i < 9; ++i) g[i] = std::fabs(w[((size_t)o * s.in_c + c) * 9 + i]);
      U[(size_t)o * s.in_c + c] = sandwich(t.G, g, t.G, a, 3, 3, a);
    }
  const double gamma = (s.in_c + 24) * (double)kU / (1 - (s.in_c + 24) * (double)kU);
  std::vector<float> tol = conv_tolerance(s, x, w, b);
  std::vector<double> d((size_t)a * a);
  for (int n = 0; n < s.batch; ++n)
    for (int ty = 0; ty * m < Ho; ++ty)
      for (int tx = 0; tx * m < Wo; ++tx) {
        std::vector<std::vector<double>> Vc(s.in_c);
        for (int c = 0; c < s.in_c; ++c) {
          for (int i = 0; i < a; ++i)
            for (int j = 0; j < a; ++j) {
              const int iy = ty * m - s.pad + i, ix = tx * m - s.pad + j;
              const bool in = iy >= 0 && iy < s.in_h && ix >= 0 && ix < s.in_w;
              d[i * a + j] = in ? std::fabs(x[(((size_t)n * s.in_c + c) * s.in_h + iy) * s.in_w + ix]) : 0.0;
            }
          Vc[c] = sandwich(t.BT, d, t.BT, a, a, a, a);
        }
        for (int o = 0; o < s.out_c; ++o) {
          std::vector<double> M((size_t)a * a, 0.0);
          for (int c = 0; c < s.in_c; ++c)
            for (int i = 0; i < a * a; ++i) M[i] += U[(size_t)o * s.in_c + c][i] * Vc[c][i];
          const std::vector<double> E = sandwich(t.AT, M, t.AT, m, a, a, m);
          for (int i = 0; i < m && ty * m + i < Ho; ++i)
            for (int j = 0; j < m && tx * m + j < Wo; ++j)
              tol[(((size_t)n * s.out_c + o) * Ho + ty * m + i) * Wo + tx * m + j] +=
                  (float)(gamma * (E[i * m + j] + (b ? std::fabs(b[o]) : 0.0)));
        }
      }
  return tol;
}

// The algorithm `T` runs for s: simd's rule (kernels/conv_algo.h); other fast tables compute like im2col.
ConvAlgo conv_algo_of(const KernelTable* T, const Conv2dShape& s) {
  return T == &kernels_simd() ? simd_conv_algo(s) : ConvAlgo::kIm2col;
}

std::vector<float> conv_tolerance_for(ConvAlgo algo, const Conv2dShape& s, const std::vector<float>& x,
                                      const std::vector<float>& w, const float* b) {
  return algo == ConvAlgo::kIm2col ? conv_tolerance(s, x, w, b) : winograd_tolerance(algo, s, x, w, b);
}

// The scratch figure the lab reports (lab.query("memory")): a padded simd conv2d leaves at least its zero-bordered
// image copy held, and a smaller call or a ref call adds nothing.
TEST(Conv2d, ScratchBytesKeepTheLargestCall) {
  const Conv2dShape big{1, 17, 13, 29, 31, 5, 1, 2}, small{1, 3, 5, 6, 7, 5, 1, 2};
  const auto run = [](const KernelTable& T, const Conv2dShape& s) {
    const auto x = random_vec(x_size(s), 7), w = random_vec(w_size(s), 8);
    std::vector<float> y(y_size(s));
    T.conv2d_nchw_f32(s, x.data(), w.data(), nullptr, Act::kNone, y.data());
  };
  run(kernels_simd(), big);
  const size_t after_big = kernel_scratch_bytes();
  EXPECT_GE(after_big, sizeof(float) * big.in_c * (13 + 4) * (29 + 4));  // the image with its 2-pixel border
  run(kernels_simd(), small);
  run(R, big);
  EXPECT_EQ(kernel_scratch_bytes(), after_big);
}

TEST(Conv2d, FastMatchesRef) {
  for (const KernelTable* T : fast_backends())
    for (const Conv2dShape& s : kConvCases)
      for (Act act : {Act::kNone, Act::kRelu})
        for (bool bias : {false, true}) {
          const auto x = random_vec(x_size(s), 7), w = random_vec(w_size(s), 8), b = random_vec(s.out_c, 9);
          std::vector<float> want(y_size(s)), got(y_size(s), std::nanf(""));
          R.conv2d_nchw_f32(s, x.data(), w.data(), bias ? b.data() : nullptr, act, want.data());
          T->conv2d_nchw_f32(s, x.data(), w.data(), bias ? b.data() : nullptr, act, got.data());
          const ConvAlgo algo = conv_algo_of(T, s);
          expect_close(got, want, conv_tolerance_for(algo, s, x, w, bias ? b.data() : nullptr),
                       std::string(T->name) + " " + conv_name(s) + " " + conv_algo_name(algo) +
                           " act=" + std::to_string((int)act) + " bias=" + std::to_string(bias));
        }
}

// Every algorithm of the simd conv2d forward against ref, whatever the rule picks: odd sizes (odd H and W, channel
// counts off the vector width, 1x1 outputs), pads 0 / 1 / 2, batches whose tiles span several chunks of tile rows
// (9 images of 8x8), a row wider than a chunk, and the models' 3x3 layers.
const Conv2dShape kConv3x3Cases[] = {
    {2, 3, 7, 5, 5, 3, 1, 1},    {3, 5, 9, 11, 7, 3, 1, 0},   {1, 17, 13, 6, 9, 3, 1, 1},  {2, 9, 3, 3, 3, 3, 1, 1},
    {1, 4, 3, 3, 2, 3, 1, 0},    {2, 33, 10, 19, 17, 3, 1, 2}, {9, 6, 8, 8, 10, 3, 1, 1},  {1, 3, 5, 301, 4, 3, 1, 1},
    {1, 1, 32, 32, 32, 3, 1, 1}, {1, 32, 32, 32, 32, 3, 1, 1}, {1, 64, 16, 16, 64, 3, 1, 1}, {2, 128, 8, 8, 128, 3, 1, 1},
};

TEST(Conv2d, SimdAlgorithmsMatchRef) {
  const ConvAlgo algos[] = {ConvAlgo::kIm2col, ConvAlgo::kWinograd2, ConvAlgo::kWinograd4};
  for (const Conv2dShape& s : kConv3x3Cases) {
    const auto x = random_vec(x_size(s), 17), w = random_vec(w_size(s), 18), b = random_vec(s.out_c, 19);
    for (bool bias : {false, true}) {
      const float* bp = bias ? b.data() : nullptr;
      std::vector<std::vector<float>> tols;
      for (ConvAlgo algo : algos) {
        ASSERT_TRUE(algo == ConvAlgo::kIm2col || winograd_fits(algo, s)) << conv_name(s);
        tols.push_back(conv_tolerance_for(algo, s, x, w, bp));
      }
      for (Act act : {Act::kNone, Act::kRelu, Act::kGelu}) {
        std::vector<float> want(y_size(s));
        R.conv2d_nchw_f32(s, x.data(), w.data(), bp, act, want.data());
        for (size_t a = 0; a < std::size(algos); ++a) {
          std::vector<float> got(y_size(s), std::nanf("")), tol = tols[a];
          simd_conv2d_nchw_f32(algos[a], s, x.data(), w.data(), bp, act, got.data());
          // GELU is 1.13-Lipschitz, and the simd GELU is within 2e-6 (1 + |y|) of ref's (Gelu.FastMatchesRef).
          if (act == Act::kGelu)
            for (size_t i = 0; i < tol.size(); ++i) tol[i] = 1.13f * tol[i] + 2e-6f + 2e-6f * std::fabs(want[i]);
          expect_close(got, want, tol,
                       std::string(conv_algo_name(algos[a])) + " " + conv_name(s) +
                           " act=" + std::to_string((int)act) + " bias=" + std::to_string(bias));
        }
      }
    }
  }
}

// The table's conv2d is the algorithm of the rule, bit for bit; Winograd takes only 3x3 stride-1 shapes, and no
// shape whose scratch would pass kWinogradMaxScratchFloats.
TEST(Conv2d, SimdRuleAndWinogradLimits) {
  for (const Conv2dShape& s : kConv3x3Cases) {
    const auto x = random_vec(x_size(s), 20), w = random_vec(w_size(s), 21), b = random_vec(s.out_c, 22);
    std::vector<float> table(y_size(s)), direct(y_size(s));
    kernels_simd().conv2d_nchw_f32(s, x.data(), w.data(), b.data(), Act::kRelu, table.data());
    simd_conv2d_nchw_f32(simd_conv_algo(s), s, x.data(), w.data(), b.data(), Act::kRelu, direct.data());
    EXPECT_EQ(0, std::memcmp(table.data(), direct.data(), sizeof(float) * table.size())) << conv_name(s);
  }
  for (ConvAlgo algo : {ConvAlgo::kWinograd2, ConvAlgo::kWinograd4}) {
    EXPECT_FALSE(winograd_fits(algo, {1, 8, 9, 9, 8, 3, 2, 1})) << "stride 2";
    EXPECT_FALSE(winograd_fits(algo, {1, 8, 9, 9, 8, 1, 1, 0})) << "1x1";
    EXPECT_FALSE(winograd_fits(algo, {1, 8, 1, 1, 8, 3, 1, 0})) << "no output";
    EXPECT_FALSE(winograd_fits(algo, {1, 1024, 8, 8, 1024, 3, 1, 1})) << "transformed weights over the limit";
    EXPECT_FALSE(winograd_fits(algo, {1, 256, 3, 16384, 256, 3, 1, 1})) << "one tile row over the limit";
  }
  EXPECT_FALSE(winograd_fits(ConvAlgo::kIm2col, {1, 8, 9, 9, 8, 3, 1, 1}));
  for (const Conv2dShape& s : kConvCases)
    if (s.kernel != 3 || s.stride != 1) EXPECT_EQ(simd_conv_algo(s), ConvAlgo::kIm2col) << conv_name(s);
}

// Backward kernels sum the same products as the forward in another order: dx sums out_c * k * k / stride^2
// terms on average and dw sums batch * Ho * Wo terms. The bound uses that count times the largest |term|
// sum (|dy| |w| or |dy| |x|), computed from the inputs' abs values through ref.
TEST(Conv2d, BackwardFastMatchesRef) {
  for (const KernelTable* T : fast_backends())
    for (const Conv2dShape& s : kConvCases) {
      const auto x = random_vec(x_size(s), 10), w = random_vec(w_size(s), 11), dy = random_vec(y_size(s), 12);
      const std::string what = std::string(T->name) + " " + conv_name(s);

      std::vector<float> dx_want(x_size(s)), dx_got(x_size(s), std::nanf(""));
      R.conv2d_backward_input_nchw_f32(s, dy.data(), w.data(), dx_want.data());
      T->conv2d_backward_input_nchw_f32(s, dy.data(), w.data(), dx_got.data());
      std::vector<float> dx_abs(x_size(s));
      R.conv2d_backward_input_nchw_f32(s, abs_vec(dy).data(), abs_vec(w).data(), dx_abs.data());
      const int kx = s.out_c * s.kernel * s.kernel + 2;
      std::vector<float> dx_tol(x_size(s));
      for (size_t i = 0; i < dx_tol.size(); ++i) dx_tol[i] = 2 * kx * kU * dx_abs[i] * 1.01f + 1e-30f;
      expect_close(dx_got, dx_want, dx_tol, what + " dx");

      std::vector<float> dw_want(w_size(s)), dw_got(w_size(s), std::nanf(""));
      std::vector<float> db_want(s.out_c), db_got(s.out_c, std::nanf(""));
      R.conv2d_backward_weight_nchw_f32(s, x.data(), dy.data(), dw_want.data(), db_want.data());
      T->conv2d_backward_weight_nchw_f32(s, x.data(), dy.data(), dw_got.data(), db_got.data());
      std::vector<float> dw_abs(w_size(s)), db_abs(s.out_c);
      R.conv2d_backward_weight_nchw_f32(s, abs_vec(x).data(), abs_vec(dy).data(), dw_abs.data(), db_abs.data());
      const int kw = s.batch * s.out_h() * s.out_w() + 2;
      std::vector<float> dw_tol(w_size(s)), db_tol(s.out_c);
      for (size_t i = 0; i < dw_tol.size(); ++i) dw_tol[i] = 2 * kw * kU * dw_abs[i] * 1.01f + 1e-30f;
      for (size_t i = 0; i < db_tol.size(); ++i) db_tol[i] = 2 * kw * kU * db_abs[i] * 1.01f + 1e-30f;
      expect_close(dw_got, dw_want, dw_tol, what + " dw");
      expect_close(db_got, db_want, db_tol, what + " db");

      // db is optional.
      T->conv2d_backward_weight_nchw_f32(s, x.data(), dy.data(), dw_got.data(), nullptr);
      expect_close(dw_got, dw_want, dw_tol, what + " dw (db null)");
    }
}

TEST(Conv2dRef, BackwardMatchesFiniteDifferences) {
  const Conv2dShape cases[] = {{2, 2, 5, 4, 3, 3, 1, 1}, {1, 3, 7, 7, 2, 3, 2, 1}, {1, 2, 8, 8, 2, 4, 4, 0},
                               {2, 3, 5, 5, 2, 1, 2, 0}};
  for (const Conv2dShape& s : cases) {
    const auto x = random_vec(x_size(s), 13), w = random_vec(w_size(s), 14), b = random_vec(s.out_c, 15);
    const auto r = random_vec(y_size(s), 16);
    std::vector<float> dx(x_size(s)), dw(w_size(s)), db(s.out_c);
    R.conv2d_backward_input_nchw_f32(s, r.data(), w.data(), dx.data());
    R.conv2d_backward_weight_nchw_f32(s, x.data(), r.data(), dw.data(), db.data());
    auto fwd = [&](const float* xp, const float* wp, const float* bp) {
      std::vector<float> y(y_size(s));
      R.conv2d_nchw_f32(s, xp, wp, bp, Act::kNone, y.data());
      return y;
    };
    expect_fd_gradient(x, [&](const std::vector<float>& q) { return fwd(q.data(), w.data(), b.data()); }, r, dx, 1e-2f,
                       conv_name(s) + " dx");
    expect_fd_gradient(w, [&](const std::vector<float>& q) { return fwd(x.data(), q.data(), b.data()); }, r, dw, 1e-2f,
                       conv_name(s) + " dw");
    expect_fd_gradient(b, [&](const std::vector<float>& q) { return fwd(x.data(), w.data(), q.data()); }, r, db, 1e-2f,
                       conv_name(s) + " db");
  }
}

TEST(Conv2dRef, ReluAndBiasEpilogue) {
  // A 1x1 conv with weight 1 is the identity: the epilogue alone decides the output.
  const Conv2dShape s{1, 1, 1, 4, 1, 1, 1, 0};
  const float x[4] = {-2.0f, -0.5f, 0.25f, 3.0f}, w[1] = {1.0f}, b[1] = {1.0f};
  float y[4];
  R.conv2d_nchw_f32(s, x, w, b, Act::kRelu, y);
  EXPECT_FLOAT_EQ(y[0], 0.0f);
  EXPECT_FLOAT_EQ(y[1], 0.5f);
  EXPECT_FLOAT_EQ(y[2], 1.25f);
  EXPECT_FLOAT_EQ(y[3], 4.0f);
}

// ---------------------------------------------------------------------------------------------
// layernorm

const int kRowSizes[] = {1, 3, 5, 17, 127, 128, 384};

TEST(LayerNorm, PropertiesMeanZeroVarianceOne) {
  for (const KernelTable* T : {&R, &kernels_simd()})
    for (int D : {3, 17, 128, 383}) {
      const int rows = 5;
      auto x = random_vec((size_t)rows * D, 17, -3.0f, 5.0f);
      const std::vector<float> gamma(D, 1.0f), beta(D, 0.0f);
      std::vector<float> y(x.size());
      T->layernorm_f32(rows, D, x.data(), gamma.data(), beta.data(), 0.0f, y.data(), nullptr, nullptr);
      for (int r = 0; r < rows; ++r) {
        double m = 0, v = 0;
        for (int i = 0; i < D; ++i) m += y[(size_t)r * D + i];
        m /= D;
        for (int i = 0; i < D; ++i) v += (y[(size_t)r * D + i] - m) * (y[(size_t)r * D + i] - m);
        v /= D;
        EXPECT_NEAR(m, 0.0, 1e-5) << T->name << " D=" << D;
        EXPECT_NEAR(v, 1.0, 1e-5) << T->name << " D=" << D;
      }
    }
}

// The fast backends accumulate the statistics in float (ref: double). Relative error of a D-term float
// sum of O(1) values is <= D u ~ 2.3e-5 at D = 384 (worst case; pairwise lanes make it much smaller);
// outputs are O(1..3) after scaling, so abs 2e-5 + rel 2e-5 covers it. mean and rstd likewise.
TEST(LayerNorm, FastMatchesRef) {
  for (const KernelTable* T : fast_backends())
    for (int D : kRowSizes)
      for (int rows : {1, 3, 65}) {
        const auto x = random_vec((size_t)rows * D, 18, -2.0f, 3.0f);
        const auto gamma = random_vec(D, 19), beta = random_vec(D, 20);
        std::vector<float> y0(x.size()), y1(x.size()), m0(rows), m1(rows), r0(rows), r1(rows);
        R.layernorm_f32(rows, D, x.data(), gamma.data(), beta.data(), 1e-5f, y0.data(), m0.data(), r0.data());
        T->layernorm_f32(rows, D, x.data(), gamma.data(), beta.data(), 1e-5f, y1.data(), m1.data(), r1.data());
        const std::string what = std::string(T->name) + " layernorm rows=" + std::to_string(rows) + " D=" +
                                 std::to_string(D);
        expect_close(y1, y0, 2e-5f, 2e-5f, what + " y");
        expect_close(m1, m0, 2e-5f, 2e-5f, what + " mean");
        expect_close(r1, r0, 2e-5f, 2e-5f, what + " rstd");
        // mean and rstd are optional.
        T->layernorm_f32(rows, D, x.data(), gamma.data(), beta.data(), 1e-5f, y1.data(), nullptr, nullptr);
        expect_close(y1, y0, 2e-5f, 2e-5f, what + " y (no stats)");
      }
}

// dx is a D-term combination of O(1) values (rstd ~ 1.4 here): abs 2e-5 + rel 2e-5 as for the forward;
// dgamma/dbeta sum `rows` terms on top of accumulated values.
TEST(LayerNorm, BackwardFastMatchesRef) {
  for (const KernelTable* T : fast_backends())
    for (int D : kRowSizes)
      for (int rows : {1, 3, 65}) {
        const auto x = random_vec((size_t)rows * D, 21), gamma = random_vec(D, 22), beta = random_vec(D, 23);
        const auto dy = random_vec(x.size(), 24);
        std::vector<float> y(x.size()), mean(rows), rstd(rows);
        R.layernorm_f32(rows, D, x.data(), gamma.data(), beta.data(), 1e-5f, y.data(), mean.data(), rstd.data());
        std::vector<float> dx0(x.size()), dx1(x.size(), std::nanf(""));
        auto dg0 = random_vec(D, 25), db0 = random_vec(D, 26);
        auto dg1 = dg0, db1 = db0;
        R.layernorm_backward_f32(rows, D, x.data(), gamma.data(), mean.data(), rstd.data(), dy.data(), dx0.data(),
                                 dg0.data(), db0.data());
        T->layernorm_backward_f32(rows, D, x.data(), gamma.data(), mean.data(), rstd.data(), dy.data(), dx1.data(),
                                  dg1.data(), db1.data());
        const std::string what = std::string(T->name) + " layernorm backward rows=" + std::to_string(rows) +
                                 " D=" + std::to_string(D);
        expect_close(dx1, dx0, 2e-5f, 2e-5f, what + " dx");
        const float acc_tol = (rows + 2) * 4 * kU * 2;
        expect_close(dg1, dg0, acc_tol, acc_tol, what + " dgamma");
        expect_close(db1, db0, acc_tol, acc_tol, what + " dbeta");
        // dgamma and dbeta are optional.
        T->layernorm_backward_f32(rows, D, x.data(), gamma.data(), mean.data(), rstd.data(), dy.data(), dx1.data(),
                                  nullptr, nullptr);
        expect_close(dx1, dx0, 2e-5f, 2e-5f, what + " dx (no dgamma)");
      }
}

TEST(LayerNormRef, BackwardMatchesFiniteDifferences) {
  const int rows = 3, D = 7;
  const float eps = 1e-5f;
  const auto x = random_vec(rows * D, 27, -2.0f, 2.0f), gamma = random_vec(D, 28), beta = random_vec(D, 29);
  const auto r = random_vec(rows * D, 30);
  std::vector<float> y(rows * D), mean(rows), rstd(rows), dx(rows * D);
  R.layernorm_f32(rows, D, x.data(), gamma.data(), beta.data(), eps, y.data(), mean.data(), rstd.data());
  std::vector<float> dgamma(D, 0.0f), dbeta(D, 0.0f);
  R.layernorm_backward_f32(rows, D, x.data(), gamma.data(), mean.data(), rstd.data(), r.data(), dx.data(),
                           dgamma.data(), dbeta.data());
  auto fwd = [&](const float* xp, const float* gp, const float* bp) {
    std::vector<float> out(rows * D);
    R.layernorm_f32(rows, D, xp, gp, bp, eps, out.data(), nullptr, nullptr);
    return out;
  };
  expect_fd_gradient(x, [&](const std::vector<float>& q) { return fwd(q.data(), gamma.data(), beta.data()); }, r, dx,
                     1e-3f, "layernorm dx");
  expect_fd_gradient(gamma, [&](const std::vector<float>& q) { return fwd(x.data(), q.data(), beta.data()); }, r,
                     dgamma, 1e-3f, "layernorm dgamma");
  expect_fd_gradient(beta, [&](const std::vector<float>& q) { return fwd(x.data(), gamma.data(), q.data()); }, r,
                     dbeta, 1e-3f, "layernorm dbeta");
}

// ---------------------------------------------------------------------------------------------
// softmax

TEST(Softmax, PropertiesRowsSumToOne) {
  for (const KernelTable* T : {&R, &kernels_simd()})
    for (int N : kRowSizes) {
      const int rows = 4;
      // Large logits: without subtracting the row max, exp overflows to inf and rows become NaN.
      auto x = random_vec((size_t)rows * N, 31, -50.0f, 120.0f);
      std::vector<float> y(x.size());
      T->softmax_rows_f32(rows, N, x.data(), y.data());
      for (int r = 0; r < rows; ++r) {
        double sum = 0;
        for (int i = 0; i < N; ++i) {
          const float v = y[(size_t)r * N + i];
          EXPECT_TRUE(v >= 0.0f && v <= 1.0f) << T->name << " N=" << N << " v=" << v;
          sum += v;
        }
        EXPECT_NEAR(sum, 1.0, 1e-5) << T->name << " N=" << N;
      }
    }
}

// Each output is exp(x - max) / sum: the fast exp is within a few ulp (simd's exp_nonpos: ~2 ulp in our
// range), the N-term sum of positive values within N u relative (N = 384: 2.3e-5, worst case).
// Outputs are in [0, 1]: abs 1e-6 + rel 3e-5.
TEST(Softmax, FastMatchesRef) {
  for (const KernelTable* T : fast_backends())
    for (int N : kRowSizes)
      for (int rows : {1, 3, 65}) {
        const auto x = random_vec((size_t)rows * N, 32, -8.0f, 8.0f);
        std::vector<float> y0(x.size()), y1(x.size());
        R.softmax_rows_f32(rows, N, x.data(), y0.data());
        T->softmax_rows_f32(rows, N, x.data(), y1.data());
        const std::string what = std::string(T->name) + " softmax rows=" + std::to_string(rows) + " N=" +
                                 std::to_string(N);
        expect_close(y1, y0, 1e-6f, 3e-5f, what);
        // In place (y aliases x).
        auto inplace = x;
        T->softmax_rows_f32(rows, N, inplace.data(), inplace.data());
        expect_close(inplace, y0, 1e-6f, 3e-5f, what + " in place");

        const auto dy = random_vec(x.size(), 33);
        std::vector<float> dx0(x.size()), dx1(x.size());
        R.softmax_backward_rows_f32(rows, N, y0.data(), dy.data(), dx0.data());
        T->softmax_backward_rows_f32(rows, N, y0.data(), dy.data(), dx1.data());
        // dx = y * (dy - dot): the dot of N terms (|y| sums to 1) is within N u of exact.
        expect_close(dx1, dx0, 1e-6f + N * kU * 2, 1e-5f, what + " backward");
      }
}

TEST(SoftmaxRef, BackwardMatchesFiniteDifferences) {
  const int rows = 3, N = 6;
  const auto x = random_vec(rows * N, 34, -2.0f, 2.0f), r = random_vec(rows * N, 35);
  std::vector<float> y(rows * N), dx(rows * N);
  R.softmax_rows_f32(rows, N, x.data(), y.data());
  R.softmax_backward_rows_f32(rows, N, y.data(), r.data(), dx.data());
  expect_fd_gradient(
      x,
      [&](const std::vector<float>& q) {
        std::vector<float> out(q.size());
        R.softmax_rows_f32(rows, N, q.data(), out.data());
        return out;
      },
      r, dx, 1e-3f, "softmax dx");
}

// ---------------------------------------------------------------------------------------------
// elementwise

// GELU: the fast backends evaluate erfc(z) = 1 / P(z)^16 with a degree-6 P (Abramowitz & Stegun 7.1.28,
// |erf error| <= 3e-7); the 16th power multiplies P's few-ulp rounding by 16, i.e. ~2e-6 relative in erfc.
// gelu = x (1 - erfc/2) or x erfc/2, so |error| <= 0.5 |x| (3e-7 + 2e-6 erfc(|x|/sqrt2)) <= 1.5e-6 over
// x in [-6, 6] (measured: 8e-7): abs 2e-6 + rel 2e-6. gelu' = Phi(x) + x pdf(x) adds the exp-based pdf
// term (exp within ~2 ulp): abs 2e-6 + rel 4e-6.
TEST(Gelu, FastMatchesRef) {
  for (const KernelTable* T : fast_backends())
    for (int n : {1, 3, 5, 17, 127, 4099}) {
      auto x = random_vec(n, 36, -6.0f, 6.0f);
      x[0] = 0.0f;
      const auto dy = random_vec(n, 37);
      std::vector<float> y0(n), y1(n), dx0(n), dx1(n);
      R.gelu_f32(n, x.data(), y0.data());
      T->gelu_f32(n, x.data(), y1.data());
      expect_close(y1, y0, 2e-6f, 2e-6f, std::string(T->name) + " gelu n=" + std::to_string(n));
      auto inplace = x;
      T->gelu_f32(n, inplace.data(), inplace.data());
      expect_close(inplace, y0, 2e-6f, 2e-6f, std::string(T->name) + " gelu in place n=" + std::to_string(n));
      R.gelu_backward_f32(n, x.data(), dy.data(), dx0.data());
      T->gelu_backward_f32(n, x.data(), dy.data(), dx1.data());
      expect_close(dx1, dx0, 2e-6f, 4e-6f, std::string(T->name) + " gelu backward n=" + std::to_string(n));
    }
}

TEST(Gelu, FastSaturatesAtLargeInputs) {
  // gelu(x) -> x for large x and -> 0 (not NaN) for very negative x; inf inputs stay finite-safe.
  for (const KernelTable* T : fast_backends()) {
    const float x[4] = {-100.0f, -20.0f, 20.0f, 100.0f};
    float y[4];
    T->gelu_f32(4, x, y);
    EXPECT_NEAR(y[0], 0.0f, 1e-30f) << T->name;
    EXPECT_NEAR(y[1], 0.0f, 1e-30f) << T->name;
    EXPECT_FLOAT_EQ(y[2], 20.0f) << T->name;
    EXPECT_FLOAT_EQ(y[3], 100.0f) << T->name;
  }
}

TEST(ElementwiseRef, GeluKnownValues) {
  // torch.nn.functional.gelu(torch.tensor([-1., 0., 1., 2.])) = [-0.158655, 0, 0.841345, 1.954500]
  const float x[4] = {-1.0f, 0.0f, 1.0f, 2.0f};
  float y[4];
  R.gelu_f32(4, x, y);
  EXPECT_NEAR(y[0], -0.15865526f, 1e-6f);
  EXPECT_EQ(y[1], 0.0f);
  EXPECT_NEAR(y[2], 0.84134475f, 1e-6f);
  EXPECT_NEAR(y[3], 1.95449972f, 1e-6f);
}

TEST(ElementwiseRef, BackwardMatchesFiniteDifferences) {
  const int n = 9;
  const auto r = random_vec(n, 38);
  // GELU over its curved middle and tails.
  auto x = random_vec(n, 39, -4.0f, 4.0f);
  std::vector<float> dx(n);
  R.gelu_backward_f32(n, x.data(), r.data(), dx.data());
  expect_fd_gradient(
      x,
      [&](const std::vector<float>& q) {
        std::vector<float> y(n);
        R.gelu_f32(n, q.data(), y.data());
        return y;
      },
      r, dx, 1e-3f, "gelu dx");
  // ReLU away from the kink at 0 (|x| >= 0.1 > h).
  for (float& v : x) v = v < 0 ? std::min(v, -0.1f) : std::max(v, 0.1f);
  std::vector<float> y(n);
  auto relu = [&](const std::vector<float>& q) {
    std::vector<float> out(n);
    for (int i = 0; i < n; ++i) out[i] = std::max(q[i], 0.0f);
    return out;
  };
  y = relu(x);
  R.relu_backward_f32(n, y.data(), r.data(), dx.data());
  expect_fd_gradient(x, relu, r, dx, 1e-3f, "relu dx");
}

// ReLU backward and add are exact in any order of evaluation: bit equality.
TEST(Elementwise, FastMatchesRefExactly) {
  for (const KernelTable* T : fast_backends())
    for (int n : {1, 3, 5, 17, 127, 4099}) {
      auto y = random_vec(n, 40);
      for (int i = 0; i < n; i += 3) y[i] = 0.0f;
      const auto a = random_vec(n, 41), b = random_vec(n, 42);
      std::vector<float> d0(n), d1(n);
      R.relu_backward_f32(n, y.data(), a.data(), d0.data());
      T->relu_backward_f32(n, y.data(), a.data(), d1.data());
      expect_close(d1, d0, 0.0f, 0.0f, std::string(T->name) + " relu backward n=" + std::to_string(n));
      R.add_f32(n, a.data(), b.data(), d0.data());
      T->add_f32(n, a.data(), b.data(), d1.data());
      expect_close(d1, d0, 0.0f, 0.0f, std::string(T->name) + " add n=" + std::to_string(n));
    }
}

// ---------------------------------------------------------------------------------------------
// global average pooling

// A mean of HW O(1) values: HW u relative worst case, plus the division.
TEST(GlobalAvgPool, FastMatchesRef) {
  for (const KernelTable* T : fast_backends())
    for (int BC : {1, 3, 128})
      for (int HW : {1, 3, 5, 17, 64, 127, 1024}) {
        const auto x = random_vec((size_t)BC * HW, 43), dy = random_vec(BC, 44);
        std::vector<float> y0(BC), y1(BC), dx0(x.size()), dx1(x.size());
        R.global_avgpool_nchw_f32(BC, HW, x.data(), y0.data());
        T->global_avgpool_nchw_f32(BC, HW, x.data(), y1.data());
        const std::string what = std::string(T->name) + " avgpool BC=" + std::to_string(BC) + " HW=" +
                                 std::to_string(HW);
        expect_close(y1, y0, 2 * (HW + 2) * kU, 0.0f, what);
        R.global_avgpool_backward_nchw_f32(BC, HW, dy.data(), dx0.data());
        T->global_avgpool_backward_nchw_f32(BC, HW, dy.data(), dx1.data());
        expect_close(dx1, dx0, 0.0f, 2 * kU, what + " backward");
      }
}

TEST(GlobalAvgPoolRef, BackwardMatchesFiniteDifferences) {
  const int BC = 3, HW = 5;
  const auto x = random_vec(BC * HW, 45), r = random_vec(BC, 46);
  std::vector<float> dx(BC * HW);
  R.global_avgpool_backward_nchw_f32(BC, HW, r.data(), dx.data());
  expect_fd_gradient(
      x,
      [&](const std::vector<float>& q) {
        std::vector<float> y(BC);
        R.global_avgpool_nchw_f32(BC, HW, q.data(), y.data());
        return y;
      },
      r, dx, 1e-2f, "avgpool dx");
}

TEST(KernelsByName, FindsBackends) {
  ASSERT_NE(kernels_by_name("ref"), nullptr);
  ASSERT_NE(kernels_by_name("simd"), nullptr);
  EXPECT_STREQ(kernels_by_name("ref")->name, "ref");
  EXPECT_STREQ(kernels_by_name("simd")->name, "simd");
  EXPECT_EQ(kernels_by_name("cuda"), nullptr);
#if VITCNN_XNNPACK
  ASSERT_EQ(kernels_by_name("xnnpack"), &kernels_xnnpack());
  EXPECT_STREQ(kernels_xnnpack().name, "xnnpack");
#endif
}

// Indices of the null kernels of a table, read as the function pointers kernels.h says every member after `name` is.
std::vector<size_t> null_entries(const KernelTable& t) {
  std::vector<size_t> out;
  for (size_t i = 0; i < kKernelTableEntries; ++i) {
    void (*f)() = nullptr;
    std::memcpy(&f, reinterpret_cast<const char*>(&t) + kKernelTableFirst + i * sizeof f, sizeof f);
    if (!f) out.push_back(i);
  }
  return out;
}

TEST(KernelTables, EveryTableIsCompleteAndFoundByName) {
  EXPECT_GT(kKernelTableEntries, 0u);
  EXPECT_NE(std::find(kernel_tables().begin(), kernel_tables().end(), &kernels_ref()), kernel_tables().end());
  EXPECT_NE(std::find(kernel_tables().begin(), kernel_tables().end(), &kernels_simd()), kernel_tables().end());
  for (const KernelTable* t : kernel_tables()) {
    ASSERT_NE(t->name, nullptr);
    EXPECT_EQ(null_entries(*t), std::vector<size_t>{}) << t->name << ": null kernels at these indices";
    EXPECT_EQ(kernels_by_name(t->name), t);
  }
  // The check sees a missing kernel, wherever it is.
  KernelTable broken = kernels_simd();
  broken.add_f32 = nullptr;
  EXPECT_EQ(null_entries(broken).size(), 1u);
  broken = kernels_ref();
  broken.gemm_f32 = nullptr;
  broken.global_avgpool_backward_nchw_f32 = nullptr;
  EXPECT_EQ(null_entries(broken), (std::vector<size_t>{0, kKernelTableEntries - 1}));
  EXPECT_EQ(null_entries(KernelTable{}).size(), kKernelTableEntries);
}

// ---- Kernel threads (kernels/parallel.h) -------------------------------------------------------------------------

// Sets the kernel threads for one scope, back to one thread after it.
struct KernelThreads {
  explicit KernelThreads(int n) { set_kernel_threads(n); }
  ~KernelThreads() { set_kernel_threads(1); }
};

// Every index once, in contiguous ranges of whole grains (the last may be short), at most one range per thread, the
// first range on the calling thread; a nested call runs inline. Where the build has no threads, one range.
TEST(KernelThreads, ParallelForCoversEveryIndexOnce) {
  for (int threads : {1, 2, 3, 5}) {
    const KernelThreads scope(threads);
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
    EXPECT_EQ(kernel_threads(), 1);  // the page's single-thread module
#else
    EXPECT_EQ(kernel_threads(), threads);  // natively and in the threaded module (build-wasm-mt)
#endif
    for (int count : {0, 1, 4, 7, 33, 100})
      for (int grain : {1, 4, 7}) {
        const std::string what = "threads " + std::to_string(threads) + " count " + std::to_string(count) +
                                 " grain " + std::to_string(grain);
        std::vector<int> hits(count, 0);
        std::vector<std::pair<int, int>> ranges(kMaxKernelThreads, {-1, -1});
        std::atomic<int> calls{0};
        parallel_for(count, grain, [&](int begin, int end) {
          ranges[calls++] = {begin, end};
          for (int i = begin; i < end; ++i) ++hits[i];
          int inner = 0;
          parallel_for(3, 1, [&](int b, int e) { inner += e - b; });  // inline: no data race on `inner`
          EXPECT_EQ(inner, 3) << what;
        });
        EXPECT_EQ(std::count(hits.begin(), hits.end(), 1), count) << what;
        EXPECT_LE(calls.load(), kernel_threads()) << what;
        EXPECT_EQ(calls.load() == 0, count == 0) << what;
        for (int r = 0; r < calls; ++r) {
          EXPECT_LT(ranges[r].first, ranges[r].second) << what;
          EXPECT_TRUE(ranges[r].first % grain == 0) << what;
          EXPECT_TRUE(ranges[r].second % grain == 0 || ranges[r].second == count) << what;
        }
      }
  }
}

// The simd kernels give the same bits with several threads as with one: GEMMs large enough to split (and odd row
// and column counts, so a thread's last tile or panel is partial), linear with bias and GELU (both splits),
// convolutions by im2col and Winograd, and both convolution backward kernels.
TEST(KernelThreads, SimdResultsDoNotDependOnThreads) {
  const KernelTable& S = kernels_simd();
  const auto run_all = [&] {
    std::vector<std::vector<float>> out;
    // Many rows (split by row tiles) and few rows against many columns (split by column panels: a Gram block).
    for (const auto& [M, N, K] : {std::tuple{301, 77, 129}, std::tuple{7, 301, 600}})
      for (int ta = 0; ta < 2; ++ta)
        for (int tb = 0; tb < 2; ++tb) {
          const auto A = random_vec((size_t)M * K, 1), B = random_vec((size_t)K * N, 2);
          std::vector<float> C = random_vec((size_t)M * N, 3);
          S.gemm_f32(ta, tb, M, N, K, A.data(), ta ? M : K, B.data(), tb ? K : N, 0.5f, C.data(), N);
          out.push_back(C);
        }
    for (const auto& [M, N, K] : {std::tuple{523, 130, 64}, std::tuple{5, 700, 320}}) {
      const auto x = random_vec((size_t)M * K, 4), W = random_vec((size_t)N * K, 5), b = random_vec(N, 6);
      std::vector<float> y((size_t)M * N);
      S.linear_f32(M, N, K, x.data(), W.data(), b.data(), Act::kGelu, y.data());
      out.push_back(y);
    }
    for (const Conv2dShape& s : {Conv2dShape{2, 33, 19, 17, 64, 3, 1, 1}, Conv2dShape{3, 17, 23, 21, 40, 5, 2, 2}}) {
      const auto x = random_vec(x_size(s), 7), w = random_vec(w_size(s), 8), b = random_vec(s.out_c, 9);
      const auto dy = random_vec(y_size(s), 10);
      std::vector<float> y(y_size(s)), dx(x_size(s)), dw(w_size(s)), db(s.out_c);
      S.conv2d_nchw_f32(s, x.data(), w.data(), b.data(), Act::kRelu, y.data());
      S.conv2d_backward_input_nchw_f32(s, dy.data(), w.data(), dx.data());
      S.conv2d_backward_weight_nchw_f32(s, x.data(), dy.data(), dw.data(), db.data());
      for (auto* v : {&y, &dx, &dw, &db}) out.push_back(*v);
    }
    return out;
  };
  const auto one = run_all();
  for (int threads : {2, 3}) {
    const KernelThreads scope(threads);
    const auto many = run_all();
    ASSERT_EQ(many.size(), one.size());
    for (size_t i = 0; i < one.size(); ++i)
      EXPECT_TRUE(std::memcmp(many[i].data(), one[i].data(), one[i].size() * sizeof(float)) == 0)
          << "output " << i << " with " << threads << " threads";
  }
}

}  // namespace
}  // namespace vc
