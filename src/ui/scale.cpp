#include "ui/scale.h"

#include <cmath>
#include <cstdlib>
#include <iterator>

namespace vc {

float auto_scale(float logical_width) {
  if (logical_width >= kAutoScaleWidth150) return 1.5f;
  if (logical_width >= kAutoScaleWidth125) return 1.25f;
  return 1.0f;
}

float lab_scale(const AppState& app, float logical_width) {
  return app.ui.scale > 0 ? app.ui.scale : auto_scale(logical_width);
}

float next_scale(float current, int direction) {
  if (direction > 0) {
    for (float s : kScaleSteps)
      if (s > current + 1e-3f) return s;
  } else {
    for (auto it = std::rbegin(kScaleSteps); it != std::rend(kScaleSteps); ++it)
      if (*it < current - 1e-3f) return *it;
  }
  return current;
}

std::optional<float> parse_scale(const std::string& text) {
  // Digits and one '.', nothing else (no sign, exponent, "nan" or "inf").
  if (text.empty() || text.find_first_not_of("0123456789.") != std::string::npos) return std::nullopt;
  // strtod: Emscripten 3.1.6's libc++ has no floating-point from_chars; the programs keep the "C" locale.
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  const double rounded = std::round(value * 100.0) / 100.0;
  if (rounded < kMinScale || rounded > kMaxScale) return std::nullopt;
  return static_cast<float>(rounded);
}

}  // namespace vc
