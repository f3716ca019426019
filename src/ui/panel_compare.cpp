// The Compare view: (a) the course texts' concepts, CNN against ViT, each with a link to the view that shows it;
// (b) the table measured here, in this page, on our four families (compare_view.cpp runs its pieces as jobs); (c) the
// literature's ImageNet table, labelled as cited; and next to it the data-scale plot (accuracy against the share of
// training data, one line per family, standard-error bars).
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <string>
#include <vector>

#include "figures/compare_figures.h"
#include "ui/compare_view.h"
#include "ui/model_store.h"
#include "ui/plot.h"
#include "ui/text_compare.h"
#include "ui/widgets.h"

namespace vc {

namespace {

constexpr ImGuiTableFlags kTableFlags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg |
                                        ImGuiTableFlags_SizingStretchProp;
constexpr int kRemeasureImages = 1000;  // the button's N: the Predictions view's accuracy run

// One colour per family, in kFamilies order.
ImU32 family_color(int family) {
  constexpr ImU32 kColors[] = {IM_COL32(90, 170, 255, 255), IM_COL32(240, 90, 80, 255), IM_COL32(90, 200, 110, 255),
                               IM_COL32(190, 120, 255, 255)};
  static_assert(std::size(kColors) == kFamilyCount);
  return kColors[family];
}

// A view to open from the concept table.
enum class Target { ReceptiveFieldCnn, ReceptiveFieldVitFirst, Representations, AttentionVit, AttentionRvit, Plot,
                    Predictions };

struct Concept {
  const char* key;  // rect "compare.link.<key>"
  CompareText name, cnn, vit, link;
  Target target;
};
constexpr Concept kConcepts[] = {
    {"locality", CompareText::LocalityName, CompareText::LocalityCnn, CompareText::LocalityVit,
     CompareText::OpenReceptiveField, Target::ReceptiveFieldCnn},
    {"equivariance", CompareText::EquivarianceName, CompareText::EquivarianceCnn, CompareText::EquivarianceVit,
     CompareText::OpenRepresentations, Target::Representations},
    {"global", CompareText::GlobalName, CompareText::GlobalCnn, CompareText::GlobalVit,
     CompareText::OpenReceptiveField, Target::ReceptiveFieldVitFirst},
    {"structure", CompareText::StructureName, CompareText::StructureCnn, CompareText::StructureVit,
     CompareText::OpenAttention, Target::AttentionVit},
    {"position", CompareText::PositionName, CompareText::PositionCnn, CompareText::PositionVit,
     CompareText::OpenAttention, Target::AttentionRvit},
    {"data", CompareText::DataName, CompareText::DataCnn, CompareText::DataVit, CompareText::OpenPlot, Target::Plot},
    {"cost", CompareText::CostName, CompareText::CostCnn, CompareText::CostVit, CompareText::OpenPredictions,
     Target::Predictions},
};

// Opens the view that shows a concept, in the state that shows it.
void open_target(AppState& app, Target t) {
  switch (t) {
    case Target::ReceptiveFieldCnn:
    case Target::ReceptiveFieldVitFirst: {
      ReceptiveFieldViewState& rf = app.receptive_field;
      const bool vit = t == Target::ReceptiveFieldVitFirst;
      rf.family = vit ? kVitFamily : kCnnFamily;
      rf.scale = kDefaultScale;
      rf.untrained = false;
      rf.layer = vit ? "blocks.0" : "";  // the vit's first block; the cnn's last layer
      rf.unit.reset();
      app.ui.requested_tab = view_index("receptive_field");
      return;
    }
    case Target::Representations:
      app.ui.requested_tab = view_index("representations");
      return;
    case Target::AttentionVit:
    case Target::AttentionRvit:
      app.attention.family = t == Target::AttentionVit ? kVitFamily : kRvitFamily;
      app.attention.scale = kDefaultScale;
      app.ui.requested_tab = view_index("attention");
      return;
    case Target::Plot:
      app.compare.scroll_to_plot = true;
      return;
    case Target::Predictions:
      app.ui.requested_tab = view_index("predictions");
      return;
  }
}

// A section title with its help marker.
void title(const char* text, const char* help) {
  ImGui::TextUnformatted(text);
  ImGui::SameLine();
  help_marker(help);
}

TextTable concepts_table(Language L) {
  TextTable t{{tr(L, CompareText::ColConcept), tr(L, CompareText::ColCnn), tr(L, CompareText::ColVit)}, {}};
  for (const Concept& c : kConcepts) t.rows.push_back({tr(L, c.name), tr(L, c.cnn), tr(L, c.vit)});
  return t;
}

// The "See it" column fits its widest button.
float see_column_width(Language L) {
  float widest = button_width(tr(L, CompareText::ColSee));
  for (const Concept& c : kConcepts) widest = std::max(widest, button_width(tr(L, c.link)));
  return widest;
}

void concepts(AppState& app) {
  const Language L = app.ui.language;
  title(tr(L, CompareText::ConceptsTitle), tr(L, CompareText::ConceptsHelp));
  ImGui::TextWrapped("%s", tr(L, CompareText::ConceptsHow));
  if (ImGui::BeginTable("##concepts", 4, kTableFlags)) {
    ImGui::TableSetupColumn(tr(L, CompareText::ColConcept), ImGuiTableColumnFlags_WidthStretch, 0.8f);
    ImGui::TableSetupColumn(tr(L, CompareText::ColCnn), ImGuiTableColumnFlags_WidthStretch, 2.0f);
    ImGui::TableSetupColumn(tr(L, CompareText::ColVit), ImGuiTableColumnFlags_WidthStretch, 2.0f);
    ImGui::TableSetupColumn(tr(L, CompareText::ColSee), ImGuiTableColumnFlags_WidthFixed, see_column_width(L));
    table_headers_wrapped();
    for (const Concept& c : kConcepts) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextWrapped("%s", tr(L, c.name));
      ImGui::TableNextColumn();
      ImGui::TextWrapped("%s", tr(L, c.cnn));
      ImGui::TableNextColumn();
      ImGui::TextWrapped("%s", tr(L, c.vit));
      ImGui::TableNextColumn();
      ImGui::PushID(c.key);
      if (ImGui::SmallButton(tr(L, c.link))) open_target(app, c.target);
      record_rect(app, std::string("compare.link.") + c.key);
      ImGui::PopID();
    }
    ImGui::EndTable();
    record_rect(app, "compare.concepts");  // the table's outer rectangle
  }
  table_export_buttons(app, "compare_concepts", [L] { return table_csv(concepts_table(L)); },
                       [L] { return table_markdown(concepts_table(L)); });
  notice_caption(app, tr(L, CompareText::ConceptsNotice));
}

// A row of table (b) in the UI language.
std::string row_label(Language L, const std::string& key) {
  const std::string shift = std::to_string(kCompareShiftPx);
  if (key == "params") return tr(L, CompareText::RowParams);
  if (key == "macs") return tr(L, CompareText::RowMacs);
  if (key == "forward_ms") return tr(L, CompareText::RowForward);
  if (key.rfind("accuracy_", 0) == 0)
    return format_text(tr(L, CompareText::RowAccuracy), data_scale_percent(data_scale_index(key.substr(9))));
  if (key == "attention_first_px") return tr(L, CompareText::RowAttentionFirst);
  if (key == "attention_last_px") return tr(L, CompareText::RowAttentionLast);
  if (key == "trf_last_px") return tr(L, CompareText::RowTrf);
  if (key == "erf_r90_last_px") return tr(L, CompareText::RowErf);
  if (key == "equivariance_error_k" + shift) return format_text(tr(L, CompareText::RowEquivariance), kCompareShiftPx);
  if (key == "top1_changed_k" + shift) return format_text(tr(L, CompareText::RowTop1), kCompareShiftPx);
  if (key.rfind("cka_last_", 0) == 0) return format_text(tr(L, CompareText::RowCka), family_label(L, family_index(key.substr(9))));
  return key;
}

// The measured answer, once its pieces are there.
void measured_answer(const AppState& app, const CompareMeasures& m) {
  const Language L = app.ui.language;
  const FamilyMeasures &vit = m.families[kVitFamily], &cnn = m.families[kCnnFamily];
  ImGui::TextWrapped("%s", tr(L, CompareText::MeasuredQuestion));
  if (vit.attention_first_px && cnn.erf_r90_px && cnn.equivariance_error && vit.equivariance_error &&
      cnn.top1_changed && vit.top1_changed)
    ImGui::TextWrapped("%s", format_text(tr(L, CompareText::MeasuredAnswer), *vit.attention_first_px,
                                         *cnn.erf_r90_px, kCompareShiftPx, *cnn.equivariance_error,
                                         *vit.equivariance_error, 100.0 * *cnn.top1_changed,
                                         100.0 * *vit.top1_changed)
                                 .c_str());
}

void measured(AppState& app, const CompareProgress& p) {
  const Language L = app.ui.language;
  title(tr(L, CompareText::MeasuredTitle), format_text(tr(L, CompareText::MeasuredHelp), kCompareImages).c_str());
  ImGui::TextWrapped("%s", tr(L, CompareText::MeasuredHow));
  if (!app.compare.measure) {
    if (ImGui::Button(format_text(tr(L, CompareText::Measure), kCompareImages).c_str())) app.compare.measure = true;
    record_rect(app, "compare.measure");
    ImGui::SameLine();
    help_marker(tr(L, CompareText::MeasureHelp));
  } else if (app.gallery.status != GalleryState::Status::Ready || !default_models_ready(app))
    ImGui::TextDisabled("%s", tr(L, CompareText::Waiting));
  else if (p.finished < p.pieces)
    ImGui::ProgressBar(p.progress, ImVec2(ImGui::GetFontSize() * 22.0f, 0.0f),
                       format_text(tr(L, CompareText::Progress), p.finished, p.pieces).c_str());
  else
    ImGui::TextDisabled("%s", format_text(tr(L, CompareText::Finished), p.pieces, p.busy_ms / 1000.0).c_str());
  record_rect(app, "compare.progress");
  for (const std::string& e : p.errors) ImGui::TextWrapped("%s", e.c_str());

  const CompareTable table = compare_table(p.measures);
  const TextTable text = compare_text_table(table);
  if (ImGui::BeginTable("##measured", 1 + kFamilyCount, kTableFlags)) {
    ImGui::TableSetupColumn(tr(L, CompareText::ColMeasurement), ImGuiTableColumnFlags_WidthStretch, 2.4f);
    for (int f = 0; f < kFamilyCount; ++f)
      ImGui::TableSetupColumn(format_text("%s (%s)", family_label(L, f), table.checkpoints[f].c_str()).c_str(),
                              ImGuiTableColumnFlags_WidthStretch, 1.0f);
    table_headers_wrapped();
    for (size_t r = 0; r < table.rows.size(); ++r) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextWrapped("%s", row_label(L, table.rows[r].key).c_str());
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", table.rows[r].label.c_str());
      for (int f = 0; f < kFamilyCount; ++f) {
        ImGui::TableNextColumn();
        const std::string& cell = text.rows[r][1 + f];
        if (table.rows[r].values[f])
          ImGui::TextUnformatted(cell.c_str());
        else
          ImGui::TextDisabled("%s", cell.c_str());
      }
    }
    ImGui::EndTable();
    record_rect(app, "compare.measured");
  }
  table_export_buttons(app, "compare_measured", [text] { return table_csv(text); },
                       [text] { return table_markdown(text); });
  measured_answer(app, p.measures);
  notice_caption(app, tr(L, CompareText::MeasuredNotice));
}

