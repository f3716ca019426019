// The Input view and the compact input strip: drawing canvas, brush, shifts, file loading, gallery.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "ui/input_view.h"

#include "ui/input_edit.h"
#include "ui/text_input.h"
#include "ui/widgets.h"

namespace vc {

namespace {

constexpr int kThumbsPerClass = 3;

// One line saying where the current input came from.
void source_line(const AppState& app) {
  const Language L = app.ui.language;
  const InputState& in = app.input;
  std::string line;
  switch (in.source) {
    case InputSource::Blank: line = tr(L, InputText::SourceNone); break;
    case InputSource::Gallery:
      line = format_text(tr(L, InputText::SourceGallery), in.gallery_index, class_name(L, in.gallery_label));
      break;
    case InputSource::File: line = format_text(tr(L, InputText::SourceFile), in.source_name.c_str()); break;
  }
  if (in.edited) line += std::string(" ") + tr(L, InputText::SourceEdited);
  ImGui::TextWrapped("%s", line.c_str());
}

// Thumbnail i of the gallery as a button: click makes it the input; hover names its class.
void gallery_thumbnail(AppState& app, int i, float cell) {
  const int index = app.gallery.thumbnails[i];
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float side = kInputSide * cell;
  ImGui::PushID(i);
  const bool clicked = ImGui::InvisibleButton("##thumb", ImVec2(side, side));
  ImGui::PopID();
  record_rect(app, "gallery." + std::to_string(i));
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_gray_image(dl, p0, cell, image_from_bytes(&app.gallery.test_set.images[size_t(index) * kInputPixels]).data(),
                  kInputSide);
  const bool current = app.input.source == InputSource::Gallery && app.input.gallery_index == index;
  if (current || hovered)
    dl->AddRect(p0, ImVec2(p0.x + side, p0.y + side),
                ImGui::GetColorU32(current ? ImGuiCol_PlotHistogram : ImGuiCol_ButtonHovered), 0.0f, 0, 2.0f);
  if (hovered)
    ImGui::SetTooltip("#%d %s", index, class_name(app.ui.language, app.gallery.test_set.labels[index]));
  if (clicked) choose_test_image(app, index);
}

// Loading / failed notes; true when the thumbnails can be drawn.
bool gallery_available(const AppState& app) {
  const Language L = app.ui.language;
  switch (app.gallery.status) {
    case GalleryState::Status::Ready: return !app.gallery.thumbnails.empty();
    case GalleryState::Status::Loading: ImGui::TextDisabled("%s", tr(L, TextId::GalleryLoading)); return false;
    case GalleryState::Status::Failed:
      ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.35f, 0.35f, 1.0f));
      ImGui::TextWrapped("%s", format_text(tr(L, InputText::GalleryFailed), app.gallery.error.c_str()).c_str());
      ImGui::PopStyleColor();
      return false;
  }
  return false;
}

// The 28x28 drawing canvas: left drag draws (erases with the Erase toggle), right drag erases. Its rect: `id`.
void input_canvas(AppState& app, float cell, const char* id) {
  InputState& in = app.input;
  ImGuiIO& io = ImGui::GetIO();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float side = kInputSide * cell;
  ImGui::InvisibleButton("##canvas", ImVec2(side, side),
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  record_rect(app, id);
  // Mouse position in input-pixel units.
  const float mx = (io.MousePos.x - p0.x) / cell, my = (io.MousePos.y - p0.y) / cell;
  if (ImGui::IsItemActive() && (io.MouseDown[0] || io.MouseDown[1])) {
    const bool erase = io.MouseDown[1] || in.brush.erase;
    const bool changed = in.stroke_active ? stroke_brush(in.image, in.stroke_x, in.stroke_y, mx, my, in.brush, erase)
                                          : stamp_brush(in.image, mx, my, in.brush, erase);
    if (changed) mark_input_edited(in);
    in.stroke_active = true;
    in.stroke_x = mx;
    in.stroke_y = my;
  } else {
    in.stroke_active = false;
  }
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_gray_image(dl, p0, cell, in.image.data(), kInputSide);
  // A faint pixel grid once cells are large enough to see it.
  if (cell >= 6.0f) {
    const ImU32 grid = IM_COL32(255, 255, 255, 28);
    for (int k = 1; k < kInputSide; ++k) {
      dl->AddLine(ImVec2(p0.x + k * cell, p0.y), ImVec2(p0.x + k * cell, p0.y + side), grid);
      dl->AddLine(ImVec2(p0.x, p0.y + k * cell), ImVec2(p0.x + side, p0.y + k * cell), grid);
    }
  }
  dl->AddRect(p0, ImVec2(p0.x + side, p0.y + side), ImGui::GetColorU32(ImGuiCol_Border));
  if (hovered) {
    dl->AddCircle(io.MousePos, in.brush.radius * cell, IM_COL32(255, 160, 0, 200), 32, 1.5f);
    const int px = static_cast<int>(mx), py = static_cast<int>(my);
    if (px >= 0 && px < kInputSide && py >= 0 && py < kInputSide && !ImGui::IsItemActive())
      ImGui::SetTooltip("%s", format_text(tr(app.ui.language, InputText::PixelValue), px, py,
                                          in.image[py * kInputSide + px]).c_str());
  }
}

// Erase toggle, Reset and Clear: the editing buttons of the Input view and (`short_labels`) of the strip beside
// every other view.
void edit_buttons(AppState& app, bool short_labels) {
  const Language L = app.ui.language;
  ImGui::Checkbox(tr(L, short_labels ? InputText::StripErase : InputText::Erase), &app.input.brush.erase);
  record_rect(app, "button.erase");
  if (ImGui::Button(tr(L, InputText::Reset))) reset_input(app);
  record_rect(app, "button.reset");
  ImGui::SameLine();
  if (ImGui::Button(tr(L, InputText::Clear))) clear_input(app);
  record_rect(app, "button.clear");
}

void input_tools(AppState& app) {
  const Language L = app.ui.language;
  InputState& in = app.input;
  source_line(app);
  ImGui::TextDisabled("%s", tr(L, InputText::MouseHint));
  edit_buttons(app, false);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10.0f);
  ImGui::SliderFloat(tr(L, InputText::BrushRadius), &in.brush.radius, 0.5f, 4.0f, "%.1f");
  record_rect(app, "slider.radius");
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10.0f);
  ImGui::SliderFloat(tr(L, InputText::BrushSoftness), &in.brush.softness, 0.0f, 1.0f, "%.2f");
  record_rect(app, "slider.softness");
  ImGui::SameLine();
  help_marker(tr(L, InputText::BrushHelp));

  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr(L, InputText::Shift));
  struct Arrow {
    const char* id;
    ImGuiDir dir;
    int dx, dy;
  };
  constexpr Arrow kArrows[] = {{"button.shift_left", ImGuiDir_Left, -1, 0},
                               {"button.shift_up", ImGuiDir_Up, 0, -1},
                               {"button.shift_down", ImGuiDir_Down, 0, 1},
                               {"button.shift_right", ImGuiDir_Right, 1, 0}};
  for (const Arrow& a : kArrows) {
    ImGui::SameLine();
    if (ImGui::ArrowButton(a.id, a.dir)) shift_input(app, a.dx, a.dy);
    record_rect(app, a.id);
  }
  faint_text_wrapped(tr(L, InputText::ShiftNote));

  if (app.platform.pick_image_file) {
    if (ImGui::Button(tr(L, InputText::LoadImage))) app.platform.pick_image_file();
    record_rect(app, "button.load");
  }
  faint_text_wrapped(tr(L, InputText::DropNote));
}

}  // namespace

