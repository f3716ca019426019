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
     "Each small map shows where the CLS token looks in one head of one layer: the brighter a patch, the more of it goes into the CLS token. Hover a patch to see where that patch looks instead.\n"
     "Formula: " "Each head computes A = softmax(Q K^T / sqrt(d)) over all tokens; row i of A says how much token i takes from "
     "every token. A cell shows row 0 (the CLS token) over the patch tokens, A[l, h, 0, 1:], laid on the patch grid "
     "over the input. Hovering a patch p shows its own row, A[l, h, p + 1, 1:], in every cell instead. Colours are "
     "scaled per map (the brightest patch is that map's largest weight) unless \"One colour scale for all maps\" is "
     "on. Click a cell to enlarge it.",
     "작은 맵 하나는 한 층의 한 헤드에서 CLS 토큰이 어디를 보는지 보여 줍니다. 밝은 패치일수록 CLS 토큰에 많이 들어갑니다. 패치 위에 마우스를 올리면 그 패치가 어디를 보는지로 바뀝니다.\n"
     "수식: " "각 헤드는 모든 토큰에 대해 A = softmax(Q K^T / sqrt(d))를 계산합니다. A의 i번째 행은 "
     "토큰 i가 각 토큰에서 얼마나 가져오는지입니다. 칸마다 0번 행(CLS 토큰)을 패치 "
     "토큰에 대해, 즉 A[l, h, 0, 1:]를 입력 위 패치 격자에 그립니다. 패치 p 위에 마우스를 "
     "올리면 모든 칸이 그 패치의 행 A[l, h, p + 1, 1:]로 바뀝니다. \"모든 맵에 같은 색 척도\"를 켜지 않으면 색은 "
     "맵마다 따로 맞춰서 가장 밝은 패치가 그 맵의 최대 가중치입니다. 칸을 클릭하면 크게 "
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
     "The rollout follows the attention through all the layers up to this one at once, counting the skip connections too: it shows which patches end up in the CLS token.\n"
     "Formula: " "Attention rollout (Abnar & Zuidema 2020) follows attention through the residual connections: R_l = Abar_l ... "
     "Abar_1 with Abar = rownorm(0.5 * mean_h A + 0.5 * I). The 0.5 * I stands for the skip connection. Row 0 of R_l "
     "says how much of each patch reached the CLS token by layer l. For the hybrid it covers the transformer blocks "
     "only: its conv trunk has no attention to follow.",
     "롤아웃은 이 층까지의 모든 층을 한꺼번에 거쳐 가는 어텐션을, 건너뛰기 연결까지 세어 따라갑니다. 결국 어떤 패치가 CLS 토큰에 들어가는지 보여 줍니다.\n"
     "수식: " "어텐션 롤아웃(Abnar & Zuidema 2020)은 잔차 연결을 거치는 어텐션의 흐름을 "
     "따라갑니다: R_l = Abar_l ... Abar_1, Abar = rownorm(0.5 * mean_h A + 0.5 * I). 0.5 * I가 스킵 "
     "연결을 나타냅니다. R_l의 0번 행은 l층까지 각 패치가 CLS 토큰에 얼마나 "
     "전달됐는지를 뜻합니다. 하이브리드에서는 트랜스포머 블록만 포함합니다: 합성곱 줄기에는 따라갈 어텐션이 없습니다."},
    {AttentionText::SharedScale, "One colour scale for all maps", "모든 맵에 같은 색 척도"},
    {AttentionText::SharedScaleHelp,
     "Off: each map is coloured from 0 to its own largest value, so every map uses all its colours and a weak head "
     "looks as bright as a strong one. On: every map of this view (the grid and the enlarged one) uses the same "
     "range, 0 to the largest attention weight among them, so the colours can be compared from map to map.",
     "끄면 각 맵을 0부터 그 맵의 최댓값까지로 칠하므로, 약한 헤드도 강한 헤드만큼 밝아 보입니다. 켜면 이 화면의 "
     "모든 맵(격자와 확대한 맵)이 같은 범위, 곧 0부터 그 맵들 가운데 가장 큰 어텐션 가중치까지를 쓰므로 맵끼리 "
     "색을 비교할 수 있습니다."},
    {AttentionText::SharedScaleLegend, "One colour scale for every map of this view: 0 to %.3f",
     "이 화면의 모든 맵에 같은 색 척도: 0 ~ %.3f"},
    {AttentionText::MapNotice, "move the mouse over the object: does a patch look mostly at its neighbours, or far away?",
     "물체 위로 마우스를 움직여 보세요: 패치가 주로 이웃을 보나요, 먼 곳을 보나요?"},
    {AttentionText::RolloutNotice,
     "by the last layer the flow usually concentrates on the object, not the background.",
     "마지막 층으로 갈수록 흐름이 배경보다 물체 쪽에 모이는지 살펴보세요."},
    {AttentionText::DistanceTitle, "Mean attention distance of every head", "헤드별 평균 어텐션 거리"},
    {AttentionText::DistanceHelp,
     "How far each head looks: the average distance, in input pixels, between a patch and the patches it attends to, weighted by the attention. Small: the head looks nearby like a small convolution; large: it looks across the image.\n"
     "Formula: " "d[l, h] = sum_ij A[l, h, i, j] * ||pos_i - pos_j|| / sum_ij A[l, h, i, j] over the patch tokens i, j (the CLS "
     "token is left out), pos = the centre of a patch cell in input pixels (a cell is %g px wide). A small d: the "
     "head looks near (like a small convolution); a large d: it looks far. Dots: heads; line: their mean. Dashed: "
     "what uniform attention would give, %.2f px, the mean distance between two cells of the %d x %d grid. Dotted: the "
     "local threshold; heads below it count as local.",
     "각 헤드가 얼마나 멀리 보는지: 패치와 그 패치가 주의를 주는 패치들 사이의 거리(입력 픽셀)를 어텐션으로 가중한 평균입니다. 작으면 작은 합성곱처럼 가까이, 크면 그림 전체를 봅니다.\n"
     "수식: " "d[l, h] = sum_ij A[l, h, i, j] * ||pos_i - pos_j|| / sum_ij A[l, h, i, j], i와 j는 패치 토큰 (CLS 토큰 "
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
     "position, so its reach grows only with depth. The Receptive field view shows how far it reaches at every layer, "
     "next to the ViT.",
     "CNN에는 어텐션이 없습니다. 각 층은 작은 k x k 이웃만, 모든 위치에서 같은 "
     "가중치로 섞기 때문에 보는 범위는 층이 깊어져야 넓어집니다. 수용 영역 화면은 층마다 "
     "어디까지 보는지를 ViT와 나란히 보여 줍니다."},
    {AttentionText::CnnToReceptiveField, "Show the CNN's receptive field", "CNN의 수용 영역 보기"},
    {AttentionText::Computing, "Computing the attention...", "어텐션 계산 중..."},
    {AttentionText::Failed,
     "The attention could not be computed: %s",
     "어텐션을 계산하지 못했습니다: %s"},
    {AttentionText::Control,
     "Overlay rvit's control (its tables started at zero: no locality prior):",
     "rvit의 대조군 겹쳐 보기 (편향 표를 0에서 시작: 지역성 사전 지식 없음):"},
    {AttentionText::SeriesControl, "control, %d %% of the data", "대조군, 데이터 %d %%"},
    {AttentionText::KernelLine,
     "Next to each map: the bias that head adds for each offset between two patches (the kernel it learned).",
     "각 맵 옆: 그 헤드가 두 패치 사이의 위치 차이마다 더하는 편향 (헤드가 학습한 커널)."},
    {AttentionText::KernelExport, "Bias kernels:", "편향 커널:"},
    {AttentionText::KernelHelp,
     "Every head of rvit keeps a small table of learned numbers, one for each offset between two patches (so many "
     "rows down, so many columns right). When one patch looks at another, the number for their offset is added to "
     "its score, whatever the image shows: a large number makes that offset favoured. The small image draws the "
     "table around the looking patch at its centre: the cell r rows below and c columns right of the centre is the "
     "bias of a key at that offset; bright means favoured. A small bright spot: the head looks near, whatever the "
     "image; an even image: the bias leaves the choice to the image's content.\n"
     "Formula: logit = q_i . k_j / sqrt(d) "
     "+ b_h(row_j - row_i, col_j - col_i), one table b_h per head and layer; colour exp(b - max b), how much the "
     "bias alone scales a key's attention weight against the offset the head favours most.",
     "rvit의 헤드마다 두 패치 사이의 위치 차이(몇 행 아래, 몇 열 오른쪽)마다 하나씩, 학습된 숫자의 작은 표가 "
     "있습니다. 한 패치가 다른 패치를 볼 때 두 패치의 위치 차이에 해당하는 숫자가 이미지 내용과 상관없이 점수에 "
     "더해집니다: 숫자가 크면 그 위치가 선호됩니다. 작은 그림은 이 표를 보는 패치를 가운데 두고 그린 것으로, "
     "가운데에서 r행 아래, c열 오른쪽 칸이 그 위치에 있는 키의 편향이며 밝을수록 선호됩니다. 작고 밝은 점이면 "
     "이미지와 상관없이 가까운 곳을 보고, 고르게 밝으면 무엇을 볼지는 이미지 내용에 맡깁니다.\n"
     "수식: logit = "
     "q_i . k_j / sqrt(d) + b_h(row_j - row_i, col_j - col_i), 헤드와 층마다 표 b_h 하나. 색은 exp(b - max b)로, "
     "편향만으로 그 키의 어텐션 가중치가 헤드가 가장 선호하는 위치에 비해 몇 배가 되는지입니다."},
    {AttentionText::KernelTooltip,
     "Layer %d, head %d: key %+d rows, %+d columns from the query: bias %.2f (weight x %.3g)",
     "%d층, %d번 헤드: 쿼리에서 %+d행, %+d열 떨어진 키: 편향 %.2f (가중치 x %.3g)"},
    {AttentionText::LocalityTitle, "Where does locality come from?", "지역성은 어디에서 오나요?"},
    {AttentionText::LocalityHelp,
     "A CNN's 3 x 3 kernel sees its neighbours and nothing else: locality is built in. A plain ViT's attention has "
     "no such preference: it knows where a patch is only from the position embedding added to it, and a head looks "
     "near only if training finds that useful. rvit builds in a softer version: each head adds a learned bias for "
     "every offset between two patches, started as a preference for near patches (head 1 about one patch wide, "
     "head 4 wide) and then trained like every other weight. The control has the same tables started at zero: the "
     "same mechanism without the prior. If the control stays near uniform while rvit stays local, locality here "
     "comes from the prior, not from the data. A head counts as local when its mean attention distance is below "
     "half of what uniform attention gives.\n"
     "Formula: softmax(q . k / sqrt(d)) has no term for distance; rvit adds "
     "b_h(row offset, column offset), a (2g - 1) x (2g - 1) table per head and layer, started at b = -a_h d^2 (d: "
     "distance between the patch centres in px; a_h = 1/4, 1/16, 1/64, 1/256 per px^2 for heads 1 to 4).",
     "CNN의 3 x 3 커널은 이웃만 보고 그 밖은 보지 않습니다: 지역성이 구조에 들어 있습니다. 일반 ViT의 어텐션에는 "
     "그런 선호가 없습니다. 패치에 더해진 위치 임베딩으로만 패치의 자리를 알고, 학습이 쓸모 있다고 찾을 때만 "
     "헤드가 가까운 곳을 봅니다. rvit는 더 부드러운 형태를 구조에 넣습니다: 각 헤드가 두 패치 사이의 위치 "
     "차이마다 학습된 편향을 더하는데, 가까운 패치를 선호하도록 시작해서 (헤드 1은 패치 하나 정도 폭, 헤드 4는 "
     "넓게) 다른 가중치처럼 학습됩니다. 대조군은 같은 표를 0에서 시작합니다: 사전 지식 없이 같은 구조입니다. "
     "대조군은 균일에 가깝게 남고 rvit는 지역적으로 남는다면, 여기서 지역성은 데이터가 아니라 사전 지식에서 "
     "옵니다. 평균 어텐션 거리가 균일한 어텐션의 절반 미만인 헤드를 지역 헤드로 셉니다.\n"
     "수식: softmax(q . k / "
     "sqrt(d))에는 거리에 대한 항이 없습니다. rvit는 b_h(행 차이, 열 차이)를 더하며, 헤드와 층마다 (2g - 1) x "
     "(2g - 1) 표이고 b = -a_h d^2 (d: 패치 중심 사이 거리(픽셀), 헤드 1~4의 a_h = 1/4, 1/16, 1/64, 1/256 "
     "(픽셀^2당))에서 시작합니다."},
    {AttentionText::LocalityLine,
     "%s (%s) on this image: %d of %d heads local (below %.2f px); the farthest any head is from uniform attention "
     "(%.2f px) is %.2f px.",
     "%s (%s), 이 이미지: 지역 헤드 %d개 / 전체 %d개 (%.2f 픽셀 미만); 균일한 어텐션(%.2f 픽셀)에서 가장 많이 "
     "벗어난 헤드도 %.2f 픽셀 차이입니다."},
    {AttentionText::LocalityPending, "%s (%s): computing...", "%s (%s): 계산 중..."},
    {AttentionText::LocalityQuestion,
     "Both models cut the image into the same patches and learned from the same images. The plain ViT is told only "
     "each patch's place in a list; rvit's heads also add a learned bias for every offset between two patches, "
     "started as a preference for near ones. Does the plain ViT learn to look at neighbours on its own? Do rvit's "
     "heads stay local after training? Switch the data share and overlay the control to see.",
     "두 모델은 이미지를 같은 패치로 자르고 같은 이미지로 학습했습니다. 일반 ViT는 각 패치가 목록에서 몇 번째인지만 "
     "압니다. rvit의 헤드는 여기에 두 패치 사이의 위치 차이마다 학습된 편향을 더하는데, 가까운 패치를 선호하도록 "
     "시작합니다. 일반 ViT는 스스로 이웃을 보도록 배울까요? rvit의 헤드는 학습 뒤에도 지역적으로 남을까요? 데이터 "
     "비율을 바꾸고 대조군을 겹쳐 확인해 보세요."},
    {AttentionText::PosSimTitle,
     "Position embeddings: similarity of patch (row %d, column %d) to every patch",
     "위치 임베딩: 패치 (%d행, %d열)와 각 패치의 유사도"},
    {AttentionText::PosSimHelp,
     "The model gets its patches only as a list of %d: a learned vector for each place in the list (the position "
     "embedding) is all it knows of where a patch lies. The map colours every patch by how alike its vector is to "
     "the chosen patch's (bright: alike). If neighbours in the same row and column get alike vectors, the model has "
     "learned the 2D grid from the data, as in the ViT paper's Fig. 7. Hover any map to choose the patch.\n"
     "Formula: "
     "before the first block every token t gets p_t added; the map shows cos(p_a, p_b) = p_a . p_b / (|p_a| |p_b|) "
     "for the chosen patch a and every patch b.",
     "모델은 패치를 %d개짜리 목록으로만 받습니다: 목록의 자리마다 학습된 벡터(위치 임베딩)가 패치의 위치에 대해 "
     "모델이 아는 전부입니다. 맵은 각 패치를 그 벡터가 선택한 패치의 벡터와 얼마나 닮았는지로 칠합니다 (밝을수록 "
     "닮음). 같은 행과 열의 이웃이 닮은 벡터를 얻는다면, 모델이 데이터에서 2차원 격자를 배운 것입니다 (ViT 논문 "
     "그림 7). 아무 맵 위에나 마우스를 올려 패치를 고르세요.\n"
     "수식: 첫 블록 전에 모든 토큰 t에 p_t가 더해지고, 맵은 "
     "선택한 패치 a와 각 패치 b에 대해 cos(p_a, p_b) = p_a . p_b / (|p_a| |p_b|)를 보여 줍니다."},
    {AttentionText::PosSimNotice,
     "are the most similar embeddings those of the neighbours, along the same row and column?",
     "가장 비슷한 임베딩이 같은 행과 열을 따라 있는 이웃의 것인가요?"},
};
constexpr auto kTexts = text_table(kRows);

}  // namespace

const char* tr(Language lang, AttentionText id) { return text_of(kTexts, lang, static_cast<size_t>(id)); }

std::span<const TextPair> attention_texts() { return kTexts; }

}  // namespace vc
