// The Representations view: CKA, skip ratios and equivariance (not built yet).
#include "ui/panels.h"

namespace vc {

void panel_representations(AppState& app) { panel_pending_view(app, TextId::RepresentationsWill, TextId::RepresentationsHelp); }

}  // namespace vc
