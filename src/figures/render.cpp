#include "figures/render.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numbers>

// stb's C-style code trips -Wmissing-field-initializers and friends; the headers are third-party. Both are compiled
// static here (STBTT_STATIC, STB_IMAGE_WRITE_STATIC), so they never clash with another copy in the same program.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-function"
#define STBTT_STATIC
#define STB_TRUETYPE_IMPLEMENTATION
#include <stb/stb_truetype.h>
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

namespace vc {

Rgb colormap(float t) {
  // viridis sampled at t = 0, 1/8, ..., 1 (sRGB); colours in between are interpolated linearly.
  static constexpr std::array<Rgb, 9> kAnchors = {
      Rgb{0x44, 0x01, 0x54}, Rgb{0x47, 0x2D, 0x7B}, Rgb{0x3B, 0x52, 0x8B}, Rgb{0x2C, 0x72, 0x8E}, Rgb{0x21, 0x90, 0x8C},
      Rgb{0x27, 0xAD, 0x81}, Rgb{0x5D, 0xC8, 0x63}, Rgb{0xAA, 0xDC, 0x32}, Rgb{0xFD, 0xE7, 0x25}};
  t = std::clamp(std::isfinite(t) ? t : 0.0f, 0.0f, 1.0f) * (kAnchors.size() - 1);
  const size_t i = std::min(static_cast<size_t>(t), kAnchors.size() - 2);
  const float f = t - static_cast<float>(i);
  auto lerp = [f](uint8_t a, uint8_t b) { return static_cast<uint8_t>(std::lround(a + (b - a) * f)); };
  return {lerp(kAnchors[i].r, kAnchors[i + 1].r), lerp(kAnchors[i].g, kAnchors[i + 1].g),
          lerp(kAnchors[i].b, kAnchors[i + 1].b)};
}

std::vector<double> model_view(std::span<const float> image, int image_side, const InputSpec& spec) {
  std::vector<double> out(static_cast<size_t>(spec.size) * spec.size, 0.0);
  for (int y = 0; y < image_side; ++y)
    for (int x = 0; x < image_side; ++x) {
      const int oy = y + spec.pad, ox = x + spec.pad;
      if (oy < spec.size && ox < spec.size && static_cast<size_t>(y) * image_side + x < image.size())
        out[static_cast<size_t>(oy) * spec.size + ox] = image[static_cast<size_t>(y) * image_side + x];
    }
  return out;
}

namespace {

constexpr Rgb kWhite{255, 255, 255}, kInk{30, 30, 30}, kMuted{90, 90, 90}, kGrid{222, 222, 222};

// RGB pixels with coverage-weighted painting.
class Canvas {
 public:
  Canvas(int w, int h) : w_(w), h_(h), rgb_(static_cast<size_t>(w) * h * 3, 255) {}
  int width() const { return w_; }
  int height() const { return h_; }
  std::vector<uint8_t> take() { return std::move(rgb_); }
  // Paints c over pixel (x, y) with coverage a in [0, 1]; points outside are ignored.
  void blend(int x, int y, Rgb c, float a) {
    if (x < 0 || y < 0 || x >= w_ || y >= h_ || a <= 0.0f) return;
    a = std::min(a, 1.0f);
    uint8_t* p = &rgb_[(static_cast<size_t>(y) * w_ + x) * 3];
    const uint8_t v[3] = {c.r, c.g, c.b};
    for (int k = 0; k < 3; ++k) p[k] = static_cast<uint8_t>(std::lround(p[k] + (v[k] - p[k]) * a));
  }
  // The pixels whose centres lie in [x0, x1) x [y0, y1), painted with coverage a.
  void fill(double x0, double y0, double x1, double y1, Rgb c, float a = 1.0f) {
    for (int y = static_cast<int>(std::lround(y0)); y < std::lround(y1); ++y)
      for (int x = static_cast<int>(std::lround(x0)); x < std::lround(x1); ++x) blend(x, y, c, a);
  }
  // A segment `width` px thick with round ends, anti-aliased by the distance of each pixel centre.
  void line(double x0, double y0, double x1, double y1, double width, Rgb c) {
    const double r = width / 2.0, dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
    for (int y = static_cast<int>(std::floor(std::min(y0, y1) - r - 1)); y <= std::max(y0, y1) + r + 1; ++y)
      for (int x = static_cast<int>(std::floor(std::min(x0, x1) - r - 1)); x <= std::max(x0, x1) + r + 1; ++x) {
        const double px = x + 0.5 - x0, py = y + 0.5 - y0;
        const double t = len2 > 0 ? std::clamp((px * dx + py * dy) / len2, 0.0, 1.0) : 0.0;
        const double d = std::hypot(px - t * dx, py - t * dy);
        blend(x, y, c, static_cast<float>(std::clamp(r + 0.5 - d, 0.0, 1.0)));
      }
  }
  void dot(double cx, double cy, double radius, Rgb c) { line(cx, cy, cx, cy, 2.0 * radius, c); }

