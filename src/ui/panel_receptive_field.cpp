// The Receptive field view: theoretical and effective receptive fields, CNN vs ViT (not built yet).
#include "ui/panels.h"

namespace vc {

void panel_receptive_field(AppState& app) { panel_pending_view(app, TextId::ReceptiveFieldWill, TextId::ReceptiveFieldHelp); }

}  // namespace vc
