// The Representations view: the CKA heatmap of two models' layers (running estimate while its job accumulates
// minibatches), the skip ratio of every residual branch and token of one model with its CLS / spatial curves, and the
// equivariance error by depth of every family. Each figure: how to read it, its formula, the seed's claim as a
// question and the measured answer (the summaries of analysis/representations.h, the verdicts of
// analysis/representation_summary.h), PNG / CSV export.
#include <imgui.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "analysis/representation_summary.h"
#include "figures/representation_figures.h"
#include "figures/words.h"
#include "ui/model_store.h"
#include "ui/plot.h"
#include "ui/representations_view.h"
#include "ui/text_representations.h"
#include "ui/widgets.h"

namespace vc {

namespace {

// Fills one row strip [x0, x0 + w] x [y0, y0 + h] with `values` as equal cells, viridis((value - lo) / (hi - lo));
// returns the cell under the mouse (or -1 when the mouse is outside the strip).
int strip(ImDrawList* dl, float x0, float y0, float w, float h, std::span<const double> values, double lo, double hi) {
  const int n = static_cast<int>(values.size());
  for (int i = 0; i < n; ++i) {
    const float a = x0 + w * i / n, b = x0 + w * (i + 1) / n;
    dl->AddRectFilled(ImVec2(a, y0), ImVec2(b, y0 + h), viridis(static_cast<float>((values[i] - lo) / (hi - lo)), 1.0f));
  }
  const ImVec2 m = ImGui::GetIO().MousePos;
  if (n == 0 || m.x < x0 || m.x >= x0 + w || m.y < y0 || m.y >= y0 + h) return -1;
  return std::clamp(static_cast<int>((m.x - x0) / w * n), 0, n - 1);
}

// Family radios, then the data-share radios (on the next line, indented, when the row would be wider than `width`);
// rects <id>.<family> and <id>.<share>.
void model_picker(AppState& app, const char* label, const std::string& id, int* family, int* scale, float width) {
  const Language L = app.ui.language;
  ImGui::PushID(id.c_str());
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(label);
  for (int f = 0; f < kFamilyCount; ++f) {
    ImGui::SameLine();
    if (ImGui::RadioButton(family_label(L, f), *family == f)) *family = f;
    record_rect(app, id + "." + kFamilies[f]);
  }
  const bool wrap = ImGui::GetItemRectMax().x - ImGui::GetCursorScreenPos().x + ImGui::GetFontSize() * 22.0f > width;
  if (wrap) ImGui::Indent(ImGui::GetFontSize() * 2.0f);
  if (!wrap) ImGui::SameLine(0.0f, ImGui::GetFontSize());
  checkpoint_selector(app, id, *family, scale, {.shipped_format = "p%03d"});
  if (wrap) ImGui::Unindent(ImGui::GetFontSize() * 2.0f);
  ImGui::PopID();
}

// "N = a b c" radios; rects <id>.<n>.
template <size_t N>
void images_row(AppState& app, const std::string& id, const int (&choices)[N], int* images) {
  ImGui::PushID(id.c_str());
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr(app.ui.language, ReprText::Images));
  for (int n : choices) {
    ImGui::SameLine();
    if (ImGui::RadioButton(std::to_string(n).c_str(), *images == n)) *images = n;
    record_rect(app, id + "." + std::to_string(n));
  }
  ImGui::PopID();
}

// The button that asks for a figure's jobs; drawn disabled once they are asked for (the figure then follows its
// settings).
void compute_button(AppState& app, const char* label, const std::string& id, bool* requested) {
  const bool was = *requested;
  if (was) ImGui::PushStyleVar(ImGuiStyleVar_Alpha, ImGui::GetStyle().Alpha * 0.5f);
  if (ImGui::Button(label)) *requested = true;
  if (was) ImGui::PopStyleVar();
  record_rect(app, id);
}

template <class T>
void progress_line(AppState& app, const JobView<T>& job, int done, int total, const std::string& rect) {
  if (job.failed())
    ImGui::TextWrapped("%s", format_text(tr(app.ui.language, ReprText::Failed), job.error.c_str()).c_str());
  if (!job.running()) return;
  ImGui::ProgressBar(job.progress, ImVec2(ImGui::GetFontSize() * 16.0f, 0.0f),
                     format_text(tr(app.ui.language, ReprText::Progress), done, total).c_str());
  record_rect(app, rect);
}

// ---- CKA ----

// The heatmap: row names on the left, column numbers under it and the column names below; hover shows the cell.
void cka_heatmap(AppState& app, const CkaResult& r, const std::string& a, const std::string& b, float width) {
  const Language L = app.ui.language;
  const float fs = ImGui::GetFontSize();
  const int rows = static_cast<int>(r.rows.size()), cols = static_cast<int>(r.cols.size());
  const std::vector<std::string> row_ticks = layer_ticks(r.rows, L), col_ticks = layer_ticks(r.cols, L);
  float label_w = 0.0f;
  for (const std::string& n : r.rows) label_w = std::max(label_w, ImGui::CalcTextSize(n.c_str()).x);
  label_w += fs * 2.5f;
  const float cell = std::clamp((width - label_w) / std::max(cols, 1), fs * 1.2f, fs * 3.2f);
  const float row_h = std::clamp(cell, fs * 1.1f, fs * 2.2f);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float x0 = o.x + label_w, grid_w = cell * cols, grid_h = row_h * rows;
  ImGui::Dummy(ImVec2(label_w + grid_w, grid_h + fs * 1.4f));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  std::optional<std::pair<int, int>> hover;
  for (int i = 0; i < rows; ++i) {
    const float y = o.y + row_h * i;
    const std::span<const double> row(r.matrix.data() + static_cast<size_t>(i) * cols, static_cast<size_t>(cols));
    if (const int c = strip(dl, x0, y, grid_w, row_h, row, 0.0, 1.0); c >= 0 && ImGui::IsItemHovered()) hover = {{i, c}};
    const std::string name = row_ticks[i] + " " + r.rows[i];
    dl->AddText(ImVec2(o.x, y + (row_h - fs) * 0.5f), ImGui::GetColorU32(ImGuiCol_Text), name.c_str());
    if (cell >= fs * 2.2f)
      for (int c = 0; c < cols; ++c) {
        const double v = row[c];
        char buf[16];
        std::snprintf(buf, sizeof buf, "%.2f", v);
        const ImVec2 ts = ImGui::CalcTextSize(buf);
        dl->AddText(ImVec2(x0 + cell * c + (cell - ts.x) * 0.5f, y + (row_h - ts.y) * 0.5f),
                    v > 0.6 ? IM_COL32(0, 0, 0, 255) : IM_COL32(255, 255, 255, 255), buf);
      }
  }
  for (int c = 0; c < cols; ++c) {
    const std::string& n = col_ticks[c];
    const float tw = ImGui::CalcTextSize(n.c_str()).x;
    dl->AddText(ImVec2(x0 + cell * c + (cell - tw) * 0.5f, o.y + grid_h + fs * 0.2f),
                ImGui::GetColorU32(ImGuiCol_Text), n.c_str());
  }
  if (hover) {
    const auto [i, c] = *hover;
    dl->AddRect(ImVec2(x0 + cell * c, o.y + row_h * i), ImVec2(x0 + cell * (c + 1), o.y + row_h * (i + 1)),
                IM_COL32(255, 255, 255, 255), 0.0f, 0, 2.0f);
    ImGui::SetTooltip("%s", format_text(tr(L, ReprText::CkaHover), row_ticks[i].c_str(), r.rows[i].c_str(), col_ticks[c].c_str(), r.cols[c].c_str(),
                                        r.matrix[static_cast<size_t>(i) * cols + c])
                                .c_str());
  }
  ImGui::TextDisabled("%s", format_text(tr(L, ReprText::CkaAxisA), a.c_str(), rows).c_str());
  std::string names;
  for (int c = 0; c < cols; ++c) names += (c ? ", " : "") + col_ticks[c] + " " + r.cols[c];
  ImGui::TextDisabled("%s", format_text(tr(L, ReprText::CkaAxisB), b.c_str(), cols).c_str());
  ImGui::TextWrapped("%s", names.c_str());
  colormap_legend("##cka_legend", 0.0f, 1.0f, "%.1f", std::min(width, fs * 20.0f));
}

// Claim (a): from the shown matrix when it is a model with itself, and from both p100 models with themselves when
// their jobs over the same N have finished.
void cka_uniformity_answer(AppState& app, const CkaResult& shown, const std::string& a, const std::string& b) {
  const Language L = app.ui.language;
  const int n = app.representations.cka_images;
  ImGui::TextWrapped("%s", tr(L, ReprText::CkaSelfQuestion));
  if (a == b) {
    const Result<double> pairs = mean_pairwise_cka(shown), adjacent = mean_adjacent_cka(shown);
    if (pairs && adjacent)
      ImGui::TextWrapped("%s", format_text(tr(L, ReprText::CkaSelfOne), a.c_str(), *pairs, *adjacent).c_str());
  }
  std::optional<CkaResult> self[2];
  for (int k = 0; k < 2; ++k) {
    const std::string m = checkpoint_name(family_index(k == 0 ? "vit" : "cnn"), kDefaultScale);
    const JobView<ReprCka> j = repr_cka_job(app, m, m, n);
    if (!j.ready()) continue;
    if (const Result<CkaResult>& r = repr_cka_result(*j.value); r) self[k] = *r;
  }
  const Result<UniformityVerdict> v =
      self[0] && self[1] ? compare_uniformity(*self[0], *self[1]) : Result<UniformityVerdict>(Error{"not computed"});
  if (!v) {
    ImGui::TextDisabled("%s", tr(L, ReprText::CkaSelfMissing));
    return;
  }
  const ReprText verdict = v->verdict == Uniformity::First    ? ReprText::CkaSelfYes
                           : v->verdict == Uniformity::Second ? ReprText::CkaSelfNo
                           : v->verdict == Uniformity::Equal  ? ReprText::CkaSelfEqual
                                                              : ReprText::CkaSelfMixed;
  ImGui::TextWrapped("%s %s",
                     format_text(tr(L, ReprText::CkaSelfBoth), n, v->first_pairs, v->first_adjacent, v->second_pairs,
                                 v->second_adjacent, kCkaMargin)
                         .c_str(),
                     tr(L, verdict));
}

void cka_section(AppState& app, float width) {
  const Language L = app.ui.language;
  RepresentationsViewState& v = app.representations;
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  help_marker(tr(L, ReprText::CkaHelp));
  ImGui::SameLine();
  ImGui::TextUnformatted(tr(L, ReprText::CkaTitle));
  model_picker(app, tr(L, ReprText::ModelA), "repr.a", &v.a_family, &v.a_scale, width);
  model_picker(app, tr(L, ReprText::ModelB), "repr.b", &v.b_family, &v.b_scale, width);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr(L, ReprText::Presets));
  struct Preset {
    ReprText label;
    const char* id;
    int a_family, a_scale, b_family, b_scale;
  };
  const int vit = family_index("vit"), cnn = family_index("cnn");
  const Preset presets[] = {{ReprText::PresetVitVit, "vit_vit", vit, kDefaultScale, vit, kDefaultScale},
                            {ReprText::PresetCnnCnn, "cnn_cnn", cnn, kDefaultScale, cnn, kDefaultScale},
                            {ReprText::PresetVitCnn, "vit_cnn", vit, kDefaultScale, cnn, kDefaultScale},
                            {ReprText::PresetVitData, "vit_data", vit, kDefaultScale, vit, 0}};
  const float right = ImGui::GetCursorScreenPos().x + width;
  for (const Preset& p : presets) {
    // On this line while the button fits in the column, else on the next.
    const float next = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x +
                       ImGui::CalcTextSize(tr(L, p.label)).x + ImGui::GetStyle().FramePadding.x * 2.0f;
    if (next <= right) ImGui::SameLine();
    if (ImGui::SmallButton(tr(L, p.label))) {
      v.a_family = p.a_family;
      v.a_scale = p.a_scale;
      v.b_family = p.b_family;
      v.b_scale = p.b_scale;
    }
    record_rect(app, std::string("repr.preset.") + p.id);
  }
  images_row(app, "repr.n", kReprCkaImages, &v.cka_images);
  ImGui::SameLine(0.0f, ImGui::GetFontSize());
  compute_button(app, tr(L, ReprText::CkaCompute), "repr.cka.compute", &v.cka_requested);

