// The Attention view: ViT attention maps, rollout and attention distance (not built yet).
#include "ui/panels.h"

namespace vc {

void panel_attention(AppState& app) { panel_pending_view(app, TextId::AttentionWill, TextId::AttentionHelp); }

}  // namespace vc
