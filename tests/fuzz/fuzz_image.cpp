// libFuzzer target: the path of a file dropped on the lab (lab_open_image): decode_image (stb_image: PNG, JPEG,
// BMP, GIF), to_digit_style (28x28, letterboxed, inverted on a light background), make_input (the model's input).
#include <stb/stb_image.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "core/image.h"

namespace {

// Images declaring more pixels than this are skipped (decode_image accepts up to 64 Mpixel: seconds under ASan
// for one input, which would only slow the search down); a few bytes of JPEG can declare any size.
constexpr int64_t kMaxFuzzPixels = 1 << 20;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  int w = 0, h = 0, comp = 0;
  if (size <= 1 << 30 && stbi_info_from_memory(data, static_cast<int>(size), &w, &h, &comp) &&
      static_cast<int64_t>(w) * h > kMaxFuzzPixels)
    return 0;
  auto img = vc::decode_image(bytes);
  if (!img) return 0;
  const vc::GrayImage digit = vc::to_digit_style(*img);
  if (digit.width != vc::kDigitSize || digit.height != vc::kDigitSize ||
      digit.pixels.size() != static_cast<size_t>(vc::kDigitSize * vc::kDigitSize))
    std::abort();
  for (float v : digit.pixels)
    if (!(v >= 0.0f && v <= 1.0f)) std::abort();
  const vc::Tensor x = vc::make_input(digit.pixels, 1, vc::InputSpec{});
  (void)x;
  return 0;
}
