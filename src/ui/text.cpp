#include "ui/text.h"

#include <cstddef>
#include <iterator>

namespace vc {

namespace {

struct TextRow {
  TextId id;
  const char* en;
  const char* ko;
};

// Rows with printf placeholders keep the same placeholders, in the same order, in both languages.
constexpr TextRow kTexts[] = {
    {TextId::AppTitle, "ViT vs CNN Lab", "ViT vs CNN 실험실"},
    {TextId::MenuLanguage, "Language", "언어"},
    {TextId::MenuHelp, "Help", "도움말"},
    {TextId::HelpShortcuts, "Keyboard shortcuts", "단축키"},
    {TextId::ShortcutTabs, "1-6: switch view", "1-6: 화면 전환"},
    {TextId::ShortcutArrows, "Arrow keys: shift the input by one pixel", "방향키: 입력을 한 픽셀 이동"},
    {TextId::ShortcutReset, "R: reset to the last gallery image", "R: 마지막 갤러리 이미지로 되돌리기"},
    {TextId::ShortcutClear, "C: clear the input", "C: 입력 지우기"},
    {TextId::ShortcutsInactiveInText, "(shortcuts are off while a text field is active)",
     "(텍스트 입력 중에는 단축키가 동작하지 않습니다)"},
    {TextId::TabInput, "Input", "입력"},
    {TextId::TabPredictions, "Predictions", "예측"},
    {TextId::TabAttention, "Attention", "어텐션"},
    {TextId::TabReceptiveField, "Receptive field", "수용 영역"},
    {TextId::TabRepresentations, "Representations", "표현"},
    {TextId::TabCompare, "Compare", "비교"},
    {TextId::Dismiss, "Dismiss", "닫기"},
    {TextId::NotBuiltYet, "This view is not built yet.", "이 화면은 아직 만들어지지 않았습니다."},
    {TextId::WhatToNotice, "What to notice:", "살펴볼 점:"},
    {TextId::InputCanvasTitle, "Input image (28 x 28)", "입력 이미지 (28 x 28)"},
    {TextId::InputCanvasHelp,
     "The models see exactly these 28 x 28 numbers, 0 = black, 1 = white. Before a model runs, the image is "
     "zero-padded to 32 x 32 and every pixel becomes (x - mean) / std, with mean and std from the model's "
     "training data.",
     "모델이 보는 것은 이 28 x 28개의 숫자뿐입니다 (0 = 검정, 1 = 흰색). 모델에 넣기 전에 가장자리를 0으로 채워 "
     "32 x 32로 만들고, 모든 픽셀을 (x - mean) / std 로 바꿉니다. mean과 std는 모델이 학습한 데이터에서 구한 "
     "값입니다."},
    {TextId::InputCanvasNotice, "a one-pixel shift changes hundreds of these numbers, yet the object is the same.",
     "한 픽셀만 옮겨도 수백 개의 숫자가 바뀌지만, 물체는 그대로입니다."},
    {TextId::InputMouseHint, "Left drag: draw. Right drag: erase.", "왼쪽 드래그: 그리기. 오른쪽 드래그: 지우기."},
    {TextId::InputErase, "Erase with the left button", "왼쪽 버튼으로 지우기"},
    {TextId::InputBrushRadius, "Brush radius (px)", "붓 반지름 (픽셀)"},
    {TextId::InputBrushSoftness, "Soft edge", "부드러운 가장자리"},
    {TextId::InputBrushHelp,
     "A pixel at distance d from the brush centre gets coverage a = clamp((r - d) / (r * s), 0, 1) for radius r "
     "and soft edge s (s = 0: a hard disc). Drawing sets the pixel to max(x, a); erasing to min(x, 1 - a).",
     "붓 중심에서 거리 d인 픽셀의 덮임 정도는 a = clamp((r - d) / (r * s), 0, 1) 입니다 (r: 반지름, s: 부드러운 "
     "가장자리, s = 0이면 경계가 뚜렷한 원). 그리기는 픽셀을 max(x, a)로, 지우기는 min(x, 1 - a)로 바꿉니다."},
    {TextId::InputReset, "Reset", "되돌리기"},
    {TextId::InputClear, "Clear", "지우기"},
    {TextId::InputShift, "Shift", "이동"},
    {TextId::InputShiftNote, "Shifting fills the uncovered edge with zeros (no wrap-around).",
     "이동하면 비게 된 가장자리는 0으로 채워집니다 (반대편으로 넘어가지 않음)."},
    {TextId::InputLoadImage, "Load image...", "이미지 불러오기..."},
    {TextId::InputDropNote, "You can also drop a PNG or JPEG file onto the window.",
     "PNG나 JPEG 파일을 창에 끌어다 놓아도 됩니다."},
    {TextId::InputSourceNone, "Source: blank", "출처: 빈 이미지"},
    {TextId::InputSourceGallery, "Source: test image #%d (%s)", "출처: 테스트 이미지 #%d (%s)"},
    {TextId::InputSourceFile, "Source: file %s", "출처: 파일 %s"},
    {TextId::InputSourceEdited, "(edited)", "(수정됨)"},
    {TextId::InputPixelValue, "pixel (x %d, y %d) = %.3f", "픽셀 (x %d, y %d) = %.3f"},
    {TextId::InputLoaded, "Loaded %s (%d x %d, resized to 28 x 28)", "%s 불러옴 (%d x %d, 28 x 28로 축소)"},
    {TextId::InputLoadFailed, "Could not open %s: %s", "%s 파일을 열 수 없습니다: %s"},
    {TextId::GalleryTitle, "Fashion-MNIST test images", "Fashion-MNIST 테스트 이미지"},
    {TextId::GalleryHelp,
     "The first three images of each class from the 10,000-image Fashion-MNIST test set. The models never saw "
     "them during training. Click one to make it the input.",
     "Fashion-MNIST 테스트 세트(10,000장)에서 클래스마다 처음 세 장을 골랐습니다. 모델은 학습 중에 이 이미지를 "
     "본 적이 없습니다. 클릭하면 입력이 됩니다."},
    {TextId::GalleryNotice, "classes like shirt, T-shirt and pullover look alike even to people.",
     "셔츠, 티셔츠, 풀오버처럼 사람이 봐도 헷갈리는 클래스가 있습니다."},
    {TextId::GalleryLoading, "Loading the test images...", "테스트 이미지를 불러오는 중..."},
    {TextId::GalleryFailed, "The test images could not be loaded: %s", "테스트 이미지를 불러오지 못했습니다: %s"},
    {TextId::StripTitle, "Input", "입력"},
    {TextId::StripHint, "Draw or shift in the Input view (key 1).", "그리기와 이동은 입력 화면(1번 키)에서 합니다."},
    {TextId::ModelLoading, "%s: loading...", "%s: 불러오는 중..."},
    {TextId::PredictionsWill, "Will show: the top classes of each model (ViT, CNN, hybrid) for the current input, "
                              "as probability bars, with each model's latency in milliseconds.",
     "보여줄 내용: 현재 입력에 대한 각 모델(ViT, CNN, 하이브리드)의 상위 클래스 확률 막대와 모델별 실행 시간(ms)."},
    {TextId::PredictionsHelp, "A model outputs one score z_k per class; softmax turns them into probabilities "
                              "p_k = exp(z_k) / sum_j exp(z_j).",
     "모델은 클래스마다 점수 z_k를 내고, softmax가 이를 확률 p_k = exp(z_k) / sum_j exp(z_j) 로 바꿉니다."},
    {TextId::AttentionWill, "Will show: the ViT's attention maps (layers x heads), attention rollout, and the mean "
                            "attention distance of every head.",
     "보여줄 내용: ViT의 어텐션 맵(층 x 헤드), 어텐션 롤아웃, 헤드별 평균 어텐션 거리."},
    {TextId::AttentionHelp, "Attention A = softmax(Q K^T / sqrt(d)): row i says how much token i draws from every "
                            "other token.",
     "어텐션 A = softmax(Q K^T / sqrt(d)): i번째 행은 토큰 i가 다른 토큰들에서 얼마나 정보를 가져오는지 나타냅니다."},
    {TextId::ReceptiveFieldWill, "Will show: for a position you pick, the theoretical and the effective receptive "
                                 "field of the CNN and the ViT, layer by layer.",
     "보여줄 내용: 선택한 위치에 대해 CNN과 ViT의 이론적 수용 영역과 실제(유효) 수용 영역을 층별로 비교."},
    {TextId::ReceptiveFieldHelp, "For a stack of convolutions: r_l = r_(l-1) + (k_l - 1) * j_(l-1), "
                                 "j_l = j_(l-1) * s_l (kernel k, stride s, r_0 = j_0 = 1).",
     "합성곱을 쌓으면: r_l = r_(l-1) + (k_l - 1) * j_(l-1), j_l = j_(l-1) * s_l (커널 k, 스트라이드 s, "
     "r_0 = j_0 = 1)."},
    {TextId::RepresentationsWill, "Will show: layer-by-layer CKA similarity within and across models, skip-"
                                  "connection ratios, and how features follow a shifted input.",
     "보여줄 내용: 모델 안과 모델 사이의 층별 CKA 유사도, 스킵 연결 비율, 입력을 옮겼을 때 특징이 따라 움직이는 "
     "정도."},
    {TextId::RepresentationsHelp, "Linear CKA(X, Y) = HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)) with K = X X^T, "
                                  "L = Y Y^T over the same images.",
     "선형 CKA(X, Y) = HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)), 같은 이미지들에 대해 K = X X^T, L = Y Y^T."},
    {TextId::CompareWill, "Will show: parameters, compute, latency and accuracy measured here in the browser, "
                          "next to the concept tables, and accuracy against training-set size.",
     "보여줄 내용: 브라우저에서 직접 잰 파라미터 수, 연산량, 실행 시간, 정확도와 개념 비교표, 학습 데이터 양에 따른 "
     "정확도."},
    {TextId::CompareHelp, "Accuracy = correct predictions / images, on the first 1000 test images, computed "
                          "in this page.",
     "정확도 = 맞힌 예측 수 / 이미지 수. 이 페이지에서 처음 1000장의 테스트 이미지로 계산합니다."},
    {TextId::Class0, "T-shirt/top", "티셔츠/상의"},
    {TextId::Class1, "Trouser", "바지"},
    {TextId::Class2, "Pullover", "풀오버"},
    {TextId::Class3, "Dress", "드레스"},
    {TextId::Class4, "Coat", "코트"},
    {TextId::Class5, "Sandal", "샌들"},
    {TextId::Class6, "Shirt", "셔츠"},
    {TextId::Class7, "Sneaker", "운동화"},
    {TextId::Class8, "Bag", "가방"},
    {TextId::Class9, "Ankle boot", "앵클 부츠"},
};

constexpr bool rows_follow_enum() {
  for (size_t i = 0; i < std::size(kTexts); ++i)
    if (static_cast<size_t>(kTexts[i].id) != i) return false;
  return std::size(kTexts) == static_cast<size_t>(TextId::Count);
}
static_assert(rows_follow_enum(), "kTexts must list every TextId once, in enum order");

}  // namespace

const char* tr(Language lang, TextId id) {
  const auto i = static_cast<size_t>(id);
  if (i >= std::size(kTexts)) return "?";
  return lang == Language::Ko ? kTexts[i].ko : kTexts[i].en;
}

const char* class_name(Language lang, int label) {
  if (label < 0 || label > 9) return "?";
  return tr(lang, static_cast<TextId>(static_cast<int>(TextId::Class0) + label));
}

const char* language_code(Language lang) { return lang == Language::Ko ? "ko" : "en"; }
const char* language_name(Language lang) { return lang == Language::Ko ? "한국어" : "English"; }

}  // namespace vc