 private:
  int w_, h_;
  std::vector<uint8_t> rgb_;
};

// A line from (x0, y0) to (x1, y1): solid when dash is 0, else in dashes `dash` px long, `gap` px apart.
void segment(Canvas& c, double x0, double y0, double x1, double y1, double width, Rgb color, double dash, double gap) {
  const double len = std::hypot(x1 - x0, y1 - y0);
  if (dash <= 0.0 || len <= 0.0) return c.line(x0, y0, x1, y1, width, color);
  const double ux = (x1 - x0) / len, uy = (y1 - y0) / len;
  for (double t = 0.0; t < len; t += dash + gap) {
    const double e = std::min(t + dash, len);
    c.line(x0 + ux * t, y0 + uy * t, x0 + ux * e, y0 + uy * e, width, color);
  }
}

// One line of text as coverage in [0, 1]; `baseline` px below its top.
struct TextMask {
  int w = 0, h = 0;
  std::vector<float> a;
};

// The next code point of UTF-8 text from s[*i] (advancing *i); U+FFFD for a malformed sequence.
int next_codepoint(const std::string& s, size_t* i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(*i);
  const int extra = b < 0x80 ? 0 : (b >> 5) == 6 ? 1 : (b >> 4) == 14 ? 2 : (b >> 3) == 30 ? 3 : -1;
  if (extra < 0 || *i + extra >= s.size() + (extra == 0 ? 1 : 0)) {
    ++*i;
    return 0xFFFD;
  }
  int cp = extra == 0 ? b : b & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    if ((byte(*i + k) & 0xC0) != 0x80) {
      ++*i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (byte(*i + k) & 0x3F);
  }
  *i += extra + 1;
  return cp;
}

// The fonts of a figure: glyphs from the text face, else from the Hangul face.
class Typeface {
 public:
  Status init(const FigureFonts& fonts) {
    if (!load(fonts.text, &text_)) return Error{"figure font: the text font is not a TrueType font"};
    metrics();
    if (!fonts.hangul.empty() && !load(fonts.hangul, &hangul_))
      return Error{"figure font: the Hangul font is not a TrueType font"};
    return {};
  }
  double width(const std::string& s, double px) const {
    double x = 0.0;
    for (size_t i = 0; i < s.size();) x += advance(next_codepoint(s, &i), px);
    return x;
  }
  // Height of a line of `px` text (ascent + descent of the text face).
  double line_height(double px) const { return px * (ascent_ - descent_); }
  TextMask mask(const std::string& s, double px) const {
    TextMask m;
    m.w = static_cast<int>(std::ceil(width(s, px))) + 2;
    m.h = static_cast<int>(std::ceil(line_height(px))) + 2;
    m.a.assign(static_cast<size_t>(m.w) * m.h, 0.0f);
    const double baseline = 1.0 + px * ascent_;
    double x = 1.0;
    for (size_t i = 0; i < s.size();) {
      const int cp = next_codepoint(s, &i);
      int glyph = 0;
      const Face* f = face_for(cp, &glyph);
      if (f) {
        const float scale = scale_for(*f, px);
        const double ix = std::floor(x);
        const float shift = static_cast<float>(x - ix);
        int x0, y0, x1, y1;
        stbtt_GetGlyphBitmapBoxSubpixel(&f->info, glyph, scale, scale, shift, 0.0f, &x0, &y0, &x1, &y1);
        const int gw = x1 - x0, gh = y1 - y0;
        if (gw > 0 && gh > 0) {
          std::vector<unsigned char> bitmap(static_cast<size_t>(gw) * gh);
          stbtt_MakeGlyphBitmapSubpixel(&f->info, bitmap.data(), gw, gh, gw, scale, scale, shift, 0.0f, glyph);
          const int ox = static_cast<int>(ix) + x0, oy = static_cast<int>(std::lround(baseline)) + y0;
          for (int gy = 0; gy < gh; ++gy)
            for (int gx = 0; gx < gw; ++gx) {
              const int mx = ox + gx, my = oy + gy;
              if (mx < 0 || my < 0 || mx >= m.w || my >= m.h) continue;
              float& dst = m.a[static_cast<size_t>(my) * m.w + mx];
              dst = std::min(1.0f, dst + bitmap[static_cast<size_t>(gy) * gw + gx] / 255.0f);
            }
        }
      }
      x += advance(cp, px);
    }
    return m;
  }

 private:
  struct Face {
    stbtt_fontinfo info{};
    bool ok = false;
  };
  static bool load(std::span<const uint8_t> bytes, Face* f) {
    if (bytes.empty() || stbtt_GetFontOffsetForIndex(bytes.data(), 0) < 0) return false;
    f->ok = stbtt_InitFont(&f->info, bytes.data(), stbtt_GetFontOffsetForIndex(bytes.data(), 0)) != 0;
    return f->ok;
  }
  // The face that has a glyph for cp (and the glyph), nullptr when neither has one.
  const Face* face_for(int cp, int* glyph) const {
    for (const Face* f : {&text_, &hangul_}) {
      if (!f->ok) continue;
      *glyph = stbtt_FindGlyphIndex(&f->info, cp);
      if (*glyph != 0) return f;
    }
    return nullptr;
  }
  static float scale_for(const Face& f, double px) { return stbtt_ScaleForPixelHeight(&f.info, static_cast<float>(px)); }
  double advance(int cp, double px) const {
    int glyph = 0;
    const Face* f = face_for(cp, &glyph);
    if (!f) return 0.5 * px;
    int adv = 0, lsb = 0;
    stbtt_GetGlyphHMetrics(&f->info, glyph, &adv, &lsb);
    return adv * scale_for(*f, px);
  }
  // The text face's vertical metrics per px of size.
  void metrics() {
    int a = 0, d = 0, gap = 0;
    stbtt_GetFontVMetrics(&text_.info, &a, &d, &gap);
    const float s = stbtt_ScaleForPixelHeight(&text_.info, 1.0f);
    ascent_ = a * s;
    descent_ = d * s;
  }

