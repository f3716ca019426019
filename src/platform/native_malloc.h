// glibc allocator settings for the native programs (vitcnn, the desktop lab, model_bench).
// A batch forward allocates and frees activations of several MB each (a CNN batch of 100: 13 MB per layer).
// By default glibc serves such blocks with mmap and returns them to the OS on free, so every forward pays
// fresh page faults and the kernel's zeroing: 20-30 % of `vitcnn eval`'s time (perf, docs/benchmarks.md).
// Serving them from the heap and not trimming it keeps the pages mapped between forwards.
#pragma once
#include <malloc.h>

namespace vc {

inline void keep_freed_memory_mapped() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest allowed value on 64-bit hosts
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace vc
