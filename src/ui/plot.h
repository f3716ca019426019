// Figure pieces drawn with ImDrawList only (no textures): a perceptual colormap, a heatmap laid over an image,
// a colormap legend, and a dots-and-lines plot with axes, a legend and hover read-out. Shared by the views.
#pragma once
#include <span>
#include <string>
#include <vector>

#include <imgui.h>

namespace vc {

// Colour of t in [0, 1] (clamped) on matplotlib's viridis colormap, with alpha in [0, 1].
ImU32 viridis(float t, float alpha);

// One colour per family, in kFamilies order (ui/model_store.h; more families cycle): the views' curves of a family.
ImU32 family_color(int family);

// Fills the square [origin, origin + side] with a grid x grid heatmap (row-major values), each cell coloured
// viridis((value / vmax)^gamma) at the given opacity (gamma 0.5: a square-root scale that shows weak values);
// vmax <= 0 draws nothing.
void draw_heatmap(ImDrawList* dl, const ImVec2& origin, float side, std::span<const float> values, int grid,
                  float vmax, float opacity, float gamma = 1.0f);

// A horizontal gradient bar labelled with vmin and vmax (formatted with `format`), as one layout item.
void colormap_legend(const char* id, float vmin, float vmax, const char* format, float width);

struct PlotSeries {
  enum class Style { Dots, Line, Dashed, Dotted };
  std::string label;  // shown in the legend and the hover read-out; empty: not in the legend
  ImU32 color = 0;
  Style style = Style::Dots;
  std::vector<double> x, y;
  std::vector<std::string> point_labels;  // optional: one per point, prefixes the hover read-out
  std::vector<double> y_err = {};  // optional: one per point, drawn as a capped bar from y - err to y + err
};

struct PlotAxes {
  std::string x_label, y_label;
  double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
  bool integer_x = false;  // ticks at every integer x (layers)
  bool log_x = false;      // x on a log10 scale (x_min > 0)
  std::vector<double> x_ticks = {};  // ticks at these x (else automatic)
  // With integer_x: the tick at x = 1, 2, ... reads x_names[x - 1] (e.g. a layer axis, figures/words.h), else x.
  std::vector<std::string> x_names = {};
};

// The smallest "nice" upper bound (1, 2, 2.5 or 5 times a power of ten) at or above v (v > 0; else 1).
double nice_ceiling(double v);

// Draws the plot as one item of `size` (axes, ticks, series, legend). Hovering the plot shows the point nearest
// to the mouse. Returns true while the plot is hovered.
bool plot_series(const char* id, const ImVec2& size, const PlotAxes& axes, std::span<const PlotSeries> series);

}  // namespace vc
