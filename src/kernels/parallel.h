// The kernels' worker threads: a fixed pool that splits one kernel's independent work (the row tiles of a GEMM,
// the images of a convolution or of attention) over several threads. Off by default (one thread: every loop runs
// inline on the caller); set_kernel_threads(n) starts n - 1 workers, the calling thread being the n-th. Where the build
// has no threads (the page's single-thread module, without -pthread), set_kernel_threads keeps one.
//
// Results do not depend on the thread count: each output element is computed by one thread, in the same order as
// with one (tests/kernels checks it bit for bit).
#pragma once
#include <cstdint>
#include <functional>
#include <utility>

namespace vc {

inline constexpr int kMaxKernelThreads = 16;
// The hardware's threads, from 1 to kMaxKernelThreads (the default of --threads); 1 where the build has no threads.
int kernel_threads_available();
// Uses n threads (clamped to [1, kMaxKernelThreads], 1 where the build has none) for the kernels called from now on.
// Not to be called while a kernel runs.
void set_kernel_threads(int n);
int kernel_threads();

// Work of at least this many multiply-adds is worth splitting (a GEMM's row tiles, a convolution's images or Winograd
// tile chunks, attention's images): below it, waking a worker costs about as much as the half it would take.
inline constexpr int64_t kParallelMacs = int64_t{1} << 20;

// Runs fn(begin, end) over [0, count) split into at most kernel_threads() contiguous ranges of whole `grain`s (the
// first ranges take one grain more than the others where they do not divide evenly; the last range ends at count),
// the caller running the first; returns once every range is done, rethrowing what the caller's range threw (a worker's
// exception ends the program). One range, inline, when count <= grain or with one thread; a call from inside a range
// runs inline, and so does a call from another thread while the workers run a loop.
void parallel_for(int count, int grain, const std::function<void(int begin, int end)>& fn);
// parallel_for when the loop's `macs` (its multiply-adds in all) reach kParallelMacs and there are several threads,
// else fn(0, count) inline (no std::function is built: small kernels pay nothing for the threads).
template <class Fn>
void parallel_for_macs(int64_t macs, int count, int grain, Fn&& fn) {
  if (count <= 0) return;
  if (macs < kParallelMacs || kernel_threads() == 1) return fn(0, count);
  parallel_for(count, grain, std::ref(fn));
}

}  // namespace vc
