// Editing the 28x28 input: pure image operations, and the input actions the panels and shortcuts share.
#pragma once
#include <cstdint>
#include <string>

#include "ui/app_state.h"

namespace vc {

// Paints (or erases) a soft disc centred at (cx, cy) in pixel units (pixel (x, y) spans [x, x+1) x [y, y+1)).
// Returns whether any pixel changed.
bool stamp_brush(InputImage& img, float cx, float cy, const BrushSettings& brush, bool erase);
// Stamps along the segment (x0, y0) -> (x1, y1) densely enough to leave no gaps.
bool stroke_brush(InputImage& img, float x0, float y0, float x1, float y1, const BrushSettings& brush, bool erase);
// Moves the content by (dx, dy) pixels; the uncovered edge becomes 0 (no wrap-around).
void shift_image(InputImage& img, int dx, int dy);
// Pixel i of a test image (bytes 0..255) -> [0, 1].
InputImage image_from_bytes(const uint8_t* bytes);

// Input actions: each updates the source bookkeeping and bumps InputState::version.
void choose_test_image(AppState& app, int test_index);
// The input of a page opened without an image of its own: the gallery's first thumbnail, or a blank canvas while the
// test set is not there (lab.cpp picks the thumbnail when it arrives and the input is still untouched).
void choose_default_input(AppState& app);
// Blank and never drawn on: nothing the student made (or a link named) would be lost by replacing it.
bool input_untouched(const InputState& input);
void set_file_input(AppState& app, const InputImage& img, const std::string& name);
void mark_input_edited(InputState& input);
void reset_input(AppState& app);
void clear_input(AppState& app);
void shift_input(AppState& app, int dx, int dy);

}  // namespace vc
