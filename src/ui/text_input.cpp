#include "ui/text_input.h"

#include "ui/input_view.h"

namespace vc {

namespace {

// Rows with printf placeholders keep the same placeholders, in the same order, in both languages.
constexpr TextRow<InputText> kRows[] = {
    {InputText::CanvasTitle, "Input image (28 x 28)", "입력 이미지 (28 x 28)"},
    {InputText::CanvasHelp,
     "The models see exactly these 28 x 28 numbers, from 0 (black) to 1 (white). Before a model runs, the image is "
     "zero-padded to 32 x 32 and every pixel becomes (x - mean) / std, with mean and std from the model's "
     "training data.",
     "모델이 보는 것은 이 28 x 28개의 숫자뿐입니다 (0은 검정, 1은 흰색). 모델에 넣기 전에 가장자리를 0으로 채워 "
     "32 x 32로 만들고, 모든 픽셀을 (x - mean) / std 로 바꿉니다. mean과 std는 모델이 학습한 데이터에서 구한 "
     "값입니다."},
    {InputText::CanvasNotice, "a one-pixel shift changes hundreds of these numbers, yet the object is the same.",
     "한 픽셀만 옮겨도 수백 개의 숫자가 바뀌지만, 물체는 그대로입니다."},
    {InputText::MouseHint, "Left drag: draw. Right drag: erase.", "왼쪽 드래그: 그리기. 오른쪽 드래그: 지우기."},
    {InputText::Erase, "Erase with the left button", "왼쪽 버튼으로 지우기"},
    {InputText::BrushRadius, "Brush radius (px)", "붓 반지름 (픽셀)"},
    {InputText::BrushSoftness, "Soft edge", "부드러운 가장자리"},
    {InputText::BrushHelp,
     "The brush paints white (or erases to black when Erase is on); a soft edge fades out towards the rim instead of stopping sharply.\n"
     "Formula: " "A pixel at distance d from the brush centre gets coverage a = clamp((r - d) / (r * s), 0, 1) for radius r "
     "and soft edge s (s = 0: a hard disc). Drawing sets the pixel to max(x, a); erasing to min(x, 1 - a).",
     "붓은 흰색을 칠합니다 (지우기를 켜면 검게 지웁니다). 부드러운 가장자리는 경계에서 뚝 끊기지 않고 서서히 흐려집니다.\n"
     "수식: " "붓 중심에서 거리 d인 픽셀의 덮임 정도는 a = clamp((r - d) / (r * s), 0, 1) 입니다 (r: 반지름, s: 부드러운 "
     "가장자리, s = 0이면 경계가 뚜렷한 원). 그리기는 픽셀을 max(x, a)로, 지우기는 min(x, 1 - a)로 바꿉니다."},
    {InputText::Reset, "Reset", "되돌리기"},
    {InputText::Clear, "Clear", "지우기"},
    {InputText::Shift, "Shift", "이동"},
    {InputText::ShiftNote, "Shifting fills the uncovered edge with zeros (no wrap-around).",
     "이동하면 비게 된 가장자리는 0으로 채워집니다 (반대편으로 넘어가지 않음)."},
    {InputText::LoadImage, "Load image or checkpoint...", "이미지나 체크포인트 불러오기..."},
    {InputText::DropNote,
     "You can also drop a PNG or JPEG file onto the window, or a .safetensors checkpoint exported by tools/train: "
     "it joins its family's checkpoint choices in every view.",
     "PNG나 JPEG 파일을 창에 끌어다 놓아도 됩니다. tools/train으로 내보낸 .safetensors 체크포인트를 놓으면 "
     "모든 보기에서 그 계열의 체크포인트 선택지에 추가됩니다."},
    {InputText::SourceNone, "Source: blank", "출처: 빈 이미지"},
    {InputText::SourceGallery, "Source: test image #%d (%s)", "출처: 테스트 이미지 #%d (%s)"},
    {InputText::SourceFile, "Source: file %s", "출처: 파일 %s"},
    {InputText::SourceEdited, "(edited)", "(수정됨)"},
    {InputText::PixelValue, "pixel (x %d, y %d) = %.3f", "픽셀 (x %d, y %d) = %.3f"},
    {InputText::GalleryTitle, "Fashion-MNIST test images", "Fashion-MNIST 테스트 이미지"},
    {InputText::GalleryHelp,
     "The first three images of each class from the 10,000-image Fashion-MNIST test set. The models never saw "
     "them during training. Click one to make it the input.",
     "Fashion-MNIST 테스트 세트(10,000장)에서 클래스마다 처음 세 장을 골랐습니다. 모델은 학습 중에 이 이미지를 "
     "본 적이 없습니다. 클릭하면 입력이 됩니다."},
    {InputText::GalleryNotice, "classes like shirt, T-shirt and pullover look alike even to people.",
     "셔츠, 티셔츠, 풀오버처럼 사람이 봐도 헷갈리는 클래스가 있습니다."},
    {InputText::GalleryFailed, "The test images could not be loaded: %s", "테스트 이미지를 불러오지 못했습니다: %s"},
    {InputText::StripTitle, "Input", "입력"},
    {InputText::StripHint, "Draw here: left button draws, right button erases. Brush and shifts: Input view (key 1).",
     "여기에 그리세요: 왼쪽 버튼은 그리기, 오른쪽 버튼은 지우기. 붓과 이동: 입력 화면(1번 키)."},
    {InputText::StripErase, "Erase", "지우개"},
};
constexpr auto kTexts = text_table(kRows);

}  // namespace

const char* tr(Language lang, InputText id) { return text_of(kTexts, lang, static_cast<size_t>(id)); }

std::span<const TextPair> input_texts() { return kTexts; }

}  // namespace vc
