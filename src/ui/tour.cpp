// The start card and the guided tour (tour.h): the table of steps, the card and the step panel under the menu bar,
// and the outline of the step's widget.
#include "ui/tour.h"

#include <imgui.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "ui/view.h"
#include "ui/widgets.h"

namespace vc {

namespace {

using nlohmann::json;

constexpr ImU32 kHighlightColor = IM_COL32(255, 170, 40, 255);

// Why the label smoothing step's numbers may never come.
constexpr TextPair kNoLabelSmoothing = {"its file records no label smoothing",
                                        "이 파일에는 레이블 스무딩 기록이 없습니다"};

// The steps. Every step's view state names every setting of its view, the defaults by their own values (pred.all=0,
// attn.avg=0, rf.layer=last, rf.unit=centre...): applying a step only sets the keys it names, so Back and Next land on
// the same picture and numbers whatever the student changed in between (TourTest checks it). The answers quote values
// of the views' lab_query answers.
constexpr TourStep kSteps[] = {
    {"tab=input",
     "canvas",
     {"Everything starts from one small grayscale picture of a piece of clothing, 28 x 28 pixels. Pick another one "
      "from the gallery or draw on it: every view follows the image you make here.",
      "모든 것은 옷 한 벌을 찍은 작은 흑백 그림 하나(28 x 28 픽셀)에서 시작합니다. 갤러리에서 다른 그림을 고르거나 "
      "직접 그려 보세요. 모든 화면이 여기서 만든 그림을 따라갑니다."},
     {"Which garment is this, and could a model have seen it while learning?",
      "이 옷은 무엇일까요? 모델이 학습하면서 이 그림을 본 적이 있을까요?"},
     {"It is image #%s of the test set, a %s. Test images are kept out of training, so every answer in the next "
      "views is a genuine guess.",
      "테스트 세트의 %s번 그림이고 정답은 %s입니다. 테스트 그림은 학습에 쓰지 않으므로 다음 화면들의 답은 모두 "
      "처음 보는 그림에 대한 추측입니다."},
     {{"state", "/gallery_index", 1.0, "%.0f"}, {"state", "/gallery_label", 1.0, nullptr}},
     true},  // about_input: the answer says what a drawing, a file or a blank canvas is
    {"tab=attention&attn.model=vit&attn.data=p100&attn.cell=0.0&attn.compare=p001&attn.rollout=0"
     "&attn.control=none&attn.avg=0&attn.shared=0",
     "attention.map",
     {"A Vision Transformer does not slide small filters over the picture. It cuts the picture into square patches, "
      "turns each patch into a vector (a token) and adds one extra token, CLS, whose job is to collect the answer.",
      "비전 트랜스포머는 그림 위로 작은 필터를 밀고 다니지 않습니다. 그림을 정사각형 패치로 자르고, 패치마다 벡터"
      "(토큰) 하나로 바꾼 뒤, 답을 모으는 일을 맡은 토큰 CLS를 하나 더합니다."},
     {"Into how many tokens does the ViT turn this picture?", "ViT는 이 그림을 몇 개의 토큰으로 바꿀까요?"},
     {"A grid of %s x %s patches, each %s x %s pixels, plus the CLS token: %s tokens that all talk to each other "
      "in every layer.",
      "한 변에 %s x %s개인 패치 격자(패치 하나는 %s x %s 픽셀)에 CLS 토큰을 더해 %s개의 토큰이 되고, 모든 층에서 "
      "서로 정보를 주고받습니다."},
     {{"attention", "/grid", 1.0, "%.0f"},
      {"attention", "/grid", 1.0, "%.0f"},
      {"attention", "/cell_px", 1.0, "%.0f"},
      {"attention", "/cell_px", 1.0, "%.0f"},
      {"attention", "/tokens", 1.0, "%.0f"}}},
    {"tab=predictions&pred.vit=p100&pred.cnn=p100&pred.hybrid=p100&pred.rvit=p100&pred.all=0",
     "predictions.table",
     {"Four models look at the same picture: a ViT, a CNN, a hybrid (a small CNN under a ViT) and a ViT with a "
      "learned bias towards nearby patches.",
      "네 모델이 같은 그림을 봅니다: ViT, CNN, 하이브리드(ViT 아래에 작은 CNN), 그리고 가까운 패치 쪽으로 기우는 "
      "편향을 학습한 ViT입니다."},
     {"Do the ViT and the CNN agree on this picture, and how sure is each of them?",
      "ViT와 CNN은 이 그림에서 같은 답을 낼까요? 각각 얼마나 확신할까요?"},
     {"The ViT answers %s (%s %%), the CNN %s (%s %%). Draw on the picture and watch which one changes its mind "
      "first.",
      "ViT는 %s (%s %%), CNN은 %s (%s %%)라고 답합니다. 그림에 덧그려 보며 어느 모델이 먼저 생각을 바꾸는지 "
      "보세요."},
     {{"predictions", "/models/0/top/0", 1.0, nullptr},
      {"predictions", "/models/0/top_probs/0", 100.0, "%.1f"},
      {"predictions", "/models/1/top/0", 1.0, nullptr},
      {"predictions", "/models/1/top_probs/0", 100.0, "%.1f"}}},
    {"tab=predictions&pred.vit=p100&pred.cnn=p100&pred.hybrid=p100&pred.rvit=p100&pred.all=1",
     "predictions.all_classes",
     {"With \"All 10 classes\" ticked, the table lists every class's probability, not only the three largest.",
      "\"10개 클래스 모두\"가 켜져 있어서 표에 가장 큰 세 개만이 아니라 모든 클래스의 확률이 나옵니다."},
     {"Even on easy pictures the top class seldom climbs far above 90 %. Why not 100 %?",
      "쉬운 그림에서도 1위 클래스는 90 %를 크게 넘지 않습니다. 왜 100 %가 아닐까요?"},
     {"The ViT gives its top class %s %%. It was trained with label smoothing eps = %s (its file records it): the "
      "target for the right class was %s %%, never 100 %%, so it learned to stop there.",
      "ViT는 1위 클래스에 %s %%를 줍니다. 이 모델은 레이블 스무딩 eps = %s로 학습했습니다 (파일에 기록되어 "
      "있습니다). 정답 클래스의 목표가 %s %%였고 100 %%가 아니었으므로 거기서 멈추도록 배웠습니다."},
     {{"predictions", "/models/0/top_probs/0", 100.0, "%.1f"},
      {"predictions", "/models/0/label_smoothing/epsilon", 1.0, "%.2f", "/models/0/ready", kNoLabelSmoothing},
      {"predictions", "/models/0/label_smoothing/target", 100.0, "%.1f", "/models/0/ready", kNoLabelSmoothing}}},
    {"tab=attention&attn.model=vit&attn.data=p100&attn.cell=0.0&attn.compare=p001&attn.rollout=0"
     "&attn.control=none&attn.avg=0&attn.shared=0",
     "attention.map",
     {"In every layer each head decides where the CLS token looks: the brighter a patch in this map, the more "
      "attention it gets. This is the first layer's first head.",
      "각 층의 헤드마다 CLS 토큰이 어디를 볼지 정합니다. 이 지도에서 밝은 패치일수록 주의를 많이 받습니다. 지금은 "
      "첫 층의 첫 헤드입니다."},
     {"Does this early head look close by, like a small convolution, or all over the picture?",
      "이 앞쪽 헤드는 작은 합성곱처럼 가까운 곳을 볼까요, 그림 전체를 볼까요?"},
     {"On average its attention reaches %s px away; attention spread evenly over all patches would reach %s px. "
      "The smaller the first number, the more local the head.",
      "이 헤드의 주의는 평균 %s px 떨어진 곳에 닿습니다. 모든 패치에 고르게 나눈 주의라면 %s px입니다. 앞의 "
      "숫자가 작을수록 가까운 곳을 보는 헤드입니다."},
     {{"attention", "/distance_px/0/0", 1.0, "%.1f"}, {"attention", "/uniform_px", 1.0, "%.1f"}}},
    {"tab=attention&attn.model=vit&attn.data=p100&attn.cell=5.0&attn.compare=p001&attn.rollout=0"
     "&attn.control=none&attn.avg=0&attn.shared=0",
     "attention.map",
     {"Now the same kind of map for the first head of the last layer, just before the CLS token's answer becomes "
      "the prediction.",
      "이번에는 마지막 층 첫 헤드의 지도입니다. 이 다음에 CLS 토큰의 내용이 예측이 됩니다."},
     {"Does the last layer look nearer or farther than the first?",
      "마지막 층은 첫 층보다 가까이 볼까요, 멀리 볼까요?"},
     {"This head reaches %s px on average, the first layer's first head %s px, against %s px for even attention.",
      "이 헤드는 평균 %s px, 첫 층의 첫 헤드는 %s px에 닿습니다. 고르게 나눈 주의라면 %s px입니다."},
     {{"attention", "/distance_px/5/0", 1.0, "%.1f"},
      {"attention", "/distance_px/0/0", 1.0, "%.1f"},
      {"attention", "/uniform_px", 1.0, "%.1f"}}},
    {"tab=attention&attn.model=vit&attn.data=p100&attn.cell=0.0&attn.compare=none&attn.rollout=0"
     "&attn.control=none&attn.avg=0&attn.shared=0",
     "attention.distance_plot",
     {"This plot puts every head of every layer at its mean attention distance: dots are heads, the line is each "
      "layer's mean. A CNN's first layers can only see their neighbours; a ViT may choose, head by head.",
      "이 그림은 모든 층의 모든 헤드를 평균 주의 거리에 놓습니다. 점은 헤드, 선은 층별 평균입니다. CNN의 앞쪽 "
      "층은 이웃만 볼 수 있지만 ViT는 헤드마다 고를 수 있습니다."},
     {"How many of the ViT's early heads work locally, as a CNN's must?",
      "ViT의 앞쪽 헤드 가운데 CNN처럼 가까운 곳만 보는 헤드는 몇 개일까요?"},
     {"%s heads of the first %s layers are local (they reach less than %s px, where even attention reaches %s px); "
      "the others already look across the picture.",
      "가까운 곳을 보는 헤드가 %s개입니다 (처음 %s개 층 기준, %s px 미만; 고르게 나눈 주의는 %s px). 나머지는 "
      "벌써 그림 전체를 봅니다."},
     {{"attention", "/local_heads_early", 1.0, "%.0f"},
      {"attention", "/early_layers", 1.0, "%.0f"},
      {"attention", "/local_threshold_px", 1.0, "%.1f"},
      {"attention", "/uniform_px", 1.0, "%.1f"}}},
    {"tab=attention&attn.model=vit&attn.data=p100&attn.cell=0.0&attn.compare=p001&attn.rollout=0"
     "&attn.control=none&attn.avg=0&attn.shared=0",
     "attention.distance_plot",
     {"The orange points are a ViT of the same size trained on only 1 % of the training images.",
      "주황색 점은 같은 크기의 ViT를 학습 그림의 1 %만으로 학습한 결과입니다."},
     {"Does a ViT learn local heads when it sees little data?",
      "데이터를 조금만 본 ViT도 가까운 곳을 보는 헤드를 배울까요?"},
     {"In the first %s layers, %s heads are local with all the data and %s with 1 %% of it. Locality is not built "
      "into a ViT: whatever it has, it learned from the data.",
      "처음 %s개 층에서 가까운 곳을 보는 헤드는 데이터를 모두 쓰면 %s개, 적게 쓰면 %s개입니다 (데이터의 1 %%). "
      "ViT에는 지역성이 내장되어 있지 않아서, 있다면 데이터에서 배운 것입니다."},
     {{"attention", "/early_layers", 1.0, "%.0f"},
      {"attention", "/local_heads_early", 1.0, "%.0f"},
      {"attention", "/compare/local_heads_early", 1.0, "%.0f"}}},
    {"tab=attention&attn.model=rvit&attn.data=p100&attn.cell=0.0&attn.compare=none&attn.rollout=0"
     "&attn.control=none&attn.avg=0&attn.shared=0",
     "attention.map",
     {"This ViT adds to each head's scores one learned number per offset between two patches: a pull towards "
      "neighbours that is built in, like a CNN's, but can be unlearned. Each map now has its head's bias beside it.",
      "이 ViT는 헤드의 점수에 두 패치 사이의 위치 차이마다 학습된 숫자를 하나씩 더합니다. CNN처럼 이웃 쪽으로 "
      "끌어당기는 성질이 내장되어 있지만, 학습으로 없앨 수도 있습니다. 지도마다 옆에 그 헤드의 편향이 있습니다."},
     {"Does the built-in pull give more local heads than the plain ViT learns by itself?",
      "내장된 당김이 일반 ViT가 스스로 배우는 것보다 가까운 곳을 보는 헤드를 더 많이 만들까요?"},
     {"Local heads over all layers: %s of %s with the bias, %s of %s in the plain ViT.",
      "모든 층에서 가까운 곳을 보는 헤드: 편향이 있으면 %s / %s개, 일반 ViT는 %s / %s개입니다."},
     {{"attention", "/locality/rvit/local_heads", 1.0, "%.0f"},
      {"attention", "/locality/rvit/heads", 1.0, "%.0f"},
      {"attention", "/locality/vit/local_heads", 1.0, "%.0f"},
      {"attention", "/locality/vit/heads", 1.0, "%.0f"}}},
    {"tab=receptive_field&rf.model=cnn&rf.data=p100&rf.untrained=0&rf.layer=last&rf.unit=centre&rf.avg=0"
     "&rf.others=0&rf.calc=cnn",
     "rf.map",
     {"A unit of a CNN sees a window of the input that grows layer by layer: its receptive field. The map shows "
      "which input pixels actually move this unit's output (the gradient of the unit with respect to each pixel).",
      "CNN의 유닛은 층을 지날수록 넓어지는 입력의 창을 봅니다. 이것이 수용 영역입니다. 지도는 어떤 입력 픽셀이 "
      "이 유닛의 출력을 실제로 움직이는지 보여 줍니다 (각 픽셀에 대한 유닛의 기울기)."},
     {"How far from its centre does this CNN unit really look?",
      "이 CNN 유닛은 중심에서 실제로 얼마나 멀리까지 볼까요?"},
     {"Half of its sensitivity lies within %s px of the centre and 90 %% within %s px, in an input %s px wide.",
      "민감도의 절반은 중심에서 %s px 안에, 90 %%는 %s px 안에 있습니다. 입력의 폭은 %s px입니다."},
     {{"receptive_field", "/erf/r50_px", 1.0, "%.1f"},
      {"receptive_field", "/erf/r90_px", 1.0, "%.1f"},
      {"receptive_field", "/input_px", 1.0, "%.0f"}}},
    {"tab=receptive_field&rf.model=vit&rf.data=p100&rf.untrained=0&rf.layer=last&rf.unit=centre&rf.avg=0"
     "&rf.others=0&rf.calc=cnn",
     "rf.map",
     {"The same map for a ViT token: attention lets a token reach every patch from the first layer on.",
      "같은 지도를 ViT 토큰으로 봅니다. 어텐션 덕분에 토큰은 첫 층부터 모든 패치에 닿을 수 있습니다."},
     {"Does the ViT's unit look farther than the CNN's?", "ViT의 유닛은 CNN의 유닛보다 멀리 볼까요?"},
     {"Half of its sensitivity lies within %s px and 90 %% within %s px, in an input %s px wide.",
      "민감도의 절반은 %s px 안에, 90 %%는 %s px 안에 있습니다. 입력의 폭은 %s px입니다."},
     {{"receptive_field", "/erf/r50_px", 1.0, "%.1f"},
      {"receptive_field", "/erf/r90_px", 1.0, "%.1f"},
      {"receptive_field", "/input_px", 1.0, "%.0f"}}},
    {"tab=representations&repr.a=vit_p100&repr.b=cnn_p100&repr.n=100&repr.skip_model=vit_p100"
     "&repr.skip_n=100&repr.k=4&repr.eq_n=20&repr.cka=1&repr.skip=0&repr.eq=0",
     "repr.cka",
     {"CKA compares what two layers compute over the same test pictures: 1 means the same representation up to a "
      "rotation and a scale, 0 means unrelated. Rows are the ViT's layers, columns the CNN's.",
      "CKA는 같은 테스트 그림들에 대해 두 층이 계산한 것을 비교합니다. 1은 회전과 크기만 다른 같은 표현, 0은 관계 "
      "없는 표현입니다. 행은 ViT의 층, 열은 CNN의 층입니다."},
     {"Do the lower layers of the ViT compute something a CNN's lower layers also compute?",
      "ViT의 아래쪽 층은 CNN의 아래쪽 층과 비슷한 것을 계산할까요?"},
     {"Each lower ViT layer's best match among the CNN's lower layers has a CKA of %s on average.",
      "ViT의 아래쪽 층마다 CNN 아래쪽 층 중 가장 닮은 층과의 CKA는 평균 %s입니다."},
     {{"representations", "/cka/summary/lower_half_best_match", 1.0, "%.2f"}}},
    {"tab=representations&repr.a=vit_p100&repr.b=cnn_p100&repr.n=100&repr.skip_model=vit_p100"
     "&repr.skip_n=100&repr.k=4&repr.eq_n=20&repr.cka=0&repr.skip=1&repr.eq=0",
     "repr.skip",
     {"Every ViT block adds its result to what came in through a skip connection. The skip ratio is the size of "
      "what came in over the size of the sum: near 1, the block changed little.",
      "ViT의 블록은 자기 결과를 건너뛰기 연결로 들어온 값에 더합니다. 건너뛰기 비율은 들어온 값의 크기를 더한 "
      "결과의 크기로 나눈 것입니다. 1에 가까우면 블록이 거의 바꾸지 않았다는 뜻입니다."},
     {"Which tokens does the ViT change most, early and late: the CLS token or the patch tokens?",
      "ViT는 앞쪽과 뒤쪽에서 어느 토큰을 더 많이 바꿀까요? CLS 토큰일까요, 패치 토큰일까요?"},
     {"Skip ratio of the CLS token: %s in the first half of the blocks, %s in the second; of the patch tokens: %s "
      "and %s.",
      "CLS 토큰의 건너뛰기 비율은 앞쪽 절반의 블록에서 %s, 뒤쪽 절반에서 %s이고, 패치 토큰은 %s와 %s입니다."},
     {{"representations", "/skip/trend/cls_early", 1.0, "%.2f"},
      {"representations", "/skip/trend/cls_late", 1.0, "%.2f"},
      {"representations", "/skip/trend/spatial_early", 1.0, "%.2f"},
      {"representations", "/skip/trend/spatial_late", 1.0, "%.2f"}}},
    {"tab=representations&repr.a=vit_p100&repr.b=cnn_p100&repr.n=100&repr.skip_model=vit_p100"
     "&repr.skip_n=100&repr.k=4&repr.eq_n=20&repr.cka=0&repr.skip=0&repr.eq=1",
     "repr.eq",
     {"Shift the picture a few pixels to the right: a convolution's features shift along with it (equivariance). "
      "The error measures how far each model's features are from simply shifting.",
      "그림을 오른쪽으로 몇 픽셀 옮기면 합성곱의 특징도 함께 옮겨 갑니다 (등변성). 오차는 각 모델의 특징이 단순히 "
      "옮겨 간 것과 얼마나 다른지를 잽니다."},
     {"Which keeps its features in step with a shifted picture, the ViT or the CNN?",
      "그림을 옮겼을 때 특징이 함께 따라 움직이는 쪽은 ViT일까요, CNN일까요?"},
     {"For a shift of %s px the mean error is %s for the ViT and %s for the CNN (0: a perfect shift).",
      "%s px 옮겼을 때 평균 오차는 ViT가 %s, CNN이 %s입니다 (0이면 완벽하게 따라 움직입니다)."},
     {{"representations", "/equivariance/shift", 1.0, "%.0f"},
      {"representations", "/equivariance/families/0/at_shift/mean_error", 1.0, "%.3f"},
      {"representations", "/equivariance/families/1/at_shift/mean_error", 1.0, "%.3f"}}},
    {"tab=compare&cmp.measure=0&cmp.acc=0",
     "compare.data_scale",
     {"Each family was trained on 1 % up to 100 % of the training images. Without the CNN's built-in locality, a "
      "ViT has to learn it from the data.",
      "모델마다 학습 그림의 1 %부터 100 %까지로 학습했습니다. CNN처럼 지역성이 내장되지 않은 ViT는 그것을 "
      "데이터에서 배워야 합니다."},
     {"Which gains more from more data, the ViT or the CNN?", "데이터가 늘 때 더 많이 얻는 쪽은 ViT일까요, CNN일까요?"},
     {"Test accuracy from 1 %% to 100 %% of the data: the ViT %s %% -> %s %%, the CNN %s %% -> %s %%. These are the "
      "accuracies on the 10000 test images recorded when each model was exported, read from its file, not measured "
      "in this page.",
      "데이터 1 %%에서 100 %%로: ViT는 %s %% -> %s %%, CNN은 %s %% -> %s %%입니다. 이 정확도는 각 모델을 내보낼 "
      "때 테스트 그림 10000장으로 잰 값을 파일에서 읽은 것이고, 이 페이지에서 잰 값이 아닙니다."},
     {{"compare", "/data_scale/accuracy/0/0", 100.0, "%.1f"},
      {"compare", "/data_scale/accuracy/0/4", 100.0, "%.1f"},
      {"compare", "/data_scale/accuracy/1/0", 100.0, "%.1f"},
      {"compare", "/data_scale/accuracy/1/4", 100.0, "%.1f"}}},
    {"tab=compare&cmp.measure=0&cmp.acc=0",
     "compare.data_scale",
     {"The hybrid puts a small CNN under a ViT: the convolutions give the early layers their locality, the "
      "attention the later ones their global view.",
      "하이브리드는 ViT 아래에 작은 CNN을 둡니다. 합성곱이 앞쪽 층에 지역성을, 어텐션이 뒤쪽 층에 전체를 보는 "
      "눈을 줍니다."},
     {"With little data, does the hybrid do better than the plain ViT?",
      "데이터가 적을 때 하이브리드는 일반 ViT보다 나을까요?"},
     {"With 1 %% of the data: the hybrid %s %%, the ViT %s %%; with all of it: the hybrid %s %%, the ViT %s %% "
      "(test accuracy on the 10000 test images, recorded in each file when the model was exported).",
      "데이터 1 %%일 때 하이브리드 %s %%, ViT %s %%, 모두 쓸 때 하이브리드 %s %%, ViT %s %%입니다 (모델을 내보낼 "
      "때 테스트 그림 10000장으로 재어 파일에 기록해 둔 정확도)."},
     {{"compare", "/data_scale/accuracy/2/0", 100.0, "%.1f"},
      {"compare", "/data_scale/accuracy/0/0", 100.0, "%.1f"},
      {"compare", "/data_scale/accuracy/2/4", 100.0, "%.1f"},
      {"compare", "/data_scale/accuracy/0/4", 100.0, "%.1f"}}},
};

enum class TourText {
  Card,
  Start,
  Explore,
  StepOf,
  Question,
  Reveal,
  Waiting,
  Unavailable,
  InputChanged,
  InputDrawing,
  InputFile,
  InputBlank,
  Back,
  Next,
  End,
  Menu,
  Count
};

constexpr TextRow<TourText> kRows[] = {
    {TourText::Card,
     "This lab runs small Vision Transformers and CNNs on one clothing picture, live in this page, and shows with "
     "their own numbers how differently they look at it.",
     "이 실험실은 작은 비전 트랜스포머와 CNN을 옷 그림 하나에 대해 이 페이지 안에서 직접 실행하고, 두 모델이 그림을 "
     "얼마나 다르게 보는지 모델 자신의 숫자로 보여 줍니다."},
    {TourText::Start, "Start the tour", "둘러보기 시작"},
    {TourText::Explore, "Explore", "직접 살펴보기"},
    {TourText::StepOf, "Tour, step %d of %d", "둘러보기 %d / %d단계"},
    {TourText::Question, "Question:", "질문:"},
    {TourText::Reveal, "Reveal the answer", "답 보기"},
    {TourText::Waiting, "The answer waits for this view's numbers (computing...).",
     "이 화면의 숫자가 계산되면 답이 나옵니다 (계산 중...)."},
    {TourText::Unavailable, "This answer is not available for this checkpoint: %s.",
     "이 체크포인트에서는 답을 낼 수 없습니다: %s."},
    {TourText::InputChanged,
     "It started as image #%s of the test set, a %s, but it has been changed since (drawn on, shifted or cleared), "
     "so no model has seen this exact picture and there is no right answer on file for it.",
     "테스트 세트의 %s번 그림(정답 %s)에서 출발했지만 그 뒤로 바뀌었습니다 (덧그리기, 옮기기, 지우기). 어떤 "
     "모델도 이 그림 그대로를 본 적이 없고, 정해진 정답도 없습니다."},
    {TourText::InputDrawing,
     "It is your own drawing, not a picture of the data set: no model has seen it, and only you know which garment "
     "it is meant to be.",
     "데이터 세트의 그림이 아니라 직접 그린 그림입니다. 어떤 모델도 본 적이 없고, 무슨 옷인지는 그린 사람만 "
     "압니다."},
    {TourText::InputFile,
     "It is the picture opened from the file %s, not one of the test set: no model has seen it, and there is no "
     "label on file for it.",
     "테스트 세트의 그림이 아니라 파일 %s에서 연 그림입니다. 어떤 모델도 본 적이 없고, 기록된 정답도 없습니다."},
    {TourText::InputBlank,
     "The canvas is blank: there is no garment yet. Pick a picture from the gallery or draw one, then look again.",
     "캔버스가 비어 있어서 아직 옷이 없습니다. 갤러리에서 그림을 고르거나 직접 그린 뒤 다시 보세요."},
    {TourText::Back, "Back", "이전"},
    {TourText::Next, "Next", "다음"},
    {TourText::End, "End the tour", "둘러보기 끝내기"},
    {TourText::Menu, "Tour", "둘러보기"},
};
constexpr auto kTexts = text_table(kRows);

const char* tr(Language lang, TourText id) { return text_of(kTexts, lang, static_cast<size_t>(id)); }

int step_count() { return static_cast<int>(std::size(kSteps)); }

// The step's numbers as text, or, when one will never come, why (`absent`).
struct StepNumbers {
  std::vector<std::string> values;
  const TextPair* absent = nullptr;
};

// True when `answer` holds `true` at `pointer`.
bool answer_flag(const json& answer, const char* pointer) {
  const json::json_pointer where(pointer);
  return !answer.is_discarded() && answer.contains(where) && answer[where].is_boolean() && answer[where].get<bool>();
}

// The step's numbers, or nullopt while one is awaited. Each query is answered once.
std::optional<StepNumbers> step_numbers(const AppState& app, const TourStep& step) {
  std::map<std::string, json> answers;
  StepNumbers out;
  for (const TourNumber& n : tour_numbers(step)) {
    auto it = answers.find(n.query);
    if (it == answers.end()) it = answers.emplace(n.query, json::parse(lab_query(app, n.query), nullptr, false)).first;
    const json& answer = it->second;
    const json::json_pointer where(n.pointer);
    if (answer.is_discarded() || !answer.contains(where) || !answer[where].is_number()) {
      if (n.settled && answer_flag(answer, n.settled)) return StepNumbers{{}, &n.absent};
      return std::nullopt;
    }
    const double v = answer[where].get<double>() * n.scale;
    out.values.push_back(n.format ? format_text(n.format, v)
                                  : std::string(class_name(app.ui.language, static_cast<int>(v))));
  }
  return out;
}

// What the input is when it is not an unedited test image (a step `about_input`); nullopt for a test image as is.
std::optional<std::string> input_answer(const AppState& app) {
  const InputState& in = app.input;
  const Language L = app.ui.language;
  if (std::all_of(in.image.begin(), in.image.end(), [](float v) { return v == 0.0f; }))
    return tr(L, TourText::InputBlank);
  if (in.source == InputSource::File) return format_text(tr(L, TourText::InputFile), in.source_name.c_str());
  if (!in.edited && in.source == InputSource::Gallery) return std::nullopt;
  if (in.source == InputSource::Gallery)
    return format_text(tr(L, TourText::InputChanged), std::to_string(in.gallery_index).c_str(),
                       class_name(L, in.gallery_label));
  return tr(L, TourText::InputDrawing);
}

// printf of `format` with one %s per string of `args` (at most kMaxTourNumbers).
std::string fill(const char* format, const std::vector<std::string>& args) {
  const char* a[kMaxTourNumbers] = {"", "", "", "", ""};
  for (size_t i = 0; i < args.size() && i < std::size(a); ++i) a[i] = args[i].c_str();
  return format_text(format, a[0], a[1], a[2], a[3], a[4]);
}

void remember_card_seen(AppState& app) {
  app.ui.start_card = false;
  if (app.platform.setting_set) app.platform.setting_set(kStartCardSeenKey, "1");
}

void start_card(AppState& app) {
  const Language L = app.ui.language;
  ImGui::BeginGroup();
  ImGui::TextWrapped("%s", tr(L, TourText::Card));
  if (ImGui::Button(tr(L, TourText::Start))) {
    remember_card_seen(app);
    tour_go(app, 0);
  }
  record_rect(app, "tour.start");
  ImGui::SameLine();
  if (ImGui::Button(tr(L, TourText::Explore))) remember_card_seen(app);
  record_rect(app, "tour.explore");
  ImGui::EndGroup();
  record_rect(app, "tour.card");
}

void step_panel(AppState& app) {
  const Language L = app.ui.language;
  const int i = app.ui.tour_step;
  const TourStep& step = kSteps[i];
  ImGui::BeginGroup();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kHighlightColor), "%s",
                     format_text(tr(L, TourText::StepOf), i + 1, step_count()).c_str());
  ImGui::TextWrapped("%s", text_of(step.text, L));
  ImGui::TextWrapped("%s %s", tr(L, TourText::Question), text_of(step.question, L));
  if (app.ui.tour_reveal) {
    const std::optional<std::string> answer = tour_reveal_text(app, i);
    ImGui::TextWrapped("%s", answer ? answer->c_str() : tr(L, TourText::Waiting));
  } else {
    if (ImGui::Button(tr(L, TourText::Reveal))) app.ui.tour_reveal = true;
    record_rect(app, "tour.reveal");
    ImGui::SameLine();
  }
  if (i > 0) {
    if (ImGui::Button(tr(L, TourText::Back))) tour_go(app, i - 1);
    record_rect(app, "tour.back");
    ImGui::SameLine();
  }
  if (i + 1 < step_count()) {
    if (ImGui::Button(tr(L, TourText::Next))) tour_go(app, i + 1);
    record_rect(app, "tour.next");
    ImGui::SameLine();
  }
  if (ImGui::Button(tr(L, TourText::End))) tour_end(app);
  record_rect(app, "tour.end");
  ImGui::EndGroup();
  record_rect(app, "tour.panel");
}

}  // namespace

