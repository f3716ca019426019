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
    {TextId::PredTitle, "Top 3 classes of each model", "모델별 상위 3개 클래스"},
    {TextId::PredHelp,
     "Each model ends with 10 scores z_k, one per class (the logits). Softmax turns them into probabilities: "
     "p_k = exp(z_k) / sum_j exp(z_j), so every p_k is in (0, 1) and the ten add up to 1. The bars show the three "
     "largest; green marks the true class of an unedited test image. The forward time is the wall-clock time of "
     "one forward pass of one image (batch 1) on this computer, the median of the last few inputs.",
     "각 모델은 클래스마다 점수 z_k(로짓)를 하나씩, 모두 10개 냅니다. softmax가 이를 확률로 바꿉니다: "
     "p_k = exp(z_k) / sum_j exp(z_j). 그래서 모든 p_k는 0과 1 사이이고 열 개를 더하면 1입니다. 막대는 가장 큰 "
     "세 개이고, 수정하지 않은 테스트 이미지의 정답 클래스는 초록색입니다. 실행 시간은 이 컴퓨터에서 이미지 한 장"
     "(배치 1)을 한 번 통과시키는 데 걸린 시간으로, 최근 몇 개 입력의 중앙값입니다."},
    {TextId::PredNotice, "the models can disagree on the same image; edit the input and watch which one changes its mind.",
     "같은 이미지에서도 모델마다 답이 다를 수 있습니다. 입력을 고쳐 보며 어느 모델이 먼저 생각을 바꾸는지 보세요."},
    {TextId::PredFamilyVit, "ViT", "ViT"},
    {TextId::PredFamilyCnn, "CNN", "CNN"},
    {TextId::PredFamilyHybrid, "Hybrid", "하이브리드"},
    {TextId::PredScaleOption, "trained on %d %% of the data", "데이터 %d %%로 학습"},
    {TextId::PredComputing, "Computing...", "계산 중..."},
    {TextId::PredFailed, "The prediction failed: %s", "예측하지 못했습니다: %s"},
    {TextId::PredForwardMs, "forward pass %.2f ms (%s kernels, median of %d)",
     "순전파 %.2f ms (%s 커널, %d회 중앙값)"},
    {TextId::PredTrueClass, "True class: %s (test image #%d)", "정답 클래스: %s (테스트 이미지 #%d)"},
    {TextId::PredBackend, "Kernels:", "커널:"},
    {TextId::PredBackendHelp,
     "simd: vectorized kernels (WebAssembly SIMD in the browser). ref: plain scalar kernels, the readable "
     "reference. Both compute the same model; only the speed differs.",
     "simd: 벡터화된 커널 (브라우저에서는 WebAssembly SIMD). ref: 읽기 쉬운 스칼라 기준 커널. 둘 다 같은 모델을 "
     "계산하며 속도만 다릅니다."},
    {TextId::AccTitle, "Accuracy on test images", "테스트 이미지 정확도"},
    {TextId::AccHelp,
     "Accuracy = correct predictions / images, computed in this page on the first test images. The +- value is "
     "the standard error of a proportion, sqrt(p (1 - p) / n).",
     "정확도 = 맞힌 예측 수 / 이미지 수. 이 페이지에서 앞쪽 테스트 이미지로 계산합니다. +- 값은 비율의 표준오차 "
     "sqrt(p (1 - p) / n) 입니다."},
    {TextId::AccNotice, "switch each model to 1 % of the data: which family loses the least accuracy?",
     "각 모델을 데이터 1 %로 학습한 것으로 바꿔 보세요. 어느 모델이 정확도를 가장 적게 잃나요?"},
    {TextId::AccStart, "Measure on the first %d test images", "앞쪽 테스트 이미지 %d장으로 측정"},
    {TextId::AccCancel, "Cancel", "취소"},
    {TextId::AccRecorded, "Recorded at export: %.2f %% on %d test images", "내보낼 때 기록: %.2f %% (테스트 이미지 %d장)"},
    {TextId::AccMeasured, "Measured here: %.2f %% +- %.2f %% (%d / %d)", "여기서 측정: %.2f %% +- %.2f %% (%d / %d)"},
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
    {TextId::AttentionModel, "Model:", "모델:"},
    {TextId::AttentionCheckpoint,
     "Trained on (share of the training set):",
     "학습 데이터 (학습 세트 중 비율):"},
    {TextId::AttentionNone, "none", "없음"},
    {TextId::AttentionTokens,
     "%d x %d input, one token per %g x %g px cell: %d x %d = %d patch tokens + 1 CLS = %d tokens",
     "%d x %d 입력, %g x %g 픽셀 칸마다 토큰 하나: %d x %d = %d개 패치 토큰 + CLS 1개 = %d개 "
     "토큰"},
    {TextId::AttentionTokensHelpVit,
     "The 28 x 28 image is zero-padded by %d px on every side to the model's size, then cut into non-overlapping %g "
     "x %g px patches, row by row: a %d x %d grid of %d patches. Each patch's pixels are flattened and mapped to one "
     "vector by a single linear layer (the patch embedding), and a learned position embedding is added so the model "
     "knows where the patch was. A CLS token goes in front, so attention works on %d tokens; the CLS token's last "
     "vector is what the classifier reads.",
     "28 x 28 이미지의 가장자리를 %d 픽셀씩 0으로 채워 모델 크기로 맞춘 뒤, 겹치지 않는 "
     "%g x %g 픽셀 패치로 한 줄씩 자릅니다: %d x %d 격자, 패치 %d개. 각 패치의 픽셀을 한 "
     "줄로 펴서 선형층 하나(패치 임베딩)로 벡터 하나를 만들고, 패치가 있던 자리를 알 "
     "수 있도록 학습된 위치 임베딩을 더합니다. 맨 앞에 CLS 토큰을 붙이므로 어텐션은 "
     "토큰 %d개 위에서 계산되고, 분류기는 CLS 토큰의 마지막 벡터를 읽습니다."},
    {TextId::AttentionTokensHelpHybrid,
     "The 28 x 28 image is zero-padded by %d px on every side, then convolution stages shrink it; each position of "
     "their feature map stands for a %g x %g px cell of the input. That %d x %d grid gives %d tokens (a 1 x 1 "
     "convolution maps each to the token width, a learned position embedding is added), and a CLS token goes in "
     "front: attention works on %d tokens.",
     "28 x 28 이미지의 가장자리를 %d 픽셀씩 0으로 채운 뒤 합성곱 단계들이 크기를 "
     "줄입니다. 그 특징 맵의 한 위치가 입력의 %g x %g 픽셀 칸 하나를 대표합니다. 이 %d x "
     "%d 격자가 토큰 %d개가 되고 (1 x 1 합성곱으로 토큰 폭에 맞추고 학습된 위치 "
     "임베딩을 더함), 맨 앞에 CLS 토큰을 붙여 어텐션은 토큰 %d개 위에서 계산됩니다."},
    {TextId::AttentionGridTitle,
     "Where the CLS token looks: layers (rows) x heads (columns)",
     "CLS 토큰이 보는 곳: 층(행) x 헤드(열)"},
    {TextId::AttentionGridTitlePatch,
     "Where patch (row %d, column %d) looks: layers x heads",
     "패치 (%d행, %d열)이 보는 곳: 층 x 헤드"},
    {TextId::AttentionGridHelp,
     "Each head computes A = softmax(Q K^T / sqrt(d)) over all tokens; row i of A says how much token i takes from "
     "every token. A cell shows row 0 (the CLS token) over the patch tokens, A[l, h, 0, 1:], laid on the patch grid "
     "over the input. Hovering a patch p shows its own row, A[l, h, p + 1, 1:], in every cell instead. Colours are "
     "scaled per map: the brightest patch is that map's largest weight. Click a cell to enlarge it.",
     "각 헤드는 모든 토큰에 대해 A = softmax(Q K^T / sqrt(d))를 계산합니다. A의 i번째 행은 "
     "토큰 i가 각 토큰에서 얼마나 가져오는지입니다. 칸마다 0번 행(CLS 토큰)을 패치 "
     "토큰에 대해, 즉 A[l, h, 0, 1:]를 입력 위 패치 격자에 그립니다. 패치 p 위에 마우스를 "
     "올리면 모든 칸이 그 패치의 행 A[l, h, p + 1, 1:]로 바뀝니다. 색은 맵마다 따로 "
     "맞춰서 가장 밝은 패치가 그 맵의 최대 가중치입니다. 칸을 클릭하면 크게 "
     "보입니다."},
    {TextId::AttentionGridNotice, "compare the heads of one layer: do they all look at the same places?",
     "같은 층의 헤드들을 비교해 보세요: 모두 같은 곳을 보나요?"},
    {TextId::AttentionLayerHead, "Layer %d, head %d", "%d층, %d번 헤드"},
    {TextId::AttentionLayerMean, "Layer %d, mean over heads", "%d층, 헤드 평균"},
    {TextId::AttentionDistanceValue, "mean attention distance %.2f px", "평균 어텐션 거리 %.2f 픽셀"},
    {TextId::AttentionRolloutTitle, "Rollout through layer %d", "%d층까지의 롤아웃"},
    {TextId::AttentionShowingCls,
     "Showing: the CLS token's attention. Hover a patch to see its own.",
     "표시: CLS 토큰의 어텐션. 패치 위에 마우스를 올리면 그 패치의 어텐션이 보입니다."},
    {TextId::AttentionShowingPatch,
     "Showing: the attention of patch (row %d, column %d), outlined in red.",
     "표시: 빨간 테두리 패치 (%d행, %d열)의 어텐션."},
    {TextId::AttentionOpacity, "Map opacity", "맵 불투명도"},
    {TextId::AttentionRollout, "Rollout (all heads, layers 1..l)", "롤아웃 (모든 헤드, 1..l층)"},
    {TextId::AttentionRolloutHelp,
     "Attention rollout (Abnar & Zuidema 2020) follows attention through the residual connections: R_l = Abar_l ... "
     "Abar_1 with Abar = rownorm(0.5 * mean_h A + 0.5 * I). The 0.5 * I stands for the skip connection. Row 0 of R_l "
     "says how much of each patch reached the CLS token by layer l. For the hybrid it covers the transformer blocks "
     "only: its conv trunk has no attention to follow.",
     "어텐션 롤아웃(Abnar & Zuidema 2020)은 잔차 연결을 거치는 어텐션의 흐름을 "
     "따라갑니다: R_l = Abar_l ... Abar_1, Abar = rownorm(0.5 * mean_h A + 0.5 * I). 0.5 * I가 스킵 "
     "연결을 나타냅니다. R_l의 0번 행은 l층까지 각 패치가 CLS 토큰에 얼마나 "
     "전달됐는지를 뜻합니다. 하이브리드에서는 트랜스포머 블록만 포함합니다: 합성곱 줄기에는 따라갈 어텐션이 없습니다."},
    {TextId::AttentionMapNotice, "move the mouse over the object: does a patch look mostly at its neighbours, or far away?",
     "물체 위로 마우스를 움직여 보세요: 패치가 주로 이웃을 보나요, 먼 곳을 보나요?"},
    {TextId::AttentionRolloutNotice,
     "by the last layer the flow usually concentrates on the object, not the background.",
     "마지막 층으로 갈수록 흐름이 배경보다 물체 쪽에 모이는지 살펴보세요."},
    {TextId::AttentionDistanceTitle, "Mean attention distance of every head", "헤드별 평균 어텐션 거리"},
    {TextId::AttentionDistanceHelp,
     "d[l, h] = sum_ij A[l, h, i, j] * ||pos_i - pos_j|| / sum_ij A[l, h, i, j] over the patch tokens i, j (the CLS "
     "token is left out), pos = the centre of a patch cell in input pixels (a cell is %g px wide). A small d: the "
     "head looks near (like a small convolution); a large d: it looks far. Dots: heads; line: their mean. Dashed: "
     "what uniform attention would give, %.2f px, the mean distance between two cells of the %d x %d grid. Dotted: the "
     "local threshold; heads below it count as local.",
     "d[l, h] = sum_ij A[l, h, i, j] * ||pos_i - pos_j|| / sum_ij A[l, h, i, j], i와 j는 패치 토큰 (CLS 토큰 "
     "제외), pos는 패치 칸 중심의 입력 픽셀 좌표 (칸 너비 %g 픽셀). d가 작으면 헤드가 "
     "가까운 곳을 (작은 합성곱처럼), 크면 먼 곳을 봅니다. 점: 헤드, 선: 헤드 평균. "
     "점선: 균일한 어텐션일 때의 값 %.2f 픽셀 (%d x %d 격자에서 두 칸 사이 거리의 평균). 점이 촘촘한 선: "
     "지역 기준, 이보다 아래인 헤드를 지역 헤드로 셉니다."},
    {TextId::AttentionThisImage, "This image", "이 이미지"},
    {TextId::AttentionTestImages, "First test images:", "앞쪽 테스트 이미지:"},
    {TextId::AttentionCompare, "Overlay another checkpoint:", "다른 체크포인트 겹쳐 보기:"},
    {TextId::AttentionAveraging, "%s: %d / %d images", "%s: %d / %d장"},
    {TextId::AttentionSeriesData, "%d %% of the data", "데이터 %d %%"},
    {TextId::AttentionSeriesUniform, "uniform attention", "균일한 어텐션"},
    {TextId::AttentionSeriesLocal, "local threshold (%.0f %% of uniform)", "지역 기준 (균일 값의 %.0f %%)"},
    {TextId::AttentionLocalCount, "%s: %d of %d", "%s: %d개 (전체 %d개 중)"},
    {TextId::AttentionLocalHeads, "Local heads in layers 1-%d (mean distance below %.2f px): %s",
     "1-%d층의 지역 헤드 (평균 거리 %.2f 픽셀 미만): %s"},
    {TextId::AttentionAxisLayer, "layer", "층"},
    {TextId::AttentionAxisDistance, "distance (px)", "거리 (픽셀)"},
    {TextId::AttentionDistanceNotice,
     "are early layers a mix of local heads (below the dotted line) and far ones, and do late layers look far? "
     "Does less training data leave fewer local heads?",
     "앞쪽 층에는 가까운 곳을 보는 지역 헤드(촘촘한 점선 아래)와 먼 곳을 보는 헤드가 섞여 있고, "
     "뒤쪽 층은 먼 곳을 보나요? 학습 데이터가 적으면 지역 헤드가 줄어드나요?"},
    {TextId::AttentionCnnNote,
     "A CNN has no attention: every layer mixes only a small k x k neighbourhood, with the same weights at every "
     "position, so its reach grows only with depth. Compare it with the ViT in the Receptive field view (key 4).",
     "CNN에는 어텐션이 없습니다. 각 층은 작은 k x k 이웃만, 모든 위치에서 같은 "
     "가중치로 섞기 때문에 보는 범위는 층이 깊어져야 넓어집니다. 수용 영역 화면(4번 "
     "키)에서 ViT와 비교해 보세요."},
    {TextId::AttentionComputing, "Computing the attention...", "어텐션 계산 중..."},
    {TextId::AttentionFailed,
     "The attention could not be computed: %s",
     "어텐션을 계산하지 못했습니다: %s"},
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