void panel_input(AppState& app) {
  const Language L = app.ui.language;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  // The canvas takes up to half the width and the height left after its title and caption lines.
  const float text_h = ImGui::GetTextLineHeightWithSpacing() * 4.0f;
  const float cell = std::clamp(std::floor(std::min(avail.x * 0.5f, avail.y - text_h) / kInputSide), 4.0f, 24.0f);

  ImGui::BeginGroup();
  ImGui::TextUnformatted(tr(L, InputText::CanvasTitle));
  ImGui::SameLine();
  help_marker(tr(L, InputText::CanvasHelp));
  input_canvas(app, cell, "canvas");
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + kInputSide * cell);
  notice_caption(app, tr(app.ui.language, InputText::CanvasNotice));
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();

  ImGui::SameLine(0.0f, ImGui::GetFontSize() * 1.5f);
  ImGui::BeginGroup();
  input_tools(app);
  ImGui::Separator();
  panel_gallery(app);
  ImGui::EndGroup();
}

void panel_gallery(AppState& app) {
  const Language L = app.ui.language;
  ImGui::TextUnformatted(tr(L, InputText::GalleryTitle));
  ImGui::SameLine();
  help_marker(tr(L, InputText::GalleryHelp));
  if (!gallery_available(app)) return;
  const float s = ui_scale();
  const float cell = std::max(1.0f, std::round(2.0f * s));
  const float thumb = kInputSide * cell, gap = ImGui::GetStyle().ItemSpacing.x;
  // Classes are groups of thumbnails under their name; as many groups per row as fit.
  const float group_w = kThumbsPerClass * (thumb + gap) + gap * 2.0f;
  const int per_row = std::max(1, static_cast<int>(ImGui::GetContentRegionAvail().x / group_w));
  const int n = static_cast<int>(app.gallery.thumbnails.size());
  for (int first = 0, group = 0; first < n; ++group) {
    const int label = app.gallery.test_set.labels[app.gallery.thumbnails[first]];
    int last = first;
    while (last < n && app.gallery.test_set.labels[app.gallery.thumbnails[last]] == label) ++last;
    if (group % per_row != 0) ImGui::SameLine(0.0f, gap * 2.0f);
    ImGui::BeginGroup();
    ImGui::TextUnformatted(class_name(L, label));
    for (int i = first; i < last; ++i) {
      if (i != first) ImGui::SameLine();
      gallery_thumbnail(app, i, cell);
    }
    ImGui::EndGroup();
    first = last;
  }
  notice_caption(app, tr(app.ui.language, InputText::GalleryNotice));
}

void panel_input_strip(AppState& app) {
  const Language L = app.ui.language;
  ImGui::TextUnformatted(tr(L, InputText::StripTitle));
  ImGui::SameLine();
  help_marker(tr(L, InputText::CanvasHelp));
  // The editor itself, as wide as the strip: predictions and maps follow the pen in the view beside it.
  const float s = ui_scale();
  const float cell = std::max(3.0f, std::floor(ImGui::GetContentRegionAvail().x / kInputSide));
  input_canvas(app, cell, "strip.image");
  source_line(app);
  faint_text_wrapped(tr(L, InputText::StripHint));
  edit_buttons(app, true);
  ImGui::Separator();
  if (!gallery_available(app)) return;
  const float thumb_cell = std::max(1.0f, std::round(s));
  const float step = kInputSide * thumb_cell + ImGui::GetStyle().ItemSpacing.x;
  const int per_row = std::max(1, static_cast<int>((ImGui::GetContentRegionAvail().x + 1.0f) / step));
  for (int i = 0; i < static_cast<int>(app.gallery.thumbnails.size()); ++i) {
    if (i % per_row != 0) ImGui::SameLine();
    gallery_thumbnail(app, i, thumb_cell);
  }
}

}  // namespace vc
