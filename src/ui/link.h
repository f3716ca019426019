// The lab-wide part of a link (the URL hash, the desktop app's --view): the input image, the language, the presenter
// scale and the tour step. lab_view_state writes "tab=<view>", then these keys, then every view's own settings;
// lab_apply_view_state gives each key to apply_link_key first. The keys (docs/architecture.md, "Links"):
//   img=<i>      the test-set image i (the gallery's source, what Reset returns to)
//   px=<code>    the 28 x 28 image itself when it is not test image `img` as it is (drawn on, shifted, a file):
//                encode_pixels below
//   lang=en|ko   the language (always written)
//   scale=<s>    the presenter scale chosen with A- / A+ or --scale, 0.5..3 (absent: the automatic rule, ui/scale.h)
//   tour=<n>     the guided tour's step, from 0 (absent: no tour shown); UiState::tour_step
// A bad value is ignored like an unknown key: the link falls back to the defaults for that key.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ui/app_state.h"

namespace vc {

// The image as link text: each pixel rounded to a byte (round(v * 255), row-major), every run of n zero bytes
// (1 <= n <= 255) written as the two bytes 0, n; the bytes in base64url (RFC 4648 section 5, no padding).
// A blank image takes 11 characters, a typical test image 450..700, at most 1568 (every other pixel zero).
std::string encode_pixels(const InputImage& image);
// The image of encode_pixels' text (byte / 255), or nothing when the text is not base64url, a zero run has no
// length or a length 0, or the pixels are not exactly 28 x 28.
std::optional<InputImage> decode_pixels(std::string_view text);

// The items of a view state "key=value&key=value" in order, each as (key, value); an item without '=' has an empty
// value and `has_value` false (lab_apply_view_state ignores it).
struct ViewItem {
  std::string key, value;
  bool has_value = false;
};
std::vector<ViewItem> split_view_state(std::string_view view);

// The lab-wide keys of the current state, each "&key=value".
std::string link_state(const AppState& app);
// Everything a link can hold back to a fresh page's state, before an outside link applies (lab_open_link): the first
// tab, the default input (choose_default_input), the automatic scale, no tour step, every view's settings and
// checkpoints; the averaging and re-measuring runs those settings started are cancelled. The language stays: a link
// always names it, and a page opened without one keeps the reader's.
void reset_link_state(AppState& app);
// Applies one lab-wide key; false when the key is not one of them. The input waits in InputState::link until
// the test set has arrived (apply_link_input).
bool apply_link_key(AppState& app, const std::string& key, const std::string& value);
// The input a link asked for becomes the input once the test set is there (also right away for an image alone);
// true when it did. lab.cpp calls it after a link and when the gallery arrives.
bool apply_link_input(AppState& app);

}  // namespace vc