constexpr CompareText kCitedColumns[] = {CompareText::ColModel, CompareText::ColParams,    CompareText::ColGmacs,
                                         CompareText::ColTop1,  CompareText::ColTrainedOn, CompareText::ColSource};

// The cited table's number columns (params, multiply-adds, top-1) keep the width of their widest word, header
// included, so no header word is cut; the text columns share the rest.
bool is_cited_number_column(int c) { return c >= 1 && c <= 3; }

float widest_word(const std::string& text) {
  float widest = 0.0f;
  for (size_t begin = 0; begin < text.size();) {
    const size_t end = std::min(text.find(' ', begin), text.size());
    widest = std::max(widest, ImGui::CalcTextSize(text.data() + begin, text.data() + end).x);
    begin = end + 1;
  }
  return widest;
}

float cited_column_width(Language L, const TextTable& t, int c) {
  float widest = widest_word(tr(L, kCitedColumns[c]));
  for (const std::vector<std::string>& row : t.rows) widest = std::max(widest, ImGui::CalcTextSize(row[c].c_str()).x);
  return widest;
}

// The narrowest the cited table can be: its number columns, and each text column as wide as its widest word.
float cited_min_width(Language L, const TextTable& t) {
  float w = 0.0f;
  for (int c = 0; c < 6; ++c) {
    float col = cited_column_width(L, t, c);
    if (!is_cited_number_column(c))
      for (const std::vector<std::string>& row : t.rows) col = std::max(col, widest_word(row[c]));
    w += col + ImGui::GetStyle().CellPadding.x * 2.0f;
  }
  return w;
}

