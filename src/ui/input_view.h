// The Input view (panel_input.cpp): the canvas, brush, shifts, file loading and the gallery; and the compact
// input strip lab.cpp draws beside every other view. Its edits of the input are ui/input_edit.h.
#pragma once
#include <span>

#include "ui/view.h"

namespace vc {

void panel_input(AppState& app);        // the Input tab: canvas, brush, shifts, file loading, gallery
void panel_input_strip(AppState& app);  // compact current image + gallery beside every other view
void panel_gallery(AppState& app);      // thumbnails grouped by class

inline constexpr const char* kInputAnchors[] = {"canvas", "gallery.0", "button.load"};
std::span<const TextPair> input_texts();

}  // namespace vc
