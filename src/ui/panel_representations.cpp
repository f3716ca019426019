// The Representations view: CKA, skip ratios and equivariance (not built yet).
#include "ui/pending_views.h"

namespace vc {

namespace {

enum class Text { Will, Help, Count };
constexpr TextRow<Text> kRows[] = {
    {Text::Will, "Will show: layer-by-layer CKA similarity within and across models, skip-"
                 "connection ratios, and how features follow a shifted input.",
     "보여줄 내용: 모델 안과 모델 사이의 층별 CKA 유사도, 스킵 연결 비율, 입력을 옮겼을 때 특징이 따라 움직이는 "
     "정도."},
    {Text::Help, "Linear CKA(X, Y) = HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)) with K = X X^T, "
                 "L = Y Y^T over the same images.",
     "선형 CKA(X, Y) = HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)), 같은 이미지들에 대해 K = X X^T, L = Y Y^T."},
};
constexpr auto kTexts = text_table(kRows);

}  // namespace

void panel_representations(AppState& app) {
  panel_pending_view(app, kTexts[0], kTexts[1], kRepresentationsAnchors[0]);
}

std::span<const TextPair> representations_texts() { return kTexts; }

}  // namespace vc
