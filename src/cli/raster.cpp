#include "cli/raster.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

// stb's C-style struct initializers trip -Wmissing-field-initializers; the header is third-party.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

namespace vc::cli {
namespace {

// 3x5 glyphs, one row per 3-bit number (bit 2 = left column).
struct Glyph {
  char c;
  std::array<uint8_t, 5> rows;
};
constexpr Glyph kFont[] = {
    {'0', {7, 5, 5, 5, 7}}, {'1', {2, 6, 2, 2, 7}}, {'2', {7, 1, 7, 4, 7}}, {'3', {7, 1, 7, 1, 7}},
    {'4', {5, 5, 7, 1, 1}}, {'5', {7, 4, 7, 1, 7}}, {'6', {7, 4, 7, 5, 7}}, {'7', {7, 1, 1, 1, 1}},
    {'8', {7, 5, 7, 5, 7}}, {'9', {7, 5, 7, 1, 7}}, {'.', {0, 0, 0, 0, 2}}, {'-', {0, 0, 7, 0, 0}},
    {'%', {5, 1, 2, 4, 5}}, {'a', {2, 5, 7, 5, 5}}, {'d', {6, 5, 5, 5, 6}}, {'e', {7, 4, 6, 4, 7}},
    {'h', {5, 5, 7, 5, 5}}, {'i', {7, 2, 2, 2, 7}}, {'l', {4, 4, 4, 4, 7}}, {'p', {7, 5, 7, 4, 4}},
    {'r', {6, 5, 6, 5, 5}}, {'s', {7, 4, 7, 1, 7}}, {'t', {7, 2, 2, 2, 2}}, {'x', {5, 5, 2, 5, 5}},
    {'y', {5, 5, 2, 2, 2}}, {'n', {6, 5, 5, 5, 5}}, {'c', {7, 4, 4, 4, 7}}, {'m', {5, 7, 7, 5, 5}},
    {'v', {5, 5, 5, 5, 2}}, {'o', {7, 5, 5, 5, 7}}, {'g', {7, 4, 5, 5, 7}}, {'k', {5, 5, 6, 5, 5}},
    {'b', {4, 4, 7, 5, 7}}, {'u', {5, 5, 5, 5, 7}}, {'f', {3, 4, 6, 4, 4}}, {'w', {5, 5, 7, 7, 5}},
};

const Glyph* glyph(char c) {
  for (const Glyph& g : kFont)
    if (g.c == c) return &g;
  return nullptr;
}

}  // namespace

Rgb mix(Rgb a, Rgb b, float t) {
  auto m = [t](uint8_t x, uint8_t y) { return static_cast<uint8_t>(std::lround((1.0f - t) * x + t * y)); };
  return {m(a.r, b.r), m(a.g, b.g), m(a.b, b.b)};
}

Canvas::Canvas(int width, int height, Rgb background) : w_(width), h_(height), rgb_(3 * size_t(width) * height) {
  fill_rect(0, 0, width, height, background);
}

void Canvas::set(int x, int y, Rgb c) {
  if (x < 0 || y < 0 || x >= w_ || y >= h_) return;
  uint8_t* p = &rgb_[3 * (size_t(y) * w_ + x)];
  p[0] = c.r;
  p[1] = c.g;
  p[2] = c.b;
}

Rgb Canvas::get(int x, int y) const {
  const uint8_t* p = &rgb_[3 * (size_t(std::clamp(y, 0, h_ - 1)) * w_ + std::clamp(x, 0, w_ - 1))];
  return {p[0], p[1], p[2]};
}

void Canvas::fill_rect(int x, int y, int w, int h, Rgb c) {
  for (int yy = std::max(y, 0); yy < std::min(y + h, h_); ++yy)
    for (int xx = std::max(x, 0); xx < std::min(x + w, w_); ++xx) set(xx, yy, c);
}

void Canvas::dot(double cx, double cy, double radius, Rgb c) {
  for (int y = static_cast<int>(std::floor(cy - radius)); y <= static_cast<int>(std::ceil(cy + radius)); ++y)
    for (int x = static_cast<int>(std::floor(cx - radius)); x <= static_cast<int>(std::ceil(cx + radius)); ++x)
      if (std::hypot(x + 0.5 - cx, y + 0.5 - cy) <= radius) set(x, y, c);
}

void Canvas::line(double x0, double y0, double x1, double y1, double width, Rgb c) {
  // Every pixel whose centre lies within width/2 of the segment.
  const double r = width / 2, dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
  const int xa = static_cast<int>(std::floor(std::min(x0, x1) - r)), xb = static_cast<int>(std::ceil(std::max(x0, x1) + r));
  const int ya = static_cast<int>(std::floor(std::min(y0, y1) - r)), yb = static_cast<int>(std::ceil(std::max(y0, y1) + r));
  for (int y = ya; y <= yb; ++y)
    for (int x = xa; x <= xb; ++x) {
      const double px = x + 0.5, py = y + 0.5;
      const double t = len2 > 0 ? std::clamp(((px - x0) * dx + (py - y0) * dy) / len2, 0.0, 1.0) : 0.0;
      if (std::hypot(px - (x0 + t * dx), py - (y0 + t * dy)) <= r) set(x, y, c);
    }
}

int Canvas::text(int x, int y, const std::string& s, int scale, Rgb c) {
  int cx = x;
  for (char ch : s) {
    if (const Glyph* g = glyph(static_cast<char>(std::tolower(static_cast<unsigned char>(ch)))))
      for (int row = 0; row < 5; ++row)
        for (int col = 0; col < 3; ++col)
          if (g->rows[row] & (4 >> col)) fill_rect(cx + col * scale, y + row * scale, scale, scale, c);
    cx += 4 * scale;
  }
  return cx - x;
}

Status Canvas::save_png(const std::string& path) const {
  if (!stbi_write_png(path.c_str(), w_, h_, 3, rgb_.data(), 3 * w_)) return Error{"cannot write PNG '" + path + "'"};
  return {};
}

}  // namespace vc::cli
