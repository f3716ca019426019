#include "figures/receptive_field_figures.h"

#include <algorithm>

#include "figures/words.h"

namespace vc {

Figure rf_growth_figure(std::span<const RfCurves> models, int image_px, int images, Language L) {
  Figure f = labelled_figure(
      L, {"How much of the image can a unit see? Receptive field size by layer", "한 유닛은 이미지를 얼마나 보나? 층별 수용 영역 크기"},
      {"Box: the pixels that can reach the centre unit (theoretical). 2 r90 / 2 r50: the diameter of the disc holding "
       "90 % / 50 % of the input gradient's mass (effective), ",
       "상자: 가운데 유닛에 닿을 수 있는 픽셀(이론). 2 r90 / 2 r50: 입력 기울기 질량의 90 % / 50 %를 담는 원의 "
       "지름(실제), "},
      {"layer (1 = nearest the input)", "층 (1 = 입력 쪽)"}, {"size, px", "크기, 픽셀"});
  f.how_to_read += images > 1 ? std::string(pick(L, "averaged over ", "테스트 이미지 ")) + std::to_string(images) +
                                    pick(L, " test images.", "개의 평균.")
                              : std::string(pick(L, "for the image shown.", "보이는 이미지 하나."));
  size_t depth = 0;
  for (const RfCurves& m : models) {
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
        {name + pick(L, ": box (theoretical)", ": 상자 (이론)"), color, m.trf_px, true},
        {name + pick(L, ": 2 r90 (effective)", ": 2 r90 (실제)"), color, diameters(m.r90_px), false, {}, {}, m.untrained},
        {name + pick(L, ": 2 r50 (effective)", ": 2 r50 (실제)"), color, diameters(m.r50_px), true, {}, {}, true}};
    for (const Series& s : curves)
      if (!s.y.empty()) {
        depth = std::max(depth, s.y.size());
        f.series.push_back(s);
      }
  }
  for (size_t l = 0; l < depth; ++l) f.x_ticks.push_back(std::to_string(l + 1));
  f.levels = {{std::string(pick(L, "image side (", "이미지 한 변 (")) + std::to_string(image_px) + pick(L, " px)", " 픽셀)"),
               static_cast<double>(image_px)}};
  return f;
}

}  // namespace vc