void cited(AppState& app, const TextTable& t, float width) {
  const Language L = app.ui.language;
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  title(tr(L, CompareText::CitedTitle), tr(L, CompareText::CitedHelp));
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(240, 200, 60, 255));
  ImGui::TextWrapped("%s", tr(L, CompareText::CitedLabel));
  ImGui::PopStyleColor();
  ImGui::TextWrapped("%s", tr(L, CompareText::CitedHow));
  if (ImGui::BeginTable("##cited", 6, kTableFlags, ImVec2(width, 0.0f))) {
    for (int c = 0; c < 6; ++c)
      if (is_cited_number_column(c))
        ImGui::TableSetupColumn(tr(L, kCitedColumns[c]), ImGuiTableColumnFlags_WidthFixed, cited_column_width(L, t, c));
      else
        ImGui::TableSetupColumn(tr(L, kCitedColumns[c]), ImGuiTableColumnFlags_WidthStretch);
    ImGui::PushTextWrapPos(0.0f);  // text wraps in its cell, not at the section's wrap position
    table_headers_wrapped();
    for (const std::vector<std::string>& row : t.rows) {
      ImGui::TableNextRow();
      for (const std::string& cell : row) {
        ImGui::TableNextColumn();
        ImGui::TextWrapped("%s", cell.c_str());
      }
    }
    ImGui::PopTextWrapPos();
    ImGui::EndTable();
    record_rect(app, "compare.cited");
  }
  table_export_buttons(app, "compare_cited", [] { return table_csv(cited_table()); },
                       [] { return "**" + std::string(kCitedLabel) + "**\n\n" + table_markdown(cited_table()); });
  notice_caption(app, tr(L, CompareText::CitedNotice));
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

