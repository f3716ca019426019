// The Receptive field view: theoretical and effective receptive fields, CNN vs ViT (not built yet).
#include "ui/pending_views.h"

namespace vc {

namespace {

enum class Text { Will, Help, Count };
constexpr TextRow<Text> kRows[] = {
    {Text::Will, "Will show: for a position you pick, the theoretical and the effective receptive "
                 "field of the CNN and the ViT, layer by layer.",
     "보여줄 내용: 선택한 위치에 대해 CNN과 ViT의 이론적 수용 영역과 실제(유효) 수용 영역을 층별로 비교."},
    {Text::Help, "For a stack of convolutions: r_l = r_(l-1) + (k_l - 1) * j_(l-1), "
                 "j_l = j_(l-1) * s_l (kernel k, stride s, r_0 = j_0 = 1).",
     "합성곱을 쌓으면: r_l = r_(l-1) + (k_l - 1) * j_(l-1), j_l = j_(l-1) * s_l (커널 k, 스트라이드 s, "
     "r_0 = j_0 = 1)."},
};
constexpr auto kTexts = text_table(kRows);

}  // namespace

void panel_receptive_field(AppState& app) {
  panel_pending_view(app, kTexts[0], kTexts[1], kReceptiveFieldAnchors[0]);
}

std::span<const TextPair> receptive_field_texts() { return kTexts; }

}  // namespace vc