std::span<const TourStep> tour_steps() { return kSteps; }

std::span<const TextPair> tour_texts() {
  static const std::vector<TextPair> all = [] {
    std::vector<TextPair> out(kTexts.begin(), kTexts.end());
    for (const TourStep& s : kSteps) {
      out.insert(out.end(), {s.text, s.question, s.reveal});
      for (const TourNumber& n : tour_numbers(s))
        if (n.absent.en) out.push_back(n.absent);
    }
    return out;
  }();
  return all;
}

std::span<const TourNumber> tour_numbers(const TourStep& step) {
  size_t n = 0;
  while (n < std::size(step.numbers) && step.numbers[n].query) ++n;
  return std::span<const TourNumber>(step.numbers, n);
}

void tour_init(AppState& app) {
  app.ui.start_card = !app.platform.setting_get || app.platform.setting_get(kStartCardSeenKey).empty();
}

void tour_show_card(AppState& app) {
  tour_end(app);
  app.ui.start_card = true;
}

void tour_go(AppState& app, int step) {
  app.ui.tour_step = std::clamp(step, 0, step_count() - 1);
  app.ui.tour_reveal = false;
  app.ui.start_card = false;
  app.ui.tour_scroll = true;
  lab_apply_view_state(app, kSteps[app.ui.tour_step].view);
}