// The re-measure button, or its progress and a stop button.
void remeasure_row(AppState& app, std::span<const DataScaleCurve> here) {
  const Language L = app.ui.language;
  CompareViewState& v = app.compare;
  if (v.accuracy_images <= 0) {
    if (ImGui::SmallButton(format_text(tr(L, CompareText::Remeasure), kRemeasureImages).c_str()))
      v.accuracy_images = kRemeasureImages;
    record_rect(app, "compare.remeasure");
    ImGui::SameLine();
    help_marker(tr(L, CompareText::RemeasureHelp));
    return;
  }
  int done = 0;
  for (const DataScaleCurve& c : here)
    for (const std::optional<MeasuredAccuracy>& p : c.points) done += p.has_value();
  const int total = kFamilyCount * kDataScaleCount;
  if (done < total) {
    ImGui::ProgressBar(static_cast<float>(done) / total, ImVec2(ImGui::GetFontSize() * 16.0f, 0.0f),
                       format_text(tr(L, CompareText::Remeasuring), done, total).c_str());
    record_rect(app, "compare.remeasure.progress");
    ImGui::SameLine();
    if (ImGui::SmallButton(tr(L, CompareText::RemeasureCancel))) compare_cancel_remeasure(app);
    record_rect(app, "compare.remeasure.cancel");
  } else {
    ImGui::TextDisabled("%s", format_text(tr(L, CompareText::Remeasured), done, total, v.accuracy_images).c_str());
  }
}