  const std::string a = repr_a_checkpoint(app), b = repr_b_checkpoint(app);
  const Model* ma = model_or_request(app, a);
  const Model* mb = model_or_request(app, b);
  std::optional<CkaResult> shown;
  if (v.cka_requested && (!ma || !mb)) {
    ImGui::TextWrapped("%s", model_status_text(app, ma ? b : a).c_str());
  } else if (v.cka_requested && app.gallery.status == GalleryState::Status::Ready) {
    const JobView<ReprCka> job = job_view<ReprCka>(request_repr_cka(app, ma, mb, a, b, v.cka_images));
    const int done = job.value ? job.value->images : 0;
    progress_line(app, job, job.value ? job.value->received : 0, v.cka_images, "repr.cka.progress");
    if (job.value)
      if (const Result<CkaResult>& r = repr_cka_result(*job.value); r) shown = *r;
    if (shown && job.running())
      ImGui::TextDisabled("%s", format_text(tr(L, ReprText::CkaEstimate), done, job.value->total).c_str());
  }
  ImGui::BeginGroup();
  if (shown)
    cka_heatmap(app, *shown, a, b, width);
  else
    ImGui::TextDisabled("%s", tr(L, v.cka_requested ? ReprText::Computing : ReprText::CkaNotStarted));
  ImGui::EndGroup();
  record_rect(app, "repr.cka");
  if (shown)
    export_buttons(app, "cka_" + a + "_" + b, [r = *shown] { return cka_csv(r); },
                   [r = *shown, a, b, L] { return cka_figure(r, a, b, L); });
  ImGui::TextWrapped("%s", tr(L, ReprText::CkaHow));
  if (shown) {
    ImGui::Spacing();
    cka_uniformity_answer(app, *shown, a, b);
  }
  // Claim (b) compares two different models (a model with itself matches its own layers at 1).
  if (shown && a != b) {
    ImGui::Spacing();
    ImGui::TextWrapped("%s", tr(L, ReprText::CkaCrossQuestion));
    const double best = lower_half_best_match(*shown);
    const Likeness like = cka_likeness(best);
    const ReprText word = like == Likeness::Alike    ? ReprText::LikeAlike
                          : like == Likeness::Partly ? ReprText::LikePartly
                                                     : ReprText::LikeUnlike;
    ImGui::TextWrapped("%s", format_text(tr(L, ReprText::CkaCrossAnswer), best, tr(L, word),
                                         shown->matrix[shown->cols.size() - 1])
                                 .c_str());
  }
  notice_caption(app, tr(L, ReprText::CkaNotice));
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

// ---- Skip ratio ----

// Rows = branches, each stretched to the full width; the CLS cell (if any) first.
void skip_heatmap(AppState& app, const SkipRatios& r, float width) {
  const Language L = app.ui.language;
  const float fs = ImGui::GetFontSize();
  const auto [lo, hi] = skip_colour_range(r);
  float label_w = 0.0f;
  for (const SkipBranch& b : r.branches) label_w = std::max(label_w, ImGui::CalcTextSize(b.name.c_str()).x);
  label_w += fs * 0.8f;
  const int rows = static_cast<int>(r.branches.size());
  const float row_h = std::clamp(fs * 16.0f / std::max(rows, 1), fs * 0.7f, fs * 1.4f);
  const float grid_w = std::max(width - label_w, fs * 8.0f);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(label_w + grid_w, row_h * rows));
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (int i = 0; i < rows; ++i) {
    const SkipBranch& b = r.branches[i];
    const float y = o.y + row_h * i;
    const int t = strip(dl, o.x + label_w, y, grid_w, row_h - 1.0f, b.ratio, lo, hi);
    if (row_h >= fs * 0.95f)
      dl->AddText(ImVec2(o.x, y + (row_h - fs) * 0.5f), ImGui::GetColorU32(ImGuiCol_Text), b.name.c_str());
    if (t < 0 || !hovered) continue;
    const int g = t - (b.has_cls ? 1 : 0);
    const std::string token = g < 0 ? "CLS" : format_text("%d (%d, %d)", g + 1, g / b.w + 1, g % b.w + 1);
    ImGui::SetTooltip("%s", format_text(tr(L, ReprText::SkipHover), b.name.c_str(), token.c_str(), b.ratio[t]).c_str());
  }
  colormap_legend("##skip_legend", static_cast<float>(lo), static_cast<float>(hi), "%.1f", std::min(width, fs * 20.0f));
}

