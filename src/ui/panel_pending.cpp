#include <imgui.h>

#include "ui/panels.h"
#include "ui/widgets.h"

namespace vc {

void panel_pending_view(AppState& app, TextId will_show, TextId help) {
  const Language L = app.ui.language;
  ImGui::TextUnformatted(tr(L, TextId::NotBuiltYet));
  ImGui::SameLine();
  help_marker(tr(L, help));
  ImGui::TextWrapped("%s", tr(L, will_show));
}

}  // namespace vc
