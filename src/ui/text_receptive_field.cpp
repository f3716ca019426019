#include "ui/text_receptive_field.h"

#include "ui/receptive_field_view.h"

namespace vc {

namespace {

// Rows with printf placeholders keep the same placeholders, in the same order, in both languages; rows shown as
// they are (no placeholder) write a percent sign as "%", rows used as formats as "%%".
constexpr TextRow<RfText> kRows[] = {
    {RfText::Intro,
     "Which input pixels can one unit of a layer see, and which of them really move it? The white box is what the "
     "layer's wiring allows (the theoretical receptive field); the heatmap shows how strongly each pixel changes the "
     "unit (the effective receptive field).",
     "한 층의 유닛 하나가 입력의 어느 픽셀까지 볼 수 있고, 그중 어느 픽셀이 실제로 그 유닛을 움직일까요? 흰 "
     "상자는 층의 연결 구조가 허락하는 범위(이론적 수용 영역)이고, 히트맵은 각 픽셀이 유닛을 얼마나 크게 바꾸는지(유효 "
     "수용 영역)를 보여 줍니다."},
    {RfText::Model, "Model:", "모델:"},
    {RfText::Checkpoint, "Trained on (share of the training set):", "학습 데이터 (학습 세트 중 비율):"},
    {RfText::Untrained, "Untrained (random weights)", "학습 전 (무작위 가중치)"},
    {RfText::UntrainedHelp,
     "The same network with freshly initialised weights (seed %d) instead of trained ones; `vitcnn rf --untrained` "
     "computes the same. Training changes which pixels matter, not which ones can: the white box stays the same.",
     "학습된 가중치 대신 새로 초기화한 가중치(시드 %d)를 쓴 같은 신경망입니다. `vitcnn rf --untrained`도 같은 것을 "
     "계산합니다. 학습은 어떤 픽셀이 중요한지를 바꿀 뿐, 어떤 픽셀을 볼 수 있는지는 바꾸지 않습니다: 흰 상자는 그대로입니다."},
    {RfText::Layer, "Layer", "층"},
    {RfText::LayerMap, "of %s: %s, feature map %d x %d", "/ %s: %s, 특징 맵 %d x %d"},
    {RfText::LayerTokens, "of %s: %s, patch tokens %d x %d + CLS", "/ %s: %s, 패치 토큰 %d x %d + CLS"},
    {RfText::LayerHelp,
     "Layers are counted in blocks from the input, as in the attention maps and the slide figures: what comes before "
     "the first block is named, stem (the first convolution) or emb (the patch embedding), then blocks 1, 2, ... "
     "The hybrid's convolution blocks under its transformer are c1, c2. Deeper layers combine more of the input.",
     "층은 어텐션 맵과 슬라이드 그림처럼 입력 쪽부터 블록 단위로 셉니다: 첫 블록 앞은 이름으로, 스템(첫 합성곱) "
     "또는 임베딩(패치 임베딩)이라 부르고, 그다음이 블록 1, 2, ...입니다. 하이브리드의 트랜스포머 아래 합성곱 "
     "블록은 c1, c2입니다. 깊은 층일수록 입력을 더 넓게 모읍니다."},
    {RfText::ClsToken, "CLS token", "CLS 토큰"},
    {RfText::ClsHelp,
     "The CLS token has no place on the grid: it sees nothing before the first attention layer (it is a learned "
     "constant there) and the whole image after it.",
     "CLS 토큰은 격자 위에 자리가 없습니다: 첫 어텐션 층 전에는 학습된 상수라서 아무 픽셀도 보지 않고, 그 뒤로는 이미지 "
     "전체를 봅니다."},
    {RfText::MapTitle, "Effective receptive field of unit (row %d, column %d), layer %s",
     "유닛 (%d행, %d열)의 유효 수용 영역, %s층"},
    {RfText::MapTitleCls, "Effective receptive field of the CLS token, layer %s", "CLS 토큰의 유효 수용 영역, %s층"},
    {RfText::MapHow,
     "How to read it: the brighter a pixel, the more changing it changes the unit. White box: the theoretical "
     "receptive field (all the unit can see). Red dot: the unit's centre. Orange circles: the radii holding 50 % "
     "(inner) and 90 % (outer) of the gradient.",
     "읽는 법: 밝은 픽셀일수록 그 픽셀을 바꿀 때 유닛이 크게 바뀝니다. 흰 상자: 이론적 수용 영역(유닛이 볼 수 있는 전부). "
     "빨간 점: 유닛의 중심. 주황색 원: 기울기의 50 %(안쪽)와 90 %(바깥쪽)를 담는 반지름."},
    {RfText::MapHelp,
     "Which input pixels move this unit's output: bright pixels change it most when they change. The box is the largest area the unit could see at all (its theoretical receptive field).\n"
     "Formula: " "ERF(x) = |∂y/∂x| summed over the input channels, where y is the sum of the unit's channels (Luo et al. 2016): "
     "one backward pass through the model. Colour = √(value / the map's maximum), so weak but wide gradients show. "
     "r50, r90: radius of the smallest disc around the unit's centre holding 50 % / 90 % of the gradient mass. The "
     "box: r_l = r_(l-1) + (k_l - 1) d_l j_(l-1), j_l = j_(l-1) s_l through every convolution on the way (kernel k, "
     "stride s, dilation d; a residual block sees the union of its paths), the whole image after attention.",
     "어떤 입력 픽셀이 이 유닛의 출력을 움직이는지: 밝은 픽셀일수록 바뀌었을 때 출력을 가장 많이 바꿉니다. 상자는 유닛이 볼 수 있는 가장 넓은 영역(이론적 수용 영역)입니다.\n"
     "수식: " "ERF(x) = 입력 채널에 대해 더한 |∂y/∂x|, y는 유닛의 채널을 모두 더한 값입니다 (Luo et al. 2016). 모델을 한 번 "
     "역전파해서 구합니다. 색 = √(값 / 맵의 최댓값): 약하지만 넓게 퍼진 기울기도 보이게 합니다. r50, r90: 유닛 중심을 "
     "둘러싼 원 가운데 기울기 총량의 50 % / 90 %를 담는 가장 작은 원의 반지름. 상자: 지나온 모든 합성곱에 대해 r_l = "
     "r_(l-1) + (k_l - 1) d_l j_(l-1), j_l = j_(l-1) s_l (커널 k, 스트라이드 s, 팽창 d; 잔차 블록은 경로들의 합집합), "
     "어텐션 뒤로는 이미지 전체."},
    {RfText::HoverHint, "Move the mouse over the map to see any unit's field; click to keep that unit.",
     "맵 위로 마우스를 움직이면 그 자리 유닛의 영역이 보입니다. 클릭하면 그 유닛을 고정합니다."},
    {RfText::AverageHint,
     "While averaging, the map stays on the chosen unit: click the map to average another one.",
     "평균을 내는 동안에는 맵이 선택한 유닛에 머뭅니다. 다른 유닛의 평균을 보려면 맵을 클릭하세요."},
    {RfText::SourceImage, "This image", "이 이미지"},
    {RfText::SourceTest, "Mean over the first N test images", "앞쪽 테스트 이미지 N장의 평균"},
    {RfText::Averaging, "%s: %d / %d images", "%s: %d / %d장"},
    {RfText::Cancel, "Cancel", "취소"},
    {RfText::Opacity, "Map opacity", "맵 불투명도"},
    {RfText::ShownImage, "Shown: this image's map.", "표시: 이 이미지의 맵."},
    {RfText::ShownAverage, "Shown: the mean map over the first %d test images (%d so far).",
     "표시: 앞쪽 테스트 이미지 %d장의 평균 맵 (지금까지 %d장)."},
    {RfText::Summary,
     "r50 = %.1f px, r90 = %.1f px. The pixels holding 90 %% of the gradient cover %.0f %% of the box inside the "
     "image; %.1f %% of the gradient lies outside the box.",
     "r50 = %.1f 픽셀, r90 = %.1f 픽셀. 기울기의 90 %%를 담는 픽셀들이 이미지 안 상자 넓이의 %.0f %%를 차지하고, "
     "기울기의 %.1f %%가 상자 밖에 있습니다."},
    {RfText::SummaryGlobal,
     "r50 = %.1f px, r90 = %.1f px. The box is the whole image: attention has mixed every position into this unit.",
     "r50 = %.1f 픽셀, r90 = %.1f 픽셀. 상자가 이미지 전체입니다: 어텐션이 모든 위치를 이 유닛에 섞었습니다."},
    {RfText::SummaryBlind,
     "This unit sees no pixel yet: the CLS token is a learned constant until the first attention layer.",
     "이 유닛은 아직 어떤 픽셀도 보지 않습니다: CLS 토큰은 첫 어텐션 층 전까지 학습된 상수입니다."},
    {RfText::ClaimConvQuestion,
     "Seed claim (Luo et al. 2016): a CNN unit's effective field is only a small part of its theoretical box. Is it "
     "here?",
     "시드 주장 (Luo et al. 2016): CNN 유닛의 유효 수용 영역은 이론적 상자의 작은 일부일 뿐이다. 여기서도 그런가요?"},
    {RfText::ClaimConvAnswer,
     "Measured: %s, layer %s: 90 %% of the gradient lies within r90 = %.1f px of the unit, in a box %.0f px wide; "
     "the pixels holding it fill %.0f %% of the box inside the image.",
     "측정: %s, %s층: 기울기의 90 %%가 유닛에서 %.1f 픽셀(r90) 안에 있고, 상자의 너비는 %.0f 픽셀입니다. 그 픽셀들은 "
     "이미지 안 상자 넓이의 %.0f %%를 채웁니다."},
    {RfText::ClaimGlobalQuestion,
     "Seed claim (Raghu et al. 2021): from its first attention layer on, a ViT unit can see and use the whole image. "
     "Does its field spread over the image here?",
     "시드 주장 (Raghu et al. 2021): ViT 유닛은 첫 어텐션 층부터 이미지 전체를 보고 활용할 수 있다. 여기서도 영역이 "
     "이미지 전체로 퍼지나요?"},
    {RfText::ClaimGlobalAnswer,
     "Measured: %s, layer %s: the box is the whole %d x %d px image; 90 %% of the gradient lies within r90 = %.1f px "
     "of the unit, 50 %% within %.1f px.",
     "측정: %s, %s층: 상자는 %d x %d 픽셀 이미지 전체입니다. 기울기의 90 %%가 유닛에서 r90 = %.1f 픽셀 안에, 50 %%가 "
     "%.1f 픽셀 안에 있습니다."},
    {RfText::MapNotice,
     "slide the layer: the CNN's box grows with depth (faster after each stride), but its bright part stays much "
     "smaller. Switch to the ViT: its box is the whole image from layer 2 on.",
     "층을 옮겨 보세요: CNN의 상자는 깊어질수록 (스트라이드를 지날 때마다 더 빨리) 커지지만, 밝은 부분은 훨씬 작게 "
     "남습니다. ViT로 바꾸면 2층부터 상자가 이미지 전체입니다."},
    {RfText::Computing, "Computing the effective receptive field...", "유효 수용 영역 계산 중..."},
    {RfText::Failed, "The receptive field could not be computed: %s", "수용 영역을 계산하지 못했습니다: %s"},
    {RfText::GalleryNeeded, "The test images are still loading: averaging starts when they arrive.",
     "테스트 이미지를 아직 불러오는 중입니다: 도착하면 평균 계산을 시작합니다."},
    {RfText::GrowthTitle, "Receptive field size by depth", "깊이에 따른 수용 영역 크기"},
    {RfText::GrowthHow,
     "How to read it: x is the layer (stem or emb before the first block, then blocks from 1), y is pixels. Solid lines: the side of the theoretical box, "
     "one colour per model family. Dashed: the effective field's 90 % diameter (2 r90); dotted: its 50 % diameter "
     "(2 r50), for the centre unit of every layer.",
     "읽는 법: x는 층 (첫 블록 앞의 스템 또는 임베딩, 그다음 블록 1부터), y는 픽셀. 실선: 이론적 상자의 한 변, 모델 계열마다 한 색. 파선: 유효 "
     "수용 영역의 90 % 지름 (2 r90), 점선: 50 % 지름 (2 r50). 모두 각 층 가운데 유닛의 값입니다."},
    {RfText::GrowthHelp,
     "How wide a unit's view of the input is at each layer: the box it could see at most, and the part that really matters (effective field).\n"
     "Formula: " "Box side: r_l = r_(l-1) + (k_l - 1) d_l j_(l-1), j_l = j_(l-1) s_l, r_0 = j_0 = 1 (kernel k, stride s, dilation "
     "d; the jump j is the input distance between two neighbouring units). After attention the box is the whole "
     "image. Effective field: 2 r50 and 2 r90 of the layer's centre unit (radii as in the map's help), doubled to "
     "compare with the box's side.",
     "층마다 유닛이 입력을 얼마나 넓게 보는지: 볼 수 있는 최대 상자와, 실제로 중요한 부분(유효 수용 영역)입니다.\n"
     "수식: " "상자 한 변: r_l = r_(l-1) + (k_l - 1) d_l j_(l-1), j_l = j_(l-1) s_l, r_0 = j_0 = 1 (커널 k, 스트라이드 s, 팽창 "
     "d; 점프 j는 이웃한 두 유닛 사이의 입력 거리). 어텐션 뒤로는 상자가 이미지 전체입니다. 유효 수용 영역: 층 가운데 "
     "유닛의 2 r50과 2 r90 (반지름은 맵 도움말과 같음), 상자 한 변과 비교하도록 두 배로 그렸습니다."},
    {RfText::GrowthFromImage, "Effective fields from this image.", "유효 수용 영역: 이 이미지에서 잰 값."},
    {RfText::GrowthFromAverage, "Effective fields averaged over the first %d test images: %d of %d layers done.",
     "유효 수용 영역: 앞쪽 테스트 이미지 %d장의 평균, %d / %d층 완료."},
    {RfText::Others, "Also the other families' effective fields", "다른 계열의 유효 수용 영역도 보기"},
    {RfText::SeriesTrf, "%s box", "%s 상자"},
    {RfText::SeriesR90, "%s 2 r90", "%s 2 r90"},
    {RfText::SeriesR50, "%s 2 r50", "%s 2 r50"},
    {RfText::SeriesImage, "image side (%d px)", "이미지 한 변 (%d 픽셀)"},
    {RfText::PointLayer, "layer %s (%s)", "%s층 (%s)"},
    {RfText::AxisLayer, "layer", "층"},
    {RfText::AxisPx, "px", "픽셀"},
    {RfText::GrowthQuestion,
     "Seed claim: a CNN's theoretical field grows step by step with depth, faster after every stride; a ViT's is "
     "the whole image from its first attention layer. Measured:",
     "시드 주장: CNN의 이론적 수용 영역은 깊이에 따라 한 단계씩, 스트라이드를 지날 때마다 더 빨리 커지고, ViT는 첫 "
     "어텐션 층부터 이미지 전체다. 측정:"},
    {RfText::GrowthLocal, "%s: %.0f px at %s, %.0f px at layer %s", "%s: %.0f 픽셀(%s), %.0f 픽셀(%s층)"},
    {RfText::GrowthGlobal, "%s: %.0f px at %s, the whole image from layer %s",
     "%s: %.0f 픽셀(%s), %s층부터 이미지 전체"},
    {RfText::GrowthNotice,
     "the CNN's box outgrows the image, yet its 90 % diameter stays far below it; the ViT's and the hybrid's boxes "
     "jump to the whole image at their first attention layer. Does training widen the effective field? Try the "
     "untrained toggle.",
     "CNN의 상자는 이미지보다 커지지만 90 % 지름은 훨씬 작게 남습니다. ViT와 하이브리드의 상자는 첫 어텐션 층에서 "
     "이미지 전체로 뛰어오릅니다. 학습이 유효 수용 영역을 넓힐까요? 학습 전 모델과 비교해 보세요."},
    {RfText::CalcTitle, "Receptive field calculator", "수용 영역 계산기"},
    {RfText::CalcHow,
     "Stack convolutions and watch the box grow: each row is one convolution applied to the output of the row above "
     "(padding keeps the size: \"same\"). Click a row's number to draw its box on the input.",
     "합성곱을 쌓으며 상자가 커지는 것을 보세요: 각 행은 윗 행의 출력에 적용하는 합성곱 하나입니다 (크기를 유지하는 "
     "\"same\" 패딩). 행 번호를 클릭하면 그 행의 상자가 입력 위에 그려집니다."},
    {RfText::CalcHelp,
     "Stack your own convolutions and see how wide a unit's view grows: every layer widens it by its kernel, and a stride makes every later layer widen it faster.\n"
     "Formula: " "r_l = r_(l-1) + (k_l - 1) d_l j_(l-1),  j_l = j_(l-1) s_l,  r_0 = j_0 = 1. Kernel k, stride s, dilation d; the "
     "jump j is the input distance between two neighbouring units, so a stride multiplies what every later layer "
     "adds. Padding p = floor(d (k - 1) / 2) places the box: start_l = start_(l-1) + ((k_l - 1) d_l / 2 - p_l) "
     "j_(l-1). The same code computes the real models' boxes in this view.",
     "직접 합성곱을 쌓아 유닛의 시야가 얼마나 넓어지는지 보세요. 층마다 커널만큼 넓어지고, 스트라이드가 있으면 뒤따르는 층들이 더 빨리 넓힙니다.\n"
     "수식: " "r_l = r_(l-1) + (k_l - 1) d_l j_(l-1),  j_l = j_(l-1) s_l,  r_0 = j_0 = 1. 커널 k, 스트라이드 s, 팽창 d; 점프 "
     "j는 이웃한 두 유닛 사이의 입력 거리라서, 스트라이드는 뒤따르는 모든 층이 더하는 양을 곱절로 만듭니다. 패딩 p = "
     "floor(d (k - 1) / 2)가 상자의 위치를 정합니다: start_l = start_(l-1) + ((k_l - 1) d_l / 2 - p_l) j_(l-1). "
     "이 화면의 실제 모델 상자도 같은 코드로 계산합니다."},
    {RfText::CalcLoading, "The calculator starts from the CNN's own layers: loading the CNN...",
     "계산기는 CNN의 실제 층에서 시작합니다: CNN을 불러오는 중..."},
    {RfText::ColLayer, "#", "#"},
    {RfText::ColKernel, "kernel", "커널"},
    {RfText::ColStride, "stride", "스트라이드"},
    {RfText::ColDilation, "dilation", "팽창"},
    {RfText::ColSize, "box side", "상자 한 변"},
    {RfText::ColJump, "jump", "점프"},
    {RfText::ColGrid, "units", "유닛 격자"},
    {RfText::GridNone, "none", "없음"},
    {RfText::CalcAdd, "Add a layer", "층 추가"},
    {RfText::CalcReset, "Reset to the real CNN", "실제 CNN으로 되돌리기"},
    {RfText::CalcRemove, "Remove this layer", "이 층 지우기"},
    {RfText::CalcEmpty, "No layers: add one.", "층이 없습니다: 하나 추가하세요."},
    {RfText::CalcSummary, "Row %d: box side %.0f px, jump %.0f px, a %d x %d grid of units.",
     "%d행: 상자 한 변 %.0f 픽셀, 점프 %.0f 픽셀, 유닛 격자 %d x %d."},
    {RfText::CalcUsedUp, "No units are left at this row: the strides have used up the input.",
     "이 행에는 남은 유닛이 없습니다: 스트라이드가 입력을 다 써 버렸습니다."},
    {RfText::CalcNotice,
     "a stride of 2 doubles what every later layer adds; a dilation widens a kernel without adding weights.",
     "스트라이드 2는 뒤따르는 모든 층이 더하는 양을 두 배로 만들고, 팽창은 가중치를 늘리지 않고 커널을 넓힙니다."},
};
constexpr auto kTexts = text_table(kRows);

}  // namespace

const char* tr(Language lang, RfText id) { return text_of(kTexts, lang, static_cast<size_t>(id)); }

std::span<const TextPair> receptive_field_texts() { return kTexts; }

}  // namespace vc
