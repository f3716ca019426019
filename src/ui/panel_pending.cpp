// The views not built yet (pending_views.h): each is its own tab and registration row; its body says what it
// will show, with the formula behind it. A view that gets built moves to its own files and drops its rows here.
#include <imgui.h>

#include "ui/pending_views.h"
#include "ui/widgets.h"

namespace vc {

namespace {

enum class Text {
  ReceptiveFieldWill,
  ReceptiveFieldHelp,
  RepresentationsWill,
  RepresentationsHelp,
  CompareWill,
  CompareHelp,
  Count
};
constexpr TextRow<Text> kRows[] = {
    {Text::ReceptiveFieldWill, "Will show: for a position you pick, the theoretical and the effective receptive "
                               "field of the CNN and the ViT, layer by layer.",
     "보여줄 내용: 선택한 위치에 대해 CNN과 ViT의 이론적 수용 영역과 실제(유효) 수용 영역을 층별로 비교."},
    {Text::ReceptiveFieldHelp, "For a stack of convolutions: r_l = r_(l-1) + (k_l - 1) * j_(l-1), "
                               "j_l = j_(l-1) * s_l (kernel k, stride s, r_0 = j_0 = 1).",
     "합성곱을 쌓으면: r_l = r_(l-1) + (k_l - 1) * j_(l-1), j_l = j_(l-1) * s_l (커널 k, 스트라이드 s, "
     "r_0 = j_0 = 1)."},
    {Text::RepresentationsWill, "Will show: layer-by-layer CKA similarity within and across models, skip-"
                                "connection ratios, and how features follow a shifted input.",
     "보여줄 내용: 모델 안과 모델 사이의 층별 CKA 유사도, 스킵 연결 비율, 입력을 옮겼을 때 특징이 따라 움직이는 "
     "정도."},
    {Text::RepresentationsHelp, "Linear CKA(X, Y) = HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)) with K = X X^T, "
                                "L = Y Y^T over the same images.",
     "선형 CKA(X, Y) = HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)), 같은 이미지들에 대해 K = X X^T, L = Y Y^T."},
    {Text::CompareWill, "Will show: parameters, compute, latency and accuracy measured here in the browser, "
                        "next to the concept tables, and accuracy against training-set size.",
     "보여줄 내용: 브라우저에서 직접 잰 파라미터 수, 연산량, 실행 시간, 정확도와 개념 비교표, 학습 데이터 양에 따른 "
     "정확도."},
    {Text::CompareHelp, "Accuracy = correct predictions / images, on the first 1000 test images, computed "
                        "in this page.",
     "정확도 = 맞힌 예측 수 / 이미지 수. 이 페이지에서 처음 1000장의 테스트 이미지로 계산합니다."},
};
constexpr auto kTexts = text_table(kRows);

const TextPair& text(Text id) { return kTexts[static_cast<size_t>(id)]; }

// "Not built yet", the formula on hover, and what the view will show; `anchor` names the text's rect.
void panel_pending_view(AppState& app, Text will_show, Text help, const char* anchor) {
  const Language L = app.ui.language;
  ImGui::TextUnformatted(tr(L, TextId::NotBuiltYet));
  ImGui::SameLine();
  help_marker(text_of(text(help), L));
  ImGui::TextWrapped("%s", text_of(text(will_show), L));
  record_rect(app, anchor);
}

// The two strings of one pending view, from `will`.
std::span<const TextPair> view_texts(Text will) { return std::span(kTexts).subspan(static_cast<size_t>(will), 2); }

}  // namespace

void panel_receptive_field(AppState& app) {
  panel_pending_view(app, Text::ReceptiveFieldWill, Text::ReceptiveFieldHelp, kReceptiveFieldAnchors[0]);
}
std::span<const TextPair> receptive_field_texts() { return view_texts(Text::ReceptiveFieldWill); }

void panel_representations(AppState& app) {
  panel_pending_view(app, Text::RepresentationsWill, Text::RepresentationsHelp, kRepresentationsAnchors[0]);
}
std::span<const TextPair> representations_texts() { return view_texts(Text::RepresentationsWill); }

void panel_compare(AppState& app) {
  panel_pending_view(app, Text::CompareWill, Text::CompareHelp, kCompareAnchors[0]);
}
std::span<const TextPair> compare_texts() { return view_texts(Text::CompareWill); }

}  // namespace vc
