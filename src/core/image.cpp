#include "core/image.h"

#include <algorithm>
#include <climits>
#include <iterator>
#include <memory>
#include <string>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
// The four formats decode_image promises, and no other stb decoder (PSD, TGA, PIC, PNM) to attack.
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_BMP
#define STBI_ONLY_GIF
#define STBI_NO_HDR
#define STBI_NO_LINEAR
#include <stb/stb_image.h>

namespace vc {

namespace {

constexpr int64_t kMaxSide = 16384;
constexpr int64_t kMaxPixels = 64ll * 1024 * 1024;

// Whether every chunk of a PNG (up to IEND) fits in the file; true for other formats. stb_image grows its IDAT
// buffer to the length a chunk declares before reading it, so a forged length in a few bytes of PNG would allocate
// up to 4 GB (the fuzzer's find).
bool png_chunks_fit(std::span<const uint8_t> bytes) {
  constexpr uint8_t kSignature[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  constexpr size_t kChunkOverhead = 12;  // length, type, CRC
  if (bytes.size() < sizeof kSignature || !std::equal(std::begin(kSignature), std::end(kSignature), bytes.begin()))
    return true;
  constexpr size_t kChunkHeader = 8;      // length, type: what stb_image reads before it allocates
  for (size_t pos = sizeof kSignature; pos + kChunkHeader <= bytes.size();) {
    const uint64_t length = (uint64_t{bytes[pos]} << 24) | (uint64_t{bytes[pos + 1]} << 16) |
                            (uint64_t{bytes[pos + 2]} << 8) | uint64_t{bytes[pos + 3]};
    if (length + kChunkOverhead > bytes.size() - pos) return false;
    if (std::equal(&bytes[pos + 4], &bytes[pos + 8], "IEND")) return true;
    pos += kChunkOverhead + length;
  }
  return true;  // ends inside a chunk's length or type: stb_image reads no length and reports the truncation
}

// Mean of the outermost rows and columns: the background level of a typical photo or drawing.
float border_mean(const GrayImage& img) {
  double sum = 0.0;
  int64_t n = 0;
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) {
      if (y != 0 && y != img.height - 1 && x != 0 && x != img.width - 1) continue;
      sum += img.pixels[static_cast<size_t>(y) * img.width + x];
      ++n;
    }
  }
  return n ? static_cast<float>(sum / n) : 0.0f;
}

// Area (box) resampling of one line of length `in_len` (stride `in_step` between samples) to length `out_len`, output
// sample i: the coverage-weighted mean of the input interval [i * in_len / out_len, (i + 1) * in_len / out_len).
float resample_sample(const float* in, int in_len, int64_t in_step, int out_len, int i) {
  const double scale = static_cast<double>(in_len) / out_len;
  const double lo = i * scale, hi = (i + 1) * scale;
  double acc = 0.0;
  for (int k = static_cast<int>(lo); k < in_len && k < hi; ++k) {
    const double cover = std::min<double>(hi, k + 1) - std::max<double>(lo, k);
    acc += cover * in[k * in_step];
  }
  return static_cast<float>(acc / scale);
}

// resample_sample for every output sample of `count` lines (`in_line` between input lines, `out_step` between
// output samples, `out_line` between output lines).
void resample_axis(const float* in, int in_len, int64_t in_step, int64_t in_line, float* out, int out_len,
                   int64_t out_step, int64_t out_line, int count) {
  for (int line = 0; line < count; ++line)
    for (int i = 0; i < out_len; ++i)
      out[line * out_line + i * out_step] = resample_sample(in + line * in_line, in_len, in_step, out_len, i);
}

// stb_image's reason for the last failure, in parentheses. It can be empty: an unknown PNG chunk's message starts
// with the chunk's type bytes, and a type of four zero bytes ends the string at once.
std::string stb_reason() {
  const char* reason = stbi_failure_reason();
  return std::string(" (") + (reason && *reason ? reason : "an unknown PNG chunk type, or no reason given") + ")";
}

}  // namespace

