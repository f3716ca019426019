// The Compare view: measured comparison table and data-scale curves (not built yet).
#include "ui/panels.h"

namespace vc {

void panel_compare(AppState& app) { panel_pending_view(app, TextId::CompareWill, TextId::CompareHelp); }

}  // namespace vc
