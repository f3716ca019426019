// The `simd` backend: Highway static dispatch (wasm simd128 under emscripten, AVX2 natively).
// GEMM in simd_gemm.cpp, convolutions in simd_conv.cpp, the rest in simd_eltwise.cpp.
#include <string>

#include "hwy/targets.h"
#include "kernels/simd_internal.h"

namespace vc {
namespace simd {

const MathConsts kMathConsts = {
    1.0f,
    0.5f,
    1.44269504088896341f,  // log2(e)
    -0.693359375f,         // -ln2 high part: 355/512, so n * hi is exact for |n| < 2^15
    2.12194440e-4f,        // -(ln2 - 355/512)
    -87.0f,
    {1.0f, 1.0f, 1.0f / 2, 1.0f / 6, 1.0f / 24, 1.0f / 120, 1.0f / 720, 1.0f / 5040},
    0.70710678118654752f,  // 1/sqrt(2)
    // Abramowitz & Stegun 7.1.28: a1..a6
    {0.0705230784f, 0.0422820123f, 0.0092705272f, 0.0001520143f, 0.0002765672f, 0.0000430638f},
    0.39894228040143268f,  // 1/sqrt(2 pi)
    127,                   // float exponent bias
};

const char* isa_name() {
  // On x86, Highway's AVX2 and better targets multiply-add with FMA; SSSE3/SSE4 and wasm simd128 multiply, then add.
  static const std::string name =
      std::string(hwy::TargetName(HWY_TARGET)) + (HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX2 ? " FMA" : " mul+add");
  return name.c_str();
}

}  // namespace simd

const KernelTable& kernels_simd() {
  static const KernelTable table = {
      .name = "simd",
      .isa = simd::isa_name(),
      .gemm_tile = simd::gemm_tile(),
      .gemm_f32 = simd::gemm_f32,
      .linear_f32 = simd::linear_f32,
      .conv2d_nchw_f32 = simd::conv2d_nchw_f32,
      .conv2d_backward_input_nchw_f32 = simd::conv2d_backward_input_nchw_f32,
      .conv2d_backward_weight_nchw_f32 = simd::conv2d_backward_weight_nchw_f32,
      .layernorm_f32 = simd::layernorm_f32,
      .layernorm_backward_f32 = simd::layernorm_backward_f32,
      .softmax_rows_f32 = simd::softmax_rows_f32,
      .softmax_backward_rows_f32 = simd::softmax_backward_rows_f32,
      .gelu_f32 = simd::gelu_f32,
      .gelu_backward_f32 = simd::gelu_backward_f32,
      .relu_backward_f32 = simd::relu_backward_f32,
      .add_f32 = simd::add_f32,
      .global_avgpool_nchw_f32 = simd::global_avgpool_nchw_f32,
      .global_avgpool_backward_nchw_f32 = simd::global_avgpool_backward_nchw_f32,
  };
  return table;
}

size_t kernel_scratch_bytes() { return simd::scratch_bytes(); }

}  // namespace vc
