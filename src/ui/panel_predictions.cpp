// The Predictions view: top classes of each model with latency (not built yet).
#include "ui/panels.h"

namespace vc {

void panel_predictions(AppState& app) { panel_pending_view(app, TextId::PredictionsWill, TextId::PredictionsHelp); }

}  // namespace vc
