#include "ui/text_attention.h"

#include "ui/attention_view.h"

namespace vc {

namespace {

// Rows with printf placeholders keep the same placeholders, in the same order, in both languages.
constexpr TextRow<AttentionText> kRows[] = {
    {AttentionText::Model, "Model:", "모델:"},
    {AttentionText::Checkpoint,
     "Trained on (share of the training set):",
     "학습 데이터 (학습 세트 중 비율):"},
    {AttentionText::None, "none", "없음"},
    {AttentionText::Tokens,
     "%d x %d input, one token per %g x %g px cell: %d x %d = %d patch tokens + 1 CLS = %d tokens",
     "%d x %d 입력, %g x %g 픽셀 칸마다 토큰 하나: %d x %d = %d개 패치 토큰 + CLS 1개 = %d개 "
     "토큰"},
    {AttentionText::TokensHelpVit,
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
    {AttentionText::TokensHelpHybrid,
     "The 28 x 28 image is zero-padded by %d px on every side, then convolution stages shrink it; each position of "
     "their feature map stands for a %g x %g px cell of the input. That %d x %d grid gives %d tokens (a 1 x 1 "
     "convolution maps each to the token width, a learned position embedding is added), and a CLS token goes in "
     "front: attention works on %d tokens.",
     "28 x 28 이미지의 가장자리를 %d 픽셀씩 0으로 채운 뒤 합성곱 단계들이 크기를 "
     "줄입니다. 그 특징 맵의 한 위치가 입력의 %g x %g 픽셀 칸 하나를 대표합니다. 이 %d x "
     "%d 격자가 토큰 %d개가 되고 (1 x 1 합성곱으로 토큰 폭에 맞추고 학습된 위치 "
     "임베딩을 더함), 맨 앞에 CLS 토큰을 붙여 어텐션은 토큰 %d개 위에서 계산됩니다."},
    {AttentionText::GridTitle,
     "Where the CLS token looks: layers (rows) x heads (columns)",
     "CLS 토큰이 보는 곳: 층(행) x 헤드(열)"},
    {AttentionText::GridTitlePatch,
     "Where patch (row %d, column %d) looks: layers x heads",
     "패치 (%d행, %d열)이 보는 곳: 층 x 헤드"},
    {AttentionText::GridHelp,
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
    {AttentionText::GridNotice, "compare the heads of one layer: do they all look at the same places?",
     "같은 층의 헤드들을 비교해 보세요: 모두 같은 곳을 보나요?"},
    {AttentionText::LayerHead, "Layer %d, head %d", "%d층, %d번 헤드"},
    {AttentionText::LayerMean, "Layer %d, mean over heads", "%d층, 헤드 평균"},
    {AttentionText::DistanceValue, "mean attention distance %.2f px", "평균 어텐션 거리 %.2f 픽셀"},
    {AttentionText::RolloutTitle, "Rollout through layer %d", "%d층까지의 롤아웃"},
    {AttentionText::ShowingCls,
     "Showing: the CLS token's attention. Hover a patch to see its own.",
     "표시: CLS 토큰의 어텐션. 패치 위에 마우스를 올리면 그 패치의 어텐션이 보입니다."},
    {AttentionText::ShowingPatch,
     "Showing: the attention of patch (row %d, column %d), outlined in red.",
     "표시: 빨간 테두리 패치 (%d행, %d열)의 어텐션."},
    {AttentionText::Opacity, "Map opacity", "맵 불투명도"},
    {AttentionText::Rollout, "Rollout (all heads, layers 1..l)", "롤아웃 (모든 헤드, 1..l층)"},
    {AttentionText::RolloutHelp,
     "Attention rollout (Abnar & Zuidema 2020) follows attention through the residual connections: R_l = Abar_l ... "
     "Abar_1 with Abar = rownorm(0.5 * mean_h A + 0.5 * I). The 0.5 * I stands for the skip connection. Row 0 of R_l "
     "says how much of each patch reached the CLS token by layer l. For the hybrid it covers the transformer blocks "
     "only: its conv trunk has no attention to follow.",
     "어텐션 롤아웃(Abnar & Zuidema 2020)은 잔차 연결을 거치는 어텐션의 흐름을 "
     "따라갑니다: R_l = Abar_l ... Abar_1, Abar = rownorm(0.5 * mean_h A + 0.5 * I). 0.5 * I가 스킵 "
     "연결을 나타냅니다. R_l의 0번 행은 l층까지 각 패치가 CLS 토큰에 얼마나 "
     "전달됐는지를 뜻합니다. 하이브리드에서는 트랜스포머 블록만 포함합니다: 합성곱 줄기에는 따라갈 어텐션이 없습니다."},
    {AttentionText::MapNotice, "move the mouse over the object: does a patch look mostly at its neighbours, or far away?",
     "물체 위로 마우스를 움직여 보세요: 패치가 주로 이웃을 보나요, 먼 곳을 보나요?"},
    {AttentionText::RolloutNotice,
     "by the last layer the flow usually concentrates on the object, not the background.",
     "마지막 층으로 갈수록 흐름이 배경보다 물체 쪽에 모이는지 살펴보세요."},
    {AttentionText::DistanceTitle, "Mean attention distance of every head", "헤드별 평균 어텐션 거리"},
    {AttentionText::DistanceHelp,
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
    {AttentionText::ThisImage, "This image", "이 이미지"},
    {AttentionText::TestImages, "First test images:", "앞쪽 테스트 이미지:"},
    {AttentionText::Compare, "Overlay another checkpoint:", "다른 체크포인트 겹쳐 보기:"},
    {AttentionText::Averaging, "%s: %d / %d images", "%s: %d / %d장"},
    {AttentionText::SeriesData, "%d %% of the data", "데이터 %d %%"},
    {AttentionText::SeriesUniform, "uniform attention", "균일한 어텐션"},
    {AttentionText::SeriesLocal, "local threshold (%.0f %% of uniform)", "지역 기준 (균일 값의 %.0f %%)"},
    {AttentionText::LocalCount, "%s: %d of %d", "%s: %d개 (전체 %d개 중)"},
    {AttentionText::LocalHeads, "Local heads in layers 1-%d (mean distance below %.2f px): %s",
     "1-%d층의 지역 헤드 (평균 거리 %.2f 픽셀 미만): %s"},
    {AttentionText::AxisLayer, "layer", "층"},
    {AttentionText::AxisDistance, "distance (px)", "거리 (픽셀)"},
    {AttentionText::DistanceNotice,
     "are early layers a mix of local heads (below the dotted line) and far ones, and do late layers look far? "
     "Does less training data leave fewer local heads?",
     "앞쪽 층에는 가까운 곳을 보는 지역 헤드(촘촘한 점선 아래)와 먼 곳을 보는 헤드가 섞여 있고, "
     "뒤쪽 층은 먼 곳을 보나요? 학습 데이터가 적으면 지역 헤드가 줄어드나요?"},
    {AttentionText::CnnNote,
     "A CNN has no attention: every layer mixes only a small k x k neighbourhood, with the same weights at every "
     "position, so its reach grows only with depth. Compare it with the ViT in the Receptive field view (key 4).",
     "CNN에는 어텐션이 없습니다. 각 층은 작은 k x k 이웃만, 모든 위치에서 같은 "
     "가중치로 섞기 때문에 보는 범위는 층이 깊어져야 넓어집니다. 수용 영역 화면(4번 "
     "키)에서 ViT와 비교해 보세요."},
    {AttentionText::Computing, "Computing the attention...", "어텐션 계산 중..."},
    {AttentionText::Failed,
     "The attention could not be computed: %s",
     "어텐션을 계산하지 못했습니다: %s"},
};
constexpr auto kTexts = text_table(kRows);

}  // namespace

const char* tr(Language lang, AttentionText id) { return text_of(kTexts, lang, static_cast<size_t>(id)); }

std::span<const TextPair> attention_texts() { return kTexts; }

}  // namespace vc
