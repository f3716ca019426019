// The Compare view: measured comparison table and data-scale curves (not built yet).
#include "ui/pending_views.h"

namespace vc {

namespace {

enum class Text { Will, Help, Count };
constexpr TextRow<Text> kRows[] = {
    {Text::Will, "Will show: parameters, compute, latency and accuracy measured here in the browser, "
                 "next to the concept tables, and accuracy against training-set size.",
     "보여줄 내용: 브라우저에서 직접 잰 파라미터 수, 연산량, 실행 시간, 정확도와 개념 비교표, 학습 데이터 양에 따른 "
     "정확도."},
    {Text::Help, "Accuracy = correct predictions / images, on the first 1000 test images, computed "
                 "in this page.",
     "정확도 = 맞힌 예측 수 / 이미지 수. 이 페이지에서 처음 1000장의 테스트 이미지로 계산합니다."},
};
constexpr auto kTexts = text_table(kRows);

}  // namespace

void panel_compare(AppState& app) { panel_pending_view(app, kTexts[0], kTexts[1], kCompareAnchors[0]); }

std::span<const TextPair> compare_texts() { return kTexts; }

}  // namespace vc
