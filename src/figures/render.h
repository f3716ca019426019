// The one renderer of the slide figures (figures/figure.h): a CPU rasterizer with anti-aliased TrueType text
// (stb_truetype) and lines, writing PNG (stb_image_write). The lab's PNG export and `vitcnn figures` both call it,
// with the same font files (the lab's subset DejaVu Sans, and Nanum Gothic for Korean: cmake/platform.cmake), so
// the same Figure gives the same bytes in both.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "figures/figure.h"

namespace vc {

// The TrueType files' bytes; they must outlive the call. `text` draws everything it has a glyph for, `hangul`
// (may be empty) the rest; a character neither has is left blank.
struct FigureFonts {
  std::span<const uint8_t> text;    // fonts/dejavu/DejaVuSans.ttf
  std::span<const uint8_t> hangul;  // fonts/nanum/NanumGothic.ttf (or empty)
};

inline constexpr int kFigureMinWidth = 1600;  // px: sharp on a 1920 px wide projector

struct FigureImage {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // [height, width, 3] row-major
};

// Draws `figure` `width` px wide (at least kFigureMinWidth; the height follows from the content). Errors: a width
// below the minimum, a font that stb_truetype cannot read, a heatmap whose values do not match rows x cols.
Result<FigureImage> render_figure(const Figure& figure, const FigureFonts& fonts, int width = kFigureMinWidth);
// The same as PNG bytes.
Result<std::vector<uint8_t>> render_png(const Figure& figure, const FigureFonts& fonts, int width = kFigureMinWidth);
// The lines the title of `figure` is drawn in at `width` px: words wrapped at spaces, a number and the "%" after it
// ("100 %") kept on one line. Errors: those of render_figure.
Result<std::vector<std::string>> title_lines(const Figure& figure, const FigureFonts& fonts,
                                             int width = kFigureMinWidth);
// An RGB image as PNG bytes; an error when its pixels do not match its size.
Result<std::vector<uint8_t>> encode_png(const FigureImage& image);

}  // namespace vc
