// Image decode (stb_image) and preprocessing to the models' input.
// Pipeline: any PNG/JPEG -> gray -> 28x28 in [0,1] (Fashion-MNIST style: light object on a dark
// background; a light background is inverted) -> zero-pad to the model size -> (x - mean) / std.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"

namespace vc {

constexpr int kDigitSize = 28;  // Fashion-MNIST side

struct GrayImage {
  int width = 0, height = 0;
  std::vector<float> pixels;  // [height, width], values in [0, 1]
};

// Decodes PNG/JPEG/BMP/GIF bytes. Refuses empty, corrupt, or over-large (> 64 Mpixel or > 16384 px side)
// images with a message saying why.
Result<GrayImage> decode_image(std::span<const uint8_t> bytes);
// Area-resample to 28x28; invert when the border is mostly light.
GrayImage to_digit_style(const GrayImage& img);

// Input normalization from the weight metadata's "input" object.
struct InputSpec {
  int size = 32;       // model side after padding
  int pad = 2;         // zero pad on each side of the 28x28 image (applied before normalization)
  float mean = 0.0f, std = 1.0f;
};

// images: B images of 28x28 in [0,1] (concatenated) -> x [B, 1, size, size], normalized.
Tensor make_input(std::span<const float> images, int batch, const InputSpec& spec);

}  // namespace vc