void tour_end(AppState& app) {
  app.ui.tour_step = -1;
  app.ui.tour_reveal = false;
}

const char* tour_menu_label(Language lang) { return tr(lang, TourText::Menu); }

std::optional<std::string> tour_reveal_text(const AppState& app, int step) {
  if (step < 0 || step >= step_count()) return std::nullopt;
  const Language L = app.ui.language;
  if (kSteps[step].about_input)
    if (std::optional<std::string> other = input_answer(app)) return other;
  const std::optional<StepNumbers> numbers = step_numbers(app, kSteps[step]);
  if (!numbers) return std::nullopt;
  if (numbers->absent) return format_text(tr(L, TourText::Unavailable), text_of(*numbers->absent, L));
  return fill(text_of(kSteps[step].reveal, L), numbers->values);
}

void panel_tour(AppState& app) {
  if (app.ui.tour_step >= step_count()) tour_end(app);  // a link's step beyond the table
  if (app.ui.tour_step < 0 && !app.ui.start_card) return;
  if (app.ui.tour_step >= 0)
    step_panel(app);
  else
    start_card(app);
  ImGui::Separator();
}

void tour_scroll_to_anchor(AppState& app) {
  if (!app.ui.tour_scroll || app.ui.tour_step < 0 || app.ui.tour_step >= step_count()) return;
  const auto it = app.ui.rects.find(kSteps[app.ui.tour_step].anchor);
  if (it == app.ui.rects.end()) return;  // not drawn yet (the tab switches next frame, or a job still runs)
  const float top = it->second[1], bottom = top + it->second[3];
  const float window_top = ImGui::GetWindowPos().y, window_bottom = window_top + ImGui::GetWindowHeight();
  if (top >= window_top && bottom <= window_bottom) {
    app.ui.tour_scroll = false;  // in sight: from now on the student scrolls
    return;
  }
  // Again in the next frames until it is in sight: the view's layout may still grow while its jobs finish.
  ImGui::SetScrollY(ImGui::GetScrollY() + top - window_top - ImGui::GetFontSize());
}

