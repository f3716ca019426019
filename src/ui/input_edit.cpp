#include "ui/input_edit.h"

#include <algorithm>
#include <cmath>

namespace vc {

bool stamp_brush(InputImage& img, float cx, float cy, const BrushSettings& brush, bool erase) {
  const float r = std::max(brush.radius, 0.05f);
  const float fade = std::max(r * std::clamp(brush.softness, 0.0f, 1.0f), 1e-3f);
  bool changed = false;
  const int x_lo = std::max(0, static_cast<int>(std::floor(cx - r))), x_hi = std::min(kInputSide - 1, static_cast<int>(cx + r));
  const int y_lo = std::max(0, static_cast<int>(std::floor(cy - r))), y_hi = std::min(kInputSide - 1, static_cast<int>(cy + r));
  for (int y = y_lo; y <= y_hi; ++y) {
    for (int x = x_lo; x <= x_hi; ++x) {
      // Coverage from the distance between the brush centre and the pixel centre.
      const float d = std::hypot(x + 0.5f - cx, y + 0.5f - cy);
      const float a = std::clamp((r - d) / fade, 0.0f, 1.0f);
      if (a <= 0.0f) continue;
      float& v = img[y * kInputSide + x];
      const float nv = erase ? std::min(v, 1.0f - a) : std::max(v, a);
      changed |= nv != v;
      v = nv;
    }
  }
  return changed;
}

bool stroke_brush(InputImage& img, float x0, float y0, float x1, float y1, const BrushSettings& brush, bool erase) {
  // Quarter-pixel steps: max/min stamping is idempotent, so overlapping stamps do not darken the stroke.
  const int steps = std::max(1, static_cast<int>(std::ceil(std::hypot(x1 - x0, y1 - y0) * 4.0f)));
  bool changed = false;
  for (int i = 1; i <= steps; ++i) {
    const float t = static_cast<float>(i) / steps;
    changed |= stamp_brush(img, x0 + t * (x1 - x0), y0 + t * (y1 - y0), brush, erase);
  }
  return changed;
}

void shift_image(InputImage& img, int dx, int dy) {
  InputImage out{};
  for (int y = 0; y < kInputSide; ++y) {
    const int sy = y - dy;
    if (sy < 0 || sy >= kInputSide) continue;
    for (int x = 0; x < kInputSide; ++x) {
      const int sx = x - dx;
      if (sx >= 0 && sx < kInputSide) out[y * kInputSide + x] = img[sy * kInputSide + sx];
    }
  }
  img = out;
}

InputImage image_from_bytes(const uint8_t* bytes) {
  InputImage img{};
  for (int i = 0; i < kInputPixels; ++i) img[i] = bytes[i] / 255.0f;
  return img;
}

void choose_test_image(AppState& app, int test_index) {
  const LabeledImages& set = app.gallery.test_set;
  if (test_index < 0 || test_index >= set.count || set.rows != kInputSide || set.cols != kInputSide) return;
  InputState& in = app.input;
  in.image = image_from_bytes(&set.images[static_cast<size_t>(test_index) * kInputPixels]);
  in.reset_image = in.image;
  in.gallery_index = test_index;
  in.gallery_label = set.labels[test_index];
  in.source = InputSource::Gallery;
  in.source_name.clear();
  in.edited = false;
  ++in.version;
}

void choose_default_input(AppState& app) {
  const std::vector<int>& thumbnails = app.gallery.thumbnails;
  if (!thumbnails.empty()) return choose_test_image(app, thumbnails[0]);
  InputState& in = app.input;
  in.image.fill(0.0f);
  in.reset_image.fill(0.0f);
  in.gallery_index = in.gallery_label = -1;
  in.source = InputSource::Blank;
  in.source_name.clear();
  in.edited = false;
  ++in.version;
}

bool input_untouched(const InputState& input) { return input.source == InputSource::Blank && !input.edited; }

void set_file_input(AppState& app, const InputImage& img, const std::string& name) {
  InputState& in = app.input;
  in.image = img;
  in.source = InputSource::File;
  in.source_name = name;
  in.edited = false;
  ++in.version;
}

void mark_input_edited(InputState& input) {
  input.edited = true;
  ++input.version;
}

void reset_input(AppState& app) {
  InputState& in = app.input;
  in.image = in.reset_image;
  // Reset returns to the last gallery image; with none chosen yet the reset image is blank.
  in.source = in.gallery_index >= 0 ? InputSource::Gallery : InputSource::Blank;
  in.source_name.clear();
  in.edited = false;
  ++in.version;
}

void clear_input(AppState& app) {
  app.input.image.fill(0.0f);
  mark_input_edited(app.input);
}

void shift_input(AppState& app, int dx, int dy) {
  shift_image(app.input.image, dx, dy);
  mark_input_edited(app.input);
}

}  // namespace vc
