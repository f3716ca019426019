// A tiny RGB rasterizer for the image grids of `vitcnn figures` not yet drawn as slide figures (attention_grid.png,
// erf_grid.png; the rest: src/figures): pixels, filled rectangles, dots, thick lines, digits and a few letters from a
// 3x5 bitmap font, and PNG output (stb_image_write).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "figures/figure.h"  // Rgb, colormap: the slide figures' colours

namespace vc::cli {

Rgb mix(Rgb a, Rgb b, float t);  // (1 - t) * a + t * b

class Canvas {
 public:
  Canvas(int width, int height, Rgb background);
  int width() const { return w_; }
  int height() const { return h_; }
  void set(int x, int y, Rgb c);  // ignores points outside the canvas
  Rgb get(int x, int y) const;
  void fill_rect(int x, int y, int w, int h, Rgb c);
  void dot(double cx, double cy, double radius, Rgb c);
  void line(double x0, double y0, double x1, double y1, double width, Rgb c);
  // Text in the 3x5 font ("0-9 . - %" and the letters a-i k-p r-y; unknown characters leave a blank), `scale` px per
  // font pixel, top-left at (x, y). Returns the width drawn.
  int text(int x, int y, const std::string& s, int scale, Rgb c);
  Status save_png(const std::string& path) const;

 private:
  int w_, h_;
  std::vector<uint8_t> rgb_;
};

}  // namespace vc::cli