void tour_highlight(AppState& app) {
  if (app.ui.tour_step < 0 || app.ui.tour_step >= step_count()) return;
  const auto it = app.ui.rects.find(kSteps[app.ui.tour_step].anchor);
  if (it == app.ui.rects.end()) return;
  const auto& [x, y, w, h] = it->second;
  const float pad = 3.0f;
  ImGui::GetForegroundDrawList()->AddRect(ImVec2(x - pad, y - pad), ImVec2(x + w + pad, y + h + pad), kHighlightColor,
                                          4.0f, 0, 3.0f);
}

json tour_query(const AppState& app) {
  json out = {{"card", app.ui.start_card},
              {"step", app.ui.tour_step},
              {"steps", step_count()},
              {"reveal_open", app.ui.tour_reveal}};
  if (app.ui.tour_step < 0 || app.ui.tour_step >= step_count()) return out;
  const TourStep& step = kSteps[app.ui.tour_step];
  const std::optional<std::string> answer = tour_reveal_text(app, app.ui.tour_step);
  out.update({{"view", step.view},
              {"anchor", step.anchor},
              {"anchor_drawn", app.ui.rects.count(step.anchor) > 0},
              {"question", text_of(step.question, app.ui.language)},
              {"answer", answer ? json(*answer) : json(nullptr)}});
  return out;
}

}  // namespace vc
