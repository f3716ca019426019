// The Predictions view's links: each family's checkpoint, "&pred.<family>=<data scale>" (e.g. pred.vit=p010), and
// "&pred.all=1" when the table shows all 10 classes.
#include <iterator>

#include "ui/model_store.h"
#include "ui/predictions_view.h"

namespace vc {

std::string predictions_view_state(const AppState& app) {
  const PredictionsState defaults;
  std::string out;
  for (int f = 0; f < kFamilyCount; ++f) {
    const int slot = app.predictions.scale[f];
    // The user's own checkpoints are local to this page: links name shipped ones only.
    if (slot != defaults.scale[f] && is_shipped_slot(slot))
      out += std::string("&pred.") + kFamilies[f] + "=" + kDataScales[slot];
  }
  if (app.predictions.all_classes) out += "&pred.all=1";
  return out;
}

bool apply_predictions_view_key(AppState& app, const std::string& key, const std::string& value) {
  if (key == "pred.all") {
    if (value == "0" || value == "1") app.predictions.all_classes = value == "1";
    return true;
  }
  if (!key.starts_with("pred.")) return false;
  const int family = family_index(key.substr(5));
  if (family < 0) return false;
  if (const int s = data_scale_index(value); s >= 0) app.predictions.scale[family] = s;
  return true;
}

}  // namespace vc
