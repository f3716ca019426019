// The registry: every view of the lab, one row each, in tab order. A new view adds its row here (see
// docs/architecture.md, "Add a view"); lab.cpp reads nothing else about views.
#include <charconv>
#include <iterator>

#include "ui/attention_view.h"
#include "ui/compare_view.h"
#include "ui/input_view.h"
#include "ui/predictions_view.h"
#include "ui/receptive_field_view.h"
#include "ui/representations_view.h"

namespace vc {

namespace {

// key, label {en, ko}, draw, input strip, link writer, link reader, queries, anchors, strings
constexpr ViewSpec kViews[] = {
    {"input", {"Input", "입력"}, panel_input, false, nullptr, nullptr, {}, kInputAnchors, input_texts},
    {"predictions", {"Predictions", "예측"}, panel_predictions, true, predictions_view_state,
     apply_predictions_view_key, kPredictionsQueries,
     kPredictionsAnchors, predictions_texts},
    {"attention", {"Attention", "어텐션"}, panel_attention, true, attention_view_state, apply_attention_view_key,
     kAttentionQueries, kAttentionAnchors, attention_texts},
    {"receptive_field", {"Receptive field", "수용 영역"}, panel_receptive_field, true, receptive_field_view_state,
     apply_receptive_field_view_key, kReceptiveFieldQueries, kReceptiveFieldAnchors, receptive_field_texts},
    {"representations", {"Representations", "표현"}, panel_representations, true, representations_view_state,
     apply_representations_view_key, kRepresentationsQueries, kRepresentationsAnchors, representations_texts},
    {"compare", {"Compare", "비교"}, panel_compare, true, compare_view_state, apply_compare_view_key,
     kCompareQueries, kCompareAnchors, compare_texts},
};
static_assert(std::size(kViews) <= 9, "keys 1..9 select the views");

}  // namespace

std::span<const ViewSpec> lab_views() { return kViews; }

int parse_count(const std::string& s) {
  int v = -1;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && v >= 0 ? v : -1;
}

int view_index(const std::string& key) {
  for (size_t i = 0; i < std::size(kViews); ++i)
    if (key == kViews[i].key) return static_cast<int>(i);
  return -1;
}

}  // namespace vc