  Face text_, hangul_;
  double ascent_ = 0.8, descent_ = -0.2;
};

enum class Align { Left, Center, Right };

// Text drawing on a canvas at a size in px of the figure's scale.
struct Writer {
  Canvas& canvas;
  const Typeface& face;
  // Horizontal text whose top is at y; x is its left edge, centre or right edge. Returns the height used.
  double text(const std::string& s, double px, double x, double y, Rgb c, Align align = Align::Left) const {
    const TextMask m = face.mask(s, px);
    const double left = align == Align::Left ? x : align == Align::Center ? x - m.w / 2.0 : x - m.w;
    const int ox = static_cast<int>(std::lround(left)), oy = static_cast<int>(std::lround(y));
    for (int my = 0; my < m.h; ++my)
      for (int mx = 0; mx < m.w; ++mx) canvas.blend(ox + mx, oy + my, c, m.a[static_cast<size_t>(my) * m.w + mx]);
    return m.h;
  }
  // Text turned a quarter left (read from bottom to top), centred on (cx, cy).
  void vertical(const std::string& s, double px, double cx, double cy, Rgb c) const {
    const TextMask m = face.mask(s, px);
    const int ox = static_cast<int>(std::lround(cx - m.h / 2.0)), oy = static_cast<int>(std::lround(cy + m.w / 2.0));
    for (int my = 0; my < m.h; ++my)
      for (int mx = 0; mx < m.w; ++mx) canvas.blend(ox + my, oy - mx, c, m.a[static_cast<size_t>(my) * m.w + mx]);
  }
};

// The end of the word of s starting at i: the next space, except that a number and a "%" after it ("100 %") stay
// one word.
size_t word_end(const std::string& s, size_t i) {
  size_t end = std::min(s.find(' ', i), s.size());
  while (end + 1 < s.size() && s[end + 1] == '%') end = std::min(s.find(' ', end + 1), s.size());
  return end;
}

// Words of s in lines no wider than `width` px.
std::vector<std::string> wrap(const Typeface& face, const std::string& s, double px, double width) {
  std::vector<std::string> lines;
  std::string line;
  size_t i = 0;
  while (i < s.size()) {
    const size_t end = word_end(s, i);
    const std::string word = s.substr(i, end - i);
    const std::string tried = line.empty() ? word : line + " " + word;
    if (!line.empty() && face.width(tried, px) > width) {
      lines.push_back(line);
      line = word;
    } else {
      line = tried;
    }
    i = end + 1;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

std::string number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", std::max(decimals, 0), v);
  return buf;
}

// A colour bar's five ticks, bottom to top: lo + (hi - lo) k / 4 shown as share(value), with the fewest decimals
// (at most max_decimals) that show every tick exactly: "0, 25, ..., 100" rather than "0.0, ..., 100.0".
template <class Share>
std::vector<std::string> bar_ticks(double lo, double hi, int max_decimals, Share share) {
  std::vector<double> v;
  for (int k = 0; k <= 4; ++k) v.push_back(share(lo + (hi - lo) * k / 4.0));
  auto exact = [&v](int d) {
    return std::all_of(v.begin(), v.end(), [d](double x) {
      const double scaled = x * std::pow(10.0, d);
      return std::fabs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, std::fabs(scaled));
    });
  };
  int decimals = 0;
  while (decimals < max_decimals && !exact(decimals)) ++decimals;
  std::vector<std::string> out;
  for (double x : v) out.push_back(number(x, decimals));
  return out;
}

// A round step (1, 2 or 5 times a power of ten) near span / 5, and the decimals that show it.
double nice_step(double span, int* decimals) {
  const double raw = span > 0 ? span / 5.0 : 1.0;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  const double m = raw / p;
  const double step = (m <= 1.0 ? 1.0 : m <= 2.0 ? 2.0 : m <= 5.0 ? 5.0 : 10.0) * p;
  *decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  return step;
}

// The layout sizes of a figure `width` px wide (u = width / 1600).
struct Sizes {
  double u, pad, title, body, tick, label;
  explicit Sizes(int width)
      : u(width / 1600.0), pad(48 * u), title(46 * u), body(28 * u), tick(26 * u), label(30 * u) {}
};

// Title and how-to-read lines from the top; returns the y below them.
double draw_header(const Writer& w, const Figure& f, const Sizes& s, bool draw) {
  double y = s.pad;
  const double text_w = w.canvas.width() - 2 * s.pad;
  for (const std::string& line : wrap(w.face, f.title, s.title, text_w)) {
    if (draw) w.text(line, s.title, s.pad, y, kInk);
    y += w.face.line_height(s.title);
  }
  y += 10 * s.u;
  for (const std::string& line : wrap(w.face, f.how_to_read, s.body, text_w)) {
    if (draw) w.text(line, s.body, s.pad, y, kMuted);
    y += w.face.line_height(s.body) * 1.1;
  }
  return y + 36 * s.u;
}

double widest(const Typeface& face, const std::vector<std::string>& v, double px) {
  double m = 0.0;
  for (const std::string& s : v) m = std::max(m, face.width(s, px));
  return m;
}

// A colour bar right of a plot: its title and its five tick labels, from the range's bottom to its top.
struct ColourBar {
  std::string label;
  std::vector<std::string> ticks;
};

// The width a colour bar takes right of the plot (with the gap before it).
double colour_bar_width(const Typeface& face, const Sizes& s, const ColourBar& bar) {
  return 48 * s.u + 36 * s.u + 12 * s.u + widest(face, bar.ticks, s.tick) + 16 * s.u + face.line_height(s.label);
}

// The colour bar beside a plot whose right edge is plot_right, from top to bottom: the colormap's top at the top,
// the ticks evenly spaced.
void draw_colour_bar(const Writer& w, const Sizes& s, const ColourBar& bar, double plot_right, double top,
                     double bottom) {
  const double label_h = w.face.line_height(s.label), tick_h = w.face.line_height(s.tick);
  const double bx = plot_right + 48 * s.u, bw = 36 * s.u;
  for (int y = static_cast<int>(std::lround(top)); y < std::lround(bottom); ++y) {
    const float t = static_cast<float>((bottom - (y + 0.5)) / (bottom - top));
    w.canvas.fill(bx, y, bx + bw, y + 1, colormap(t));
  }
  const size_t n = bar.ticks.size();
  for (size_t k = 0; k < n; ++k) {
    const double y = bottom - (bottom - top) * k / std::max<size_t>(n - 1, 1);
    w.canvas.line(bx + bw, y, bx + bw + 8 * s.u, y, 2 * s.u, kInk);
    w.text(bar.ticks[k], s.tick, bx + bw + 12 * s.u, y - tick_h / 2, kInk);
  }
  const double label_x = bx + bw + 12 * s.u + widest(w.face, bar.ticks, s.tick) + 16 * s.u + label_h / 2;
  w.vertical(bar.label, s.label, label_x, (top + bottom) / 2, kInk);
}

// rows x cols cells tiling [x0, x0 + width) x [y0, y0 + height), cell (i, j) (rows from the top) painted
// colour(i, j) with coverage alpha, `inset` px inside its edges.
template <class Colour>
void paint_cells(Canvas& c, double x0, double y0, double width, double height, int rows, int cols, double inset,
                 float alpha, Colour colour) {
  const double cw = width / cols, ch = height / rows;
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j)
      c.fill(x0 + j * cw + inset, y0 + i * ch + inset, x0 + (j + 1) * cw - inset, y0 + (i + 1) * ch - inset,
             colour(i, j), alpha);
}

// The column names' height under a grid of columns `size` px wide: each name wrapped to that width.
double column_names_height(const Typeface& face, const Figure& f, const Sizes& s, double size) {
  size_t lines = 1;
  for (const std::string& t : f.x_ticks) lines = std::max(lines, wrap(face, t, s.tick, size).size());
  return lines * face.line_height(s.tick);
}

// Rows or columns of a grid: one every `step` px, each `size` px wide.
struct Cells {
  double step, size;
};
// The axis names and the row / column names around a plot [left, right) x [top, bottom): row i's name centred on
// [top + i * step, + size), column j's below [left + j * step, + size) (wrapped to that width), the x label below
// the column names, the y label turned along the left of row names `names_w` px wide.
void draw_axes_names(const Writer& w, const Figure& f, const Sizes& s, double left, double right, double top,
                     double bottom, Cells rows, Cells cols, double names_w) {
  const double tick_h = w.face.line_height(s.tick), label_h = w.face.line_height(s.label);
  for (size_t i = 0; i < f.y_ticks.size(); ++i)
    w.text(f.y_ticks[i], s.tick, left - 14 * s.u, top + i * rows.step + (rows.size - tick_h) / 2, kInk, Align::Right);
  for (size_t j = 0; j < f.x_ticks.size(); ++j) {
    double y = bottom + 10 * s.u;
    for (const std::string& line : wrap(w.face, f.x_ticks[j], s.tick, cols.size))
      y += w.text(line, s.tick, left + j * cols.step + cols.size / 2, y, kInk, Align::Center) - 2;
  }
  const double names_h = column_names_height(w.face, f, s, cols.size);
  w.text(f.x_label, s.label, (left + right) / 2, bottom + 10 * s.u + names_h + 14 * s.u, kInk, Align::Center);
  w.vertical(f.y_label, s.label, left - 14 * s.u - names_w - 16 * s.u - label_h / 2, (top + bottom) / 2, kInk);
}

// The plot's height for a layout; `draw` false only measures. Returns the y below everything drawn.
double draw_heatmap(const Writer& w, const Figure& f, const Sizes& s, double top, bool draw) {
  const Heatmap& hm = *f.heatmap;
  const Typeface& face = w.face;
  const ColourBar bar{hm.value_label,
                      bar_ticks(hm.vmin, hm.vmax, hm.decimals >= 0 ? hm.decimals : 2, [](double v) { return v; })};
  const double label_h = face.line_height(s.label);
  const double left = s.pad + label_h + 16 * s.u + widest(face, f.y_ticks, s.tick) + 14 * s.u;
  const double right_reserved = colour_bar_width(face, s, bar) + s.pad;
  const double cell_w = (w.canvas.width() - left - right_reserved) / std::max(hm.cols, 1);
  // Rows at least tall enough for the y label along them; square cells up to 64 px high, or rows of stretched cells
  // 40 px high.
  const double label_row = (face.width(f.y_label, s.label) + 24 * s.u) / std::max(hm.rows, 1);
  const double cell_h =
      hm.row_lengths.empty() ? std::min(cell_w, std::max(64 * s.u, label_row)) : std::max(40 * s.u, label_row);
  const double bottom = top + cell_h * hm.rows;
  const double below = bottom + 10 * s.u + column_names_height(face, f, s, cell_w) + 14 * s.u + label_h;
  if (!draw) return below;
  auto shade = [&hm](double v) {
    return static_cast<float>(hm.vmax > hm.vmin ? (v - hm.vmin) / (hm.vmax - hm.vmin) : 0.0);
  };
  size_t first = 0;  // row i's first value
  for (int i = 0; i < hm.rows; ++i) {
    const int n = hm.row_lengths.empty() ? hm.cols : hm.row_lengths[i];
    const double w_i = cell_w * hm.cols / n, y0 = top + i * cell_h;
    // Cells narrower than 6 px touch, so that a row of many stays a band.
    paint_cells(w.canvas, left, y0, cell_w * hm.cols, cell_h, 1, n, w_i > 6 * s.u ? 1.0 : 0.0, 1.0f,
                [&](int, int j) { return colormap(shade(hm.values[first + j])); });
    const double px = std::min(22 * s.u, cell_h * 0.42);
    for (int j = 0; j < n && hm.decimals >= 0; ++j) {
      const double v = hm.values[first + j];
      if (face.width(number(v, hm.decimals), px) < w_i - 4)
        w.text(number(v, hm.decimals), px, left + (j + 0.5) * w_i, y0 + (cell_h - face.line_height(px)) / 2,
               shade(v) > 0.55f ? kInk : kWhite, Align::Center);
    }
    first += n;
  }
  const double plot_right = left + cell_w * hm.cols;
  draw_axes_names(w, f, s, left, plot_right, top, bottom, {cell_h, cell_h}, {cell_w, cell_w},
                  widest(face, f.y_ticks, s.tick));
  draw_colour_bar(w, s, bar, plot_right, top, bottom);
  return below;
}

// The colour bar of a map grid: the weights' range when shared, else shares of each map's largest value (for
// OwnMaxSqrt the share at each tick, the colour being its square root).
ColourBar map_colour_bar(const MapGrid& g) {
  if (g.scale != MapScale::Shared)
    return {g.value_label, bar_ticks(0.0, 1.0, 2, [sqrt = g.scale == MapScale::OwnMaxSqrt](double t) {
              return sqrt ? t * t : t;
            })};
  const double span = std::max(std::fabs(g.vmin), std::fabs(g.vmax));
  const int decimals = span > 0 ? std::max(2, 1 - static_cast<int>(std::floor(std::log10(span)))) : 2;
  return {g.value_label, bar_ticks(g.vmin, g.vmax, decimals, [](double v) { return v; })};
}

// A value's place on the colormap under the grid's scale; `peak`: its map's largest value.
float map_shade(const MapGrid& g, double v, double peak) {
  const double lo = g.scale == MapScale::Shared ? g.vmin : 0.0, top = g.scale == MapScale::Shared ? g.vmax : peak;
  const double share = top > lo ? std::clamp((v - lo) / (top - lo), 0.0, 1.0) : 0.0;
  return static_cast<float>(g.scale == MapScale::OwnMaxSqrt ? std::sqrt(share) : share);
}

// One panel `side` px square at (x0, y0): the grid's image in grey, the map over it, then the marks in white.
void draw_panel(const Writer& w, const MapGrid& g, const Panel& p, const Sizes& s, double x0, double y0, double side) {
  const int n = g.image_side;
  const bool with_image = !g.image.empty();
  if (with_image)
    paint_cells(w.canvas, x0, y0, side, side, n, n, 0.0, 1.0f, [&](int i, int j) {
      const uint8_t v = static_cast<uint8_t>(std::lround(255 * std::clamp(g.image[static_cast<size_t>(i) * n + j], 0.0, 1.0)));
      return Rgb{v, v, v};
    });
  if (p.map.empty()) return;
  const double peak = *std::max_element(p.map.begin(), p.map.end());
  paint_cells(w.canvas, x0, y0, side, side, g.map_side, g.map_side, 0.0,
              with_image ? static_cast<float>(g.opacity) : 1.0f,
              [&](int i, int j) { return colormap(map_shade(g, p.map[static_cast<size_t>(i) * g.map_side + j], peak)); });
  const double px = side / std::max(n, 1);
  if (p.box) {
    const auto [l, t, r, b] = *p.box;
    const double xa = x0 + l * px, ya = y0 + t * px, xb = x0 + r * px, yb = y0 + b * px, lw = 2 * s.u;
    for (const std::array<double, 4>& e : {std::array{xa, ya, xb, ya}, std::array{xa, yb, xb, yb},
                                           std::array{xa, ya, xa, yb}, std::array{xb, ya, xb, yb}})
      w.canvas.line(e[0], e[1], e[2], e[3], lw, kWhite);
  }
  if (!p.dot) return;
  const double cx = x0 + (*p.dot)[0] * px, cy = y0 + (*p.dot)[1] * px;
  w.canvas.dot(cx, cy, 3.5 * s.u, kWhite);
  for (size_t k = 0; k < p.rings.size(); ++k) {
    // A polygon of 96 sides, clipped to the panel.
    const double r = p.rings[k] * px, lw = (k == 0 ? 2.5 : 1.2) * s.u;
    for (int i = 0; i < 96; ++i) {
      const double a0 = 2 * std::numbers::pi * i / 96, a1 = 2 * std::numbers::pi * (i + 1) / 96;
      const double xa = cx + r * std::cos(a0), ya = cy + r * std::sin(a0), xb = cx + r * std::cos(a1),
                   yb = cy + r * std::sin(a1);
      const auto inside = [&](double x, double y) { return x >= x0 && x <= x0 + side && y >= y0 && y <= y0 + side; };
      if (inside(xa, ya) && inside(xb, yb)) w.canvas.line(xa, ya, xb, yb, lw, kWhite);
    }
  }
}

// A single map's cell numbers from 1 (index, name): 1 and every step-th cell, the step (1, 2, 5, 10, 20, ...) the
// smallest that keeps the names `cell` px apart from overlapping (a multiple too near 1 left out).
std::vector<std::pair<int, std::string>> cell_numbers(const Typeface& face, const Sizes& s, int n, double cell) {
  const double room = face.width(std::to_string(n), s.tick) + 10 * s.u;
  int step = 1;
  for (int p = 1; step * cell < room; p *= 10)
    for (int m : {1, 2, 5})
      if (step * cell < room) step = m * p;
  std::vector<std::pair<int, std::string>> out;
  for (int i = 1; i <= n; ++i)
    if (i == 1 || (i % step == 0 && (i - 1) * cell >= room)) out.emplace_back(i, std::to_string(i));
  return out;
}

// A single map's cell numbers with short ticks along the bottom and left edges of the panel at (x0, y0), `side` px.
void draw_cell_numbers(const Writer& w, const Sizes& s, const std::vector<std::pair<int, std::string>>& numbers,
                       int n, double x0, double y0, double side) {
  const double cell = side / n, tick_h = w.face.line_height(s.tick);
  for (const auto& [i, name] : numbers) {
    const double at = (i - 0.5) * cell;
    w.canvas.line(x0 + at, y0 + side, x0 + at, y0 + side + 6 * s.u, 2 * s.u, kInk);
    w.text(name, s.tick, x0 + at, y0 + side + 10 * s.u, kInk, Align::Center);
    w.canvas.line(x0 - 6 * s.u, y0 + at, x0, y0 + at, 2 * s.u, kInk);
    w.text(name, s.tick, x0 - 14 * s.u, y0 + at - tick_h / 2, kInk, Align::Right);
  }
}

// A grid of map panels with row and column names and the colour bar, or a single map with its cells numbered,
// centred in the width; `draw` false only measures.
double draw_maps(const Writer& w, const Figure& f, const Sizes& s, double top, bool draw) {
  const MapGrid& g = *f.maps;
  const Typeface& face = w.face;
  const ColourBar bar = map_colour_bar(g);
  const bool single = g.rows == 1 && g.cols == 1;
  const double label_h = face.line_height(s.label), gap = 12 * s.u;
  // A single map's row names are its cell numbers, at most as wide as the largest.
  const double names_w = single ? face.width(std::to_string(g.map_side), s.tick) : widest(face, f.y_ticks, s.tick);
  const double margin = s.pad + label_h + 16 * s.u + names_w + 14 * s.u;
  const double room = w.canvas.width() - margin - colour_bar_width(face, s, bar) - s.pad;
  const double side = std::min((room - gap * (g.cols - 1)) / g.cols, 760 * s.u);
  const double left = margin + std::max(0.0, room - g.cols * side - (g.cols - 1) * gap) / 2;
  const double bottom = top + g.rows * side + (g.rows - 1) * gap;
  const double below = bottom + 10 * s.u + column_names_height(face, f, s, side) + 14 * s.u + label_h;
  if (!draw) return below;
  for (int i = 0; i < g.rows; ++i)
    for (int j = 0; j < g.cols; ++j)
      draw_panel(w, g, g.panels[static_cast<size_t>(i) * g.cols + j], s, left + j * (side + gap),
                 top + i * (side + gap), side);
  if (single)
    draw_cell_numbers(w, s, cell_numbers(face, s, g.map_side, side / g.map_side), g.map_side, left, top, side);
  const double plot_right = left + g.cols * side + (g.cols - 1) * gap;
  draw_axes_names(w, f, s, left, plot_right, top, bottom, {side + gap, side}, {side + gap, side}, names_w);
  draw_colour_bar(w, s, bar, plot_right, top, bottom);
  return below;
}

double draw_lines(const Writer& w, const Figure& f, const Sizes& s, double top, bool draw) {
  const Typeface& face = w.face;
  size_t count = f.x_ticks.size();
  double peak = f.y_min;
  for (const Series& se : f.series) {
    count = std::max(count, se.y.size());
    for (double v : se.y)
      if (!std::isnan(v)) peak = std::max(peak, v);
    for (const std::vector<double>& values : se.spread)
      for (double v : values)
        if (!std::isnan(v)) peak = std::max(peak, v);
    for (size_t i = 0; i < se.error.size() && i < se.y.size(); ++i)
      if (!std::isnan(se.y[i] + se.error[i])) peak = std::max(peak, se.y[i] + se.error[i]);
  }
  for (const Level& level : f.levels) peak = std::max(peak, level.y);
  int decimals = 0;
  const double step = nice_step(peak - f.y_min, &decimals);
  const double ymax = f.y_min + std::max(1.0, std::ceil((peak - f.y_min) / step - 1e-9)) * step;
  std::vector<std::string> y_labels;
  for (double v = f.y_min; v <= ymax + step / 2; v += step) y_labels.push_back(number(v, decimals));
  std::vector<std::string> names;
  for (const Series& se : f.series) names.push_back(se.name);
  for (const Level& level : f.levels) names.push_back(level.name);
  const double label_h = face.line_height(s.label), tick_h = face.line_height(s.tick);
  const double legend_w = 64 * s.u + widest(face, names, s.tick);
  const double left = s.pad + label_h + 16 * s.u + widest(face, y_labels, s.tick) + 14 * s.u;
  const double right = w.canvas.width() - s.pad - legend_w - 40 * s.u;
  const double height = 0.42 * w.canvas.width();
  const double bottom = top + height;
  const double slot = (right - left) / std::max<size_t>(count, 1);
  // The categories' names wrapped to their slot ("emb / stem" on two lines), every k-th named, k chosen so that the
  // names do not overlap.
  std::vector<std::vector<std::string>> x_names;
  double names_w = 0.0;
  size_t names_lines = 1;
  for (const std::string& t : f.x_ticks) {
    x_names.push_back(wrap(face, t, s.tick, slot - 12 * s.u));
    names_w = std::max(names_w, widest(face, x_names.back(), s.tick));
    names_lines = std::max(names_lines, x_names.back().size());
  }
  const int every = std::max(1, static_cast<int>(std::ceil((names_w + 12 * s.u) / slot)));
  const double names_h = names_lines * tick_h;
  const double legend_bottom = top + names.size() * 40 * s.u;
  const double below = std::max(bottom + 10 * s.u + names_h + 14 * s.u + label_h, legend_bottom);
  if (!draw) return below;
  auto xpos = [&](double i) { return left + (i + 0.5) * slot; };
  auto ypos = [&](double v) { return bottom - (v - f.y_min) / (ymax - f.y_min) * height; };
  for (size_t k = 0; k < y_labels.size(); ++k) {
    const double y = ypos(f.y_min + k * step);
    w.canvas.line(left, y, right, y, 1.5 * s.u, kGrid);
    w.text(y_labels[k], s.tick, left - 14 * s.u, y - tick_h / 2, kInk, Align::Right);
  }
  w.canvas.line(left, top, left, bottom, 2 * s.u, kInk);
  w.canvas.line(left, bottom, right, bottom, 2 * s.u, kInk);
  for (size_t i = 0; i < x_names.size(); ++i) {
    w.canvas.line(xpos(i), bottom, xpos(i), bottom + 6 * s.u, 2 * s.u, kInk);
    for (size_t k = 0; k < x_names[i].size() && i % every == 0; ++k)
      w.text(x_names[i][k], s.tick, xpos(i), bottom + 10 * s.u + k * tick_h, kInk, Align::Center);
  }
  w.text(f.x_label, s.label, (left + right) / 2, bottom + 10 * s.u + names_h + 14 * s.u, kInk, Align::Center);
  w.vertical(f.y_label, s.label, s.pad + label_h / 2, (top + bottom) / 2, kInk);
  const double lx = right + 40 * s.u;
  auto legend_y = [&](size_t k) { return top + k * 40 * s.u + tick_h / 2; };
  for (size_t k = 0; k < f.levels.size(); ++k) {
    // Long dashes for the first level, shorter ones for each next.
    const double y = ypos(f.levels[k].y), ly = legend_y(f.series.size() + k);
    const double dash = 16 * s.u / (1 + k);
    segment(w.canvas, left, y, right, y, 2.5 * s.u, kMuted, dash, 9 * s.u);
    segment(w.canvas, lx, ly, lx + 48 * s.u, ly, 2.5 * s.u, kMuted, dash, 9 * s.u);
    w.text(f.levels[k].name, s.tick, lx + 60 * s.u, ly - tick_h / 2, kInk);
  }
  for (size_t k = 0; k < f.series.size(); ++k) {
    const Series& se = f.series[k];
    const double width = (se.thin ? 2.0 : 4.5) * s.u, radius = (se.thin ? 4.5 : 7.0) * s.u;
    for (size_t i = 0; i < se.spread.size(); ++i)
      for (size_t j = 0; j < se.spread[i].size(); ++j)
        if (!std::isnan(se.spread[i][j]))
          w.canvas.dot(xpos(i + 0.25 * ((j + 0.5) / se.spread[i].size() - 0.5)), ypos(se.spread[i][j]), 4.0 * s.u,
                       se.color);
    for (size_t i = 0; i < se.error.size() && i < se.y.size(); ++i) {
      if (std::isnan(se.y[i] + se.error[i])) continue;
      const double lo = ypos(std::max(f.y_min, se.y[i] - se.error[i])), hi = ypos(se.y[i] + se.error[i]);
      w.canvas.line(xpos(i), lo, xpos(i), hi, 2.0 * s.u, se.color);
      for (double y : {lo, hi}) w.canvas.line(xpos(i) - 8 * s.u, y, xpos(i) + 8 * s.u, y, 2.0 * s.u, se.color);
    }
    for (size_t i = 0; i < se.y.size(); ++i) {
      if (std::isnan(se.y[i])) continue;
      if (i + 1 < se.y.size() && !std::isnan(se.y[i + 1]))
        segment(w.canvas, xpos(i), ypos(se.y[i]), xpos(i + 1), ypos(se.y[i + 1]), width, se.color,
                se.dashed ? 14 * s.u : 0.0, 9 * s.u);
      w.canvas.dot(xpos(i), ypos(se.y[i]), radius, se.color);
    }
    const double ly = legend_y(k);
    segment(w.canvas, lx, ly, lx + 48 * s.u, ly, width, se.color, se.dashed ? 14 * s.u : 0.0, 9 * s.u);
    w.canvas.dot(lx + 24 * s.u, ly, radius, se.color);
    w.text(se.name, s.tick, lx + 60 * s.u, ly - tick_h / 2, kInk);
  }
  return below;
}

// Everything below the header; `draw` false only measures. Returns the y below it.
double draw_body(const Writer& w, const Figure& f, const Sizes& s, double top, bool draw) {
  return f.heatmap ? draw_heatmap(w, f, s, top, draw)
         : f.maps  ? draw_maps(w, f, s, top, draw)
                   : draw_lines(w, f, s, top, draw);
}

Status check_width(int width) {
  if (width < kFigureMinWidth)
    return Error{"a figure is at least " + std::to_string(kFigureMinWidth) + " px wide, not " + std::to_string(width)};
  return {};
}

}  // namespace

