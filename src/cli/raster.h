// A tiny RGB rasterizer for the figures of `vitcnn figures`: filled rectangles, dots, thick lines,
// digits and a few letters from a 3x5 bitmap font, and PNG output (stb_image_write).
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
  // The same in dashes `dash` px long, `gap` px apart, from (x0, y0).
  void dashed_line(double x0, double y0, double x1, double y1, double width, double dash, double gap, Rgb c);
  // Text in the 3x5 font ("0-9 . - %" and the letters a-i k-p r-y; unknown characters leave a blank), `scale` px per
  // font pixel, top-left at (x, y). Returns the width drawn.
  int text(int x, int y, const std::string& s, int scale, Rgb c);
  Status save_png(const std::string& path) const;

 private:
  int w_, h_;
  std::vector<uint8_t> rgb_;
};

// A legend: per item a colour swatch and its name in `ink`, one line of 20 px each from (x, y). Returns the y below
// the last line.
int draw_swatches(Canvas& c, int x, int y, const std::vector<std::pair<std::string, Rgb>>& items, Rgb ink);

// The frame of a line plot on a width x height canvas inside the margins: x = `count` categories 0..count-1 at the
// centres of equal slots (labelled from 1, as people count layers), y = 0..ymax upward.
class PlotFrame {
 public:
  PlotFrame(int width, int height, int left, int right, int top, int bottom, int count, double ymax)
      : w_(width), h_(height), left_(left), right_(right), top_(top), bottom_(bottom), count_(count), ymax_(ymax) {}
  double x(double i) const { return left_ + (i + 0.5) / count_ * (w_ - left_ - right_); }
  double y(double v) const { return h_ - bottom_ - v / ymax_ * (h_ - top_ - bottom_); }
  double x_end() const { return w_ - right_; }
  // Grid lines labelled every `step` on y, the two axes, ticks numbered 0..count-1 on x, and the titles (x below
  // the axis, y at the top left).
  void draw(Canvas& c, double step, const std::string& x_title, const std::string& y_title, Rgb ink, Rgb grid) const;

 private:
  int w_, h_, left_, right_, top_, bottom_, count_;
  double ymax_;
};

}  // namespace vc::cli
