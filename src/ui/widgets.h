// Small widgets shared by the panels: help markers, captions, texture-free image drawing, widget rects.
#pragma once
#include <string>

#include "ui/app_state.h"

struct ImDrawList;
struct ImVec2;

namespace vc {

// "(?)" that shows `text` (a formula or an explanation) in a tooltip on hover.
void help_marker(const char* text);
// The one-line "What to notice: ..." caption under a figure; `notice` is the translated text.
void notice_caption(const AppState& app, const char* notice);
// Records the last item's screen rectangle under `id` (see lab_query("rects")).
void record_rect(AppState& app, const std::string& id);
// Draws a side x side grayscale image ([0,1], row-major) as filled rectangles, `cell` pixels per pixel.
void draw_gray_image(ImDrawList* dl, const ImVec2& origin, float cell, const float* pixels, int side);
// UI scale relative to Dear ImGui's 13 px default font (high-DPI and projector friendly sizes).
float ui_scale();
// printf-style formatting into a std::string (for translated format strings).
std::string format_text(const char* fmt, ...);
// Sets the status line under the menu bar.
void set_message(AppState& app, std::string text, bool is_error);

}  // namespace vc
