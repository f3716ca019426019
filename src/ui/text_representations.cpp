#include "ui/text_representations.h"

#include "ui/representations_view.h"

namespace vc {

namespace {

// Rows with printf placeholders keep the same placeholders, in the same order, in both languages; rows shown as
// they are (no placeholder) write a percent sign as "%", rows used as formats as "%%".
constexpr TextRow<ReprText> kRows[] = {
    {ReprText::Intro,
     "How alike are the layers of two models, how much does each residual branch change what passes through it, and "
     "do the features move when the input moves? Every number here is measured in this page on the first test "
     "images.",
     "두 모델의 층들은 얼마나 닮았을까요? 각 잔차 가지는 지나가는 값을 얼마나 바꿀까요? 입력을 옮기면 특징도 따라 "
     "움직일까요? 여기 나오는 모든 수는 이 페이지에서 처음 몇 장의 테스트 이미지로 직접 잰 값입니다."},
    {ReprText::Images, "Test images N =", "테스트 이미지 N ="},
    {ReprText::Computing, "Computing...", "계산 중..."},
    {ReprText::Failed, "Could not compute: %s", "계산할 수 없습니다: %s"},
    {ReprText::Progress, "%d of %d images", "이미지 %d / %d장"},
    {ReprText::CkaTitle, "Layer similarity (linear CKA)", "층 사이의 유사도 (선형 CKA)"},
    {ReprText::CkaHelp,
     "How alike two layers represent the same test images: 1 means the same representation up to a rotation and a scale, 0 unrelated.\n"
     "Formula: " "X, Y: the outputs of a layer of A and of B for the same n images, one row per image (flattened). K = X X^T, "
     "L = Y Y^T. CKA = HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)), HSIC the unbiased estimate; summed over "
     "minibatches of 100 images (Nguyen et al. 2021). 1: the two layers represent the images alike (up to a rotation "
     "and a scale); 0: unrelated.",
     "두 층이 같은 테스트 이미지들을 얼마나 비슷하게 표현하는지: 1은 회전과 크기만 다른 같은 표현, 0은 관계없는 표현입니다.\n"
     "수식: " "X, Y: 같은 n장의 이미지에 대한 A의 한 층과 B의 한 층의 출력, 이미지마다 한 행(펼침). K = X X^T, L = Y Y^T. "
     "CKA = HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)), HSIC는 불편 추정량이며 이미지 100장씩의 미니배치에 걸쳐 "
     "더합니다(Nguyen 외 2021). 1: 두 층이 이미지를 (회전과 배율을 빼면) 똑같이 표현함, 0: 관련 없음."},
    {ReprText::CkaHow,
     "Each cell compares one layer of A (row) with one layer of B (column): bright means they represent the test "
     "images alike. Hover a cell for its value.",
     "각 칸은 A의 한 층(행)과 B의 한 층(열)을 비교합니다: 밝을수록 두 층이 테스트 이미지를 비슷하게 표현합니다. 칸 "
     "위에 마우스를 올리면 값이 보입니다."},
    {ReprText::ModelA, "A (rows):", "A (행):"},
    {ReprText::ModelB, "B (columns):", "B (열):"},
    {ReprText::Presets, "Presets:", "미리 정한 쌍:"},
    {ReprText::PresetVitVit, "ViT x ViT", "ViT x ViT"},
    {ReprText::PresetCnnCnn, "CNN x CNN", "CNN x CNN"},
    {ReprText::PresetVitCnn, "ViT x CNN", "ViT x CNN"},
    {ReprText::PresetVitData, "ViT p100 x ViT p001", "ViT p100 x ViT p001"},
    {ReprText::CkaHover, "A layer %s (%s) x B layer %s (%s): CKA %.4f",
     "A %s층 (%s) x B %s층 (%s): CKA %.4f"},
    {ReprText::CkaAxisA, "A: %s, %d layers (top to bottom; numbers count blocks from 1, emb / stem: before the first)",
     "A: %s, %d개 층 (위에서 아래로, 번호는 블록을 1부터 셈, 임베딩 / 스템: 첫 블록 이전)"},
    {ReprText::CkaAxisB, "B: %s, %d layers (left to right)", "B: %s, %d개 층 (왼쪽에서 오른쪽으로)"},
    {ReprText::CkaEstimate, "Running estimate over %d of %d images; it settles as minibatches add up.",
     "이미지 %d / %d장에 대한 중간 추정값입니다. 미니배치가 쌓이면서 안정됩니다."},
    {ReprText::CkaSelfQuestion, "Are the ViT's layers more alike from bottom to top than the CNN's?",
     "ViT의 층들은 CNN의 층들보다 아래에서 위까지 더 닮았을까요?"},
    {ReprText::CkaSelfOne, "Measured: %s with itself, mean CKA of two different layers %.2f (of adjacent layers %.2f).",
     "측정값: %s 자기 자신과, 서로 다른 두 층의 평균 CKA %.2f (이웃한 층끼리 %.2f)."},
    {ReprText::CkaSelfBoth,
     "Measured over %d images, mean CKA of two different layers (of adjacent layers) of a model with itself: ViT %.2f "
     "(%.2f), CNN %.2f (%.2f); differences under %.2f count as none.",
     "이미지 %d장에서 측정한, 한 모델의 서로 다른 두 층의 평균 CKA (이웃한 층끼리): ViT %.2f (%.2f), CNN %.2f (%.2f). "
     "%.2f 미만의 차이는 없는 것으로 봅니다."},
    {ReprText::CkaSelfYes, "The ViT's layers are the more uniform, as the seed says.",
     "ViT의 층들이 더 고르게 닮았습니다. 시드 자료의 말과 같습니다."},
    {ReprText::CkaSelfNo, "The CNN's layers are the more uniform: the claim does not hold on our models.",
     "CNN의 층들이 더 고르게 닮았습니다: 우리 모델에서는 이 주장이 성립하지 않습니다."},
    {ReprText::CkaSelfEqual, "The two are about equally uniform: the claim does not show on our models.",
     "두 모델이 거의 같은 정도로 고르게 닮았습니다: 우리 모델에서는 이 주장이 드러나지 않습니다."},
    {ReprText::CkaSelfMixed, "The two measures disagree, so the claim holds only in part here.",
     "두 척도가 서로 다른 답을 주므로, 여기서는 주장이 일부만 성립합니다."},
    {ReprText::CkaSelfMissing, "Compute the ViT x ViT and the CNN x CNN presets with the same N to answer it here.",
     "같은 N으로 ViT x ViT와 CNN x CNN을 계산하면 여기서 답이 나옵니다."},
    {ReprText::CkaCrossQuestion, "Do the lower layers of A resemble the lower layers of B?",
     "A의 아래층들은 B의 아래층들과 닮았을까요?"},
    {ReprText::CkaCrossAnswer,
     "Measured: each layer of A's lower half is at best %.2f like a layer of B's lower half (the mean of those best "
     "CKAs): %s; A's first with B's last layer: %.2f.",
     "측정값: A의 아래쪽 절반의 각 층은 B의 아래쪽 절반 층과 최대 %.2f만큼 닮았습니다 (가장 높은 CKA들의 평균): %s. A의 "
     "첫 층과 B의 마지막 층: %.2f."},
    {ReprText::LikeAlike, "alike", "닮음"},
    {ReprText::LikePartly, "partly alike (as the seed says of the ViT and the CNN)",
     "일부만 닮음 (시드 자료가 ViT와 CNN에 대해 말하는 그대로)"},
    {ReprText::LikeUnlike, "unlike", "닮지 않음"},
    {ReprText::CkaNotice,
     "a model with itself has 1 on the diagonal; wide bright blocks mean many layers carry nearly the same "
     "representation.",
     "모델을 자기 자신과 비교하면 대각선은 1입니다. 넓고 밝은 덩어리는 여러 층이 거의 같은 표현을 지닌다는 뜻입니다."},
    {ReprText::CkaCompute, "Compute CKA", "CKA 계산"},
    {ReprText::CkaNotStarted,
     "Not computed yet: one forward pass of each model per test image; the heatmap appears after the first 100 "
     "images and settles as more are added.",
     "아직 계산하지 않았습니다: 테스트 이미지마다 모델별로 순전파 한 번이 필요합니다. 처음 100장 뒤에 히트맵이 나타나고 "
     "이미지가 더해질수록 안정됩니다."},
    {ReprText::SkipTitle, "Skip ratio per branch and token", "가지와 토큰별 스킵 비율"},
    {ReprText::SkipHelp,
     "How much each block changes a token: near 1, what came in through the skip connection dominates and the block adds little; small, the block rewrites the token.\n"
     "Formula: " "For each residual branch y = x + f(x) and token t: ratio = ||x_t|| / ||x_t + f(x_t)|| (norms over the "
     "features), the mean over the test images. Branches: each transformer block's attention and MLP, each basic "
     "block of the CNN. Large: the skip path dominates, the branch changes the token little.",
     "각 블록이 토큰을 얼마나 바꾸는지: 1에 가까우면 건너뛰기 연결로 들어온 값이 지배하고 블록은 조금만 더합니다. 작으면 블록이 토큰을 새로 씁니다.\n"
     "수식: " "각 잔차 가지 y = x + f(x)와 토큰 t에 대해: 비율 = ||x_t|| / ||x_t + f(x_t)|| (특징 차원에 대한 노름), 테스트 "
     "이미지에 대한 평균. 가지: 트랜스포머 블록마다 어텐션과 MLP, CNN의 기본 블록마다 하나. 크면 스킵 경로가 "
     "지배하고 가지는 토큰을 거의 바꾸지 않습니다."},
    {ReprText::SkipHow,
     "One row per residual branch (first at the top), one column per token: CLS first, then the grid row by row (a "
     "CNN's rows have more positions early: each row is stretched to the full width). Bright: the skip path "
     "dominates.",
     "행마다 잔차 가지 하나(맨 위가 첫 가지), 열마다 토큰 하나: CLS가 먼저, 그다음 격자를 행 순서로(CNN은 앞쪽 행에 "
     "위치가 더 많아 행마다 전체 너비로 늘였습니다). 밝을수록 스킵 경로가 지배합니다."},
    {ReprText::SkipModel, "Model:", "모델:"},
    {ReprText::SkipHover, "%s, token %s: ratio %.3f", "%s, 토큰 %s: 비율 %.3f"},
    {ReprText::SkipCurves, "CLS token and mean of the spatial tokens, by branch", "가지별 CLS 토큰과 공간 토큰 평균"},
    {ReprText::SeriesCls, "CLS token", "CLS 토큰"},
    {ReprText::SeriesSpatial, "spatial tokens (mean)", "공간 토큰 (평균)"},
    {ReprText::AxisBranch, "residual branch", "잔차 가지"},
    {ReprText::AxisRatio, "||x|| / ||x + f(x)||", "||x|| / ||x + f(x)||"},
    {ReprText::SkipQuestion, "Do the CLS and the patch tokens use the skip path differently in early and late blocks?",
     "CLS 토큰과 패치 토큰은 앞쪽 블록과 뒤쪽 블록에서 스킵 경로를 다르게 쓸까요?"},
    {ReprText::SkipAnswerCls,
     "Measured (%s, %d images): from the first half of the branches to the second the CLS token's ratio goes from "
     "%.2f to %.2f and the spatial tokens' from %.2f to %.2f: %s",
     "측정값 (%s, 이미지 %d장): 앞쪽 절반의 가지에서 뒤쪽 절반으로 가며 CLS 토큰의 비율은 %.2f에서 %.2f로, 공간 토큰은 "
     "%.2f에서 %.2f로 바뀝니다: %s"},
    {ReprText::TransitionAsSeed, "the transition the seed describes.", "시드 자료가 설명하는 상전이입니다."},
    {ReprText::TransitionSpatial, "the spatial tokens rise as the seed says, but the CLS token rises too.",
     "공간 토큰은 시드 자료의 말대로 오르지만 CLS 토큰도 오릅니다."},
    {ReprText::TransitionCls, "the CLS token falls as the seed says, but the spatial tokens fall too.",
     "CLS 토큰은 시드 자료의 말대로 내려가지만 공간 토큰도 내려갑니다."},
    {ReprText::TransitionReverse, "the reverse of the seed's transition.", "시드 자료의 상전이와 반대입니다."},
    {ReprText::SkipAnswerNoCls,
     "Measured (%s, %d images): no CLS token; the positions' mean ratio goes from %.2f in the first half of the blocks "
     "to %.2f in the second.",
     "측정값 (%s, 이미지 %d장): CLS 토큰이 없습니다. 위치들의 평균 비율은 앞쪽 절반의 블록에서 %.2f, 뒤쪽 절반에서 "
     "%.2f입니다."},
    {ReprText::SkipNotice,
     "the seed describes a phase change: the CLS token keeps to the skip path early and is rewritten late, the "
     "patch tokens the other way round.",
     "시드 자료는 상전이를 설명합니다: CLS 토큰은 앞쪽에서 스킵 경로를 따르고 뒤쪽에서 크게 바뀌며, 패치 토큰은 그 "
     "반대입니다."},
    {ReprText::SkipCompute, "Compute skip ratios", "스킵 비율 계산"},
    {ReprText::SkipNotStarted, "Not computed yet: one forward pass per test image.",
     "아직 계산하지 않았습니다: 테스트 이미지마다 순전파 한 번이 필요합니다."},
    {ReprText::EqTitle, "Translation equivariance by depth", "깊이에 따른 평행 이동 등변성"},
    {ReprText::EqHelp,
     "Shift the image a few pixels: if a layer's features shift along with it, the error is 0 (equivariance); the larger the error, the less they follow.\n"
     "Formula: " "T_k: the image shifted right by k px (zero fill). For a layer with a grid of s px per cell, when k / s is an "
     "integer c: err = sqrt(sum ||F(T_k x) - shift_c F(x)||^2) / sqrt(sum ||shift_c F(x)||^2) over the columns both "
     "define, summed over the images. 0: the features move exactly with the input. A layer whose cells are wider "
     "than k px has no value.",
     "그림을 몇 픽셀 옮겼을 때 층의 특징도 함께 옮겨 가면 오차는 0입니다 (등변성). 오차가 클수록 덜 따라갑니다.\n"
     "수식: " "T_k: 이미지를 오른쪽으로 k 픽셀 옮긴 것(빈 곳은 0). 칸당 s 픽셀인 격자를 가진 층에서 k / s가 정수 c일 때: "
     "err = sqrt(sum ||F(T_k x) - shift_c F(x)||^2) / sqrt(sum ||shift_c F(x)||^2), 둘 다 정의된 열에서 이미지에 걸쳐 "
     "더합니다. 0: 특징이 입력과 정확히 함께 움직임. 칸이 k 픽셀보다 넓은 층은 값이 없습니다."},
    {ReprText::EqHow,
     "One line per family: the relative error between the features of the shifted image and the shifted features, "
     "at each layer that has a value. Lower: more equivariant.",
     "계열마다 선 하나: 옮긴 이미지의 특징과 옮긴 특징 사이의 상대 오차를 값이 있는 층마다 그렸습니다. 낮을수록 더 "
     "등변적입니다."},
    {ReprText::EqShift, "Shift k (px):", "이동 k (픽셀):"},
    {ReprText::EqMeasure, "Measure all families", "모든 계열 측정"},
    {ReprText::EqNotStarted,
     "Not measured yet: each family needs 5 forward passes per image (the image and its 4 shifts).",
     "아직 측정하지 않았습니다: 계열마다 이미지 한 장에 순전파 5번(원본과 이동 4가지)이 필요합니다."},
    {ReprText::AxisLayer, "layer", "층"},
    {ReprText::AxisError, "relative error", "상대 오차"},
    {ReprText::EqQuestion, "Does a shifted input shift the features?", "입력을 옮기면 특징도 옮겨질까요?"},
    {ReprText::EqAnswer,
     "%s: mean error %.3f over the layers with a value at k = %d px; the top-1 class changed for %.1f %% of %d images.",
     "%s: 평균 오차 %.3f (k = %d 픽셀에서 값이 있는 층들), 1순위 클래스가 바뀐 이미지 %.1f %% (%d장 중)."},
    {ReprText::EqAnswerNone, "%s: no layer has a value at k = %d px; the top-1 class changed for %.1f %% of %d images.",
     "%s: k = %d 픽셀에서 값이 있는 층이 없음, 1순위 클래스가 바뀐 이미지 %.1f %% (%d장 중)."},
    {ReprText::EqNotice,
     "convolutions shift with the input by construction (up to the border and the strides); patch embeddings only by "
     "whole patches.",
     "합성곱은 구조상 (가장자리와 스트라이드를 빼면) 입력과 함께 움직이고, 패치 임베딩은 패치 단위로만 움직입니다."},
};
constexpr auto kTexts = text_table(kRows);

}  // namespace

const char* tr(Language lang, ReprText id) { return text_of(kTexts, lang, static_cast<size_t>(id)); }

std::span<const TextPair> representations_texts() { return kTexts; }

}  // namespace vc
