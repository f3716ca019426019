// The `simd` backend (Highway). Until each kernel is vectorized it forwards to `ref`.
#include "kernels/kernels.h"

namespace vc {

const KernelTable& kernels_simd() {
  static const KernelTable table = [] {
    KernelTable t = kernels_ref();
    t.name = "simd";
    return t;
  }();
  return table;
}

}  // namespace vc
