// The algorithms of the `simd` backend's conv2d forward, for tests and benchmarks. kernels_simd().conv2d_nchw_f32
// runs the one simd_conv_algo picks; tests/kernels checks each against `ref`, tools/bench/kernels_bench times each
// at the models' layer shapes (docs/benchmarks.md, "3x3 convolutions: Winograd", has the figures behind the rule).
#pragma once
#include <cstddef>

#include "kernels/kernels.h"

namespace vc {

enum class ConvAlgo {
  kIm2col,     // y_n[Cout, P] = W[Cout, Cin*k*k] @ col[Cin*k*k, P]: any kernel, stride and pad
  kWinograd2,  // Winograd F(2x2, 3x3): 4 multiply-adds per output and input channel instead of 9
  kWinograd4,  // Winograd F(4x4, 3x3): 2.25 instead of 9, with larger transforms and rounding error; the rule below
               // never picks it: the kernel tests and kernels_bench's "wino" rows run it, so it is measured again
               // whenever the kernels change (docs/benchmarks.md)
};

// "im2col", "winograd F(2x2,3x3)", "winograd F(4x4,3x3)".
const char* conv_algo_name(ConvAlgo algo);

// Winograd computes 3x3, stride-1 convolutions (any pad, any size) whose scratch memory stays within
// kWinogradMaxScratchFloats: the transformed weights (alpha^2 x Cout x Cin floats, alpha = m + 2) and one tile
// row's transformed inputs and products (alpha^2 x (Cin + Cout) x tiles per row).
inline constexpr size_t kWinogradMaxScratchFloats = size_t{1} << 22;  // 16 MiB
bool winograd_fits(ConvAlgo algo, const Conv2dShape& s);

// The algorithm kernels_simd().conv2d_nchw_f32 runs for shape s (the rule is in simd_winograd.cpp).
ConvAlgo simd_conv_algo(const Conv2dShape& s);

// The simd conv2d forward with a given algorithm (a Winograd one needs winograd_fits).
// x[B,Cin,H,W], w[Cout,Cin,k,k], b[Cout] or null -> y[B,Cout,Ho,Wo].  torch: act(F.conv2d(x, w, b, stride, pad))
void simd_conv2d_nchw_f32(ConvAlgo algo, const Conv2dShape& s, const float* x, const float* w, const float* b,
                          Act act, float* y);

}  // namespace vc
