// The `simd` backend: Highway static dispatch (wasm simd128 under emscripten, AVX2 natively).
// GEMM in simd_gemm.cpp, convolutions in simd_conv.cpp, the rest in simd_eltwise.cpp.
#include "kernels/simd_internal.h"

namespace vc {

const KernelTable& kernels_simd() {
  static const KernelTable table = [] {
    KernelTable t{};
    t.name = "simd";
    simd::set_gemm_entries(t);
    simd::set_conv_entries(t);
    simd::set_eltwise_entries(t);
    return t;
  }();
  return table;
}

}  // namespace vc
