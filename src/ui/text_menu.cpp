#include "ui/text_menu.h"

namespace vc {

namespace {

constexpr TextRow<MenuText> kRows[] = {
    {MenuText::ScaleDown, "A-", "A-"},
    {MenuText::ScaleUp, "A+", "A+"},
    {MenuText::ScaleHelp,
     "Text and figures smaller (A-) or larger (A+), for a projector or a large screen. Without a choice the lab "
     "draws larger in wide windows: 1.25x from 1600 pixels wide, 1.5x from 1900. The link keeps your choice.",
     "글자와 그림을 작게(A-) 또는 크게(A+) 합니다. 프로젝터나 큰 화면에서 쓰세요. 고르지 않으면 넓은 창에서 "
     "자동으로 커집니다: 폭 1600픽셀부터 1.25배, 1900픽셀부터 1.5배. 링크에 이 선택이 들어갑니다."},
    {MenuText::CopyLink, "Copy link", "링크 복사"},
    {MenuText::CopyLinkHelp,
     "Copy a link that opens exactly this view: the input image (also a drawing), each model's checkpoint, the "
     "language, the scale, the tour step and this tab's settings. Your own checkpoint files stay on this computer.",
     "지금 화면을 그대로 여는 링크를 복사합니다: 입력 이미지(그린 그림 포함), 모델별 체크포인트, 언어, 배율, "
     "투어 단계, 이 탭의 설정. 직접 연 체크포인트 파일은 이 컴퓨터에만 있습니다."},
    {MenuText::LinkCopied, "Link copied (%d characters): paste it to share this exact view.",
     "링크를 복사했습니다 (%d자): 붙여 넣어 지금 화면을 그대로 공유하세요."},
    {MenuText::LinkCopyFailed, "Could not copy the link: %s", "링크를 복사하지 못했습니다: %s"},
};
constexpr auto kTexts = text_table(kRows);

}  // namespace

const char* tr(Language lang, MenuText id) { return text_of(kTexts, lang, static_cast<size_t>(id)); }
std::span<const TextPair> menu_texts() { return kTexts; }

}  // namespace vc
