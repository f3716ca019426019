#include "figures/receptive_field_figures.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "analysis/compare.h"
#include "figures/csv.h"
#include "figures/words.h"

namespace vc {
namespace {

// The dashed level of the image's side on a plot in px.
Level image_side_level(int image_px, Language L) {
  return {std::string(pick(L, "image side (", "이미지 한 변 (")) + std::to_string(image_px) + pick(L, " px)", " 픽셀)"),
          static_cast<double>(image_px)};
}

}  // namespace

Figure rf_growth_figure(std::span<const RfCurves> models, int image_px, int images, Language L) {
  Figure f = labelled_figure(
      L, {"How much of the image can a unit see? Receptive field size by layer", "한 유닛은 이미지를 얼마나 보나? 층별 수용 영역 크기"},
      {"Box: the pixels that can reach the centre unit (theoretical). 2 r90 / 2 r50: the diameter of the disc holding "
       "90 % / 50 % of the input gradient's mass (effective), ",
       "상자: 가운데 유닛에 닿을 수 있는 픽셀(이론). 2 r90 / 2 r50: 입력 기울기 질량의 90 % / 50 %를 담는 원의 "
       "지름(실제), "},
      {"", ""}, {"size, px", "크기, 픽셀"});
  f.how_to_read += images > 1 ? std::string(pick(L, "averaged over ", "테스트 이미지 ")) + std::to_string(images) +
                                    pick(L, " test images.", "개의 평균.")
                              : std::string(pick(L, "for the image shown.", "보이는 이미지 하나."));
  std::vector<std::vector<std::string>> layers;
  for (const RfCurves& m : models) layers.push_back(m.layers);
  const LayerAxis axis = shared_layer_axis(layers, L);
  f.x_label = layer_axis_label(axis.ticks, L);
  // A curve's values from its model's column on the shared axis.
  auto placed = [](std::vector<double> y, int offset) {
    y.insert(y.begin(), y.empty() ? 0 : offset, NAN);
    return y;
  };
  for (size_t i = 0; i < models.size(); ++i) {
    const RfCurves& m = models[i];
    const int at = axis.offsets[i];
    const std::string family = m.checkpoint.substr(0, m.checkpoint.rfind('_'));
    const std::string name = m.untrained ? family_words(family, L) + pick(L, ", untrained", ", 학습 전")
                                         : checkpoint_words(m.checkpoint, L);
    const Rgb color = checkpoint_color(m.untrained ? family + "_p100" : m.checkpoint);
    auto diameters = [](const std::vector<double>& r) {
      std::vector<double> d;
      for (double v : r) d.push_back(2.0 * v);
      return d;
    };
    const Series curves[] = {
        {name + pick(L, ": box (theoretical)", ": 상자 (이론)"), color, placed(m.trf_px, at), true},
        {name + pick(L, ": 2 r90 (effective)", ": 2 r90 (실제)"), color, placed(diameters(m.r90_px), at), false, {}, {},
         m.untrained},
        {name + pick(L, ": 2 r50 (effective)", ": 2 r50 (실제)"), color, placed(diameters(m.r50_px), at), true, {}, {},
         true}};
    for (const Series& s : curves)
      if (!s.y.empty()) f.series.push_back(s);
  }
  f.x_ticks = axis.ticks;
  f.levels = {image_side_level(image_px, L)};
  return f;
}

std::string rf_growth_csv(std::span<const RfCurves> models, int images) {
  TextTable t{{"model", "weights", "layer", "tick", "name", "trf_side_px", "erf_images", "erf_r50_px", "erf_r90_px"}, {}};
  auto cell = [](const std::vector<double>& v, size_t l) { return l < v.size() ? csv_number(v[l]) : ""; };
  for (const RfCurves& m : models) {
    const std::vector<std::string> ticks = layer_ticks(m.layers, Language::En);
    for (size_t l = 0; l < m.layers.size(); ++l)
      t.rows.push_back({m.checkpoint, m.untrained ? "untrained" : "trained", std::to_string(l + 1), ticks[l],
                        m.layers[l], cell(m.trf_px, l), m.r90_px.empty() ? "" : std::to_string(images),
                        cell(m.r50_px, l), cell(m.r90_px, l)});
  }
  return table_csv(t);
}

Panel erf_panel(const Erf& e, bool global_trf, bool rings) {
  Panel p;
  p.map.assign(e.map.data.begin(), e.map.data.end());
  const PixelBox& b = e.field.clipped;
  if (!global_trf && b.area() > 0)
    p.box = std::array{static_cast<double>(b.left), static_cast<double>(b.top), static_cast<double>(b.right),
                       static_cast<double>(b.bottom)};
  if (e.field.sees_input) {
    p.dot = std::array{e.field.centre_col, e.field.centre_row};  // px from the image's top-left corner
    if (rings) p.rings = {e.summary.r90_px, e.summary.r50_px};
  }
  return p;
}

namespace {

// An ERF grid or map figure with its colour scale and words; the caller adds the panels.
Figure erf_figure(Language L, const std::string& title, const std::string& averaged) {
  Figure f;
  f.title = title;
  f.how_to_read =
      std::string(pick(L, "How strongly each input pixel moves the unit: |dy/dx|, ", "각 입력 픽셀이 유닛을 얼마나 움직이나: |dy/dx|, ")) +
      averaged +
      pick(L, ". Colour: sqrt(value / the map's largest), so weak but wide gradients show. White box: the theoretical "
              "receptive field (none once it is the whole image); dot: the unit's centre.",
           ". 색: sqrt(값 / 맵의 최댓값)이라 약하지만 넓은 기울기도 보입니다. 흰 상자: 이론 수용 영역(이미지 전체가 되면 "
           "없음), 점: 유닛의 중심.");
  MapGrid g;
  g.scale = MapScale::OwnMaxSqrt;
  g.value_label = pick(L, "share of the map's largest gradient", "맵 최대 기울기에 대한 비율");
  f.maps = std::move(g);
  return f;
}

std::string averaged_over(int images, Language L) {
  return images > 1 ? std::string(pick(L, "averaged over ", "테스트 이미지 ")) + std::to_string(images) +
                          pick(L, " test images", "개의 평균")
                    : std::string(pick(L, "for the image shown", "보이는 이미지 하나"));
}

}  // namespace

Figure erf_grid_figure(std::span<const ErfRow> rows, int images, Language L) {
  Figure f = erf_figure(L, pick(L, "Effective receptive fields of the centre unit, by layer",
                                "층별 가운데 유닛의 유효 수용 영역"),
                        averaged_over(images, L));
  f.y_label = pick(L, "model", "모델");
  MapGrid& g = *f.maps;
  g.csv_columns = {"model", "layer", "input_row", "input_column", "erf"};
  std::vector<std::vector<std::string>> layers;
  for (const ErfRow& r : rows) layers.push_back(r.layers);
  const LayerAxis axis = shared_layer_axis(layers, L);
  for (size_t i = 0; i < rows.size(); ++i)
    g.cols = std::max(g.cols, axis.offsets[i] + static_cast<int>(rows[i].erfs.size()));
  g.rows = static_cast<int>(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const ErfRow& r = rows[i];
    const std::string family = r.checkpoint.substr(0, r.checkpoint.rfind('_'));
    f.y_ticks.push_back(r.untrained ? family_words(family, L) + pick(L, ", untrained", ", 학습 전")
                                    : checkpoint_words(r.checkpoint, L));
    for (int column = 0; column < g.cols; ++column) {
      const int d = column - axis.offsets[i];  // the row's layer in this column
      if (d >= 0 && d < static_cast<int>(r.erfs.size()) && r.erfs[d]) {
        g.panels.push_back(erf_panel(*r.erfs[d], d < static_cast<int>(r.global.size()) && r.global[d], false));
        g.map_side = g.image_side = static_cast<int>(r.erfs[d]->map.dim(0));
      } else {
        g.panels.emplace_back();
      }
    }
  }
  f.x_ticks = axis.ticks;
  f.x_label = layer_axis_label(axis.ticks, L);
  return f;
}

Figure rf_calculator_figure(std::span<const ConvGeometry> stack, std::span<const TheoreticalRf> rows, int image_px,
                            Language L) {
  Figure f = labelled_figure(
      L, {"Receptive field calculator: how a stack of convolutions widens a unit's view",
          "수용 영역 계산기: 합성곱을 쌓으면 유닛의 시야가 얼마나 넓어지나"},
      {"Each row is one convolution (k kernel, s stride, d dilation; \"same\" padding) applied to the row before. Box "
       "side: the input pixels one unit can see, r = r_prev + (k - 1) d j_prev. Jump: the input distance between two "
       "neighbouring units, j = j_prev s; a stride multiplies what every later row adds.",
       "각 행은 앞 행의 출력에 적용하는 합성곱 하나입니다(k 커널, s 스트라이드, d 팽창, \"same\" 패딩). 상자 한 변: "
       "유닛 하나가 볼 수 있는 입력 픽셀, r = r_prev + (k - 1) d j_prev. 점프: 이웃한 두 유닛 사이의 입력 거리, "
       "j = j_prev s. 스트라이드는 뒤따르는 모든 행이 더하는 양을 곱합니다."},
      {"convolution (1 = applied to the input)", "합성곱 (1 = 입력에 적용)"}, {"px", "픽셀"});
  Series box{pick(L, "box side (theoretical receptive field)", "상자 한 변 (이론 수용 영역)"), {214, 39, 40}, {}};
  Series jump{pick(L, "jump between neighbouring units", "이웃 유닛 사이 점프"), {31, 119, 180}, {}, true};
  for (size_t i = 0; i < rows.size() && i < stack.size(); ++i) {
    box.y.push_back(rows[i].size_px);
    jump.y.push_back(rows[i].jump_px);
    const ConvGeometry& c = stack[i];
    f.x_ticks.push_back(std::to_string(i + 1) + ": k" + std::to_string(c.kernel) + " s" + std::to_string(c.stride) +
                        (c.dilation != 1 ? " d" + std::to_string(c.dilation) : ""));
  }
  f.series = {box, jump};
  f.levels = {image_side_level(image_px, L)};
  return f;
}

Figure erf_map_figure(const ErfMap& m, Language L) {
  const std::string& layer = m.layer;
  const UnitField& u = m.erf->field;
  const std::string unit =
      u.unit.cls ? std::string(pick(L, "the CLS token", "CLS 토큰"))
                 : (L == Language::Ko ? "유닛 (" + std::to_string(u.unit.row + 1) + "행, " + std::to_string(u.unit.col + 1) + "열)"
                                      : "unit (row " + std::to_string(u.unit.row + 1) + ", column " +
                                            std::to_string(u.unit.col + 1) + ")");
  const std::string title = L == Language::Ko ? checkpoint_words(m.checkpoint, L) + ", " + layer + "층 " + unit + "의 유효 수용 영역"
                                              : "Effective receptive field of " + unit + ", layer " + layer + " (" +
                                                    checkpoint_words(m.checkpoint, L) + ")";
  Figure f = erf_figure(L, title, averaged_over(m.images, L));
  f.how_to_read += pick(L, " Circles: the radii r90 (thick) and r50 (thin) holding 90 % / 50 % of the mass.",
                        " 원: 질량의 90 % / 50 %를 담는 반지름 r90(굵게)과 r50(가늘게).");
  f.x_label = pick(L, "input column, px (1 = left)", "입력 열, 픽셀 (1 = 왼쪽)");
  f.y_label = pick(L, "input row, px (1 = top)", "입력 행, 픽셀 (1 = 위)");
  MapGrid& g = *f.maps;
  g.rows = g.cols = 1;
  g.map_side = g.image_side = static_cast<int>(m.erf->map.dim(0));
  g.image = m.image;
  g.opacity = m.opacity;
  g.panels.push_back(erf_panel(*m.erf, m.global_trf, true));
  return f;
}

}  // namespace vc
