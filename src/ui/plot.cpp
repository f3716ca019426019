#include "ui/plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>

#include "figures/figure.h"

namespace vc {

namespace {


// Tick values from lo to hi at a "nice" step giving about `target` intervals.
std::vector<double> ticks(double lo, double hi, int target) {
  std::vector<double> out;
  if (!(hi > lo)) return out;
  const double step = nice_ceiling((hi - lo) / target);
  for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push_back(v);
  return out;
}

void dashed_line(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 color, float thickness, float dash) {
  const float len = std::hypot(b.x - a.x, b.y - a.y);
  if (len <= 0.0f) return;
  const ImVec2 d((b.x - a.x) / len, (b.y - a.y) / len);
  for (float s = 0.0f; s < len; s += 2.0f * dash) {
    const float e = std::min(len, s + dash);
    dl->AddLine(ImVec2(a.x + d.x * s, a.y + d.y * s), ImVec2(a.x + d.x * e, a.y + d.y * e), color, thickness);
  }
}

// Dash (and gap) length of a Dashed or Dotted line.
float dash_length(PlotSeries::Style style, float font_size) {
  return style == PlotSeries::Style::Dotted ? std::max(1.5f, font_size * 0.12f) : font_size * 0.35f;
}

std::string tick_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", std::fabs(v) < 1e-12 ? 0.0 : v);
  return buf;
}

}  // namespace

ImU32 viridis(float t, float alpha) {
  const Rgb c = colormap(t);
  return IM_COL32(c.r, c.g, c.b, static_cast<int>(std::clamp(alpha, 0.0f, 1.0f) * 255.0f));
}

ImU32 family_color(int family) {
  constexpr ImU32 kColors[] = {IM_COL32(90, 170, 255, 255), IM_COL32(240, 90, 80, 255), IM_COL32(90, 200, 110, 255),
                               IM_COL32(190, 120, 255, 255), IM_COL32(240, 200, 60, 255)};
  return kColors[static_cast<size_t>(family) % std::size(kColors)];
}

void draw_heatmap(ImDrawList* dl, const ImVec2& origin, float side, std::span<const float> values, int grid,
                  float vmax, float opacity, float gamma) {
  if (!(vmax > 0.0f) || grid <= 0 || values.size() < static_cast<size_t>(grid) * grid) return;
  const float cell = side / static_cast<float>(grid);
  for (int y = 0; y < grid; ++y)
    for (int x = 0; x < grid; ++x)
      dl->AddRectFilled(ImVec2(origin.x + x * cell, origin.y + y * cell),
                        ImVec2(origin.x + (x + 1) * cell, origin.y + (y + 1) * cell),
                        viridis(std::pow(std::max(values[static_cast<size_t>(y) * grid + x] / vmax, 0.0f), gamma),
                                opacity));
}

void colormap_legend(const char* id, float vmin, float vmax, const char* format, float width) {
  const float bar_h = ImGui::GetFontSize() * 0.8f;
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float text_h = ImGui::GetTextLineHeight();
  ImGui::InvisibleButton(id, ImVec2(width, bar_h + text_h + 2.0f));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  constexpr int kSteps = 32;
  const float step_w = width / kSteps;
  for (int i = 0; i < kSteps; ++i)
    dl->AddRectFilled(ImVec2(p0.x + i * step_w, p0.y), ImVec2(p0.x + (i + 1) * step_w, p0.y + bar_h),
                      viridis((i + 0.5f) / kSteps, 1.0f));
  char lo[32], hi[32];
  std::snprintf(lo, sizeof lo, format, vmin);
  std::snprintf(hi, sizeof hi, format, vmax);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  dl->AddText(ImVec2(p0.x, p0.y + bar_h + 1.0f), text, lo);
  dl->AddText(ImVec2(p0.x + width - ImGui::CalcTextSize(hi).x, p0.y + bar_h + 1.0f), text, hi);
}

double nice_ceiling(double v) {
  if (!(v > 0.0) || !std::isfinite(v)) return 1.0;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * p >= v * (1.0 - 1e-12)) return m * p;
  return 10.0 * p;
}