void skip_curves(AppState& app, const SkipRatios& r, float width) {
  const Language L = app.ui.language;
  PlotSeries cls{tr(L, ReprText::SeriesCls), IM_COL32(240, 200, 60, 255), PlotSeries::Style::Line, {}, {}, {}};
  PlotSeries spatial{tr(L, ReprText::SeriesSpatial), IM_COL32(90, 170, 255, 255), PlotSeries::Style::Line, {}, {}, {}};
  double y_max = 0.0;
  for (size_t i = 0; i < r.branches.size(); ++i) {
    const SkipBranch& b = r.branches[i];
    const std::string label = format_text("%d %s", static_cast<int>(i + 1), b.name.c_str());
    if (b.has_cls) {
      cls.x.push_back(static_cast<double>(i + 1));
      cls.y.push_back(b.cls);
      cls.point_labels.push_back(label);
    }
    spatial.x.push_back(static_cast<double>(i + 1));
    spatial.y.push_back(b.spatial_mean);
    spatial.point_labels.push_back(label);
    y_max = std::max({y_max, b.cls, b.spatial_mean});
  }
  std::vector<PlotSeries> series;
  if (!cls.x.empty()) series.push_back(std::move(cls));
  series.push_back(std::move(spatial));
  const PlotAxes axes{tr(L, ReprText::AxisBranch), tr(L, ReprText::AxisRatio), 0.5,
                      static_cast<double>(r.branches.size()) + 0.5, 0.0, nice_ceiling(y_max), true};
  plot_series("##skip_curves", ImVec2(width, ImGui::GetFontSize() * 13.0f), axes, series);
}

