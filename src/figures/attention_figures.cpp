#include "figures/attention_figures.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "analysis/compare.h"
#include "figures/csv.h"
#include "figures/words.h"

namespace vc {

Figure distance_figure(std::span<const Measured<AttentionDistance>> models, double uniform_px, int images, Language L) {
  Figure f = labelled_figure(
      L, {"How far does each head look? Mean attention distance by layer", "각 헤드는 얼마나 멀리 보나? 층별 평균 어텐션 거리"},
      {"The attention-weighted distance in input pixels between each patch and the patches it attends to (CLS "
       "excluded), ",
       "각 패치와 그 패치가 주목하는 패치 사이의 어텐션 가중 거리(입력 픽셀, CLS 제외), "},
      {"", ""}, {"mean attention distance, px", "평균 어텐션 거리, 픽셀"});
  f.x_label = layer_axis_label({}, L);
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

std::string distance_csv(std::span<const Measured<AttentionDistance>> models) {
  TextTable t{{"model", "layer", "head", "distance_px"}, {}};
  for (const Measured<AttentionDistance>& m : models)
    for (int l = 0; l < m.result->layers; ++l)
      for (int h = 0; h < m.result->heads; ++h)
        t.rows.push_back({m.checkpoint, std::to_string(l + 1), std::to_string(h + 1),
                          csv_number(m.result->px[static_cast<size_t>(l) * m.result->heads + h])});
  return table_csv(t);
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

// The grid's image, colour scale and labels; the caller adds the panels. `rollout`: the maps are attention rollouts,
// explained as such.
Figure maps_figure(const AttentionMaps& m, const std::string& title, bool rollout, Language L) {
  Figure f;
  f.title = title;
  const std::string scale =
      m.shared_max ? pick(L, "Every map is coloured on one scale, from 0 to the largest weight shown.",
                          "모든 맵이 한 척도로, 0부터 보이는 가장 큰 가중치까지 칠해집니다.")
                   : pick(L, "Each map is coloured from 0 to its own largest weight.",
                          "맵마다 0부터 그 맵의 가장 큰 가중치까지 칠해집니다.");
  const std::string what =
      rollout ? pick(L, "Attention rollout: each layer's attention up to this one, averaged over its heads and "
                        "mixed half and half with the skip connection (0.5 A + 0.5 I), multiplied together: the "
                        "brighter a patch, the more of the input there reaches the token through all those layers (",
                     "어텐션 롤아웃: 이 층까지 각 층의 어텐션을 헤드 평균하고 스킵 연결과 반반 섞어(0.5 A + 0.5 I) "
                     "모두 곱한 것입니다. 패치가 밝을수록 그 자리의 입력이 그 층들을 모두 거쳐 토큰에 많이 닿습니다 (")
              : pick(L, "The attention weights over the patch grid, laid over the input (",
                     "패치 격자 위의 어텐션 가중치를 입력 위에 겹쳤습니다 (");
  f.how_to_read = what + checkpoint_words(m.checkpoint, L) +
                  (rollout ? pick(L, "). ", "). ")
                           : pick(L, "): the brighter a patch, the more of it is taken. ",
                                  "). 밝은 패치일수록 많이 가져옵니다. ")) +
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
  g.csv_columns = {"layer", "head", "patch_row", "patch_column", rollout ? "rollout" : "attention"};
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
  Figure f = maps_figure(m, whose(m, L) + pick(L, ": every layer and head", ": 모든 층과 헤드"), false, L);
  f.x_label = pick(L, "head", "헤드");
  f.y_label = layer_axis_label({}, L);
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
      {"head", "헤드"}, {"", ""});
  f.y_label = layer_axis_label({}, L);
  f.title += " (" + checkpoint_words(checkpoint, L) + ")";
  MapGrid g;
  g.rows = k.layers;
  g.cols = k.heads;
  g.map_side = k.kernels.empty() ? 0 : static_cast<int>(k.kernels.front().dim(-1));
  g.image_side = g.map_side;  // no image under the kernels: the marks are in cells
  g.scale = MapScale::Shared;
  g.vmax = 1.0;
  g.value_label = pick(L, "factor exp(b - max b)", "배율 exp(b - max b)");
  g.csv_columns = {"layer", "head", "offset_cell_row", "offset_cell_column", "factor"};
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
  Figure f = maps_figure(m, whose(m, L) + ": " + which, rollout, L);
  f.x_label = pick(L, "patch column (1 = left)", "패치 열 (1 = 왼쪽)");
  f.y_label = pick(L, "patch row (1 = top)", "패치 행 (1 = 위)");
  f.maps->rows = f.maps->cols = 1;
  f.maps->panels.push_back(map_panel(m, layer, head, rollout));
  return f;
}

namespace {

// The similarity figure's words, colour scale and CSV names; the caller adds the panels and the rows and columns.
Figure position_figure(const std::string& title, int grid, const std::string& checkpoint, Language L) {
  Figure f;
  f.title = title + " (" + checkpoint_words(checkpoint, L) + ")";
  f.how_to_read = pick(
      L,
      "Each cell: the cosine similarity between the learned position embedding of the outlined patch and that of the "
       "patch in the cell (1 = the same direction, 0 = unrelated, -1 = opposite). The model gets its patches as a "
       "plain list: if the cells near the outlined patch, along its row and column, are the brightest, it has learned "
      "the 2-D layout from the data.",
      "각 칸: 테두리 친 패치의 학습된 위치 임베딩과 그 칸 패치의 위치 임베딩 사이의 코사인 유사도(1 = 같은 방향, 0 = "
       "관계없음, -1 = 반대). 모델은 패치를 그냥 목록으로 받습니다. 테두리 친 패치 근처, 같은 행과 열의 칸이 가장 "
       "밝다면 모델이 데이터에서 2차원 배치를 배운 것입니다.");
  MapGrid g;
  g.image_side = g.map_side = grid;  // no image: the outline is in cells
  g.scale = MapScale::Shared;
  g.vmin = -1.0;
  g.vmax = 1.0;
  g.value_label = pick(L, "cosine similarity", "코사인 유사도");
  g.csv_columns = {"outlined_row", "outlined_column", "patch_row", "patch_column", "cosine_similarity"};
  f.maps = std::move(g);
  return f;
}

// The map of `patch` as a panel, the patch outlined.
Panel position_panel(const Tensor& map, int grid, int patch) {
  Panel p;
  p.map.assign(map.data.begin(), map.data.end());
  const double x = patch % grid, y = patch / grid;
  p.box = std::array{x, y, x + 1, y + 1};
  return p;
}

}  // namespace

Figure position_similarity_figure(const Tensor& map, int grid, int patch, const std::string& checkpoint, Language L) {
  const std::string row = std::to_string(patch / grid + 1), col = std::to_string(patch % grid + 1);
  Figure f = position_figure(L == Language::Ko ? "위치 임베딩: 패치 (" + row + "행, " + col + "열)와 각 패치의 유사도"
                                               : "Position embeddings: how alike patch (row " + row + ", column " +
                                                     col + ") and every patch are",
                             grid, checkpoint, L);
  f.x_label = pick(L, "patch column (1 = left)", "패치 열 (1 = 왼쪽)");
  f.y_label = pick(L, "patch row (1 = top)", "패치 행 (1 = 위)");
  f.maps->rows = f.maps->cols = 1;
  f.maps->panels.push_back(position_panel(map, grid, patch));
  return f;
}

Figure position_similarity_grid_figure(std::span<const Tensor> maps, int grid, const std::string& checkpoint,
                                       Language L) {
  Figure f = position_figure(pick(L, "Position embeddings: how alike each patch is to every patch",
                                  "위치 임베딩: 각 패치와 모든 패치의 유사도"),
                             grid, checkpoint, L);
  f.how_to_read += pick(L, " Each small map belongs to the patch at its place in the grid.",
                        " 작은 맵 하나는 격자에서 그 자리에 있는 패치의 것입니다.");
  f.x_label = pick(L, "column of the outlined patch (1 = left)", "테두리 친 패치의 열 (1 = 왼쪽)");
  f.y_label = pick(L, "row of the outlined patch (1 = top)", "테두리 친 패치의 행 (1 = 위)");
  f.maps->rows = f.maps->cols = grid;
  for (size_t patch = 0; patch < maps.size(); ++patch)
    f.maps->panels.push_back(position_panel(maps[patch], grid, static_cast<int>(patch)));
  for (int i = 0; i < grid; ++i) {
    f.y_ticks.push_back(std::to_string(i + 1));
    f.x_ticks.push_back(std::to_string(i + 1));
  }
  return f;
}

}  // namespace vc
