// The Receptive field view: for one unit of one layer, its effective receptive field as a heatmap over the input with
// the theoretical box on it (hover or click to pick the unit, a slider for the layer, this image or the mean over
// test images); the theoretical size and effective radii against depth for every family; and a calculator of the
// theoretical field of an editable stack of convolutions.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "figures/receptive_field_figures.h"
#include "figures/words.h"
#include "ui/model_store.h"
#include "ui/plot.h"
#include "ui/receptive_field_view.h"
#include "ui/text_receptive_field.h"
#include "ui/widgets.h"

namespace vc {

namespace {

constexpr int kAverageChoices[] = {100, 300, 1000};
constexpr float kMapGamma = 0.5f;  // the map's colour: sqrt(value / max)
constexpr ImU32 kBoxColor = IM_COL32(255, 255, 255, 255);
constexpr ImU32 kCentreColor = IM_COL32(255, 50, 50, 255);
constexpr ImU32 kRadiusColor = IM_COL32(255, 160, 40, 255);

// The square [origin, origin + side] over which a map of the model input (S x S px) is drawn.
struct InputSquare {
  ImVec2 origin;
  float side = 0;
  int image_px = 0;  // S
  float px() const { return side / static_cast<float>(image_px); }
  ImVec2 at(double row, double col) const {
    return ImVec2(origin.x + static_cast<float>(col) * px(), origin.y + static_cast<float>(row) * px());
  }
};

// The model input as the model sees it: the 28 x 28 image zero-padded to S x S.
void draw_input(ImDrawList* dl, const InputSquare& sq, const AppState& app, const InputSpec& spec) {
  dl->AddRectFilled(sq.origin, ImVec2(sq.origin.x + sq.side, sq.origin.y + sq.side), IM_COL32(0, 0, 0, 255));
  draw_gray_image(dl, sq.at(spec.pad, spec.pad), sq.px(), app.input.image.data(), kInputSide);
}

void draw_box(ImDrawList* dl, const InputSquare& sq, const PixelBox& b, ImU32 color, float thickness) {
  if (b.area() > 0) dl->AddRect(sq.at(b.top, b.left), sq.at(b.bottom, b.right), color, 0.0f, 0, thickness);
}

// "The receptive field could not be computed: <why>" when the job failed; true then.
template <class T>
bool job_error_line(const AppState& app, const JobView<T>& job) {
  if (!job.failed()) return false;
  ImGui::TextWrapped("%s", format_text(tr(app.ui.language, RfText::Failed), job.error.c_str()).c_str());
  return true;
}

void model_row(AppState& app) {
  const Language L = app.ui.language;
  ReceptiveFieldViewState& v = app.receptive_field;
  ImGui::TextUnformatted(tr(L, RfText::Model));
  for (int f = 0; f < kFamilyCount; ++f) {
    ImGui::SameLine();
    if (ImGui::RadioButton(family_label(L, f), v.family == f)) v.family = f;
    record_rect(app, std::string("rf.model.") + kFamilies[f]);
  }
  ImGui::SameLine(0.0f, ImGui::GetFontSize() * 1.5f);
  ImGui::Checkbox(tr(L, RfText::Untrained), &v.untrained);
  record_rect(app, "rf.untrained");
  ImGui::SameLine();
  help_marker(format_text(tr(L, RfText::UntrainedHelp), static_cast<int>(kUntrainedSeed)).c_str());
  if (v.untrained) return;
  ImGui::TextUnformatted(tr(L, RfText::Checkpoint));
  ImGui::SameLine();
  checkpoint_selector(app, "rf.scale", v.family, &v.scale);
}

// Makes `layer` the shown layer; a chosen unit moves to the unit of the new layer at the same place.
void set_layer(AppState& app, const Model& model, const RfSelection& sel, int layer) {
  ReceptiveFieldViewState& v = app.receptive_field;
  const TheoreticalRf& rf = sel.layers[layer];
  v.layer = rf.name;
  v.hover.reset();
  if (!v.unit) return;
  const bool tokens = rf.shape.layout == FeatureShape::Layout::Tokens;
  if (sel.chosen.cls) {
    v.unit = tokens ? v.unit : std::nullopt;
    return;
  }
  Result<UnitField> f = unit_field(sel.layers[sel.layer], sel.chosen, model.image_size());
  v.unit = unit_at(rf, f ? f->centre_row : 0.0, f ? f->centre_col : 0.0);
}

// The layer slider with step buttons and the layer's name and grid; the CLS toggle on token layers.
// Every layer's tick of the selection's model (figures/words.h layer_ticks: the block numbers of every figure).
std::vector<std::string> selection_ticks(const RfSelection& sel, Language L) {
  std::vector<std::string> names;
  for (const TheoreticalRf& rf : sel.layers) names.push_back(rf.name);
  return layer_ticks(names, L);
}

void layer_row(AppState& app, const Model& model, const RfSelection& sel) {
  const Language L = app.ui.language;
  ReceptiveFieldViewState& v = app.receptive_field;
  const int count = static_cast<int>(sel.layers.size());
  const TheoreticalRf& rf = sel.layers[sel.layer];
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr(L, RfText::Layer));
  ImGui::SameLine();
  if (ImGui::ArrowButton("##prev", ImGuiDir_Left) && sel.layer > 0) set_layer(app, model, sel, sel.layer - 1);
  record_rect(app, "rf.layer.prev");
  ImGui::SameLine();
  // The slider shows the layer's tick: "stem", "emb", "c1", "3".
  const std::vector<std::string> ticks = selection_ticks(sel, L);
  int shown = sel.layer + 1;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14.0f);
  if (ImGui::SliderInt("##layer", &shown, 1, count, ticks[sel.layer].c_str()))
    set_layer(app, model, sel, std::clamp(shown, 1, count) - 1);
  record_rect(app, "rf.layer");
  ImGui::SameLine();
  if (ImGui::ArrowButton("##next", ImGuiDir_Right) && sel.layer + 1 < count) set_layer(app, model, sel, sel.layer + 1);
  record_rect(app, "rf.layer.next");
  ImGui::SameLine();
  const bool tokens = rf.shape.layout == FeatureShape::Layout::Tokens;
  ImGui::TextUnformatted(format_text(tr(L, tokens ? RfText::LayerTokens : RfText::LayerMap), ticks.back().c_str(), rf.name.c_str(),
                                     rf.shape.h, rf.shape.w)
                             .c_str());
  ImGui::SameLine();
  help_marker(tr(L, RfText::LayerHelp));
  if (tokens) {
    ImGui::SameLine(0.0f, ImGui::GetFontSize() * 1.5f);
    bool cls = sel.chosen.cls;
    if (ImGui::Checkbox(tr(L, RfText::ClsToken), &cls))
      v.unit = cls ? std::optional<RfUnit>(RfUnit{true, 0, 0}) : std::nullopt;
    record_rect(app, "rf.cls");
    ImGui::SameLine();
    help_marker(tr(L, RfText::ClsHelp));
  }
}

