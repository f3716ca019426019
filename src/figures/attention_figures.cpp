#include "figures/attention_figures.h"

#include <algorithm>
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

}  // namespace vc
