#include "ui/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>

#include "ui/model_store.h"

namespace vc {

namespace {
const ImVec4 kNoticeLabelColor(0.55f, 0.8f, 1.0f, 1.0f);  // light blue, on the dark theme
}  // namespace

void help_marker(const char* text) {
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

// The label in an accent colour, the sentence in the normal text colour: the caption is meant to be read, so it is
// never drawn in the dimmed (disabled) colour of secondary text.
void notice_caption(const AppState& app, const char* notice) {
  ImGui::TextColored(kNoticeLabelColor, "%s", tr(app.ui.language, TextId::WhatToNotice));
  ImGui::SameLine();
  ImGui::TextWrapped("%s", notice);
}

void record_rect(AppState& app, const std::string& id) {
  const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
  app.ui.rects[id] = {lo.x, lo.y, hi.x - lo.x, hi.y - lo.y};
}

void draw_gray_image(ImDrawList* dl, const ImVec2& origin, float cell, const float* pixels, int side) {
  dl->AddRectFilled(origin, ImVec2(origin.x + side * cell, origin.y + side * cell), IM_COL32(0, 0, 0, 255));
  // Black is the background rectangle; other pixels are drawn as horizontal runs of equal 8-bit gray,
  // which keeps the vertex count low (the 16-bit-index builds of Dear ImGui cap a draw list at 64k).
  auto gray = [&](int i) { return static_cast<int>(std::clamp(pixels[i], 0.0f, 1.0f) * 255.0f + 0.5f); };
  for (int y = 0; y < side; ++y) {
    int x = 0;
    while (x < side) {
      const int g = gray(y * side + x);
      int end = x + 1;
      while (end < side && gray(y * side + end) == g) ++end;
      if (g > 0)
        dl->AddRectFilled(ImVec2(origin.x + x * cell, origin.y + y * cell),
                          ImVec2(origin.x + end * cell, origin.y + (y + 1) * cell), IM_COL32(g, g, g, 255));
      x = end;
    }
  }
}

void checkpoint_selector(AppState& app, const std::string& id, int family, int* slot,
                         const CheckpointSelectorStyle& style) {
  const int count = family_slot_count(app, family);
  if (*slot >= count || *slot < (style.none_label ? -1 : 0)) *slot = kDefaultScale;
  auto key = [](int s) {
    return is_shipped_slot(s) ? std::string(kDataScales[s]) : "user" + std::to_string(s - kDataScaleCount + 1);
  };
  ImGui::PushID(id.c_str());
  if (style.combo) {
    // The preview falls back to the bare share ("100 %") where the column is too narrow for the whole label.
    std::string preview = family_slot_label(app, family, *slot, style.shipped_format);
    const float room = ImGui::GetContentRegionAvail().x - ImGui::GetFrameHeight() - ImGui::GetStyle().FramePadding.x * 2;
    if (ImGui::CalcTextSize(preview.c_str()).x > room) preview = family_slot_label(app, family, *slot, "%d %%");
    ImGui::SetNextItemWidth(-1.0f);
    if (ImGui::BeginCombo("##checkpoint", preview.c_str())) {
      for (int s = 0; s < count; ++s) {
        if (ImGui::Selectable(family_slot_label(app, family, s, style.shipped_format).c_str(), s == *slot)) *slot = s;
        record_rect(app, id + "." + key(s));
      }
      ImGui::EndCombo();
    }
    record_rect(app, "combo." + id);
  } else {
    if (style.none_label) {
      ImGui::RadioButton(style.none_label, slot, -1);
      record_rect(app, id + ".none");
    }
    for (int s = 0; s < count; ++s) {
      if (s > 0 || style.none_label) ImGui::SameLine();
      ImGui::RadioButton(family_slot_label(app, family, s, style.shipped_format).c_str(), slot, s);
      record_rect(app, id + "." + key(s));
    }
  }
  ImGui::PopID();
}

void table_headers_wrapped() {
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  for (int c = 0; c < ImGui::TableGetColumnCount(); ++c) {
    ImGui::TableSetColumnIndex(c);
    ImGui::TextWrapped("%s", ImGui::TableGetColumnName(c));
  }
}

bool same_line_if_fits(float width, float spacing) {
  ImGui::SameLine(0.0f, spacing);
  if (ImGui::GetContentRegionAvail().x >= width) return true;
  ImGui::NewLine();
  return false;
}

float button_width(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2.0f;
}

void faint_text_wrapped(const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", text);
  ImGui::PopStyleColor();
}

float ui_scale() { return ImGui::GetFontSize() / 13.0f; }

std::string format_text(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  va_list copy;
  va_copy(copy, args);
  const int n = std::vsnprintf(nullptr, 0, fmt, copy);
  va_end(copy);
  std::string out(n > 0 ? static_cast<size_t>(n) : 0, '\0');
  if (n > 0) std::vsnprintf(out.data(), out.size() + 1, fmt, args);
  va_end(args);
  return out;
}

void set_message(AppState& app, std::string text, bool is_error) {
  app.ui.message = std::move(text);
  app.ui.message_is_error = is_error;
}

namespace {

void save_text_export(AppState& app, const std::string& file_name, const std::string& text) {
  save_export(app, file_name, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

// One export button: `label`, its rect export.<file>.<ext>, `help` on hover; true when clicked.
bool export_button(AppState& app, TextId label, TextId help, const std::string& file, const char* ext) {
  const Language L = app.ui.language;
  const bool clicked = ImGui::SmallButton(tr(L, label));
  record_rect(app, "export." + file + "." + ext);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(L, help));
  return clicked;
}

}  // namespace

void export_buttons(AppState& app, const std::string& file, const std::function<std::string()>& csv,
                    const std::function<Figure()>& slide) {
  if (!app.platform.save_file) return;
  ImGui::PushID(file.c_str());
  const bool png = export_button(app, TextId::ExportPng, TextId::ExportPngHelp, file, "png");
  ImGui::SameLine();
  const bool table = export_button(app, TextId::ExportCsv, TextId::ExportCsvHelp, file, "csv");
  ImGui::PopID();
  if (png) app.ui.capture = FigureCapture{file + ".png", slide()};
  if (table) save_text_export(app, file + ".csv", csv());
}

void table_export_buttons(AppState& app, const std::string& file, const std::function<std::string()>& csv,
                          const std::function<std::string()>& markdown) {
  if (!app.platform.save_file) return;
  ImGui::PushID(file.c_str());
  const bool as_csv = export_button(app, TextId::ExportCsv, TextId::ExportTableCsvHelp, file, "csv");
  ImGui::SameLine();
  const bool as_md = export_button(app, TextId::ExportMarkdown, TextId::ExportMarkdownHelp, file, "md");
  ImGui::PopID();
  if (as_csv) save_text_export(app, file + ".csv", csv());
  if (as_md) save_text_export(app, file + ".md", markdown());
}

void save_export(AppState& app, const std::string& file_name, std::span<const uint8_t> bytes,
                 const std::string& error) {
  const Language L = app.ui.language;
  std::string why = error;
  if (why.empty()) why = app.platform.save_file ? app.platform.save_file(file_name, bytes) : "no file saving here";
  if (why.empty())
    set_message(app, format_text(tr(L, TextId::Saved), file_name.c_str()), false);
  else
    set_message(app, format_text(tr(L, TextId::SaveFailed), file_name.c_str(), why.c_str()), true);
}

}  // namespace vc