// The map of the shown unit over the input: the ERF heatmap, the TRF box, the unit's centre and its r50 / r90 circles.
// Hovering picks the unit under the mouse (not while averaging); a click keeps it. Returns the hovered unit.
std::optional<RfUnit> erf_map(AppState& app, const Model& model, const RfSelection& sel, const Erf* erf, float side) {
  ReceptiveFieldViewState& v = app.receptive_field;
  const TheoreticalRf& rf = sel.layers[sel.layer];
  const InputSquare sq{ImGui::GetCursorScreenPos(), side, model.image_size()};
  const bool clicked = ImGui::InvisibleButton("##erf_map", ImVec2(side, side));
  record_rect(app, "rf.map");
  std::optional<RfUnit> hover;
  if (ImGui::IsItemHovered()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const RfUnit u = unit_at(rf, (m.y - sq.origin.y) / sq.px(), (m.x - sq.origin.x) / sq.px());
    if (clicked) v.unit = u;
    if (!v.average && !sel.chosen.cls) hover = u;
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // The mean over test images is about no image in particular: drawn alone.
  if (v.average)
    dl->AddRectFilled(sq.origin, ImVec2(sq.origin.x + side, sq.origin.y + side), IM_COL32(0, 0, 0, 255));
  else
    draw_input(dl, sq, app, model.input_spec());
  if (!erf) return hover;
  const float vmax = *std::max_element(erf->map.data.begin(), erf->map.data.end());
  draw_heatmap(dl, sq.origin, side, erf->map.data, sq.image_px, vmax, v.average ? 1.0f : v.opacity, kMapGamma);
  const UnitField& f = erf->field;
  dl->PushClipRect(sq.origin, ImVec2(sq.origin.x + side, sq.origin.y + side), true);
  if (!rf.global) draw_box(dl, sq, f.clipped, kBoxColor, 2.0f);
  if (f.sees_input) {
    const ImVec2 c = sq.at(f.centre_row, f.centre_col);
    dl->AddCircle(c, static_cast<float>(erf->summary.r50_px) * sq.px(), kRadiusColor, 48, 1.0f);
    dl->AddCircle(c, static_cast<float>(erf->summary.r90_px) * sq.px(), kRadiusColor, 64, 2.0f);
    dl->AddCircleFilled(c, std::max(3.0f, sq.px() * 0.45f), kCentreColor);
  }
  dl->PopClipRect();
  return hover;
}

// The shown map as CSV: one row per input pixel, with whether it lies in the unit's (clipped) TRF box.
std::string map_csv(const Erf& e) {
  const int side = static_cast<int>(e.map.dim(0));
  std::string out = "input_row,input_column,erf,in_trf_box\n";  // pixels numbered from 1, as on the figure's axes
  for (int r = 0; r < side; ++r)
    for (int c = 0; c < side; ++c)
      out += std::to_string(r + 1) + "," + std::to_string(c + 1) + "," +
             csv_number(e.map.data[static_cast<size_t>(r) * side + c]) +
             "," + (e.field.clipped.contains(r, c) ? "1" : "0") + "\n";
  return out;
}

// The selected layer's tick: "emb", "3".
std::string layer_tick(const RfSelection& sel, Language L) { return selection_ticks(sel, L)[sel.layer]; }

// The numbers under the map and the seed's claim with the measured answer, all from `erf`.
void map_lesson(AppState& app, const Model& model, const RfSelection& sel, const Erf& erf, const std::string& name) {
  const Language L = app.ui.language;
  const TheoreticalRf& rf = sel.layers[sel.layer];
  const ErfSummary& s = erf.summary;
  const std::string layer = layer_tick(sel, L);
  const int side = model.image_size();
  if (!erf.field.sees_input)
    ImGui::TextWrapped("%s", tr(L, RfText::SummaryBlind));
  else if (rf.global)
    ImGui::TextWrapped("%s", format_text(tr(L, RfText::SummaryGlobal), s.r50_px, s.r90_px).c_str());
  else
    ImGui::TextWrapped(
        "%s", format_text(tr(L, RfText::Summary), s.r50_px, s.r90_px, 100.0 * s.share90_trf, 100.0 * s.mass_outside_trf)
                  .c_str());
  if (!erf.field.sees_input) return;
  ImGui::Spacing();
  if (rf.global) {
    ImGui::TextWrapped("%s", tr(L, RfText::ClaimGlobalQuestion));
    ImGui::TextWrapped(
        "%s",
        format_text(tr(L, RfText::ClaimGlobalAnswer), name.c_str(), layer.c_str(), side, side, s.r90_px, s.r50_px).c_str());
  } else {
    ImGui::TextWrapped("%s", tr(L, RfText::ClaimConvQuestion));
    ImGui::TextWrapped("%s", format_text(tr(L, RfText::ClaimConvAnswer), name.c_str(), layer.c_str(), s.r90_px, rf.size_px,
                                         100.0 * s.share90_trf)
                                 .c_str());
  }
}

// The shown map: this image's (follows the mouse) or the running mean over test images (the chosen unit); nullptr
// while not available, with a status line or progress bar drawn instead.
const Erf* shown_map(AppState& app, const Model* model, const std::string& name, const RfSelection& sel,
                     std::optional<Erf>* mean) {
  const Language L = app.ui.language;
  ReceptiveFieldViewState& v = app.receptive_field;
  const std::string& layer = sel.layers[sel.layer].name;
  if (!v.average) {
    request_rf_map(app, model, name, layer, sel.shown);
    job_error_line(app, rf_map_job(app, name, layer, sel.shown));
    return latest_rf_map(app, name, layer, sel.shown);
  }
  if (app.gallery.status != GalleryState::Status::Ready) {
    ImGui::TextWrapped("%s", tr(L, RfText::GalleryNeeded));
    return nullptr;
  }
  const JobView<RfAverage> job =
      job_view<RfAverage>(request_rf_average(app, model, name, layer, sel.chosen, v.average_images));
  job_error_line(app, job);
  const RfAverage* r = job.value;
  if (job.running()) {
    ImGui::ProgressBar(job.progress, ImVec2(ImGui::GetFontSize() * 14.0f, 0.0f),
                       format_text(tr(L, RfText::Averaging), name.c_str(), r ? static_cast<int>(r->acc.count()) : 0,
                                   r ? r->total : v.average_images)
                           .c_str());
    record_rect(app, "rf.progress");
    ImGui::SameLine();
    const bool cancel = ImGui::SmallButton(tr(L, RfText::Cancel));
    record_rect(app, "rf.cancel");
    if (cancel) {
      rf_cancel_average(app);  // the job and its result are gone
      return nullptr;
    }
  }
  if (!r) return nullptr;
  Result<Erf> m = r->acc.result();
  if (!m) return nullptr;
  *mean = std::move(m).value();
  return &**mean;
}

// The source radios: this image, or the mean over the first N test images.
void source_row(AppState& app) {
  const Language L = app.ui.language;
  ReceptiveFieldViewState& v = app.receptive_field;
  if (ImGui::RadioButton(tr(L, RfText::SourceImage), !v.average)) v.average = false;
  record_rect(app, "rf.source.image");
  ImGui::SameLine();
  if (ImGui::RadioButton(tr(L, RfText::SourceTest), v.average)) v.average = true;
  record_rect(app, "rf.source.average");
  ImGui::Indent();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("N =");
  for (int n : kAverageChoices) {
    ImGui::SameLine();
    if (ImGui::RadioButton(std::to_string(n).c_str(), v.average && v.average_images == n)) {
      v.average = true;
      v.average_images = n;
    }
    record_rect(app, "rf.average." + std::to_string(n));
  }
  ImGui::Unindent();
}

// The map column: title, source, the map with its legend and opacity, the numbers, the lesson, export.
void map_column(AppState& app, const Model& model, const std::string& name, const RfSelection& sel, float side,
                std::optional<RfUnit>* hover) {
  const Language L = app.ui.language;
  ReceptiveFieldViewState& v = app.receptive_field;
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + side);
  ImGui::BeginGroup();
  const std::string layer = layer_tick(sel, L);
  const std::string title =
      sel.shown.cls ? format_text(tr(L, RfText::MapTitleCls), layer.c_str())
                    : format_text(tr(L, RfText::MapTitle), sel.shown.row + 1, sel.shown.col + 1, layer.c_str());
  help_marker(tr(L, RfText::MapHelp));
  ImGui::SameLine();
  ImGui::TextWrapped("%s", title.c_str());
  std::optional<Erf> mean;
  const Erf* erf = shown_map(app, &model, name, sel, &mean);
  *hover = erf_map(app, model, sel, erf, side);
  if (erf) {
    const float vmax = *std::max_element(erf->map.data.begin(), erf->map.data.end());
    colormap_legend("##legend", 0.0f, vmax, "%.3g", side);
  }
  ImGui::EndGroup();
  if (erf) {
    export_buttons(app, "receptive_field_map", [erf] { return map_csv(*erf); }, [&] {
      // The mean over test images is about no image in particular: drawn alone, as on screen.
      const ErfMap m{erf,
                     sel.layers[sel.layer].global,
                     name,
                     layer,
                     v.average ? std::vector<double>() : model_view(app.input.image, kInputSide, model.input_spec()),
                     static_cast<int>(erf->images),
                     v.opacity};
      return erf_map_figure(m, L);
    });
    ImGui::SameLine(0.0f, ImGui::GetFontSize());
  }
  ImGui::SetNextItemWidth(side * 0.35f);
  ImGui::SliderFloat(tr(L, RfText::Opacity), &v.opacity, 0.0f, 1.0f, "%.2f");
  record_rect(app, "rf.opacity");
  ImGui::TextWrapped("%s", tr(L, RfText::MapHow));
  source_row(app);
  ImGui::TextDisabled("%s", tr(L, v.average ? RfText::AverageHint : RfText::HoverHint));
  if (erf) {
    ImGui::TextWrapped(
        "%s", v.average
                  ? format_text(tr(L, RfText::ShownAverage), v.average_images, static_cast<int>(erf->images)).c_str()
                  : tr(L, RfText::ShownImage));
    map_lesson(app, model, sel, *erf, name);
  } else if (!v.average || app.gallery.status == GalleryState::Status::Ready) {
    ImGui::TextDisabled("%s", tr(L, RfText::Computing));
  }
  notice_caption(app, tr(L, RfText::MapNotice));
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

// One family's curves of the growth plot.
struct FamilyGrowth {
  int family = 0;
  std::vector<TheoreticalRf> trf;
  const RfGrowth* erf = nullptr;  // nullptr: not computed (or not asked for)
};

// The growth job of a family for the view's source, started here unless `wait` (the map's own average goes first:
// it gets every job step until it is done), with its error line for the shown family.
const RfGrowth* growth_for(AppState& app, int family, bool main, bool wait) {
  const ReceptiveFieldViewState& v = app.receptive_field;
  const Model* model = rf_model_or_request(app, family);
  if (!model) return nullptr;
  const std::string name = rf_family_checkpoint(app, family);
  if (v.average && (wait || app.gallery.status != GalleryState::Status::Ready))
    return rf_growth_job(app, name).value;
  const JobView<RfGrowth> job =
      job_view<RfGrowth>(v.average ? request_rf_growth_average(app, family, model, name, v.average_images)
                                   : request_rf_growth(app, family, model, name));
  if (main) job_error_line(app, job);
  return job.value;
}

// The growth plot's curves for its slide figure and CSV (figures/receptive_field_figures.h): every family's box side,
// its 2 r90 when computed, and 2 r50 for the shown family, as drawn here; *images: the test images of the shown
// family's ERFs.
std::vector<RfCurves> growth_curves(const AppState& app, const std::vector<FamilyGrowth>& families, int* images) {
  std::vector<RfCurves> curves;
  *images = 1;
  for (const FamilyGrowth& g : families) {
    // Untrained: the family's architecture named by its p100 checkpoint, marked untrained (as vitcnn figures does).
    const bool untrained = app.receptive_field.untrained;
    RfCurves c{untrained ? checkpoint_name(g.family, kDefaultScale) : rf_family_checkpoint(app, g.family), untrained,
               {}, {}, {}};
    for (const TheoreticalRf& rf : g.trf) {
      c.trf_px.push_back(rf.size_px);
      c.layers.push_back(rf.name);
    }
    if (g.erf)
      for (const ErfSummary& e : g.erf->layers) {
        c.r90_px.push_back(e.r90_px);
        if (g.family == app.receptive_field.family) c.r50_px.push_back(e.r50_px);
      }
    if (g.erf && g.family == app.receptive_field.family) *images = g.erf->images;
    curves.push_back(std::move(c));
  }
  return curves;
}

// The growth section: TRF side of every family, 2 r50 / 2 r90 of the shown family's (and, with `others`, the other
// families') centre units, by depth; the source line, the claim and what was measured.
void growth_plot(AppState& app, const Model& model, const RfSelection& sel, float width) {
  const Language L = app.ui.language;
  ReceptiveFieldViewState& v = app.receptive_field;
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextUnformatted(tr(L, RfText::GrowthTitle));
  ImGui::SameLine();
  help_marker(tr(L, RfText::GrowthHelp));
  ImGui::Checkbox(tr(L, RfText::Others), &v.others);
  record_rect(app, "rf.others");

  const bool wait =
      v.average &&
      !rf_average_job(app, rf_checkpoint(app), sel.layers[sel.layer].name, sel.chosen, v.average_images).ready();
  std::vector<FamilyGrowth> families;
  for (int f = 0; f < kFamilyCount; ++f) {
    FamilyGrowth g{f, {}, nullptr};
    if (f == v.family) {
      g.trf = sel.layers;
      g.erf = growth_for(app, f, true, wait);
    } else {
      const Model* base = model_or_request(app, checkpoint_name(f, kDefaultScale));
      Result<std::vector<TheoreticalRf>> rfs =
          base ? theoretical_rfs(*base) : Result<std::vector<TheoreticalRf>>(Error{"loading"});
      if (rfs) g.trf = std::move(*rfs);
      if (v.others) g.erf = growth_for(app, f, false, wait);
    }
    if (!g.trf.empty()) families.push_back(std::move(g));
  }

  const int image_px = model.image_size();
  // The layers on the exported figure's axis (figures/words.h shared_layer_axis): every family's block 1 in one column.
  std::vector<std::vector<std::string>> names;
  for (const FamilyGrowth& g : families) {
    names.emplace_back();
    for (const TheoreticalRf& rf : g.trf) names.back().push_back(rf.name);
  }
  const LayerAxis layer_axis = shared_layer_axis(names, L);
  std::vector<PlotSeries> series;
  double y_max = image_px;
  double shown_x = sel.layer + 1.0;  // the shown layer's x on the shown family's line
  for (size_t i = 0; i < families.size(); ++i) {
    const FamilyGrowth& g = families[i];
    const std::string fam = family_label(L, g.family);
    const ImU32 color = family_color(g.family);
    const std::vector<std::string> ticks = layer_ticks(names[i], L);
    auto x_of = [&](size_t l) { return static_cast<double>(layer_axis.offsets[i] + l + 1); };
    if (g.family == v.family) shown_x = x_of(sel.layer);
    PlotSeries trf{format_text(tr(L, RfText::SeriesTrf), fam.c_str()), color, PlotSeries::Style::Line, {}, {}, {}};
    for (size_t l = 0; l < g.trf.size(); ++l) {
      trf.x.push_back(x_of(l));
      trf.y.push_back(g.trf[l].size_px);
      trf.point_labels.push_back(format_text(tr(L, RfText::PointLayer), ticks[l].c_str(), g.trf[l].name.c_str()));
    }
    series.push_back(trf);
    if (g.erf && !g.erf->layers.empty()) {
      PlotSeries r90{format_text(tr(L, RfText::SeriesR90), fam.c_str()), color, PlotSeries::Style::Dashed, {}, {}, {}};
      PlotSeries r50{format_text(tr(L, RfText::SeriesR50), fam.c_str()), color, PlotSeries::Style::Dotted, {}, {}, {}};
      for (size_t l = 0; l < g.erf->layers.size(); ++l) {
        r90.x.push_back(x_of(l));
        r90.y.push_back(2.0 * g.erf->layers[l].r90_px);
        r50.x.push_back(x_of(l));
        r50.y.push_back(2.0 * g.erf->layers[l].r50_px);
        r90.point_labels.push_back(trf.point_labels[l]);
        r50.point_labels.push_back(trf.point_labels[l]);
      }
      series.push_back(std::move(r90));
      if (g.family == v.family) series.push_back(std::move(r50));
    }
  }
  for (const PlotSeries& s : series)
    for (double y : s.y) y_max = std::max(y_max, y);
  // The shown layer, marked on the shown family's box line.
  const TheoreticalRf& shown = sel.layers[sel.layer];
  series.push_back({"",
                    family_color(v.family),
                    PlotSeries::Style::Dots,
                    {shown_x},
                    {shown.size_px},
                    {format_text(tr(L, RfText::PointLayer), layer_tick(sel, L).c_str(), shown.name.c_str())}});
  const double x_max = static_cast<double>(layer_axis.ticks.size()) + 0.5;
  series.push_back({format_text(tr(L, RfText::SeriesImage), image_px),
                    ImGui::GetColorU32(ImGuiCol_TextDisabled),
                    PlotSeries::Style::Dashed,
                    {0.5, x_max},
                    {static_cast<double>(image_px), static_cast<double>(image_px)},
                    {}});
  PlotAxes axes{
      tr(L, RfText::AxisLayer), tr(L, RfText::AxisPx), 0.5, x_max, 0.0, std::ceil(y_max * 1.05 / 10.0) * 10.0, true};
  axes.x_names = layer_axis.ticks;
  plot_series("##growth", ImVec2(width, ImGui::GetFontSize() * 19.0f), axes, series);
  record_rect(app, "rf.growth_plot");
  int images = 1;
  const std::vector<RfCurves> curves = growth_curves(app, families, &images);
  export_buttons(
      app, "receptive_field_growth", [&] { return rf_growth_csv(curves, images); },
      [&] { return rf_growth_figure(curves, image_px, images, L); });

  const FamilyGrowth* main = nullptr;
  for (const FamilyGrowth& g : families)
    if (g.family == v.family) main = &g;
  if (main && v.average) {
    const int done = main->erf ? static_cast<int>(main->erf->layers.size()) : 0;
    ImGui::TextWrapped(
        "%s", format_text(tr(L, RfText::GrowthFromAverage), v.average_images, done, static_cast<int>(main->trf.size()))
                  .c_str());
  } else {
    ImGui::TextWrapped("%s", tr(L, RfText::GrowthFromImage));
  }
  ImGui::TextWrapped("%s", tr(L, RfText::GrowthHow));
  // The claim, and each family's box at layer 1 and at the last layer (or where it becomes the whole image).
  std::string measured;
  for (size_t i = 0; i < families.size(); ++i) {
    const FamilyGrowth& g = families[i];
    const std::vector<std::string> ticks = layer_ticks(names[i], L);
    size_t global = 0;
    while (global < g.trf.size() && !g.trf[global].global) ++global;
    const std::string fam = family_label(L, g.family);
    const std::string part =
        global < g.trf.size()
            ? format_text(tr(L, RfText::GrowthGlobal), fam.c_str(), g.trf[0].size_px, ticks[0].c_str(),
                          ticks[global].c_str())
            : format_text(tr(L, RfText::GrowthLocal), fam.c_str(), g.trf[0].size_px, ticks[0].c_str(),
                          g.trf.back().size_px, ticks.back().c_str());
    measured += (measured.empty() ? "" : "; ") + part;
  }
  ImGui::TextWrapped("%s %s.", tr(L, RfText::GrowthQuestion), measured.c_str());
  notice_caption(app, tr(L, RfText::GrowthNotice));
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

// A "-  value  +" stepper for one calculator cell, with rects rf.calc.<what>.<row>.minus / .plus; true on change.
bool stepper(AppState& app, const char* what, int row, int* value, int lo, int hi) {
  const std::string id = std::string("rf.calc.") + what + "." + std::to_string(row);
  ImGui::PushID(id.c_str());
  bool changed = false;
  if (ImGui::SmallButton("-") && *value > lo) {
    --*value;
    changed = true;
  }
  record_rect(app, id + ".minus");
  ImGui::SameLine(0.0f, 4.0f);
  ImGui::Text("%2d", *value);
  ImGui::SameLine(0.0f, 4.0f);
  if (ImGui::SmallButton("+") && *value < hi) {
    ++*value;
    changed = true;
  }
  record_rect(app, id + ".plus");
  ImGui::PopID();
  return changed;
}

std::string calculator_csv(const std::vector<ConvGeometry>& stack, const std::vector<TheoreticalRf>& rows) {
  std::string out = "layer,kernel,stride,dilation,pad,box_side_px,jump_px,start_px,grid\n";
  for (size_t i = 0; i < rows.size() && i < stack.size(); ++i)
    out += std::to_string(i + 1) + "," + std::to_string(stack[i].kernel) + "," + std::to_string(stack[i].stride) + "," +
           std::to_string(stack[i].dilation) + "," + std::to_string(stack[i].pad) + "," + csv_number(rows[i].size_px) +
           "," + csv_number(rows[i].jump_px) + "," + csv_number(rows[i].start_px) + "," + std::to_string(rows[i].shape.h) +
           "\n";
  return out;
}

// The calculator: the input with the boxes of rows 1..selected (the selected one bold), the table of rows with
// steppers, add / remove / reset, and the selected row's numbers.
void calculator(AppState& app, const Model& model, float width) {
  const Language L = app.ui.language;
  ReceptiveFieldViewState& v = app.receptive_field;
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextUnformatted(tr(L, RfText::CalcTitle));
  ImGui::SameLine();
  help_marker(tr(L, RfText::CalcHelp));
  ImGui::TextWrapped("%s", tr(L, RfText::CalcHow));
  if (!rf_calculator_ready(app)) {
    ImGui::TextDisabled("%s", tr(L, RfText::CalcLoading));
    ImGui::PopTextWrapPos();
    return;
  }
  const std::vector<TheoreticalRf> rows = rf_calculator_rows(app);
  const int n = static_cast<int>(rows.size());
  const int selected = n == 0 ? -1 : (v.calc_row < 0 || v.calc_row >= n ? n - 1 : v.calc_row);

  ImGui::BeginGroup();
  ImGui::BeginGroup();
  const float side = model.image_size() * 5.0f * ui_scale();
  const InputSquare sq{ImGui::GetCursorScreenPos(), side, model.image_size()};
  ImGui::Dummy(ImVec2(side, side));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_input(dl, sq, app, model.input_spec());
  dl->PushClipRect(sq.origin, ImVec2(sq.origin.x + side, sq.origin.y + side), true);
  std::optional<UnitField> field;
  for (int i = 0; i <= selected; ++i) {
    Result<UnitField> f = unit_field(rows[i], centre_unit(rows[i]), model.image_size());
    if (!f) continue;
    draw_box(dl, sq, f->clipped, i == selected ? kBoxColor : IM_COL32(255, 255, 255, 90), i == selected ? 2.0f : 1.0f);
    if (i == selected) field = *f;
  }
  if (field) dl->AddCircleFilled(sq.at(field->centre_row, field->centre_col), 3.0f, kCentreColor);
  dl->PopClipRect();
  if (selected < 0) {
    ImGui::TextWrapped("%s", tr(L, RfText::CalcEmpty));
  } else if (rows[selected].shape.h < 1) {
    ImGui::TextWrapped("%s", tr(L, RfText::CalcUsedUp));
  } else {
    const TheoreticalRf& r = rows[selected];
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + side);
    ImGui::TextWrapped(
        "%s",
        format_text(tr(L, RfText::CalcSummary), selected + 1, r.size_px, r.jump_px, r.shape.h, r.shape.w).c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::EndGroup();
  // The table beside the input where both fit (about 21 em for the table), else under it.
  if (width >= side + ImGui::GetStyle().ItemSpacing.x + ImGui::GetFontSize() * 21.0f) ImGui::SameLine();

  ImGui::BeginGroup();
  constexpr ImGuiTableFlags kFlags =
      ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH;
  std::optional<int> remove;
  bool changed = false;
  if (ImGui::BeginTable("##calc", 8, kFlags)) {
    for (RfText col : {RfText::ColLayer, RfText::ColKernel, RfText::ColStride, RfText::ColDilation, RfText::ColSize,
                       RfText::ColJump, RfText::ColGrid})
      ImGui::TableSetupColumn(tr(L, col));
    ImGui::TableSetupColumn("");
    ImGui::TableHeadersRow();
    for (int i = 0; i < n; ++i) {
      ConvGeometry& c = v.calc[i];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushID(i);
      if (ImGui::Selectable(std::to_string(i + 1).c_str(), i == selected)) v.calc_row = i;
      record_rect(app, "rf.calc.row." + std::to_string(i));
      ImGui::TableNextColumn();
      int k = c.kernel, s = c.stride, d = c.dilation;
      bool row_changed = stepper(app, "kernel", i, &k, 1, kMaxKernel);
      ImGui::TableNextColumn();
      row_changed |= stepper(app, "stride", i, &s, 1, kMaxStride);
      ImGui::TableNextColumn();
      row_changed |= stepper(app, "dilation", i, &d, 1, kMaxDilation);
      if (row_changed) {
        c = same_padded_conv(k, s, d);
        changed = true;
      }
      ImGui::TableNextColumn();
      ImGui::Text("%.0f", rows[i].size_px);
      ImGui::TableNextColumn();
      ImGui::Text("%.0f", rows[i].jump_px);
      ImGui::TableNextColumn();
      if (rows[i].shape.h > 0)
        ImGui::Text("%d x %d", rows[i].shape.h, rows[i].shape.w);
      else
        ImGui::TextDisabled("%s", tr(L, RfText::GridNone));
      ImGui::TableNextColumn();
      if (ImGui::SmallButton("x")) remove = i;
      record_rect(app, "rf.calc.remove." + std::to_string(i));
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(L, RfText::CalcRemove));
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  if (remove) {
    v.calc.erase(v.calc.begin() + *remove);
    if (v.calc_row >= *remove) v.calc_row = std::max(-1, v.calc_row - 1);
    changed = true;
  }
  if (ImGui::Button(tr(L, RfText::CalcAdd)) && static_cast<int>(v.calc.size()) < kMaxCalcRows) {
    v.calc.push_back(selected >= 0 ? v.calc[selected] : same_padded_conv(3, 1, 1));
    v.calc_row = static_cast<int>(v.calc.size()) - 1;
    changed = true;
  }
  record_rect(app, "rf.calc.add");
  ImGui::SameLine();
  if (ImGui::Button(tr(L, RfText::CalcReset))) rf_calculator_reset(app);
  record_rect(app, "rf.calc.reset");
  if (changed) v.calc_edited = true;
  ImGui::EndGroup();
  ImGui::EndGroup();
  record_rect(app, "rf.calculator");
  export_buttons(app, "receptive_field_calculator", [&] { return calculator_csv(v.calc, rows); },
                 [&] { return rf_calculator_figure(v.calc, rows, model.image_size(), L); });
  notice_caption(app, tr(L, RfText::CalcNotice));
  ImGui::PopTextWrapPos();
}

}  // namespace

void panel_receptive_field(AppState& app) {
  const Language L = app.ui.language;
  ReceptiveFieldViewState& v = app.receptive_field;
  std::optional<RfUnit> hover;
  const auto finish = [&] { v.hover = hover; };
  ImGui::TextWrapped("%s", tr(L, RfText::Intro));
  model_row(app);
  ImGui::Separator();
  const std::string name = rf_checkpoint(app);
  const Model* model = rf_model_or_request(app, v.family);
  if (!model) {
    ImGui::TextWrapped("%s", model_status_text(app, name).c_str());
    return finish();
  }
  Result<RfSelection> sel = rf_selection(app, *model);
  if (!sel) {
    ImGui::TextWrapped("%s", format_text(tr(L, RfText::Failed), sel.error().message.c_str()).c_str());
    return finish();
  }
  // A layer or unit the model lacks (an old link, another family) gives way to the defaults.
  const TheoreticalRf& rf = sel->layers[sel->layer];
  v.layer = sel->layer + 1 == static_cast<int>(sel->layers.size()) ? "" : rf.name;
  if (v.unit && !unit_field(rf, *v.unit, model->image_size())) v.unit.reset();
  layer_row(app, *model, *sel);

  // Columns: the map; beside it the growth plot, with the calculator in a third column when it fits, else under the
  // plot. Where the window is too narrow for a plot beside the map (the map column's controls may be wider than the
  // map), the plot and the calculator go under the map at the window's width.
  const float fs = ImGui::GetFontSize(), gap = fs * 1.5f, calc_w = fs * 42.0f, plot_min = fs * 24.0f;
  const float side = std::clamp(ImGui::GetContentRegionAvail().x * 0.28f, model->image_size() * 8.0f * ui_scale(),
                                model->image_size() * 14.0f * ui_scale());
  map_column(app, *model, name, *sel, side, &hover);
  if (!same_line_if_fits(plot_min, gap)) ImGui::Separator();
  const float rest = ImGui::GetContentRegionAvail().x;
  const bool three = rest >= plot_min + gap + calc_w;
  ImGui::BeginGroup();
  growth_plot(app, *model, *sel, std::min(std::clamp(three ? rest - gap - calc_w : rest, fs * 16.0f, fs * 46.0f), rest));
  if (!three) {
    ImGui::Spacing();
    ImGui::Separator();
    calculator(app, *model, rest);
  }
  ImGui::EndGroup();
  if (three) {
    ImGui::SameLine(0.0f, gap);
    ImGui::BeginGroup();
    calculator(app, *model, calc_w);
    ImGui::EndGroup();
  }
  finish();
}

}  // namespace vc
