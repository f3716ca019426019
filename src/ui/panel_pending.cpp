#include <imgui.h>

#include "ui/pending_views.h"
#include "ui/widgets.h"

namespace vc {

void panel_pending_view(AppState& app, const TextPair& will_show, const TextPair& help, const char* anchor) {
  const Language L = app.ui.language;
  ImGui::TextUnformatted(tr(L, TextId::NotBuiltYet));
  ImGui::SameLine();
  help_marker(text_of(help, L));
  ImGui::TextWrapped("%s", text_of(will_show, L));
  record_rect(app, anchor);
}

}  // namespace vc
