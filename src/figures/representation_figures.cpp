#include "figures/representation_figures.h"

#include <algorithm>
#include <cmath>

#include "figures/words.h"

namespace vc {
namespace {

// "1", "2", ..., "n": positions as people count them.
std::vector<std::string> counted(size_t n) {
  std::vector<std::string> v;
  for (size_t i = 0; i < n; ++i) v.push_back(std::to_string(i + 1));
  return v;
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
  f.y_label = pick(L, "layer of ", "층: ") + wa + pick(L, " (1 = nearest the input)", " (1 = 입력 쪽)");
  f.x_label = pick(L, "layer of ", "층: ") + wb + pick(L, " (1 = nearest the input)", " (1 = 입력 쪽)");
  f.y_ticks = counted(r.rows.size());
  f.x_ticks = counted(r.cols.size());
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

Figure equivariance_figure(std::span<const Measured<Equivariance>> models, int k, Language L) {
  Figure f = labelled_figure(
      L, {"Do the features move with the image? Equivariance error for a shift of ", "특징이 이미지와 함께 움직이나? 이동 "},
      {"The image shifted right vs the features shifted the same way, by layer: 0 % = the features move exactly with "
       "the image. No point where the shift is not a whole number of the layer's cells.",
       "오른쪽으로 이동한 이미지의 특징과 같은 만큼 이동한 특징을 층마다 비교합니다: 0 % = 특징이 이미지와 정확히 함께 "
       "움직임. 이동이 층의 칸 크기의 정수배가 아닌 곳에는 점이 없습니다."},
      {"layer (1 = nearest the input)", "층 (1 = 입력 쪽)"}, {"equivariance error, %", "등변성 오차, %"});
  f.title += std::to_string(k) + pick(L, " px", " px의 등변성 오차");
  size_t count = 0;
  for (const Measured<Equivariance>& m : models) {
    Series s{checkpoint_words(m.checkpoint, L), checkpoint_color(m.checkpoint), {}, false};
    for (const EquivarianceLayer& layer : m.result->layers)
      s.y.push_back(layer.defined[k - 1] ? 100.0 * layer.error[k - 1] : NAN);
    count = std::max(count, s.y.size());
    f.series.push_back(std::move(s));
  }
  f.x_ticks = counted(count);
  return f;
}

}  // namespace vc
