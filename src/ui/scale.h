// The presenter scale: every size of the lab (fonts, paddings, figures) times one factor, for projectors and wide
// windows. Chosen with A- / A+ in the menu bar, scale=<s> in a link (the page also takes ?scale=<s>), --scale for the
// desktop app; without a choice the automatic rule below follows the window's width. The platform shell rasterizes
// the fonts at the scaled size (crisp text at every scale) and scales the style (platform/shell.cpp).
#pragma once
#include <optional>
#include <string>

#include "ui/app_state.h"

namespace vc {

inline constexpr float kMinScale = 0.5f, kMaxScale = 3.0f;
// The steps A- / A+ walk through.
inline constexpr float kScaleSteps[] = {0.75f, 1.0f, 1.25f, 1.5f, 1.75f, 2.0f, 2.5f, 3.0f};
// Logical widths (CSS pixels) from which the automatic rule draws larger: 1.25 from 1600 px, 1.5 from 1900 px
// (a 1920 x 1080 projector), 1 below.
inline constexpr float kAutoScaleWidth125 = 1600.0f, kAutoScaleWidth150 = 1900.0f;

// The automatic rule for a window `logical_width` wide.
float auto_scale(float logical_width);
// What the lab draws at in a window `logical_width` wide: UiState::scale when chosen (> 0), else auto_scale.
float lab_scale(const AppState& app, float logical_width);
// The step after `current` in kScaleSteps, up (direction > 0) or down; `current` at either end stays.
float next_scale(float current, int direction);
// A scale of a link or a flag: a decimal number in [kMinScale, kMaxScale], rounded to two decimals; nothing else.
std::optional<float> parse_scale(const std::string& text);

}  // namespace vc
