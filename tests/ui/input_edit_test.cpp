#include "ui/input_edit.h"

#include <gtest/gtest.h>

#include <cmath>

namespace vc {
namespace {

float sum(const InputImage& img) {
  float s = 0.0f;
  for (float v : img) s += v;
  return s;
}

TEST(InputEdit, HardBrushPaintsADisc) {
  InputImage img{};
  BrushSettings hard;
  hard.radius = 2.0f;
  hard.softness = 0.0f;
  EXPECT_TRUE(stamp_brush(img, 10.0f, 10.0f, hard, false));
  // Pixel centres within distance 2 of (10, 10) are full, the rest untouched.
  for (int y = 0; y < kInputSide; ++y)
    for (int x = 0; x < kInputSide; ++x) {
      const float d = std::hypot(x + 0.5f - 10.0f, y + 0.5f - 10.0f);
      const float v = img[y * kInputSide + x];
      if (d < 1.99f) EXPECT_EQ(v, 1.0f) << x << "," << y;
      if (d > 2.01f) EXPECT_EQ(v, 0.0f) << x << "," << y;
    }
  // Stamping again changes nothing: painting is max(x, a), so repeated stamps never overshoot.
  EXPECT_FALSE(stamp_brush(img, 10.0f, 10.0f, hard, false));
}

TEST(InputEdit, SoftEdgeFadesLinearly) {
  InputImage img{};
  BrushSettings soft;
  soft.radius = 4.0f;
  soft.softness = 1.0f;  // coverage (r - d) / r
  stamp_brush(img, 10.5f, 10.5f, soft, false);
  EXPECT_FLOAT_EQ(img[10 * kInputSide + 10], 1.0f);
  EXPECT_FLOAT_EQ(img[10 * kInputSide + 12], (4.0f - 2.0f) / 4.0f);
  EXPECT_FLOAT_EQ(img[10 * kInputSide + 13], (4.0f - 3.0f) / 4.0f);
  EXPECT_EQ(img[10 * kInputSide + 15], 0.0f);
}

TEST(InputEdit, EraseLowersAndStaysInBounds) {
  InputImage img;
  img.fill(1.0f);
  BrushSettings brush;
  brush.radius = 3.0f;
  brush.softness = 0.0f;
  // A brush centred in a corner, partly off the image, erases only what lies inside.
  EXPECT_TRUE(stamp_brush(img, 0.0f, 0.0f, brush, true));
  EXPECT_EQ(img[0], 0.0f);
  EXPECT_EQ(img[kInputPixels - 1], 1.0f);
  // Entirely off the image: nothing changes.
  const InputImage before = img;
  EXPECT_FALSE(stamp_brush(img, -20.0f, 50.0f, brush, true));
  EXPECT_EQ(img, before);
}

TEST(InputEdit, StrokeLeavesNoGaps) {
  InputImage img{};
  BrushSettings thin;
  thin.radius = 0.6f;
  thin.softness = 0.0f;
  stroke_brush(img, 2.5f, 5.5f, 25.5f, 5.5f, thin, false);
  for (int x = 3; x <= 25; ++x) EXPECT_EQ(img[5 * kInputSide + x], 1.0f) << x;
  EXPECT_EQ(img[7 * kInputSide + 10], 0.0f);
}

TEST(InputEdit, ShiftFillsWithZerosWithoutWrapping) {
  InputImage img{};
  for (int i = 0; i < kInputPixels; ++i) img[i] = static_cast<float>(i + 1) / kInputPixels;
  InputImage shifted = img;
  shift_image(shifted, 2, -1);
  for (int y = 0; y < kInputSide; ++y)
    for (int x = 0; x < kInputSide; ++x) {
      const int sx = x - 2, sy = y + 1;
      const bool inside = sx >= 0 && sy < kInputSide;
      EXPECT_EQ(shifted[y * kInputSide + x], inside ? img[sy * kInputSide + sx] : 0.0f) << x << "," << y;
    }
  // Two columns and one row are vacated; they share two pixels.
  InputImage ones;
  ones.fill(1.0f);
  shift_image(ones, 2, -1);
  EXPECT_EQ(sum(ones), static_cast<float>(kInputPixels - 2 * kInputSide - kInputSide + 2));
  shift_image(ones, 40, 0);
  EXPECT_EQ(sum(ones), 0.0f);
}

TEST(InputEdit, ActionsTrackSourceAndVersion) {
  AppState app;
  app.gallery.test_set.count = 2;
  app.gallery.test_set.images.assign(2 * kInputPixels, 0);
  app.gallery.test_set.images[kInputPixels + 5] = 255;
  app.gallery.test_set.labels = {3, 7};
  choose_test_image(app, 1);
  EXPECT_EQ(app.input.image[5], 1.0f);
  EXPECT_EQ(app.input.gallery_label, 7);
  EXPECT_EQ(app.input.source, InputSource::Gallery);
  const uint64_t v = app.input.version;
  clear_input(app);
  EXPECT_EQ(sum(app.input.image), 0.0f);
  EXPECT_TRUE(app.input.edited);
  InputImage file{};
  file[9] = 0.5f;
  set_file_input(app, file, "shoe.png");
  EXPECT_EQ(app.input.source, InputSource::File);
  EXPECT_FALSE(app.input.edited);
  reset_input(app);  // back to the last gallery image, not the file
  EXPECT_EQ(app.input.image[5], 1.0f);
  EXPECT_EQ(app.input.image[9], 0.0f);
  EXPECT_EQ(app.input.source, InputSource::Gallery);
  EXPECT_EQ(app.input.version, v + 3);
  choose_test_image(app, 2);  // out of range: ignored
  EXPECT_EQ(app.input.version, v + 3);
}

}  // namespace
}  // namespace vc
