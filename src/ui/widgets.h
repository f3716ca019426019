// Small widgets shared by the panels: help markers, captions, texture-free image drawing, widget rects.
#pragma once
#include <functional>
#include <span>
#include <string>

#include "figures/csv.h"  // csv_number, for the views' CSV exports
#include "ui/app_state.h"

struct ImDrawList;
struct ImVec2;

namespace vc {

// "(?)" that shows `text` (a formula or an explanation) in a tooltip on hover.
void help_marker(const char* text);
// The one-line "What to notice: ..." caption under a figure; `notice` is the translated text.
void notice_caption(const AppState& app, const char* notice);
// Records the last item's screen rectangle under `id` (see lab_query("rects")).
void record_rect(AppState& app, const std::string& id);
// Draws a side x side grayscale image ([0,1], row-major) as filled rectangles, `cell` pixels per pixel.
void draw_gray_image(ImDrawList* dl, const ImVec2& origin, float cell, const float* pixels, int side);
// SameLine (`spacing` pixels, -1: the style's) where an item `width` pixels wide still fits before the window's right
// edge, else the next item starts a new line under the last one. Returns whether the next item goes beside.
bool same_line_if_fits(float width, float spacing = -1.0f);
// The width of a button (or small button) labelled `label`: the text and the frame's horizontal padding.
float button_width(const char* label);
// Wrapped text in the style's faint colour (hints and notes under a control).
void faint_text_wrapped(const char* text);
// UI scale relative to Dear ImGui's 13 px default font (high-DPI and projector friendly sizes).
float ui_scale();
// printf-style formatting into a std::string (for translated format strings).
std::string format_text(const char* fmt, ...);
// How checkpoint_selector draws a family's checkpoint choices (the slots of ui/model_store.h).
struct CheckpointSelectorStyle {
  const char* shipped_format = "%d %%";  // label of a shipped slot from its data share (family_slot_label)
  bool combo = false;           // a combo filling the width (rect combo.<id>) instead of a row of radio buttons
  const char* none_label = nullptr;  // radios: a first choice "none" (slot -1) with this label; nullptr: none
};
// The one checkpoint choice of every view: the shipped data scales, then the user's checkpoints of `family`.
// *slot is the chosen slot; one out of range (a user slot of another family) becomes kDefaultScale. Rects:
// <id>.<p001 .. p100> for the shipped scales, <id>.user<k> for the family's k-th own checkpoint (k = 1, 2, ...),
// <id>.none.
void checkpoint_selector(AppState& app, const std::string& id, int family, int* slot,
                         const CheckpointSelectorStyle& style = {});
// A table's header row (after TableSetupColumn) whose labels wrap inside their columns, so a narrow column at a
// large scale shows its whole label instead of cutting it.
void table_headers_wrapped();
// Sets the status line under the menu bar.
void set_message(AppState& app, std::string text, bool is_error);
// Export of a figure: "PNG" and "CSV" buttons on one line (none when the platform cannot save files). PNG saves
// slide() drawn by figures/render.h (the picture `vitcnn figures` draws of the same result) once the frame is drawn
// (lab_take_capture); CSV saves csv() at once. Both go through Platform::save_file as <file>.png / <file>.csv. The
// buttons' rects: export.<file>.png and export.<file>.csv.
void export_buttons(AppState& app, const std::string& file, const std::function<std::string()>& csv,
                    const std::function<Figure()>& slide);
// Export of a table: "CSV" and "Markdown" buttons on one line (none when the platform cannot save files), saving
// csv() as <file>.csv and markdown() as <file>.md through Platform::save_file. The buttons' rects:
// export.<file>.csv and export.<file>.md.
void table_export_buttons(AppState& app, const std::string& file, const std::function<std::string()>& csv,
                          const std::function<std::string()>& markdown);
// Hands an exported file to Platform::save_file and says on the status line that it was saved, or why not
// (`error`: the file could not be made).
void save_export(AppState& app, const std::string& file_name, std::span<const uint8_t> bytes,
                 const std::string& error = "");

}  // namespace vc