Result<FigureImage> render_figure(const Figure& figure, const FigureFonts& fonts, int width) {
  if (Status st = check_width(width); !st) return st.error();
  if (figure.heatmap) {
    const Heatmap& hm = *figure.heatmap;
    size_t cells = static_cast<size_t>(hm.rows) * hm.cols;
    bool ok = hm.rows >= 1 && hm.cols >= 1;
    if (!hm.row_lengths.empty()) {
      ok = ok && hm.row_lengths.size() == static_cast<size_t>(hm.rows);
      cells = 0;
      for (int n : hm.row_lengths) {
        ok = ok && n >= 1 && n <= hm.cols;
        cells += static_cast<size_t>(std::max(n, 0));
      }
    }
    if (!ok || hm.values.size() != cells) return Error{"heatmap values do not match its rows x cols"};
  }
  if (figure.maps) {
    const MapGrid& g = *figure.maps;
    bool ok = g.rows >= 1 && g.cols >= 1 && g.image_side >= 1 && g.map_side >= 1 &&
              g.panels.size() == static_cast<size_t>(g.rows) * g.cols &&
              (g.image.empty() || g.image.size() == static_cast<size_t>(g.image_side) * g.image_side);
    for (const Panel& p : g.panels)
      ok = ok && (p.map.empty() || p.map.size() == static_cast<size_t>(g.map_side) * g.map_side);
    if (!ok) return Error{"map grid panels, image or maps do not match its sizes"};
  }
  Typeface face;
  if (Status st = face.init(fonts); !st) return st.error();
  const Sizes sizes(width);
  // Measure on a 1-px-high canvas, then draw on one of the height measured.
  Canvas probe(width, 1);
  const Writer measure{probe, face};
  const double height = draw_body(measure, figure, sizes, draw_header(measure, figure, sizes, false), false) + sizes.pad;
  Canvas canvas(width, static_cast<int>(std::ceil(height)));
  const Writer writer{canvas, face};
  draw_body(writer, figure, sizes, draw_header(writer, figure, sizes, true), true);
  return FigureImage{canvas.width(), canvas.height(), canvas.take()};
}

Result<std::vector<std::string>> title_lines(const Figure& figure, const FigureFonts& fonts, int width) {
  if (Status st = check_width(width); !st) return st.error();
  Typeface face;
  if (Status st = face.init(fonts); !st) return st.error();
  const Sizes s(width);
  return wrap(face, figure.title, s.title, width - 2 * s.pad);
}

Result<std::vector<uint8_t>> render_png(const Figure& figure, const FigureFonts& fonts, int width) {
  Result<FigureImage> image = render_figure(figure, fonts, width);
  if (!image) return image.error();
  return encode_png(*image);
}

Result<std::vector<uint8_t>> encode_png(const FigureImage& image) {
  if (image.width < 1 || image.height < 1 || image.rgb.size() != static_cast<size_t>(image.width) * image.height * 3)
    return Error{"the image's pixels do not match its size"};
  std::vector<uint8_t> png;
  auto append = [](void* ctx, void* data, int size) {
    auto* out = static_cast<std::vector<uint8_t>*>(ctx);
    out->insert(out->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
  };
  if (!stbi_write_png_to_func(append, &png, image.width, image.height, 3, image.rgb.data(), 3 * image.width))
    return Error{"PNG encoding failed"};
  return png;
}

}  // namespace vc
