#include "figures/compare_figures.h"

#include <algorithm>
#include <cmath>

#include "figures/csv.h"
#include "figures/words.h"

namespace vc {

Figure data_scale_figure(std::span<const DataScaleCurve> recorded, std::span<const DataScaleCurve> here, Language L) {
  Figure f = labelled_figure(
      L,
      {"Does the ViT gain more from data than the CNN? Test accuracy against the amount of training data",
       "ViT는 CNN보다 데이터에서 더 얻나? 학습 데이터 양에 따른 테스트 정확도"},
      {"Each point: a checkpoint trained on that share of the training set; bars: +- one standard error "
       "sqrt(p (1 - p) / n). Thick: accuracies recorded at export; thin: measured in the lab.",
       "각 점: 학습 세트의 그 비율로 학습한 체크포인트, 막대: ± 표준오차 sqrt(p (1 - p) / n). 굵은 선: 내보낼 때 기록한 "
       "정확도, 가는 선: 랩에서 잰 정확도."},
      {"share of the training data", "학습 데이터 비율"}, {"test accuracy, %", "테스트 정확도, %"});
  for (int s = 0; s < kDataScaleCount; ++s) f.x_ticks.push_back(std::to_string(data_scale_percent(s)) + " %");
  double lo = 100.0;
  for (const auto& [curves, thin] : {std::pair{recorded, false}, std::pair{here, true}})
    for (const DataScaleCurve& c : curves) {
      const std::string family = kFamilies[c.family];
      Series s{family_words(family, L), checkpoint_color(family + "_p100"), {}, thin, {}, {}};
      int64_t samples = 0;
      for (const std::optional<MeasuredAccuracy>& p : c.points) {
        s.y.push_back(p ? 100.0 * p->accuracy : NAN);
        s.error.push_back(p ? 100.0 * p->standard_error : NAN);
        if (p) {
          samples = p->samples;
          lo = std::min(lo, s.y.back() - s.error.back());
        }
      }
      if (samples == 0) continue;
      s.name += (thin ? pick(L, ", measured here (", ", 여기서 잰 값 (") : pick(L, ", recorded (", ", 기록값 (")) +
                std::to_string(samples) + pick(L, " test images)", "장)");
      f.series.push_back(std::move(s));
    }
  f.y_min = f.series.empty() ? 0.0 : std::max(0.0, std::floor(lo / 5.0) * 5.0);
  return f;
}

std::string data_scale_csv(std::span<const DataScaleCurve> recorded, std::span<const DataScaleCurve> here) {
  TextTable t{{"family", "share_percent", "source", "accuracy", "standard_error", "images"}, {}};
  for (const auto& [curves, source] : {std::pair{recorded, "recorded"}, std::pair{here, "here"}})
    for (const DataScaleCurve& c : curves)
      for (int s = 0; s < kDataScaleCount; ++s)
        if (const std::optional<MeasuredAccuracy>& p = c.points[s])
          t.rows.push_back({kFamilies[c.family], std::to_string(data_scale_percent(s)), source,
                            csv_number(p->accuracy), csv_number(p->standard_error), std::to_string(p->samples)});
  return table_csv(t);
}

}  // namespace vc
