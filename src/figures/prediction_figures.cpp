#include "figures/prediction_figures.h"

#include <algorithm>

#include "analysis/compare.h"
#include "figures/csv.h"
#include "figures/words.h"

namespace vc {

Figure predictions_figure(std::span<const Measured<std::vector<double>>> models,
                          std::span<const std::string> class_names, int true_class, Language L) {
  Figure f = labelled_figure(
      L, {"What does each model see in this image? Class probabilities", "각 모델은 이 이미지를 무엇으로 보나? 클래스 확률"},
      {"Each column: one model's probability for every class (the softmax of its outputs) for the image shown, in %.",
       "열마다 보이는 이미지에 대한 한 모델의 클래스별 확률(출력의 소프트맥스), 단위 %."},
      {"model", "모델"}, {"class", "클래스"});
  if (true_class >= 0 && true_class < static_cast<int>(class_names.size()))
    f.how_to_read += std::string(pick(L, " The image's true class: ", " 이미지의 실제 클래스: ")) +
                     class_names[true_class] + ".";
  Heatmap h;
  h.rows = static_cast<int>(class_names.size());
  h.cols = static_cast<int>(models.size());
  h.vmin = 0.0;
  h.vmax = 100.0;
  h.value_label = pick(L, "probability, %", "확률, %");
  h.decimals = 1;
  for (int c = 0; c < h.rows; ++c)
    for (const Measured<std::vector<double>>& m : models)
      h.values.push_back(c < static_cast<int>(m.result->size()) ? 100.0 * (*m.result)[c] : 0.0);
  for (const Measured<std::vector<double>>& m : models) f.x_ticks.push_back(checkpoint_words(m.checkpoint, L));
  f.y_ticks.assign(class_names.begin(), class_names.end());
  f.heatmap = std::move(h);
  return f;
}

std::string predictions_csv(std::span<const Measured<std::vector<double>>> models,
                            std::span<const std::string> class_names) {
  TextTable t{{"model", "label", "class_name", "probability"}, {}};
  for (const Measured<std::vector<double>>& m : models)
    for (size_t c = 0; c < m.result->size(); ++c)
      t.rows.push_back({m.checkpoint, std::to_string(c), c < class_names.size() ? class_names[c] : "",
                        csv_number((*m.result)[c])});
  return table_csv(t);
}

}  // namespace vc
