// GEMM of the `simd` backend: B packed into column panels, a register-blocked kMr x kNr microkernel
// (kNr = 2 vectors: 4x8 floats in wasm simd128, 4x16 with AVX2), cache blocking over K, and a fused
// epilogue (beta * C, bias, activation). gemm_f32 and linear_f32 are thin packers around it.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/simd_internal.h"

namespace vc::simd {
namespace {

// Rows per tile: kMr x 2 accumulators + 2 B vectors + 1 broadcast A value must fit the 16 vector
// registers V8 uses on x86-64 (4 x 2 + 3 = 11; 6 rows would be 15, spilling under V8's allocator).
constexpr int kMr = 4;
// K blocks of equal size up to kKcMax: a packed panel (<= 16 KiB) stays in L1 while all row tiles use it.
constexpr int kKcMax = 16384 / (kNr * (int)sizeof(float));

struct TileEpilogue {
  float beta;
  bool last;  // bias and activation apply after the last K block only
  const Epilogue* ep;
  const float* col_bias;  // per-column bias padded to a multiple of kNr, at this panel's column, or null
};

// c[m x n] (m <= kMr, n <= kNr) = beta * c + a[m x kc] @ panel[kc x kNr] (+ epilogue).
// kKContig: A[i, k] = a[i * a_stride + k] (row-major A); otherwise A[i, k] = a[k * a_stride + i].
template <bool kKContig>
HWY_INLINE void tile(int kc, const float* HWY_RESTRICT a, size_t a_stride, int m, int row0,
                     const float* HWY_RESTRICT panel, float* c, size_t ldc, int n, const TileEpilogue& te) {
  const D d;
  // Rows past m repeat row m - 1: valid memory, results discarded.
  const float* ar[kMr];
  for (int r = 0; r < kMr; ++r) ar[r] = a + (size_t)std::min(r, m - 1) * (kKContig ? a_stride : 1);
  V acc[kMr][2];
  for (int r = 0; r < kMr; ++r) acc[r][0] = acc[r][1] = hn::Zero(d);
  // Not unrolled: in node, unrolling by 4 measured 20 % slower (31 vs 39 GFLOP/s at 65x128x128).
  for (int k = 0; k < kc; ++k) {
    const V b0 = hn::LoadU(d, panel), b1 = hn::LoadU(d, panel + kLanes);
    panel += kNr;
    for (int r = 0; r < kMr; ++r) {
      const V av = hn::Set(d, kKContig ? ar[r][k] : ar[r][(size_t)k * a_stride]);
      acc[r][0] = hn::MulAdd(av, b0, acc[r][0]);
      acc[r][1] = hn::MulAdd(av, b1, acc[r][1]);
    }
  }

  // Edge tiles go through a kMr x kNr buffer so the epilogue below is always full vectors (copied with
  // loops: in wasm a variable-size memcpy is a call).
  const bool full = m == kMr && n == kNr;
  HWY_ALIGN float buf[kMr * kNr];
  float* out = c;
  size_t ld = ldc;
  if (!full) {
    out = buf;
    ld = kNr;
    if (te.beta != 0.0f)
      for (int r = 0; r < m; ++r)
        for (int j = 0; j < n; ++j) buf[r * kNr + j] = c[r * ldc + j];
  }
  const V beta = hn::Set(d, te.beta);
  const Epilogue& ep = *te.ep;
  for (int r = 0; r < kMr; ++r) {
    float* o = out + r * ld;
    V v0 = acc[r][0], v1 = acc[r][1];
    // beta == 0 overwrites: C's old contents are never read.
    if (te.beta != 0.0f && r < m) {
      v0 = hn::MulAdd(beta, hn::LoadU(d, o), v0);
      v1 = hn::MulAdd(beta, hn::LoadU(d, o + kLanes), v1);
    }
    if (te.last) {
      if (ep.bias && ep.bias_per_row) {
        const V bv = hn::Set(d, ep.bias[row0 + std::min(r, m - 1)]);
        v0 = hn::Add(v0, bv);
        v1 = hn::Add(v1, bv);
      } else if (te.col_bias) {
        v0 = hn::Add(v0, hn::LoadU(d, te.col_bias));
        v1 = hn::Add(v1, hn::LoadU(d, te.col_bias + kLanes));
      }
      if (ep.act == Act::kRelu) {
        v0 = hn::Max(v0, hn::Zero(d));
        v1 = hn::Max(v1, hn::Zero(d));
      }
    }
    if (full || r < m) {
      hn::StoreU(v0, d, o);
      hn::StoreU(v1, d, o + kLanes);
    }
  }
  if (!full)
    for (int r = 0; r < m; ++r)
      for (int j = 0; j < n; ++j) c[r * ldc + j] = buf[r * kNr + j];
}

// Rows [row0, row1) x columns [col0, col1) of C (see gemm below); col0 is a multiple of kNr, col1 one or N.
template <bool kKContig>
void gemm_block(int row0, int row1, int col0, int col1, int N, int K, const float* a, size_t a_stride,
                size_t a_kstep, PackB pack_b, const void* b_ctx, float beta, float* C, size_t ldc,
                const Epilogue& ep) {
  const int n_pad = (N + kNr - 1) / kNr * kNr;
  const float* col_bias = nullptr;
  if (ep.bias && !ep.bias_per_row) {
    // Pad the per-column bias so edge panels can load whole vectors.
    float* padded = scratch(kBias, n_pad);
    std::memcpy(padded, ep.bias, sizeof(float) * N);
    std::fill(padded + N, padded + n_pad, 0.0f);
    col_bias = padded;
  }
  const int blocks = std::max(1, (K + kKcMax - 1) / kKcMax);
  const int kKc = std::max(1, (K + blocks - 1) / blocks);
  float* panel = scratch(kPackB, (size_t)kKc * kNr);
  // K == 0 still runs one (empty) block so that C = beta * C and the epilogue are applied.
  for (int k0 = 0; k0 < K || k0 == 0; k0 += kKc) {
    const int kc = std::min(kKc, K - k0);
    const TileEpilogue te_base{k0 == 0 ? beta : 1.0f, k0 + kc >= K, &ep, nullptr};
    for (int j0 = col0; j0 < col1; j0 += kNr) {
      pack_b(b_ctx, k0, kc, j0, panel);
      TileEpilogue te = te_base;
      te.col_bias = col_bias ? col_bias + j0 : nullptr;
      const int n = std::min(kNr, N - j0);
      for (int i0 = row0; i0 < row1; i0 += kMr)
        tile<kKContig>(kc, a + (size_t)i0 * (kKContig ? a_stride : 1) + (size_t)k0 * a_kstep, a_stride,
                       std::min(kMr, row1 - i0), i0, panel, C + (size_t)i0 * ldc + j0, ldc, n, te);
    }
  }
  if (ep.act == Act::kGelu)
    for (int i = row0; i < row1; ++i) gelu_f32(col1 - col0, C + (size_t)i * ldc + col0, C + (size_t)i * ldc + col0);
}

// Split over the kernel threads (kernels/parallel.h) by row tiles (each thread packs all of B's panels for its rows)
// or, where the row tiles are too few to go round twice (a Gram block: 10 rows against 100 columns), by column panels
// (each thread packs only its own). Either way every element is computed by the same tile in the same order.
template <bool kKContig>
void gemm_blocked(int M, int N, int K, const float* a, size_t a_stride, size_t a_kstep, PackB pack_b,
                  const void* b_ctx, float beta, float* C, size_t ldc, const Epilogue& ep) {
  const int64_t macs = (int64_t)M * N * std::max(K, 1);
  const int row_tiles = (M + kMr - 1) / kMr, col_panels = (N + kNr - 1) / kNr;
  if (row_tiles >= 2 * kernel_threads() || row_tiles >= col_panels) {
    parallel_for_macs(macs, M, kMr, [&](int row0, int row1) {
      gemm_block<kKContig>(row0, row1, 0, N, N, K, a, a_stride, a_kstep, pack_b, b_ctx, beta, C, ldc, ep);
    });
  } else {
    parallel_for_macs(macs, N, kNr, [&](int col0, int col1) {
      gemm_block<kKContig>(0, M, col0, col1, N, K, a, a_stride, a_kstep, pack_b, b_ctx, beta, C, ldc, ep);
    });
  }
}

}  // namespace

// C[M,N] = beta * C + op(A)[M,K] @ op(B)[K,N]; op(A)[i,k] = trans_a ? A[k*lda + i] : A[i*lda + k],
// op(B)[k,j] = trans_b ? B[j*ldb + k] : B[k*ldb + j].  torch: C = beta * C + A @ B
void gemm_f32(bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
              float beta, float* C, int ldc) {
  const DenseB b{B, (size_t)ldb, N};
  gemm(M, N, K, A, trans_a ? 1 : lda, trans_a ? lda : 1, trans_b ? pack_b_cols : pack_b_rows, &b, beta, C, ldc,
       Epilogue{});
}

// x[M,K], W[N,K], b[N] or null -> y[M,N] = act(x @ W^T + b).  torch: act(F.linear(x, W, b))
void linear_f32(int M, int N, int K, const float* x, const float* W, const float* b, Act act, float* y) {
  const DenseB wt{W, (size_t)K, N};
  gemm(M, N, K, x, K, 1, pack_b_cols, &wt, 0.0f, y, N, Epilogue{b, false, act});
}

// Packs row-major B[k, j] = b[k * ldb + j].
void pack_b_rows(const void* ctx, int k0, int kc, int j0, float* dst) {
  const DenseB& s = *static_cast<const DenseB*>(ctx);
  const D d;
  const int n = std::min(kNr, s.N - j0);
  for (int k = 0; k < kc; ++k, dst += kNr) {
    const float* src = s.b + (size_t)(k0 + k) * s.ldb + j0;
    if (n == kNr) {
      hn::StoreU(hn::LoadU(d, src), d, dst);
      hn::StoreU(hn::LoadU(d, src + kLanes), d, dst + kLanes);
    } else {
      std::memcpy(dst, src, sizeof(float) * n);
      std::fill(dst + n, dst + kNr, 0.0f);
    }
  }
}

// Packs B[k, j] = b[j * ldb + k] (B stored transposed, e.g. nn.Linear's W[N, K]): 4x4 blocks are loaded
// as rows of b and transposed in registers.
void pack_b_cols(const void* ctx, int k0, int kc, int j0, float* dst) {
  const DenseB& s = *static_cast<const DenseB*>(ctx);
  const hn::Full128<float> d4;
  const int n = std::min(kNr, s.N - j0);
  const int n4 = n / 4 * 4, kc4 = kc / 4 * 4;
  for (int jj = 0; jj < n4; jj += 4) {
    const float* src = s.b + (size_t)(j0 + jj) * s.ldb + k0;
    for (int k = 0; k < kc4; k += 4) {
      // r_i = b[j + i, k .. k + 3]; after the transpose, c_q = b[j .. j + 3, k + q].
      const auto r0 = hn::LoadU(d4, src + k), r1 = hn::LoadU(d4, src + s.ldb + k);
      const auto r2 = hn::LoadU(d4, src + 2 * s.ldb + k), r3 = hn::LoadU(d4, src + 3 * s.ldb + k);
      const auto t0 = hn::InterleaveLower(d4, r0, r1), t1 = hn::InterleaveLower(d4, r2, r3);
      const auto t2 = hn::InterleaveUpper(d4, r0, r1), t3 = hn::InterleaveUpper(d4, r2, r3);
      hn::StoreU(hn::ConcatLowerLower(d4, t1, t0), d4, dst + (size_t)k * kNr + jj);
      hn::StoreU(hn::ConcatUpperUpper(d4, t1, t0), d4, dst + (size_t)(k + 1) * kNr + jj);
      hn::StoreU(hn::ConcatLowerLower(d4, t3, t2), d4, dst + (size_t)(k + 2) * kNr + jj);
      hn::StoreU(hn::ConcatUpperUpper(d4, t3, t2), d4, dst + (size_t)(k + 3) * kNr + jj);
    }
    for (int k = kc4; k < kc; ++k)
      for (int q = 0; q < 4; ++q) dst[(size_t)k * kNr + jj + q] = src[(size_t)q * s.ldb + k];
  }
  for (int jj = n4; jj < kNr; ++jj)
    for (int k = 0; k < kc; ++k)
      dst[(size_t)k * kNr + jj] = jj < n ? s.b[(size_t)(j0 + jj) * s.ldb + k0 + k] : 0.0f;
}

void gemm(int M, int N, int K, const float* a, size_t a_row, size_t a_col, PackB pack_b, const void* b_ctx,
          float beta, float* C, size_t ldc, const Epilogue& ep) {
  if (M <= 0 || N <= 0) return;
  if (a_col == 1)
    gemm_blocked<true>(M, N, K, a, a_row, 1, pack_b, b_ctx, beta, C, ldc, ep);
  else
    gemm_blocked<false>(M, N, K, a, a_col, a_col, pack_b, b_ctx, beta, C, ldc, ep);
}

namespace {

// The bytes every thread's scratch buffers hold.
std::atomic<size_t> g_scratch_bytes{0};

struct ScratchBuffers {
  std::vector<float> slots[kNumSlots];
  ~ScratchBuffers() {  // a kernel thread ends
    for (const std::vector<float>& v : slots) g_scratch_bytes -= v.capacity() * sizeof(float);
  }
};

}  // namespace

float* scratch(ScratchSlot slot, size_t n) {
  thread_local ScratchBuffers buffers;
  std::vector<float>& buf = buffers.slots[slot];
  if (buf.size() < n) {
    const size_t before = buf.capacity();
    buf.resize(n);
    g_scratch_bytes += (buf.capacity() - before) * sizeof(float);
  }
  return buf.data();
}

size_t scratch_bytes() { return g_scratch_bytes; }

const char* gemm_tile() {
  static const std::string tile = std::to_string(kMr) + "x" + std::to_string(kNr);
  return tile.c_str();
}

}  // namespace vc::simd
