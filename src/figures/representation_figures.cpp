#include "figures/representation_figures.h"

#include <algorithm>
#include <cmath>

#include "analysis/compare.h"
#include "figures/csv.h"
#include "figures/words.h"

namespace vc {
namespace {

// "1", "2", ..., "n": positions as people count them.
std::vector<std::string> counted(size_t n) {
  std::vector<std::string> v;
  for (size_t i = 0; i < n; ++i) v.push_back(std::to_string(i + 1));
  return v;
}

// "ViT, 100 % of the data - layer: block from 1 (...)".
std::string layer_axis_of(const std::string& model_words, std::span<const std::string> ticks, Language L) {
  return model_words + " - " + layer_axis_label(ticks, L);
}

}  // namespace

Figure cka_figure(const CkaResult& r, const std::string& a, const std::string& b, Language L) {
  const std::string wa = checkpoint_words(a, L), wb = checkpoint_words(b, L);
  Figure f;
  f.title = pick(L, "How alike are the layers? Linear CKA of ", "층들은 얼마나 닮았나? 선형 CKA: ") + wa +
            pick(L, " vs ", " 대 ") + wb;
  f.how_to_read = std::string(pick(L, "Each cell compares a layer of the first model (row) with a layer of the second "
                                      "(column) over ",
                                   "각 칸은 첫 모델의 층(행)과 두 번째 모델의 층(열)을 테스트 이미지 ")) +
                  std::to_string(r.images) +
                  pick(L, " test images: 1 = the same features up to a rotation and scale, 0 = unrelated.",
                       "개로 비교합니다: 1 = 회전과 크기만 다른 같은 특징, 0 = 관계없음.");
  f.y_ticks = layer_ticks(r.rows, L);
  f.x_ticks = layer_ticks(r.cols, L);
  f.y_label = layer_axis_of(wa, f.y_ticks, L);
  f.x_label = layer_axis_of(wb, f.x_ticks, L);
  f.heatmap = Heatmap{static_cast<int>(r.rows.size()), static_cast<int>(r.cols.size()), r.matrix, 0.0, 1.0, "CKA", 2};
  return f;
}

Figure skip_figure(std::span<const Measured<SkipRatios>> models, Language L) {
  Figure f = labelled_figure(
      L,
      {"How much does each residual branch change its input? Skip ratio by branch",
       "잔차 가지는 입력을 얼마나 바꾸나? 가지별 스킵 비율"},
      {"Skip ratio = ||x|| / ||x + f(x)|| of a branch y = x + f(x): near 1, the branch changes little; above 1, it "
       "points against its input. Thick: the mean over the spatial tokens; thin: the CLS token.",
       "스킵 비율 = 가지 y = x + f(x)의 ||x|| / ||x + f(x)||: 1에 가까우면 가지가 거의 바꾸지 않고, 1보다 크면 입력과 "
       "반대쪽을 향합니다. 굵은 선: 공간 토큰의 평균, 가는 선: CLS 토큰."},
      {"residual branch, in forward order (1 = nearest the input)", "잔차 가지, 순전파 순서 (1 = 입력 쪽)"},
      {"skip ratio", "스킵 비율"});
  size_t count = 0;
  for (const Measured<SkipRatios>& m : models) {
    const std::string name = checkpoint_words(m.checkpoint, L);
    Series spatial{name + pick(L, ": spatial tokens", ": 공간 토큰"), checkpoint_color(m.checkpoint), {}, false};
    Series cls{name + pick(L, ": CLS token", ": CLS 토큰"), checkpoint_color(m.checkpoint), {}, true};
    bool any_cls = false;
    for (const SkipBranch& b : m.result->branches) {
      spatial.y.push_back(b.spatial_mean);
      cls.y.push_back(b.has_cls ? b.cls : NAN);
      any_cls = any_cls || b.has_cls;
    }
    count = std::max(count, spatial.y.size());
    f.series.push_back(std::move(spatial));
    if (any_cls) f.series.push_back(std::move(cls));
  }
  f.x_ticks = counted(count);
  return f;
}

Figure skip_heatmap_figure(const SkipRatios& r, const std::string& checkpoint, Language L) {
  Figure f = labelled_figure(
      L, {"Which tokens does each residual branch change? Skip ratio per token", "가지는 어느 토큰을 바꾸나? 토큰별 스킵 비율"},
      {"Each row: one residual branch y = x + f(x); each cell: one token's ||x|| / ||x + f(x)||, averaged over the "
       "test images. Well below 1: the branch adds a lot to that token; near 1: the token passes almost unchanged; "
       "above 1: f(x) points against x and shrinks it.",
       "행: 잔차 가지 y = x + f(x) 하나, 칸: 한 토큰의 ||x|| / ||x + f(x)||(테스트 이미지 평균). 1보다 한참 작으면 가지가 "
       "그 토큰에 많이 더하고, 1에 가까우면 토큰이 거의 그대로 지나가며, 1보다 크면 f(x)가 x와 반대쪽을 향해 줄입니다."},
      {"token: the CLS token first (if any), then the patches / positions row by row, stretched to the full width",
       "토큰: CLS 토큰 먼저(있으면), 그다음 패치 / 위치를 행 순서로, 전체 너비로 늘림"},
      {"residual branch (1 = nearest the input)", "잔차 가지 (1 = 입력 쪽)"});
  f.title += " (" + checkpoint_words(checkpoint, L) + ")";
  const SkipRange range = skip_colour_range(r);
  Heatmap h{static_cast<int>(r.branches.size()), 0, {}, range.lo, range.hi, pick(L, "skip ratio", "스킵 비율"), -1};
  for (size_t i = 0; i < r.branches.size(); ++i) {
    const SkipBranch& b = r.branches[i];
    h.values.insert(h.values.end(), b.ratio.begin(), b.ratio.end());
    h.row_lengths.push_back(static_cast<int>(b.ratio.size()));
    h.cols = std::max(h.cols, h.row_lengths.back());
    f.y_ticks.push_back(std::to_string(i + 1) + ": " + b.name);
  }
  f.heatmap = std::move(h);
  return f;
}

Figure equivariance_figure(std::span<const Measured<Equivariance>> models, int k, Language L) {
  Figure f = labelled_figure(
      L, {"Do the features move with the image? Equivariance error for a shift of ", "특징이 이미지와 함께 움직이나? 이동 "},
      {"The image shifted right vs the features shifted the same way, by layer: 0 % = the features move exactly with "
       "the image. No point where the shift is not a whole number of the layer's cells.",
       "오른쪽으로 이동한 이미지의 특징과 같은 만큼 이동한 특징을 층마다 비교합니다: 0 % = 특징이 이미지와 정확히 함께 "
       "움직임. 이동이 층의 칸 크기의 정수배가 아닌 곳에는 점이 없습니다."},
      {"", ""}, {"equivariance error, %", "등변성 오차, %"});
  f.title += std::to_string(k) + pick(L, " px", " px의 등변성 오차");
  std::vector<std::vector<std::string>> layers;
  for (const Measured<Equivariance>& m : models) {
    layers.emplace_back();
    for (const EquivarianceLayer& layer : m.result->layers) layers.back().push_back(layer.name);
  }
  const LayerAxis axis = shared_layer_axis(layers, L);
  for (size_t i = 0; i < models.size(); ++i) {
    Series s{checkpoint_words(models[i].checkpoint, L), checkpoint_color(models[i].checkpoint), {}, false};
    s.y.assign(axis.offsets[i], NAN);  // the columns of other models' layers before block 1
    for (const EquivarianceLayer& layer : models[i].result->layers)
      s.y.push_back(layer.defined[k - 1] ? 100.0 * layer.error[k - 1] : NAN);
    f.series.push_back(std::move(s));
  }
  f.x_ticks = axis.ticks;
  f.x_label = layer_axis_label(axis.ticks, L);
  return f;
}

std::string cka_csv(const CkaResult& r) {
  const std::vector<std::string> a = layer_ticks(r.rows, Language::En), b = layer_ticks(r.cols, Language::En);
  TextTable t{{"a_layer", "a_name", "b_layer", "b_name", "cka", "images"}, {}};
  for (size_t i = 0; i < r.rows.size(); ++i)
    for (size_t j = 0; j < r.cols.size(); ++j)
      t.rows.push_back({a[i], r.rows[i], b[j], r.cols[j], csv_number(r.matrix[i * r.cols.size() + j]),
                        std::to_string(r.images)});
  return table_csv(t);
}

std::string skip_csv(std::span<const Measured<SkipRatios>> models) {
  TextTable t{{"model", "branch", "name", "spatial_mean", "cls", "images"}, {}};
  for (const Measured<SkipRatios>& m : models)
    for (size_t i = 0; i < m.result->branches.size(); ++i) {
      const SkipBranch& b = m.result->branches[i];
      t.rows.push_back({m.checkpoint, std::to_string(i + 1), b.name, csv_number(b.spatial_mean),
                        b.has_cls ? csv_number(b.cls) : "", std::to_string(m.result->images)});
    }
  return table_csv(t);
}

std::string skip_tokens_csv(const SkipRatios& r) {
  TextTable t{{"branch", "name", "token", "row", "col", "ratio", "images"}, {}};
  for (size_t i = 0; i < r.branches.size(); ++i) {
    const SkipBranch& b = r.branches[i];
    for (size_t k = 0; k < b.ratio.size(); ++k) {
      const bool cls = b.has_cls && k == 0;
      const int g = static_cast<int>(k) - (b.has_cls ? 1 : 0);
      t.rows.push_back({std::to_string(i + 1), b.name, cls ? "cls" : std::to_string(g),
                        cls ? "" : std::to_string(g / b.w), cls ? "" : std::to_string(g % b.w), csv_number(b.ratio[k]),
                        std::to_string(r.images)});
    }
  }
  return table_csv(t);
}

std::string equivariance_csv(std::span<const Measured<Equivariance>> models) {
  TextTable t{{"model", "layer", "name", "grid", "stride_px", "k", "defined", "error", "top1_changed", "images"}, {}};
  for (const Measured<Equivariance>& m : models)
    for (size_t l = 0; l < m.result->layers.size(); ++l)
      for (int k = 1; k <= kMaxShift; ++k) {
        const EquivarianceLayer& layer = m.result->layers[l];
        const bool defined = layer.defined[k - 1];
        t.rows.push_back({m.checkpoint, std::to_string(l + 1), layer.name, std::to_string(layer.grid),
                          csv_number(layer.stride_px), std::to_string(k), defined ? "1" : "0",
                          defined ? csv_number(layer.error[k - 1]) : "", csv_number(m.result->top1_changed[k - 1]),
                          std::to_string(m.result->images)});
      }
  return table_csv(t);
}

}  // namespace vc