Result<GrayImage> decode_image(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return Error{"image file is empty"};
  if (bytes.size() > static_cast<size_t>(INT_MAX)) return Error{"image file is too large (over 2 GB)"};
  const int len = static_cast<int>(bytes.size());
  int w = 0, h = 0, comp = 0;
  // Read only the header first, so an absurd declared size is refused before any allocation.
  if (!stbi_info_from_memory(bytes.data(), len, &w, &h, &comp))
    return Error{"not a readable PNG/JPEG/BMP/GIF image" + stb_reason()};
  if (w <= 0 || h <= 0) return Error{"image has no pixels"};
  if (!png_chunks_fit(bytes)) return Error{"PNG data is truncated or corrupt (a chunk runs past the end of the file)"};
  if (w > kMaxSide || h > kMaxSide || static_cast<int64_t>(w) * h > kMaxPixels)
    return Error{"image is too large: " + std::to_string(w) + "x" + std::to_string(h) +
                 " (limit 16384 px per side, 64 Mpixel)"};
  // Two channels: luminance and alpha; transparent areas are composited over white (paper).
  std::unique_ptr<stbi_uc, decltype(&stbi_image_free)> px(stbi_load_from_memory(bytes.data(), len, &w, &h, &comp, 2),
                                                          &stbi_image_free);
  if (!px) return Error{"image data is corrupt" + stb_reason()};
  GrayImage img;
  img.width = w;
  img.height = h;
  img.pixels.resize(static_cast<size_t>(w) * h);
  for (size_t i = 0; i < img.pixels.size(); ++i) {
    const float lum = px.get()[2 * i] / 255.0f, alpha = px.get()[2 * i + 1] / 255.0f;
    img.pixels[i] = lum * alpha + (1.0f - alpha);
  }
  return img;
}

GrayImage to_digit_style(const GrayImage& img) {
  GrayImage out;
  out.width = out.height = kDigitSize;
  out.pixels.assign(kDigitSize * kDigitSize, 0.0f);
  if (img.width <= 0 || img.height <= 0 || img.pixels.size() < static_cast<size_t>(img.width) * img.height)
    return out;
  // Fashion-MNIST shows a light object on black: invert when the border (background) is mostly light.
  const float bg = border_mean(img);
  const bool invert = bg > 0.5f;
  const float fill = invert ? 1.0f - bg : bg;
  // Letterbox onto a square filled with the background level, so the object keeps its proportions, then a
  // separable area resample: rows first (side x side -> side x 28), then columns (-> 28 x 28).
  // The square is never built (a 16384 x 1 image would make it 1 GiB): a row of it is all fill, or one image row
  // between fill, and only the output samples whose interval reaches the image are computed from the image.
  const int side = std::max(img.width, img.height);
  const int ox = (side - img.width) / 2, oy = (side - img.height) / 2;
  std::vector<float> line(side, fill), fill_row(kDigitSize);
  resample_axis(line.data(), side, 1, side, fill_row.data(), kDigitSize, 1, kDigitSize, 1);
  const double scale = static_cast<double>(side) / kDigitSize;
  std::vector<float> rows(static_cast<size_t>(side) * kDigitSize);
  for (int y = 0; y < side; ++y) {
    float* dst = rows.data() + static_cast<size_t>(y) * kDigitSize;
    std::copy(fill_row.begin(), fill_row.end(), dst);
    if (y < oy || y >= oy + img.height) continue;
    const float* src = img.pixels.data() + static_cast<size_t>(y - oy) * img.width;
    for (int x = 0; x < img.width; ++x) line[x + ox] = invert ? 1.0f - src[x] : src[x];
    // The output samples whose interval [i * scale, (i + 1) * scale) reaches the image's [ox, ox + width), and one
    // more on each side against rounding (a sample that reads only fill equals fill_row's anyway).
    const int first = std::max(0, static_cast<int>(ox / scale) - 1);
    const int last = std::min(kDigitSize - 1, static_cast<int>((ox + img.width) / scale) + 1);
    for (int i = first; i <= last; ++i) dst[i] = resample_sample(line.data(), side, 1, kDigitSize, i);
  }
  resample_axis(rows.data(), side, kDigitSize, 1, out.pixels.data(), kDigitSize, kDigitSize, 1, kDigitSize);
  for (float& v : out.pixels) v = std::clamp(v, 0.0f, 1.0f);
  return out;
}

Tensor make_input(std::span<const float> images, int batch, const InputSpec& spec) {
  Tensor x({batch, 1, spec.size, spec.size});
  constexpr size_t kPixels = kDigitSize * kDigitSize;
  const float inv_std = spec.std != 0.0f ? 1.0f / spec.std : 1.0f;
  // Zero padding first, so border pixels normalize to (0 - mean) / std like the training pipeline.
  std::fill(x.data.begin(), x.data.end(), -spec.mean * inv_std);
  for (int b = 0; b < batch && (b + 1) * kPixels <= images.size(); ++b) {
    float* dst = x.ptr() + static_cast<size_t>(b) * spec.size * spec.size;
    const float* src = images.data() + b * kPixels;
    for (int y = 0; y < kDigitSize; ++y) {
      const int ty = y + spec.pad;
      if (ty < 0 || ty >= spec.size) continue;
      for (int xx = 0; xx < kDigitSize; ++xx) {
        const int tx = xx + spec.pad;
        if (tx < 0 || tx >= spec.size) continue;
        dst[ty * spec.size + tx] = (src[y * kDigitSize + xx] - spec.mean) * inv_std;
      }
    }
  }
  return x;
}

}  // namespace vc
