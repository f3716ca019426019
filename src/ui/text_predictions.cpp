#include "ui/text_predictions.h"

#include "ui/predictions_view.h"

namespace vc {

namespace {

// Rows with printf placeholders keep the same placeholders, in the same order, in both languages.
constexpr TextRow<PredictionsText> kRows[] = {
    {PredictionsText::Title, "Top 3 classes of each model", "모델별 상위 3개 클래스"},
    {PredictionsText::TitleAll, "All 10 classes of each model", "모델별 10개 클래스 전체"},
    {PredictionsText::AllClasses, "All 10 classes", "10개 클래스 모두"},
    {PredictionsText::Help,
     "How sure each model is of each class: the bars are probabilities, all ten together make 100 %. By default "
     "the three largest are shown; tick \"All 10 classes\" to see every class in class order. Green marks the true "
     "class of an unedited test image. The forward time is how long one pass of one image (batch 1) takes on this "
     "computer, the median of the last few inputs. \"ViT + rel. bias\" is the ViT with one more learned number per "
     "attention head for every offset between two patches (the Attention view shows them).\n"
     "Formula: each model ends with 10 scores z_k, one per class (the logits); softmax turns them into "
     "probabilities p_k = exp(z_k) / sum_j exp(z_j), each in (0, 1), summing to 1.",
     "각 모델이 클래스마다 얼마나 확신하는지 보여 줍니다. 막대는 확률이고 열 개를 더하면 100 %입니다. 기본으로 "
     "가장 큰 세 개를 보여 주고, \"10개 클래스 모두\"를 켜면 모든 클래스를 클래스 순서대로 봅니다. 수정하지 않은 "
     "테스트 이미지의 정답 클래스는 초록색입니다. 실행 시간은 이 컴퓨터에서 이미지 한 장(배치 1)을 한 번 통과시키는 "
     "데 걸린 시간으로, 최근 몇 개 입력의 중앙값입니다. \"ViT + 상대 편향\"은 ViT에 어텐션 헤드마다 두 패치 사이의 "
     "위치 차이별로 학습된 숫자를 하나씩 더한 모델입니다 (어텐션 화면에서 볼 수 있습니다).\n"
     "수식: 각 모델은 클래스마다 점수 z_k(로짓)를 하나씩, 모두 10개 냅니다. softmax가 이를 확률 "
     "p_k = exp(z_k) / sum_j exp(z_j)로 바꾸며, 각 값은 0과 1 사이이고 합은 1입니다."},
    {PredictionsText::SmoothingHelp,
     "Why does the top bar stop near %.0f %%? In training the models were never asked to be fully sure: a small "
     "part of the target was spread over all the classes (label smoothing), so even a confident model learns to stop "
     "short of 100 %%. %s (%s) was trained with eps = %.2f, as its file records. Formula: the target of the true "
     "class is 1 - eps + eps / K with K = %d classes, that is %.1f %%.",
     "맨 위 막대는 왜 %.0f %% 근처에서 멈출까요? 학습할 때 모델에게 완전히 확신하라고 하지 않고, 목표의 작은 "
     "일부를 모든 클래스에 고르게 나눠 주었습니다 (레이블 스무딩). 그래서 확신하는 모델도 100 %%보다 앞에서 "
     "멈추도록 배웁니다. %s (%s)는 파일에 기록된 대로 eps = %.2f로 학습했습니다. 수식: 정답 클래스의 목표는 "
     "1 - eps + eps / K (K = 클래스 %d개), 곧 %.1f %% 입니다."},
    {PredictionsText::SmoothingLine, "trained towards %.1f %% for the true class (label smoothing %.2f)",
     "정답 클래스의 학습 목표 %.1f %% (레이블 스무딩 %.2f)"},
    {PredictionsText::Notice, "the models can disagree on the same image; edit the input and watch which one changes its mind.",
     "같은 이미지에서도 모델마다 답이 다를 수 있습니다. 입력을 고쳐 보며 어느 모델이 먼저 생각을 바꾸는지 보세요."},
    {PredictionsText::ScaleOption, "trained on %d %% of the data", "데이터 %d %%로 학습"},
    {PredictionsText::Computing, "Computing...", "계산 중..."},
    {PredictionsText::Failed, "The prediction failed: %s", "예측하지 못했습니다: %s"},
    {PredictionsText::ForwardMs, "forward pass %.2f ms (%s kernels, median of %d)",
     "순전파 %.2f ms (%s 커널, %d회 중앙값)"},
    {PredictionsText::TrueClass, "True class: %s (test image #%d)", "정답 클래스: %s (테스트 이미지 #%d)"},
    {PredictionsText::Backend, "Kernels:", "커널:"},
    {PredictionsText::BackendHelp,
     "simd: vectorized kernels (WebAssembly SIMD in the browser). ref: plain scalar kernels, the readable "
     "reference. xnnpack (desktop app only): Google's XNNPACK library for the matrix products and convolutions, "
     "the native speed anchor. All compute the same model; only the speed differs.",
     "simd: 벡터화된 커널 (브라우저에서는 WebAssembly SIMD). ref: 읽기 쉬운 스칼라 기준 커널. xnnpack (데스크톱 "
     "앱 전용): 행렬 곱과 합성곱에 Google의 XNNPACK 라이브러리를 쓰는 네이티브 속도 기준. 모두 같은 모델을 "
     "계산하며 속도만 다릅니다."},
    {PredictionsText::AccTitle, "Accuracy on test images", "테스트 이미지 정확도"},
    {PredictionsText::AccHelp,
     "The share of test images each model classifies correctly, counted here in this page.\n"
     "Formula: " "Accuracy = correct predictions / images, computed in this page on the first test images. The +- value is "
     "the standard error of a proportion, sqrt(p (1 - p) / n).",
     "각 모델이 테스트 이미지를 맞힌 비율을 이 페이지에서 직접 셉니다.\n"
     "수식: " "정확도 = 맞힌 예측 수 / 이미지 수. 이 페이지에서 앞쪽 테스트 이미지로 계산합니다. +- 값은 비율의 표준오차 "
     "sqrt(p (1 - p) / n) 입니다."},
    {PredictionsText::AccNotice, "switch each model to 1 % of the data: which family loses the least accuracy?",
     "각 모델을 데이터 1 %로 학습한 것으로 바꿔 보세요. 어느 모델이 정확도를 가장 적게 잃나요?"},
    {PredictionsText::AccStart, "Measure on the first %d test images", "앞쪽 테스트 이미지 %d장으로 측정"},
    {PredictionsText::AccCancel, "Cancel", "취소"},
    {PredictionsText::AccRecorded, "Recorded at export: %.2f %% on %d test images", "내보낼 때 기록: %.2f %% (테스트 이미지 %d장)"},
    {PredictionsText::AccMeasured, "Measured here: %.2f %% +- %.2f %% (%d / %d)", "여기서 측정: %.2f %% +- %.2f %% (%d / %d)"},
};
constexpr auto kTexts = text_table(kRows);

}  // namespace

const char* tr(Language lang, PredictionsText id) { return text_of(kTexts, lang, static_cast<size_t>(id)); }

std::span<const TextPair> predictions_texts() { return kTexts; }

}  // namespace vc
