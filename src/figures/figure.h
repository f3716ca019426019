// A slide figure described without pixels: a title, a line on how to read it, axis labels and tick labels, and
// either a heatmap (with its colour bar's range), a grid of maps over an image (with its colour bar) or line series
// (with legend names in words). render_png (figures/render.h) draws it; the lab's PNG export and `vitcnn figures`
// build the same Figure from the same analysis result (the builders: figures/*_figures.h), so they give the same
// picture. No GL, no ImGui.
// Numbers a person reads (layers, heads, branches) count from 1: the builders write the tick labels.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/image.h"
#include "figures/language.h"

namespace vc {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
};

// t in [0, 1] (clamped; NaN -> 0) -> matplotlib's viridis, dark purple to yellow; the lab's screen uses it too
// (ui/plot.h viridis).
Rgb colormap(float t);

// rows x cols cells coloured by value on [vmin, vmax]; the colour bar beside it spans that range. With row_lengths,
// row i has row_lengths[i] cells stretched over the full width (cols: the most), e.g. a model's branches with
// different numbers of tokens.
struct Heatmap {
  int rows = 0, cols = 0;
  std::vector<double> values;  // [rows, cols] row-major, or row after row of row_lengths[i] values
  double vmin = 0.0, vmax = 1.0;
  std::string value_label;     // the colour bar's title, e.g. "CKA"
  int decimals = 2;            // each cell shows its value with this many decimals; -1: no numbers in the cells
  std::vector<int> row_lengths = {};  // empty: every row has cols cells
};

// One panel of a MapGrid: a map over the grid's image, with optional marks (in image px).
struct Panel {
  std::vector<double> map;  // [map_side, map_side] row-major; empty: the panel is left blank
  std::optional<std::array<double, 4>> box;  // an outline: left, top, right, bottom (right and bottom exclusive)
  std::optional<std::array<double, 2>> dot;  // a dot: x, y
  std::vector<double> rings = {};            // circles of these radii around the dot (thick first, then thin)
};

// How a MapGrid's maps are coloured. Shared: every map from vmin to vmax (the colour bar shows that range). OwnMax:
// each map from 0 to its own largest value (the colour bar shows the share of it, 0 to 1). OwnMaxSqrt: the same
// with colour = sqrt(share), so weak but wide values show beside the peak (the colour bar's ticks are shares).
enum class MapScale { Shared, OwnMax, OwnMaxSqrt };

// rows x cols panels (rows from the top), each a map_side x map_side map drawn over an image_side x image_side grey
// image; the colour bar beside them. A single map (rows = cols = 1) numbers its cells from 1 along its bottom and
// left edges (the axis labels say what they count).
struct MapGrid {
  int rows = 0, cols = 0;
  int image_side = 0;          // px of each panel's image (and of the marks' coordinates)
  std::vector<double> image;   // [image_side, image_side] grey in [0, 1] under every map; empty: the maps alone
  int map_side = 0;            // cells of a map's side, each image_side / map_side px
  std::vector<Panel> panels;   // [rows, cols] row-major
  double opacity = 1.0;        // of the maps over the image
  MapScale scale = MapScale::Shared;
  double vmin = 0.0, vmax = 1.0;  // Shared: the colour range, e.g. 0 to the largest weight, or -1 to 1 for a cosine
  std::string value_label;     // the colour bar's title, e.g. "attention weight"
  // maps_csv's column names: the panel's row and column (left out for a single map), the cell's row and column, the
  // value, e.g. {"layer", "head", "patch_row", "patch_column", "attention"}.
  std::array<std::string, 5> csv_columns = {"row", "column", "cell_row", "cell_column", "value"};
};

// The image under a MapGrid's maps as a model sees its input: the image_side x image_side image (values in [0, 1],
// row-major) zero-padded by spec.pad on each side -> [spec.size, spec.size].
std::vector<double> model_view(std::span<const float> image, int image_side, const InputSpec& spec);

// One line of a line plot: a value per x category (NaN: none there), drawn with dots.
struct Series {
  std::string name;  // the legend, in words: "ViT, 100 % of the data"
  Rgb color;
  std::vector<double> y;
  bool thin = false;  // a thin line (the second measure of the same model) instead of a thick one
  // Per x category, more values drawn as small dots spread a little around it, without a line (e.g. one per head
  // around the heads' mean); empty: none.
  std::vector<std::vector<double>> spread = {};
  // Per x category, an error bar of +- this much around y (NaN or missing: none), e.g. a standard error.
  std::vector<double> error = {};
  bool dashed = false;  // a dashed line (e.g. the same measure of untrained weights)
};

// A reference level across a line plot: a dashed grey line, named in the legend.
struct Level {
  std::string name;  // "uniform attention"
  double y = 0.0;
};

// One checkpoint's analysis result, for a builder of figures that compare checkpoints.
template <class T>
struct Measured {
  std::string checkpoint;  // "vit_p100"
  const T* result;
};

struct Figure {
  std::string title;        // one line
  std::string how_to_read;  // one or two lines under the title
  std::string x_label, y_label;
  // Heatmap: the column and row names (rows from the top); line plot: the x categories' names.
  std::vector<std::string> x_ticks, y_ticks;
  std::optional<Heatmap> heatmap;
  std::optional<MapGrid> maps;  // panels of maps: x_ticks name the columns, y_ticks the rows
  std::vector<Series> series;  // a line plot when there is neither heatmap nor maps; y from y_min up to the largest value
  std::vector<Level> levels;   // of the line plot
  double y_min = 0.0;
};

}  // namespace vc