void skip_section(AppState& app, float width) {
  const Language L = app.ui.language;
  RepresentationsViewState& v = app.representations;
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  help_marker(tr(L, ReprText::SkipHelp));
  ImGui::SameLine();
  ImGui::TextUnformatted(tr(L, ReprText::SkipTitle));
  model_picker(app, tr(L, ReprText::SkipModel), "repr.skip", &v.skip_family, &v.skip_scale, width);
  images_row(app, "repr.skip_n", kReprSkipImages, &v.skip_images);
  ImGui::SameLine(0.0f, ImGui::GetFontSize());
  compute_button(app, tr(L, ReprText::SkipCompute), "repr.skip.compute", &v.skip_requested);
  const std::string name = repr_skip_checkpoint(app);
  const Model* model = model_or_request(app, name);
  const SkipRatios* shown = nullptr;
  if (v.skip_requested && !model) {
    ImGui::TextWrapped("%s", model_status_text(app, name).c_str());
  } else if (v.skip_requested && app.gallery.status == GalleryState::Status::Ready) {
    const JobView<SkipRatios> job = job_view<SkipRatios>(request_repr_skip(app, model, name, v.skip_images));
    progress_line(app, job, 0, v.skip_images, "repr.skip.progress");
    if (job.ready()) shown = job.value;
  }
  ImGui::BeginGroup();
  if (shown) {
    skip_heatmap(app, *shown, width);
    export_buttons(app, "skip_ratio_tokens_" + name, [shown] { return skip_tokens_csv(*shown); },
                   [shown, name, L] { return skip_heatmap_figure(*shown, name, L); });
    ImGui::TextUnformatted(tr(L, ReprText::SkipCurves));
    skip_curves(app, *shown, width);
  } else {
    ImGui::TextDisabled("%s", tr(L, v.skip_requested ? ReprText::Computing : ReprText::SkipNotStarted));
  }
  ImGui::EndGroup();
  record_rect(app, "repr.skip");
  if (shown)
    export_buttons(app, "skip_ratio_" + name, [shown, name] { return skip_csv(std::array{Measured<SkipRatios>{name, shown}}); },
                   [shown, name, L] { return skip_figure(std::array{Measured<SkipRatios>{name, shown}}, L); });
  ImGui::TextWrapped("%s", tr(L, ReprText::SkipHow));
  if (shown) {
    ImGui::Spacing();
    ImGui::TextWrapped("%s", tr(L, ReprText::SkipQuestion));
    const int images = static_cast<int>(shown->images);
    const SkipTrend t = skip_trend(*shown);
    if (t.has_cls) {
      const SkipTransition tr_kind = skip_transition(t);
      const ReprText verdict = tr_kind == SkipTransition::AsSeed             ? ReprText::TransitionAsSeed
                               : tr_kind == SkipTransition::SpatialRisesOnly ? ReprText::TransitionSpatial
                               : tr_kind == SkipTransition::ClsFallsOnly     ? ReprText::TransitionCls
                                                                             : ReprText::TransitionReverse;
      ImGui::TextWrapped("%s", format_text(tr(L, ReprText::SkipAnswerCls), name.c_str(), images, t.cls_early,
                                           t.cls_late, t.spatial_early, t.spatial_late, tr(L, verdict))
                                   .c_str());
    } else {
      ImGui::TextWrapped("%s", format_text(tr(L, ReprText::SkipAnswerNoCls), name.c_str(), images, t.spatial_early,
                                           t.spatial_late)
                                   .c_str());
    }
  }
  notice_caption(app, tr(L, ReprText::SkipNotice));
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

// ---- Equivariance ----

void eq_section(AppState& app, float width) {
  const Language L = app.ui.language;
  RepresentationsViewState& v = app.representations;
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  help_marker(tr(L, ReprText::EqHelp));
  ImGui::SameLine();
  ImGui::TextUnformatted(tr(L, ReprText::EqTitle));
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(tr(L, ReprText::EqShift));
  for (int k = 1; k <= kMaxShift; ++k) {
    ImGui::SameLine();
    ImGui::RadioButton(std::to_string(k).c_str(), &v.shift, k);
    record_rect(app, "repr.k." + std::to_string(k));
  }
  ImGui::SameLine(0.0f, ImGui::GetFontSize());
  images_row(app, "repr.eq_n", kReprEqImages, &v.eq_images);
  same_line_if_fits(button_width(tr(L, ReprText::EqMeasure)), ImGui::GetFontSize());
  compute_button(app, tr(L, ReprText::EqMeasure), "repr.eq.measure", &v.eq_requested);

  std::vector<std::pair<int, const Equivariance*>> shown;
  if (!v.eq_requested) {
    ImGui::TextDisabled("%s", tr(L, ReprText::EqNotStarted));
  } else if (app.gallery.status == GalleryState::Status::Ready) {
    for (int f = 0; f < kFamilyCount; ++f) {
      const std::string name = repr_eq_checkpoint(f);
      const Model* model = model_or_request(app, name);
      if (!model) continue;
      const JobView<Equivariance> job =
          job_view<Equivariance>(request_repr_equivariance(app, f, model, v.eq_images));
      progress_line(app, job, 0, v.eq_images, std::string("repr.eq.progress.") + kFamilies[f]);
      if (job.ready()) shown.emplace_back(f, job.value);
    }
  }
  // The layers on the exported figure's axis (figures/words.h shared_layer_axis): every family's block 1 in one column.
  std::vector<std::vector<std::string>> names;
  for (const auto& [f, e] : shown) {
    names.emplace_back();
    for (const EquivarianceLayer& layer : e->layers) names.back().push_back(layer.name);
  }
  const LayerAxis layer_axis = shared_layer_axis(names, L);
  std::vector<PlotSeries> series;
  double y_max = 0.0;
  for (size_t i = 0; i < shown.size(); ++i) {
    const auto& [f, e] = shown[i];
    PlotSeries s{family_label(L, f), family_color(f), PlotSeries::Style::Line, {}, {}, {}};
    const std::vector<std::string> ticks = layer_ticks(names[i], L);
    for (size_t l = 0; l < e->layers.size(); ++l) {
      const EquivarianceLayer& layer = e->layers[l];
      if (!layer.defined[v.shift - 1]) continue;
      s.x.push_back(static_cast<double>(layer_axis.offsets[i] + l + 1));
      s.y.push_back(layer.error[v.shift - 1]);
      s.point_labels.push_back(ticks[l] + " " + layer.name);
      y_max = std::max(y_max, layer.error[v.shift - 1]);
    }
    series.push_back(std::move(s));
  }
  const double x_max = std::max(1.5, static_cast<double>(layer_axis.ticks.size()) + 0.5);
  PlotAxes axes{tr(L, ReprText::AxisLayer), tr(L, ReprText::AxisError), 0.5, x_max, 0.0,
                y_max > 0.0 ? nice_ceiling(y_max) : 1.0, true};
  axes.x_names = layer_axis.ticks;
  plot_series("##eq_plot", ImVec2(width, ImGui::GetFontSize() * 13.0f), axes, series);
  record_rect(app, "repr.eq");
  std::vector<Measured<Equivariance>> models;
  for (const auto& [f, e] : shown) models.push_back({repr_eq_checkpoint(f), e});
  if (!shown.empty())
    export_buttons(app, "equivariance", [&models] { return equivariance_csv(models); },
                   [&models, k = v.shift, L] { return equivariance_figure(models, k, L); });
  ImGui::TextWrapped("%s", tr(L, ReprText::EqHow));
  if (!shown.empty()) {
    ImGui::Spacing();
    ImGui::TextWrapped("%s", tr(L, ReprText::EqQuestion));
    for (const auto& [f, e] : shown) {
      const Result<double> err = mean_equivariance_error(*e, v.shift);
      const std::string name = repr_eq_checkpoint(f);
      const int images = static_cast<int>(e->images);
      const double changed = 100.0 * e->top1_changed[v.shift - 1];
      ImGui::TextWrapped("%s", err ? format_text(tr(L, ReprText::EqAnswer), name.c_str(), *err, v.shift, changed, images)
                                         .c_str()
                                   : format_text(tr(L, ReprText::EqAnswerNone), name.c_str(), v.shift, changed, images)
                                         .c_str());
    }
  }
  notice_caption(app, tr(L, ReprText::EqNotice));
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

}  // namespace

void panel_representations(AppState& app) {
  ImGui::TextWrapped("%s", tr(app.ui.language, ReprText::Intro));
  ImGui::Separator();
  const float fs = ImGui::GetFontSize(), gap = fs * 1.5f;
  const float width = ImGui::GetContentRegionAvail().x;
  const bool two = width >= fs * 56.0f;
  const float col = two ? (width - gap) * 0.5f : width;
  cka_section(app, col);
  if (two)
    ImGui::SameLine(0.0f, gap);
  else
    ImGui::Separator();
  skip_section(app, col);
  ImGui::Spacing();
  ImGui::Separator();
  eq_section(app, std::min(width, fs * 50.0f));
}

}  // namespace vc
