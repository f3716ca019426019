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
    {MenuText::About, "About this lab", "이 실습 도구에 대해"},
    {MenuText::ComputeOneThread, "Computing on one thread", "스레드 하나로 계산합니다"},
    {MenuText::ComputeThreads, "Computing on %d threads", "스레드 %d개로 계산합니다"},
    {MenuText::ComputeJobThread,
     "Batch jobs run on a thread of their own, beside the drawing: the lab stays smooth while they compute.",
     "일괄 작업은 화면을 그리는 스레드와 따로 돌아서, 계산하는 동안에도 화면이 부드럽게 움직입니다."},
    {MenuText::ComputeNotIsolated,
     "One thread only: threads need a cross-origin isolated page (the COOP and COEP headers ./build_wasm.sh serves "
     "with), and this server sends neither. Everything works, batch jobs just take longer.",
     "스레드 하나만 씁니다: 여러 스레드를 쓰려면 페이지가 cross-origin isolated여야 하는데(./build_wasm.sh가 "
     "보내는 COOP와 COEP 헤더), 이 서버는 두 헤더를 보내지 않습니다. 모든 기능은 그대로이고 일괄 작업만 더 "
     "오래 걸립니다."},
    {MenuText::ComputeHelp,
     "Batch work (accuracy, averages, CKA, receptive fields over many images) is split over these threads: the row "
     "tiles of a matrix product, the images of a convolution. Every number is the same, bit for bit, with any count.",
     "일괄 작업(정확도, 평균, CKA, 여러 이미지의 수용 영역)을 이 스레드들에 나눕니다: 행렬 곱의 행 타일, "
     "합성곱의 이미지 단위로. 스레드 수와 상관없이 모든 숫자가 비트 단위까지 같습니다."},
};
constexpr auto kTexts = text_table(kRows);

}  // namespace

const char* tr(Language lang, MenuText id) { return text_of(kTexts, lang, static_cast<size_t>(id)); }
std::span<const TextPair> menu_texts() { return kTexts; }

}  // namespace vc