bool plot_series(const char* id, const ImVec2& size, const PlotAxes& axes, std::span<const PlotSeries> series) {
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float fs = ImGui::GetFontSize();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 faint = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 grid_col = ImGui::GetColorU32(ImGuiCol_Border);

  // Frame: the y label above it, y tick labels on its left; below it x ticks, the x label, then the legend
  // (labelled series left to right, wrapping into rows).
  const float row_h = fs * 1.25f, left = p0.x + fs * 3.6f, right = p0.x + size.x - fs * 0.6f;
  auto legend_width = [&](const PlotSeries& s) { return fs * 2.0f + ImGui::CalcTextSize(s.label.c_str()).x; };
  std::vector<ImVec2> legend_at(series.size());
  int legend_rows = 0;
  float x = right;
  for (size_t i = 0; i < series.size(); ++i) {
    const PlotSeries& s = series[i];
    if (s.label.empty()) continue;
    if (x + legend_width(s) > right && x > left) {
      ++legend_rows;
      x = left;
    }
    legend_at[i] = ImVec2(x, static_cast<float>(legend_rows - 1) * row_h);
    x += legend_width(s) + fs;
  }
  const ImVec2 lo(left, p0.y + fs * 1.6f);
  const ImVec2 hi(right, p0.y + size.y - fs * 2.8f - legend_rows * row_h);
  if (hi.x <= lo.x + 4.0f || hi.y <= lo.y + 4.0f) return hovered;
  auto tx = [&](double x) { return axes.log_x ? std::log10(std::max(x, 1e-300)) : x; };
  const double x_span = axes.x_max > axes.x_min ? tx(axes.x_max) - tx(axes.x_min) : 1.0;
  const double y_span = axes.y_max > axes.y_min ? axes.y_max - axes.y_min : 1.0;
  auto to_screen = [&](double x, double y) {
    return ImVec2(lo.x + static_cast<float>((tx(x) - tx(axes.x_min)) / x_span) * (hi.x - lo.x),
                  hi.y - static_cast<float>((y - axes.y_min) / y_span) * (hi.y - lo.y));
  };
  dl->AddRectFilled(lo, hi, ImGui::GetColorU32(ImGuiCol_FrameBg));

  for (double v : ticks(axes.y_min, axes.y_max, 5)) {
    const float y = to_screen(axes.x_min, v).y;
    dl->AddLine(ImVec2(lo.x, y), ImVec2(hi.x, y), grid_col);
    const std::string s = tick_text(v);
    dl->AddText(ImVec2(lo.x - ImGui::CalcTextSize(s.c_str()).x - 4.0f, y - fs * 0.5f), faint, s.c_str());
  }
  std::vector<double> xt;
  if (!axes.x_ticks.empty())
    xt = axes.x_ticks;
  else if (axes.integer_x)
    for (double v = std::ceil(axes.x_min); v <= axes.x_max; v += 1.0) xt.push_back(v);
  else
    xt = ticks(axes.x_min, axes.x_max, 6);
  for (double v : xt) {
    const float x = to_screen(v, axes.y_min).x;
    dl->AddLine(ImVec2(x, hi.y), ImVec2(x, hi.y + 4.0f), faint);
    const bool named = axes.integer_x && v >= 1.0 && v <= static_cast<double>(axes.x_names.size());
    const std::string s = named ? axes.x_names[static_cast<size_t>(v) - 1] : tick_text(v);
    dl->AddText(ImVec2(x - ImGui::CalcTextSize(s.c_str()).x * 0.5f, hi.y + 4.0f), faint, s.c_str());
  }
  const ImVec2 xl = ImGui::CalcTextSize(axes.x_label.c_str());
  dl->AddText(ImVec2((lo.x + hi.x - xl.x) * 0.5f, hi.y + fs * 1.4f), text, axes.x_label.c_str());
  dl->AddText(ImVec2(p0.x, p0.y), text, axes.y_label.c_str());
  dl->AddRect(lo, hi, grid_col);

  dl->PushClipRect(lo, hi, true);
  const float r = std::max(2.5f, fs * 0.25f);
  for (const PlotSeries& s : series) {
    const size_t n = std::min(s.x.size(), s.y.size());
    for (size_t i = 0; i < n; ++i) {
      const ImVec2 p = to_screen(s.x[i], s.y[i]);
      if (s.style == PlotSeries::Style::Dots) {
        dl->AddCircleFilled(p, r, s.color);
      } else if (i + 1 < n) {
        const ImVec2 q = to_screen(s.x[i + 1], s.y[i + 1]);
        if (s.style == PlotSeries::Style::Line)
          dl->AddLine(p, q, s.color, 2.0f);
        else
          dashed_line(dl, p, q, s.color, 1.5f, dash_length(s.style, fs));
      }
    }
    if (s.style == PlotSeries::Style::Line)
      for (size_t i = 0; i < n; ++i) dl->AddCircleFilled(to_screen(s.x[i], s.y[i]), r * 0.6f, s.color);
    for (size_t i = 0; i < std::min(n, s.y_err.size()); ++i) {
      const ImVec2 a = to_screen(s.x[i], s.y[i] - s.y_err[i]), b = to_screen(s.x[i], s.y[i] + s.y_err[i]);
      const float cap = r * 1.2f;
      dl->AddLine(a, b, s.color, 1.5f);
      dl->AddLine(ImVec2(a.x - cap, a.y), ImVec2(a.x + cap, a.y), s.color, 1.5f);
      dl->AddLine(ImVec2(b.x - cap, b.y), ImVec2(b.x + cap, b.y), s.color, 1.5f);
    }
  }
  dl->PopClipRect();

  // Legend under the x label.
  for (size_t i = 0; i < series.size(); ++i) {
    const PlotSeries& s = series[i];
    if (s.label.empty()) continue;
    const ImVec2 at(legend_at[i].x, hi.y + fs * 2.8f + legend_at[i].y);
    const ImVec2 mid(at.x + fs * 0.6f, at.y + fs * 0.5f);
    if (s.style == PlotSeries::Style::Dots)
      dl->AddCircleFilled(mid, r, s.color);
    else if (s.style == PlotSeries::Style::Line)
      dl->AddLine(ImVec2(mid.x - fs * 0.6f, mid.y), ImVec2(mid.x + fs * 0.6f, mid.y), s.color, 2.0f);
    else
      dashed_line(dl, ImVec2(mid.x - fs * 0.6f, mid.y), ImVec2(mid.x + fs * 0.6f, mid.y), s.color, 1.5f,
                  dash_length(s.style, fs));
    dl->AddText(ImVec2(at.x + fs * 1.5f, at.y), text, s.label.c_str());
  }

  // Hover read-out: the point nearest to the mouse (within a few font sizes).
  if (hovered) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    float best = fs * fs * 4.0f;
    const PlotSeries* best_s = nullptr;
    size_t best_i = 0;
    for (const PlotSeries& s : series)
      for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
        const ImVec2 p = to_screen(s.x[i], s.y[i]);
        const float d = (p.x - m.x) * (p.x - m.x) + (p.y - m.y) * (p.y - m.y);
        if (d < best) {
          best = d;
          best_s = &s;
          best_i = i;
        }
      }
    if (best_s) {
      std::string what = best_s->label;
      if (best_i < best_s->point_labels.size()) what += (what.empty() ? "" : ", ") + best_s->point_labels[best_i];
      if (best_i < best_s->y_err.size())
        ImGui::SetTooltip("%s\n%s = %.4g ± %.2g", what.c_str(), axes.y_label.c_str(), best_s->y[best_i],
                          best_s->y_err[best_i]);
      else
        ImGui::SetTooltip("%s\n%s = %.4g", what.c_str(), axes.y_label.c_str(), best_s->y[best_i]);
    }
  }
  return hovered;
}

}  // namespace vc