void data_scale_plot(AppState& app, const CompareMeasures& m, float width) {
  const Language L = app.ui.language;
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  if (app.compare.scroll_to_plot) {
    ImGui::SetScrollHereY(0.0f);
    app.compare.scroll_to_plot = false;
  }
  title(tr(L, CompareText::PlotTitle), tr(L, CompareText::PlotHelp));
  ImGui::TextWrapped("%s", tr(L, CompareText::PlotHow));
  compare_remeasure(app);
  const std::array<DataScaleCurve, kFamilyCount> recorded = data_scale_curves(m);
  const std::array<DataScaleCurve, kFamilyCount> here = compare_remeasured(app);
  std::vector<PlotSeries> series;
  double lo = 100.0, hi = 0.0;
  for (const auto& [curves, style, images] :
       {std::tuple{&recorded, PlotSeries::Style::Line, 0}, std::tuple{&here, PlotSeries::Style::Dashed, 1}})
    for (const DataScaleCurve& c : *curves) {
      const std::string fam = family_label(L, c.family);
      PlotSeries s{"", family_color(c.family), style, {}, {}, {}, {}};
      int samples = 0;
      for (int i = 0; i < kDataScaleCount; ++i)
        if (const std::optional<MeasuredAccuracy>& p = c.points[i]) {
          s.x.push_back(data_scale_percent(i));
          s.y.push_back(100.0 * p->accuracy);
          s.y_err.push_back(100.0 * p->standard_error);
          s.point_labels.push_back(format_text(tr(L, CompareText::PointShare), data_scale_percent(i)));
          samples = static_cast<int>(p->samples);
          lo = std::min(lo, s.y.back() - s.y_err.back());
          hi = std::max(hi, s.y.back() + s.y_err.back());
        }
      if (s.x.empty()) continue;
      s.label = format_text(tr(L, images ? CompareText::SeriesHere : CompareText::SeriesRecorded), fam.c_str(),
                            samples);
      series.push_back(std::move(s));
    }
  const double y_min = series.empty() ? 0.0 : std::max(0.0, std::floor(lo / 5.0) * 5.0);
  const double y_max = series.empty() ? 100.0 : std::min(100.0, std::ceil(hi / 5.0) * 5.0);
  PlotAxes axes{tr(L, CompareText::AxisShare), tr(L, CompareText::AxisAccuracy), 0.8, 125.0, y_min, y_max, false};
  axes.log_x = true;
  for (int i = 0; i < kDataScaleCount; ++i) axes.x_ticks.push_back(data_scale_percent(i));
  plot_series("##data_scale", ImVec2(width, ImGui::GetFontSize() * 20.0f), axes, series);
  record_rect(app, "compare.data_scale");
  export_buttons(
      app, "compare_data_scale", [recorded, here] { return data_scale_csv(recorded, here); },
      [recorded, here, L] { return data_scale_figure(recorded, here, L); });
  remeasure_row(app, here);
  ImGui::TextWrapped("%s", tr(L, CompareText::PlotQuestion));
  if (Result<DataScaleFinding> f = data_scale_finding(recorded[kVitFamily], recorded[kCnnFamily]); f) {
    const CompareText answer = f->outcome == DataScaleFinding::Outcome::VitGainsMore   ? CompareText::AnswerVitMore
                               : f->outcome == DataScaleFinding::Outcome::CnnGainsMore ? CompareText::AnswerCnnMore
                                                                                       : CompareText::AnswerNoDifference;
    ImGui::TextWrapped("%s %s",
                       format_text(tr(L, answer), 100.0 * f->vit.gain, 100.0 * f->vit.standard_error,
                                   100.0 * f->cnn.gain, 100.0 * f->cnn.standard_error, 100.0 * std::fabs(f->difference))
                           .c_str(),
                       format_text(tr(L, CompareText::AnswerGap), 100.0 * f->gap_low, 100.0 * f->gap_high).c_str());
  }
  notice_caption(app, tr(L, CompareText::PlotNotice));
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

}  // namespace

void panel_compare(AppState& app) {
  const Language L = app.ui.language;
  ImGui::TextWrapped("%s", tr(L, CompareText::Intro));
  const CompareProgress p = compare_measure(app);
  concepts(app);
  ImGui::Spacing();
  ImGui::Separator();
  measured(app, p);
  ImGui::Spacing();
  ImGui::Separator();
  // The cited table and the data-scale plot side by side when both fit (the table at least as wide as its widest
  // words, the plot 24 em), else one under the other.
  const float fs = ImGui::GetFontSize(), gap = fs * 1.5f, width = ImGui::GetContentRegionAvail().x;
  const TextTable cited_rows = cited_table();
  const float table_w = std::max((width - gap) * 0.5f, cited_min_width(L, cited_rows));
  const bool side_by_side = width - gap - table_w >= fs * 24.0f;
  cited(app, cited_rows, side_by_side ? table_w : width);
  if (side_by_side) ImGui::SameLine(0.0f, gap);
  data_scale_plot(app, p.measures, std::min(side_by_side ? width - gap - table_w : width, fs * 46.0f));
}

}  // namespace vc
