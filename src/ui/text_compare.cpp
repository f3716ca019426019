#include "ui/text_compare.h"

#include "ui/compare_view.h"

namespace vc {

namespace {

// Rows used as printf formats write a percent sign as "%%"; rows shown as they are write "%".
constexpr TextRow<CompareText> kRows[] = {
    {CompareText::Intro,
     "CNN and ViT side by side: what the course texts say about each, what we measure on our four models in this "
     "page, and what the papers report on ImageNet.",
     "CNN과 ViT를 나란히: 강의 자료가 각각에 대해 말하는 것, 이 페이지에서 우리 네 모델로 직접 잰 값, 논문이 "
     "ImageNet에서 보고한 값."},
    {CompareText::ConceptsTitle, "(a) Concepts: how a CNN and a ViT differ", "(a) 개념: CNN과 ViT는 어떻게 다른가"},
    {CompareText::ConceptsHow,
     "How to read it: one row per idea; the last column opens the view where you can see it on our models.",
     "읽는 법: 한 줄에 개념 하나; 마지막 열의 버튼은 우리 모델에서 그 개념을 직접 볼 수 있는 화면을 엽니다."},
    {CompareText::ConceptsHelp,
     "An inductive bias is an assumption built into the architecture before any data is seen. A convolution "
     "assumes nearby pixels belong together (locality) and that a pattern means the same anywhere (weight sharing: "
     "conv(shift(x)) = shift(conv(x))). Self-attention softmax(QK^T / sqrt(d)) V compares every token with every "
     "other, so it assumes neither.",
     "귀납적 편향은 데이터를 보기 전에 구조에 들어 있는 가정입니다. 합성곱은 가까운 픽셀끼리 관련이 있고(지역성) 같은 "
     "무늬는 어디에 있어도 같은 뜻이라고(가중치 공유: conv(shift(x)) = shift(conv(x))) 가정합니다. 셀프 어텐션 "
     "softmax(QK^T / sqrt(d)) V는 모든 토큰을 다른 모든 토큰과 비교하므로 둘 다 가정하지 않습니다."},
    {CompareText::ColConcept, "Concept", "개념"},
    {CompareText::ColCnn, "CNN", "CNN"},
    {CompareText::ColVit, "ViT", "ViT"},
    {CompareText::ColSee, "See it", "직접 보기"},
    {CompareText::LocalityName, "Locality", "지역성"},
    {CompareText::LocalityCnn, "Built in: each unit sees a small window (3 x 3), which grows layer by layer.",
     "구조에 들어 있음: 각 유닛은 작은 창(3 x 3)만 보고, 층을 지날수록 넓어집니다."},
    {CompareText::LocalityVit, "Not built in: any patch may attend to any other; locality must be learned.",
     "구조에 없음: 어떤 패치든 다른 모든 패치를 볼 수 있어, 지역성은 학습해야 합니다."},
    {CompareText::EquivarianceName, "Translation equivariance", "이동 등변성"},
    {CompareText::EquivarianceCnn,
     "Almost built in: shifting the input shifts the feature maps (shared weights), up to strides and borders.",
     "거의 구조에 들어 있음: 입력을 옮기면 특징 맵도 같이 옮겨집니다(가중치 공유). 스트라이드와 경계만 예외입니다."},
    {CompareText::EquivarianceVit,
     "Only by whole patches: a shift by less than a patch changes every token; learned position embeddings break "
     "it further.",
     "패치 단위로만: 패치보다 작은 이동은 모든 토큰을 바꾸고, 학습된 위치 임베딩이 이를 더 깨뜨립니다."},
    {CompareText::GlobalName, "Global context from the first layer", "첫 층부터 전역 문맥"},
    {CompareText::GlobalCnn, "Only deep down: the whole image fits in a unit's view after many layers.",
     "깊은 곳에서만: 여러 층을 지나야 한 유닛이 이미지 전체를 볼 수 있습니다."},
    {CompareText::GlobalVit, "Yes: already the first block's attention can reach every patch.",
     "예: 첫 블록의 어텐션부터 모든 패치에 닿을 수 있습니다."},
    {CompareText::StructureName, "2D structure", "2차원 구조"},
    {CompareText::StructureCnn, "Kept: feature maps stay 2D grids; neighbours stay neighbours.",
     "유지됨: 특징 맵이 2차원 격자로 남고, 이웃은 계속 이웃입니다."},
    {CompareText::StructureVit,
     "Flattened: patches become a sequence; the 2D layout survives only through the position embedding.",
     "펼쳐짐: 패치가 1차원 시퀀스가 되고, 2차원 배치는 위치 임베딩을 통해서만 남습니다."},
    {CompareText::PositionName, "Position information", "위치 정보"},
    {CompareText::PositionCnn, "Implicit: where a pattern is follows from where the unit is (and from the padding).",
     "암묵적: 무늬의 위치는 유닛의 위치(와 패딩)에서 나옵니다."},
    {CompareText::PositionVit,
     "Explicit: a learned position embedding per patch (or a learned relative bias, as in our rvit).",
     "명시적: 패치마다 학습된 위치 임베딩(또는 우리 rvit처럼 학습된 상대 위치 편향)."},
    {CompareText::DataName, "Data needed", "필요한 데이터"},
    {CompareText::DataCnn, "Less: the built-in assumptions replace data.", "적음: 구조에 든 가정이 데이터를 대신합니다."},
    {CompareText::DataVit,
     "More: it must learn from data what the CNN assumes; it shines with very large data sets (JFT-300M).",
     "많음: CNN이 가정하는 것을 데이터에서 배워야 하며, 아주 큰 데이터(JFT-300M)에서 빛납니다."},
    {CompareText::CostName, "Cost growth with resolution", "해상도에 따른 비용 증가"},
    {CompareText::CostCnn, "Linear in the number of pixels (N): each output looks at a fixed window.",
     "픽셀 수(N)에 비례: 각 출력은 고정된 창만 봅니다."},
    {CompareText::CostVit, "Quadratic in the number of patches (N^2): every token attends to every token.",
     "패치 수의 제곱(N^2)에 비례: 모든 토큰이 모든 토큰을 봅니다."},
    {CompareText::OpenReceptiveField, "Receptive field", "수용 영역"},
    {CompareText::OpenRepresentations, "Representations", "표현"},
    {CompareText::OpenAttention, "Attention", "어텐션"},
    {CompareText::OpenPlot, "Data-scale plot", "데이터 규모 그래프"},
    {CompareText::OpenPredictions, "Predictions", "예측"},
    {CompareText::ConceptsNotice,
     "the CNN's column is a list of assumptions; the ViT's is a list of things to learn.",
     "CNN 열은 가정의 목록이고, ViT 열은 배워야 할 것의 목록입니다."},
    {CompareText::MeasuredTitle, "(b) Measured here, on our models in this page",
     "(b) 여기서 잰 값: 이 페이지에서 우리 모델로"},
    {CompareText::MeasuredHow,
     "How to read it: one column per family (its model trained on all the data, p100); each row one measurement, "
     "computed now in this page (the accuracies are those recorded in the weight files). — : not measured yet, or "
     "not applicable.",
     "읽는 법: 모델 계열마다 한 열(전체 데이터로 학습한 p100 모델), 측정마다 한 줄이며 지금 이 페이지에서 계산합니다(정확도는 "
     "가중치 파일에 기록된 값). — : 아직 재지 않았거나 해당 없음."},
    {CompareText::MeasuredHelp,
     "Every number in this table is measured here, on these four small models: their size, their speed, their accuracy and what their analyses find.\n"
     "Formula: " "Multiply-adds: sum over the layers for one 32 x 32 image. Forward: batch 1, the median of 15 runs after 3 "
     "warm-up runs. Accuracy ± standard error sqrt(p (1 - p) / n), n = 10000. Attention distance: sum_ij A_ij "
     "||pos_i - pos_j|| per head, the heads' mean. The per-image rows: the mean over the first %d test images. ERF "
     "r90: radius holding 90 %% of "
     "|dy/dx| around the centre unit. Equivariance error: ||F(shift x) - shift F(x)|| / ||shift F(x)||. CKA = "
     "HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)), K = X X^T, L = Y Y^T.",
     "이 표의 숫자는 모두 이 네 작은 모델을 여기서 직접 잰 것입니다: 크기, 속도, 정확도, 그리고 분석 결과입니다.\n"
     "수식: " "곱셈-덧셈: 32 x 32 이미지 한 장에 대해 모든 층의 합. 순전파: 배치 1, 예열 3회 후 15회의 중앙값. 정확도 ± 표준오차 "
     "sqrt(p (1 - p) / n), n = 10000. 어텐션 거리: 헤드마다 sum_ij A_ij ||pos_i - pos_j||, 헤드 평균. 이미지별 "
     "측정은 처음 %d장의 테스트 이미지에 대한 평균. ERF r90: 중심 유닛 둘레에서 |dy/dx|의 90 %%를 담는 반지름. "
     "등변성 오차: ||F(shift x) - shift "
     "F(x)|| / ||shift F(x)||. CKA = HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)), K = X X^T, L = Y Y^T."},
    {CompareText::ColMeasurement, "Measurement", "측정"},
    {CompareText::RowParams, "Parameters", "파라미터 수"},
    {CompareText::RowMacs, "Multiply-adds per image", "이미지당 곱셈-덧셈"},
    {CompareText::RowForward, "Forward ms, batch 1 (measured here)", "순전파 ms, 배치 1 (여기서 잰 값)"},
    {CompareText::RowAccuracy, "Test accuracy %%, %d %% of the training data", "테스트 정확도 %%, 학습 데이터 %d %%"},
    {CompareText::RowAttentionFirst, "Mean attention distance px, first block", "평균 어텐션 거리 px, 첫 블록"},
    {CompareText::RowAttentionLast, "Mean attention distance px, last block", "평균 어텐션 거리 px, 마지막 블록"},
    {CompareText::RowTrf, "Theoretical receptive field px, last layer", "이론적 수용 영역 px, 마지막 층"},
    {CompareText::RowErf, "Effective receptive field r90 px, last layer", "유효 수용 영역 r90 px, 마지막 층"},
    {CompareText::RowEquivariance, "Equivariance error, last layer, %d px shift", "등변성 오차, 마지막 층, %d px 이동"},
    {CompareText::RowTop1, "Top-1 changed under a %d px shift, %%", "%d px 이동 때 1순위가 바뀐 비율, %%"},
    {CompareText::RowCka, "CKA of the last layer with %s", "%s 마지막 층과의 CKA"},
    {CompareText::Measure, "Measure the table in this page (%d test images, a few seconds)",
     "이 페이지에서 표 재기 (테스트 이미지 %d장, 몇 초)"},
    {CompareText::MeasureHelp,
     "Runs every measurement of the table here, in the background, on this machine: the page stays usable while it "
     "works. `vitcnn compare` prints the same table natively.",
     "표의 모든 측정을 이 컴퓨터에서 백그라운드로 실행합니다: 그동안에도 페이지를 쓸 수 있습니다. `vitcnn compare`는 "
     "같은 표를 네이티브로 출력합니다."},
    {CompareText::Progress, "Measuring in this page: %d of %d pieces", "이 페이지에서 재는 중: %d / %d 조각"},
    {CompareText::Finished, "Measured in this page: %d pieces in %.1f s of computing",
     "이 페이지에서 측정 완료: %d 조각, 계산 %.1f 초"},
    {CompareText::Waiting, "Waiting for the models and the test images...", "모델과 테스트 이미지를 기다리는 중..."},
    {CompareText::PieceFailed, "%s could not be measured: %s", "%s 을(를) 잴 수 없습니다: %s"},
    {CompareText::MeasuredQuestion,
     "Does the ViT look globally from its first layer while the CNN stays local, and does the CNN follow a shift "
     "better?",
     "ViT는 첫 층부터 전역을 보고 CNN은 지역에 머무를까요? CNN이 이동을 더 잘 따라갈까요?"},
    {CompareText::MeasuredAnswer,
     "Here: the ViT's first block attends %.1f px away on average, while the CNN's last layer gathers 90 %% of its "
     "gradient within %.1f px; under a %d px shift the last layer's error is %.3f for the CNN and %.3f for the ViT, "
     "and the top-1 class changes for %.1f %% and %.1f %% of the images.",
     "여기서는: ViT의 첫 블록은 평균 %.1f px 떨어진 곳을 보고, CNN의 마지막 층은 기울기의 90 %%를 %.1f px 안에 모읍니다. "
     "%d px 이동에서 마지막 층의 오차는 CNN %.3f, ViT %.3f이고, 1순위 클래스는 이미지의 %.1f %%와 %.1f %%에서 "
     "바뀝니다."},
    {CompareText::MeasuredNotice,
     "the attention rows (rvit's heads stay near their patch, the plain ViT's spread over the image) and the shift "
     "rows (whose last layer follows a shift best).",
     "어텐션 줄(rvit의 헤드는 자기 패치 근처에 머물고, 일반 ViT의 헤드는 이미지 전체로 퍼짐)과 이동 줄(어느 모델의 "
     "마지막 층이 이동을 가장 잘 따라가는지)."},
    {CompareText::CitedTitle, "(c) Cited from the literature", "(c) 문헌에서 인용"},
    {CompareText::CitedLabel,
     "Cited, not measured here: ImageNet-1K validation, 224 x 224, top-1 accuracy, as the papers report them.",
     "인용값이며 여기서 잰 것이 아닙니다: ImageNet-1K 검증 세트, 224 x 224, top-1 정확도, 논문이 보고한 그대로."},
    {CompareText::CitedHow,
     "How to read it: compare ViT-B/16 trained on ImageNet-1K alone with the same model pre-trained on JFT-300M.",
     "읽는 법: ImageNet-1K만으로 학습한 ViT-B/16과 JFT-300M으로 사전 학습한 같은 모델을 비교해 보세요."},
    {CompareText::CitedHelp,
     "Multiply-adds are what the papers call FLOPs (in billions, G, for one image at 224 x 224). Sources: He et al. 2016 "
     "(ResNet), Tan & Le 2019 (EfficientNet), Dosovitskiy et al. 2021 (ViT), Touvron et al. 2021 (DeiT), Liu et al. "
     "2021 (Swin), Liu et al. 2022 (ConvNeXt).",
     "곱셈-덧셈은 논문들이 FLOPs라고 부르는 값입니다(단위 G는 10억, 224 x 224 이미지 한 장). 출처: He et al. 2016 "
     "(ResNet), Tan & Le 2019 (EfficientNet), Dosovitskiy et al. 2021 (ViT), Touvron et al. 2021 (DeiT), Liu et al. "
     "2021 (Swin), Liu et al. 2022 (ConvNeXt)."},
    {CompareText::ColModel, "Model", "모델"},
    {CompareText::ColParams, "Params (M)", "파라미터 (M)"},
    {CompareText::ColGmacs, "Multiply-adds (G)", "곱셈-덧셈 (G)"},
    {CompareText::ColTop1, "Top-1 (%)", "Top-1 (%)"},
    {CompareText::ColTrainedOn, "Trained on", "학습 데이터"},
    {CompareText::ColSource, "Source", "출처"},
    {CompareText::CitedNotice,
     "on ImageNet-1K alone ViT-B/16 (77.9 %) trails ResNet-152 (78.3 %); pre-trained on JFT-300M it leads (84.2 %).",
     "ImageNet-1K만으로는 ViT-B/16(77.9 %)이 ResNet-152(78.3 %)보다 낮고, JFT-300M으로 사전 학습하면 앞섭니다(84.2 %)."},
    {CompareText::PlotTitle, "Accuracy against the amount of training data", "학습 데이터 양에 따른 정확도"},
    {CompareText::PlotHow,
     "How to read it: each line is one family, each point a model trained on that share of the 60000 training "
     "images (log scale); the bars are ± one standard error.",
     "읽는 법: 선 하나가 모델 계열 하나이고, 점 하나는 60000장의 학습 이미지 중 그 비율로 학습한 모델입니다(로그 눈금). "
     "막대는 ± 표준오차 하나입니다."},
    {CompareText::PlotHelp,
     "Each point is a checkpoint's share of test images classified correctly, against the share of the training images it learned from; the bars show how uncertain that share is.\n"
     "Formula: " "Accuracy p = correct / n on the test images; standard error sqrt(p (1 - p) / n). Recorded: all n = 10000 "
     "test images, measured at export. Gain = p(100 %) - p(1 %), its standard error sqrt(se_1^2 + se_100^2).",
     "점 하나는 한 체크포인트가 테스트 이미지를 맞힌 비율이고, 가로축은 학습에 쓴 학습 이미지의 비율입니다. 막대는 그 비율이 얼마나 불확실한지 보여 줍니다.\n"
     "수식: " "정확도 p = 맞힌 수 / n (테스트 이미지); 표준오차 sqrt(p (1 - p) / n). 기록값: 내보낼 때 테스트 이미지 n = 10000장 "
     "전부로 잰 값. 향상 = p(100 %) - p(1 %), 그 표준오차 sqrt(se_1^2 + se_100^2)."},
    {CompareText::AxisShare, "% of the training data (log scale)", "학습 데이터 비율 % (로그 눈금)"},
    {CompareText::AxisAccuracy, "test accuracy %", "테스트 정확도 %"},
    {CompareText::SeriesRecorded, "%s (recorded, %d images)", "%s (기록값, %d장)"},
    {CompareText::SeriesHere, "%s (here, %d images)", "%s (여기서, %d장)"},
    {CompareText::PointShare, "%d %% of the training data", "학습 데이터 %d %%"},
    {CompareText::PlotQuestion, "Does the ViT gain more from more data than the CNN?",
     "데이터가 늘면 ViT가 CNN보다 더 많이 좋아질까요?"},
    {CompareText::AnswerVitMore,
     "Yes, here: from 1 %% to 100 %% of the data the ViT gains %.2f points (± %.2f), the CNN %.2f (± %.2f): %.2f "
     "more, beyond twice the standard error.",
     "여기서는 예: 데이터 1 %%에서 100 %%로 가며 ViT는 %.2f 포인트(± %.2f), CNN은 %.2f 포인트(± %.2f) 좋아집니다: "
     "표준오차의 두 배를 넘는 %.2f 포인트 차이."},
    {CompareText::AnswerCnnMore,
     "No, here: from 1 %% to 100 %% of the data the ViT gains %.2f points (± %.2f), the CNN %.2f (± %.2f): the CNN "
     "gains %.2f more, beyond twice the standard error.",
     "여기서는 아니요: 데이터 1 %%에서 100 %%로 가며 ViT는 %.2f 포인트(± %.2f), CNN은 %.2f 포인트(± %.2f) 좋아집니다: "
     "CNN이 표준오차의 두 배를 넘게 %.2f 포인트 더 좋아집니다."},
    {CompareText::AnswerNoDifference,
     "Not clearly, here: from 1 %% to 100 %% of the data the ViT gains %.2f points (± %.2f), the CNN %.2f (± %.2f); "
     "the difference, %.2f, is within twice its standard error.",
     "여기서는 뚜렷하지 않음: 데이터 1 %%에서 100 %%로 가며 ViT는 %.2f 포인트(± %.2f), CNN은 %.2f 포인트(± %.2f) "
     "좋아지며, 차이 %.2f는 표준오차의 두 배 안입니다."},
    {CompareText::AnswerGap, "The CNN leads the ViT by %.2f points at 1 %% and by %.2f at 100 %%.",
     "CNN은 ViT보다 %.2f 포인트(1 %%), %.2f 포인트(100 %%) 앞섭니다."},
    {CompareText::Remeasure, "Re-measure the points here on the first %d test images",
     "처음 %d장의 테스트 이미지로 여기서 다시 재기"},
    {CompareText::RemeasureHelp,
     "Runs all 20 checkpoints on the first test images in this page (a background job) and draws the points beside "
     "the recorded ones; fewer images give wider error bars.",
     "20개 체크포인트 모두를 이 페이지에서 처음 테스트 이미지들로 실행하고(백그라운드 작업) 기록값 옆에 점을 그립니다. "
     "이미지가 적을수록 오차 막대가 넓어집니다."},
    {CompareText::Remeasuring, "Re-measuring: %d of %d points", "다시 재는 중: %d / %d 점"},
    {CompareText::RemeasureCancel, "Stop", "중지"},
    {CompareText::Remeasured, "Re-measured here: %d of %d points on %d test images",
     "여기서 다시 잼: %d / %d 점, 테스트 이미지 %d장"},
    {CompareText::PlotNotice,
     "at 1 % of the data (600 images) every family is far below its 100 % accuracy; watch which line climbs "
     "steepest.",
     "데이터 1 %(600장)에서는 모든 계열이 100 % 때보다 한참 낮습니다. 어느 선이 가장 가파르게 오르는지 보세요."},
};
constexpr auto kTexts = text_table(kRows);

}  // namespace

const char* tr(Language lang, CompareText id) { return text_of(kTexts, lang, static_cast<size_t>(id)); }

std::span<const TextPair> compare_texts() { return kTexts; }

}  // namespace vc
