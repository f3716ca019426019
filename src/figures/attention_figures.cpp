#include "figures/attention_figures.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "figures/words.h"

namespace vc {

Figure distance_figure(std::span<const Measured<AttentionDistance>> models, double uniform_px, int images, Language L) {
  Figure f = labelled_figure(
      L, {"How far does each head look? Mean attention distance by layer", "각 헤드는 얼마나 멀리 보나? 층별 평균 어텐션 거리"},
      {"The attention-weighted distance in input pixels between each patch and the patches it attends to (CLS "
       "excluded), ",
       "각 패치와 그 패치가 주목하는 패치 사이의 어텐션 가중 거리(입력 픽셀, CLS 제외), "},
      {"layer (1 = nearest the input)", "층 (1 = 입력 쪽)"}, {"mean attention distance, px", "평균 어텐션 거리, 픽셀"});
  f.how_to_read += (images > 0 ? std::string(pick(L, "averaged over ", "테스트 이미지 ")) + std::to_string(images) +
                                     pick(L, " test images", "개의 평균")
                               : std::string(pick(L, "for the image shown", "보이는 이미지 하나"))) +
                   pick(L, ". Line: the mean over the heads; dots: each head. Below the local threshold, a head looks "
                           "near its patch.",
                        ". 선: 헤드 평균, 점: 각 헤드. 지역 기준보다 아래면 헤드가 가까운 곳을 봅니다.");
  int layers = 0;
  for (const Measured<AttentionDistance>& m : models) {
    const AttentionDistance& d = *m.result;
    Series s{checkpoint_words(m.checkpoint, L), checkpoint_color(m.checkpoint), {}, false, {}};
    for (int l = 0; l < d.layers; ++l) {
      s.y.push_back(layer_head_mean(d, l));
      s.spread.emplace_back(d.px.begin() + static_cast<size_t>(l) * d.heads,
                            d.px.begin() + static_cast<size_t>(l + 1) * d.heads);
    }
    layers = std::max(layers, d.layers);
    f.series.push_back(std::move(s));
  }
  for (int l = 0; l < layers; ++l) f.x_ticks.push_back(std::to_string(l + 1));
  char local[96];
  std::snprintf(local, sizeof local, pick(L, "local threshold (%.0f %% of uniform)", "지역 기준 (균일 값의 %.0f %%)"),
                100.0 * kLocalFraction);
  f.levels = {{pick(L, "uniform attention", "균일한 어텐션"), uniform_px}, {local, kLocalFraction * uniform_px}};
  return f;
}

namespace {

// "Where the CLS token looks" / "Where patch (row 2, column 5) looks" (rows and columns from 1).
std::string whose(const AttentionMaps& m, Language L) {
  if (m.patch < 0) return pick(L, "Where the CLS token looks", "CLS 토큰이 보는 곳");
  const int grid = m.attention->distance.grid;
  const std::string row = std::to_string(m.patch / grid + 1), col = std::to_string(m.patch % grid + 1);
  return L == Language::Ko ? "패치 (" + row + "행, " + col + "열)이 보는 곳"
                           : "Where patch (row " + row + ", column " + col + ") looks";
}

// The grid's image, colour scale and labels; the caller adds the panels.
Figure maps_figure(const AttentionMaps& m, const std::string& title, Language L) {
  Figure f;
  f.title = title;
  const std::string scale =
      m.shared_max ? pick(L, "Every map is coloured on one scale, from 0 to the largest weight shown.",
                          "모든 맵이 한 척도로, 0부터 보이는 가장 큰 가중치까지 칠해집니다.")
                   : pick(L, "Each map is coloured from 0 to its own largest weight.",
                          "맵마다 0부터 그 맵의 가장 큰 가중치까지 칠해집니다.");
  f.how_to_read = std::string(pick(L, "The attention weights over the patch grid, laid over the input (",
                                   "패치 격자 위의 어텐션 가중치를 입력 위에 겹쳤습니다 (")) +
                  checkpoint_words(m.checkpoint, L) + pick(L, "): the brighter a patch, the more of it is taken. ",
                                                           "). 밝은 패치일수록 많이 가져옵니다. ") +
                  scale;
  MapGrid g;
  g.image_side = m.image_side;
  g.image = m.image;
  g.map_side = m.attention->distance.grid;
  g.opacity = m.opacity;
  g.scale = m.shared_max ? MapScale::Shared : MapScale::OwnMax;
  g.vmax = m.shared_max.value_or(1.0);
  g.value_label = m.shared_max ? pick(L, "attention weight", "어텐션 가중치")
                               : pick(L, "share of the map's largest weight", "맵 최대 가중치에 대한 비율");
  f.maps = std::move(g);
  return f;
}

// A map as a panel; an empty one when attention_map fails (a layer or head out of range).
Panel map_panel(const AttentionMaps& m, int layer, int head, bool rollout) {
  Result<Tensor> map = attention_map(*m.attention, layer, head, rollout, m.patch);
  Panel p;
  if (map) p.map.assign(map->data.begin(), map->data.end());
  if (m.patch >= 0) {
    // The attending patch outlined, in image px.
    const int grid = m.attention->distance.grid;
    const double cell = static_cast<double>(m.image_side) / grid;
    const double x = (m.patch % grid) * cell, y = (m.patch / grid) * cell;
    p.box = std::array{x, y, x + cell, y + cell};
  }
  return p;
}

}  // namespace

Figure attention_grid_figure(const AttentionMaps& m, Language L) {
  const AttentionDistance& d = m.attention->distance;
  Figure f = maps_figure(m, whose(m, L) + pick(L, ": every layer and head", ": 모든 층과 헤드"), L);
  f.x_label = pick(L, "head", "헤드");
  f.y_label = pick(L, "layer (1 = nearest the input)", "층 (1 = 입력 쪽)");
  f.maps->rows = d.layers;
  f.maps->cols = d.heads;
  for (int l = 0; l < d.layers; ++l) {
    f.y_ticks.push_back(std::to_string(l + 1));
    for (int h = 0; h < d.heads; ++h) f.maps->panels.push_back(map_panel(m, l, h, false));
  }
  for (int h = 0; h < d.heads; ++h) f.x_ticks.push_back(std::to_string(h + 1));
  return f;
}

Figure bias_kernels_figure(const BiasKernels& k, const std::string& checkpoint, Language L) {
  Figure f = labelled_figure(
      L, {"Learned relative-position bias: every layer and head", "학습된 상대 위치 편향: 모든 층과 헤드"},
      {"Each small map is one head's bias over where a key patch lies relative to the query patch (the dot): the "
       "brighter a cell, the more that offset's attention is kept before the content is compared; 1 = the offset "
       "the head favours most.",
       "작은 맵 하나는 한 헤드의 편향입니다. 질의 패치(점)를 기준으로 키 패치가 놓인 위치마다, 밝을수록 내용을 "
       "비교하기 전에 그 위치의 어텐션이 더 많이 남습니다. 1 = 그 헤드가 가장 선호하는 위치입니다."},
      {"head", "헤드"}, {"layer (1 = nearest the input)", "층 (1 = 입력 쪽)"});
  f.title += " (" + checkpoint_words(checkpoint, L) + ")";
  MapGrid g;
  g.rows = k.layers;
  g.cols = k.heads;
  g.map_side = k.kernels.empty() ? 0 : static_cast<int>(k.kernels.front().dim(-1));
  g.image_side = g.map_side;  // no image under the kernels: the marks are in cells
  g.scale = MapScale::Shared;
  g.vmax = 1.0;
  g.value_label = pick(L, "factor exp(b - max b)", "배율 exp(b - max b)");
  const double centre = g.map_side / 2.0;  // the middle of the odd side's centre cell: offset 0
  for (const Tensor& kernel : k.kernels) {
    const Tensor w = relative_bias_weights(kernel);
    Panel p;
    p.map.assign(w.data.begin(), w.data.end());
    p.dot = std::array{centre, centre};
    g.panels.push_back(std::move(p));
  }
  for (int l = 0; l < k.layers; ++l) f.y_ticks.push_back(std::to_string(l + 1));
  for (int h = 0; h < k.heads; ++h) f.x_ticks.push_back(std::to_string(h + 1));
  f.maps = std::move(g);
  return f;
}

Figure attention_map_figure(const AttentionMaps& m, int layer, int head, bool rollout, Language L) {
  const std::string l = std::to_string(layer + 1), h = std::to_string(head + 1);
  const std::string which = rollout ? (L == Language::Ko ? l + "층까지의 롤아웃" : "rollout through layer " + l)
                                    : (L == Language::Ko ? l + "층, " + h + "번 헤드" : "layer " + l + ", head " + h);
  Figure f = maps_figure(m, whose(m, L) + ": " + which, L);
  f.x_label = pick(L, "patch column (1 = left)", "패치 열 (1 = 왼쪽)");
  f.y_label = pick(L, "patch row (1 = top)", "패치 행 (1 = 위)");
  f.maps->rows = f.maps->cols = 1;
  f.maps->panels.push_back(map_panel(m, layer, head, rollout));
  return f;
}

}  // namespace vc
