// The Attention view: a layers x heads grid of CLS maps over the input, one of them enlarged (hover a patch to see
// that patch's own attention; rollout toggle), and the mean attention distance of every head against depth, for
// this image or averaged over test images, with a second checkpoint of the data-scale series overlaid (and rvit's
// control). For vit and rvit, "where does locality come from?": rvit's bias kernel next to each of its maps, the
// position-embedding similarity map, and what the heads of both families do on this image.
#include <imgui.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "analysis/position.h"
#include "figures/attention_figures.h"
#include "ui/attention_view.h"
#include "ui/jobs.h"
#include "ui/model_store.h"
#include "ui/plot.h"
#include "ui/text_attention.h"
#include "ui/widgets.h"

namespace vc {

namespace {

constexpr int kAverageChoices[] = {100, 300, 1000};
constexpr ImU32 kMainColor = IM_COL32(90, 170, 255, 255);
constexpr ImU32 kCompareColor = IM_COL32(255, 150, 60, 255);
constexpr ImU32 kControlColor = IM_COL32(120, 200, 110, 255);
constexpr ImU32 kHoverColor = IM_COL32(255, 60, 60, 255);

// The square [origin, origin + side] of a map drawn over the model's input.
struct MapPlacement {
  ImVec2 origin;
  float side = 0;
};

// The top of a map's colour range: the shared one when every map uses one scale, else the map's own largest value.
float colour_max(const Tensor& map, std::optional<float> shared) {
  if (shared) return *shared;
  return map.data.empty() ? 0.0f : *std::max_element(map.data.begin(), map.data.end());
}

// Draws the model input (the 28x28 image zero-padded as the model sees it) with `map` over it, coloured from 0 to
// `vmax`, and outlines `patch` when it is >= 0.
void draw_map_over_input(ImDrawList* dl, const MapPlacement& at, const AppState& app, const InputSpec& spec,
                         const Tensor& map, float vmax, int grid, int patch) {
  const float px = at.side / static_cast<float>(spec.size);
  dl->AddRectFilled(at.origin, ImVec2(at.origin.x + at.side, at.origin.y + at.side), IM_COL32(0, 0, 0, 255));
  draw_gray_image(dl, ImVec2(at.origin.x + spec.pad * px, at.origin.y + spec.pad * px), px, app.input.image.data(),
                  kInputSide);
  draw_heatmap(dl, at.origin, at.side, map.data, grid, vmax, app.attention.opacity);
  if (patch < 0) return;
  const float cell = at.side / static_cast<float>(grid);
  const ImVec2 p(at.origin.x + (patch % grid) * cell, at.origin.y + (patch / grid) * cell);
  dl->AddRect(p, ImVec2(p.x + cell, p.y + cell), kHoverColor, 0.0f, 0, 2.0f);
}

// The patch under the mouse when the last item (a map of `side` at `origin`) is hovered; else -1.
int hovered_patch(const MapPlacement& at, int grid) {
  if (!ImGui::IsItemHovered()) return -1;
  const ImVec2 m = ImGui::GetIO().MousePos;
  const int x = static_cast<int>((m.x - at.origin.x) / at.side * grid);
  const int y = static_cast<int>((m.y - at.origin.y) / at.side * grid);
  return x >= 0 && x < grid && y >= 0 && y < grid ? y * grid + x : -1;
}

// "The attention could not be computed: <why>" when the job failed; true then.
template <class T>
bool job_error_line(const AppState& app, const JobView<T>& job) {
  if (!job.failed()) return false;
  ImGui::TextWrapped("%s", format_text(tr(app.ui.language, AttentionText::Failed), job.error.c_str()).c_str());
  return true;
}

void model_row(AppState& app) {
  const Language L = app.ui.language;
  AttentionViewState& v = app.attention;
  ImGui::TextUnformatted(tr(L, AttentionText::Model));
  for (int f : {0, 3, 2, 1}) {  // vit, rvit, hybrid, cnn
    ImGui::SameLine();
    if (ImGui::RadioButton(family_label(L, f), v.family == f)) v.family = f;
    record_rect(app, std::string("attention.model.") + kFamilies[f]);
  }
  if (attention_family_is_cnn(app)) return;
  ImGui::TextUnformatted(tr(L, AttentionText::Checkpoint));
  ImGui::SameLine();
  checkpoint_selector(app, "attention.scale", v.family, &v.scale);
}

// "32 x 32 image, 4 x 4 px cells -> 8 x 8 = 64 patch tokens + CLS = 65", from the model's own sizes.
void token_line(const AppState& app, const Model& model, const AttentionImage& a) {
  const AttentionDistance& d = a.distance;
  const Language L = app.ui.language;
  const int patches = d.grid * d.grid;
  ImGui::TextUnformatted(format_text(tr(L, AttentionText::Tokens), model.image_size(), model.image_size(), d.cell_px,
                                     d.cell_px, d.grid, d.grid, patches, patches + 1)
                             .c_str());
  ImGui::SameLine();
  const AttentionText help = model.arch() != Arch::Hybrid ? AttentionText::TokensHelpVit : AttentionText::TokensHelpHybrid;
  help_marker(format_text(tr(L, help), model.input_spec().pad, d.cell_px, d.cell_px, d.grid, d.grid, patches,
                          patches + 1).c_str());
}

// rvit's kernel of (layer, head) as a small image at the cursor (relative_bias_weights of relative_bias_kernel),
// with the raw bias of the offset under the mouse in a tooltip.
void bias_kernel_image(AppState& app, const Tensor& kernel, int layer, int head, float side) {
  const Language L = app.ui.language;
  const int n = static_cast<int>(kernel.dim(0)), centre = n / 2;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::PushID(layer * 1000 + head);
  ImGui::InvisibleButton("##kernel", ImVec2(side, side));
  ImGui::PopID();
  record_rect(app, "attention.kernel." + std::to_string(layer) + "." + std::to_string(head));
  const Tensor w = relative_bias_weights(kernel);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_heatmap(dl, origin, side, w.data, n, 1.0f, 1.0f);
  const float cell = side / static_cast<float>(n);
  const ImVec2 c(origin.x + centre * cell, origin.y + centre * cell);
  dl->AddRect(c, ImVec2(c.x + cell, c.y + cell), IM_COL32(255, 255, 255, 160));  // the query's own cell
  if (!ImGui::IsItemHovered()) return;
  const ImVec2 m = ImGui::GetIO().MousePos;
  const int x = std::clamp(static_cast<int>((m.x - origin.x) / cell), 0, n - 1);
  const int y = std::clamp(static_cast<int>((m.y - origin.y) / cell), 0, n - 1);
  ImGui::SetTooltip("%s", format_text(tr(L, AttentionText::KernelTooltip), layer + 1, head + 1, y - centre, x - centre,
                                      kernel.data[y * n + x], w.data[y * n + x]).c_str());
}

// What the maps show, for their slide figures (figures/attention_figures.h).
AttentionMaps shown_maps(const AppState& app, const Model& model, const AttentionImage& a, int shown_patch,
                         std::optional<float> shared) {
  return {&a,
          attention_checkpoint(app),
          model_view(app.input.image, kInputSide, model.input_spec()),
          model.input_spec().size,
          shown_patch,
          shared ? std::optional<double>(*shared) : std::nullopt,
          app.attention.opacity};
}

// The layers x heads grid of small maps; a click enlarges a cell, hovering a patch sets *hover. For an rvit,
// each map has its head's bias kernel beside it.
void map_grid(AppState& app, const Model& model, const AttentionImage& a, int shown_patch, std::optional<float> shared,
              int* hover) {
  const AttentionDistance& d = a.distance;
  const Language L = app.ui.language;
  AttentionViewState& v = app.attention;
  const float side = model.input_spec().size * std::max(1.5f, 1.75f * ui_scale());
  const float label_w = ImGui::CalcTextSize("L00").x;
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const Result<BiasKernels> kernels = relative_bias_kernels(model);
  const bool with_kernels = kernels && kernels->layers == d.layers && kernels->heads == d.heads;
  const float kernel_side = 0.75f * side;
  const float column = side + gap + (with_kernels ? kernel_side + gap : 0.0f);
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + label_w + d.heads * column);
  help_marker(tr(L, AttentionText::GridHelp));
  ImGui::SameLine();
  ImGui::TextWrapped("%s", shown_patch < 0 ? tr(L, AttentionText::GridTitle)
                                           : format_text(tr(L, AttentionText::GridTitlePatch), shown_patch / d.grid + 1,
                                                         shown_patch % d.grid + 1).c_str());
  if (with_kernels) {
    ImGui::TextWrapped("%s", tr(L, AttentionText::KernelLine));
    ImGui::SameLine();
    help_marker(tr(L, AttentionText::KernelHelp));
  }
  ImGui::Dummy(ImVec2(label_w, 0.0f));
  for (int h = 0; h < d.heads; ++h) {
    ImGui::SameLine(label_w + gap + h * column);
    ImGui::Text("H%d", h + 1);
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (int l = 0; l < d.layers; ++l) {
    ImGui::AlignTextToFramePadding();
    ImGui::Text("L%d", l + 1);
    for (int h = 0; h < d.heads; ++h) {
      ImGui::SameLine(label_w + gap + h * column);
      const MapPlacement at{ImGui::GetCursorScreenPos(), side};
      ImGui::PushID(l * d.heads + h);
      if (ImGui::InvisibleButton("##cell", ImVec2(side, side))) {
        v.layer = l;
        v.head = h;
      }
      ImGui::PopID();
      record_rect(app, "attention.cell." + std::to_string(l) + "." + std::to_string(h));
      if (const int p = hovered_patch(at, d.grid); p >= 0) {
        *hover = p;
        ImGui::SetTooltip("%s\n%s", format_text(tr(L, AttentionText::LayerHead), l + 1, h + 1).c_str(),
                          format_text(tr(L, AttentionText::DistanceValue), d.px[l * d.heads + h]).c_str());
      }
      Result<Tensor> map = attention_map(a, l, h, false, shown_patch);
      if (map) draw_map_over_input(dl, at, app, model.input_spec(), *map, colour_max(*map, shared), d.grid, shown_patch);
      if (l == v.layer && h == v.head)
        dl->AddRect(ImVec2(at.origin.x - 2, at.origin.y - 2), ImVec2(at.origin.x + side + 2, at.origin.y + side + 2),
                    ImGui::GetColorU32(ImGuiCol_PlotHistogram), 0.0f, 0, 2.0f);
      if (with_kernels) {
        ImGui::SameLine(label_w + gap + h * column + side + gap);
        bias_kernel_image(app, kernels->kernels[l * d.heads + h], l, h, kernel_side);
      }
    }
  }
  const auto grid_figure = [&] { return attention_grid_figure(shown_maps(app, model, a, shown_patch, shared), L); };
  export_buttons(app, "attention_grid", [&] { return maps_csv(grid_figure()); }, grid_figure);
  if (with_kernels && app.platform.save_file) {  // on the grid's export line
    ImGui::SameLine();
    ImGui::TextDisabled("%s", tr(L, AttentionText::KernelExport));
    ImGui::SameLine();
    const auto kernels_figure = [&] { return bias_kernels_figure(*kernels, attention_checkpoint(app), L); };
    export_buttons(app, "attention_bias_kernels", [&] { return maps_csv(kernels_figure()); }, kernels_figure);
  }
  notice_caption(app, tr(app.ui.language, AttentionText::GridNotice));
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

// The selected cell (or the rollout) enlarged, with its legend, the opacity slider and the rollout toggle.
float enlarged_map_side(const Model& model) { return model.input_spec().size * 7.0f * ui_scale(); }

void enlarged_map(AppState& app, const Model& model, const AttentionImage& a, int shown_patch,
                  std::optional<float> shared, int* hover) {
  const AttentionDistance& d = a.distance;
  const Language L = app.ui.language;
  AttentionViewState& v = app.attention;
  const float side = enlarged_map_side(model);
  ImGui::BeginGroup();
  ImGui::PushItemWidth(side * 0.5f);
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + side);
  const std::string title = v.rollout ? format_text(tr(L, AttentionText::RolloutTitle), v.layer + 1)
                                      : format_text(tr(L, AttentionText::LayerHead), v.layer + 1, v.head + 1);
  ImGui::TextUnformatted(title.c_str());
  const MapPlacement at{ImGui::GetCursorScreenPos(), side};
  ImGui::InvisibleButton("##enlarged", ImVec2(side, side));
  record_rect(app, "attention.map");
  if (const int p = hovered_patch(at, d.grid); p >= 0) *hover = p;
  Result<Tensor> map = attention_map(a, v.layer, v.head, v.rollout, shown_patch);
  if (map) {
    const float vmax = colour_max(*map, shared);
    draw_map_over_input(ImGui::GetWindowDrawList(), at, app, model.input_spec(), *map, vmax, d.grid, shown_patch);
    if (shared) ImGui::TextWrapped("%s", format_text(tr(L, AttentionText::SharedScaleLegend), vmax).c_str());
    colormap_legend("##legend", 0.0f, vmax, "%.3f", side);
    record_rect(app, "attention.legend");
    const auto map_figure = [&] {
      return attention_map_figure(shown_maps(app, model, a, shown_patch, shared), v.layer, v.head, v.rollout, L);
    };
    export_buttons(app, "attention_map", [&] { return maps_csv(map_figure()); }, map_figure);
  }
  ImGui::TextWrapped("%s", shown_patch < 0 ? tr(L, AttentionText::ShowingCls)
                                           : format_text(tr(L, AttentionText::ShowingPatch), shown_patch / d.grid + 1,
                                                         shown_patch % d.grid + 1).c_str());
  ImGui::SliderFloat(tr(L, AttentionText::Opacity), &v.opacity, 0.0f, 1.0f, "%.2f");
  record_rect(app, "attention.opacity");
  ImGui::Checkbox(tr(L, AttentionText::Rollout), &v.rollout);
  record_rect(app, "attention.rollout");
  ImGui::SameLine();
  help_marker(tr(L, AttentionText::RolloutHelp));
  ImGui::Checkbox(tr(L, AttentionText::SharedScale), &v.shared_scale);
  record_rect(app, "attention.shared_scale");
  ImGui::SameLine();
  help_marker(tr(L, AttentionText::SharedScaleHelp));
  notice_caption(app, tr(app.ui.language, v.rollout ? AttentionText::RolloutNotice : AttentionText::MapNotice));
  ImGui::PopTextWrapPos();
  ImGui::PopItemWidth();
  ImGui::EndGroup();
}

// Dots (one per head, spread a little around x = layer) and the mean over heads as a line, in one legend entry
// named `data` ("100 % of the data").
void add_distance_series(std::vector<PlotSeries>& out, const AppState& app, const AttentionDistance& d,
                         const std::string& data, ImU32 color) {
  const Language L = app.ui.language;
  PlotSeries heads{"", color, PlotSeries::Style::Dots, {}, {}, {}};
  PlotSeries mean{data, color, PlotSeries::Style::Line, {}, {}, {}};
  for (int l = 0; l < d.layers; ++l) {
    for (int h = 0; h < d.heads; ++h) {
      heads.x.push_back(l + 1 + 0.08 * (h - 0.5 * (d.heads - 1)));
      heads.y.push_back(d.px[l * d.heads + h]);
      heads.point_labels.push_back(data + ", " + format_text(tr(L, AttentionText::LayerHead), l + 1, h + 1));
    }
    mean.x.push_back(l + 1);
    mean.y.push_back(layer_head_mean(d, l));
    mean.point_labels.push_back(format_text(tr(L, AttentionText::LayerMean), l + 1));
  }
  out.push_back(std::move(mean));
  out.push_back(std::move(heads));
}

// The distances of one checkpoint for the plot's source (this image, or the running test-set mean); nullopt
// while they are not available, with a status line or progress bar drawn instead.
std::optional<AttentionDistance> distances_for(AppState& app, const std::string& role, const std::string& name) {
  const Language L = app.ui.language;
  const AttentionViewState& v = app.attention;
  const Model* model = model_or_request(app, name);
  if (!model) {
    ImGui::TextWrapped("%s", model_status_text(app, name).c_str());
    return std::nullopt;
  }
  if (!v.average) {
    request_attention_image(app, role, model, name);
    job_error_line(app, attention_image_job(app, name));
    const AttentionImage* a = latest_attention_image(app, name);
    return a ? std::optional<AttentionDistance>(a->distance) : std::nullopt;
  }
  if (app.gallery.status != GalleryState::Status::Ready) {
    ImGui::TextDisabled("%s", tr(L, TextId::GalleryLoading));
    return std::nullopt;
  }
  const JobView<AttentionAverage> job =
      job_view<AttentionAverage>(request_attention_average(app, role, model, name, v.average_images));
  const AttentionAverage* r = job.value;
  job_error_line(app, job);
  if (job.running()) {
    ImGui::ProgressBar(job.progress, ImVec2(ImGui::GetFontSize() * 16.0f, 0.0f),
                       format_text(tr(L, AttentionText::Averaging), name.c_str(), r ? r->done : 0,
                                   r ? r->total : v.average_images).c_str());
    record_rect(app, "attention.progress." + role);
  }
  if (!r) return std::nullopt;
  Result<AttentionDistance> m = r->mean.mean();
  return m ? std::optional<AttentionDistance>(std::move(m).value()) : std::nullopt;
}

// The distance section in a column `width` wide; `shown` (the shown image's distances) gives the sizes.
void distance_plot(AppState& app, const AttentionDistance& shown, float width) {
  const Language L = app.ui.language;
  AttentionViewState& v = app.attention;
  Result<double> uniform = uniform_attention_distance_px(shown.grid, shown.cell_px);
  const double uniform_px = uniform ? *uniform : 0.0;
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextUnformatted(tr(L, AttentionText::DistanceTitle));
  ImGui::SameLine();
  help_marker(
      format_text(tr(L, AttentionText::DistanceHelp), shown.cell_px, uniform_px, shown.grid, shown.grid).c_str());
  if (ImGui::RadioButton(tr(L, AttentionText::ThisImage), !v.average)) v.average = false;
  record_rect(app, "attention.source.image");
  ImGui::SameLine();
  if (ImGui::RadioButton(tr(L, AttentionText::TestImages), v.average)) v.average = true;
  record_rect(app, "attention.source.average");
  for (int n : kAverageChoices) {
    ImGui::SameLine();
    ImGui::RadioButton(std::to_string(n).c_str(), &v.average_images, n);
    record_rect(app, "attention.average." + std::to_string(n));
  }
  ImGui::TextUnformatted(tr(L, AttentionText::Compare));
  checkpoint_selector(app, "attention.compare", v.family, &v.compare_scale,
                      {.none_label = tr(L, AttentionText::None)});
  if (v.family == kRvitFamily) {
    ImGui::TextUnformatted(tr(L, AttentionText::Control));
    ImGui::PushID("control");
    ImGui::RadioButton(tr(L, AttentionText::None), &v.control_scale, -1);
    record_rect(app, "attention.control.none");
    for (int s : kControlScales) {
      ImGui::SameLine();
      ImGui::RadioButton(format_text("%d %%", data_scale_percent(s)).c_str(), &v.control_scale, s);
      record_rect(app, std::string("attention.control.") + kDataScales[s]);
    }
    ImGui::PopID();
  }

  std::vector<PlotSeries> series;
  const double local_px = kLocalFraction * uniform_px;
  std::string local_counts;  // "100 % of the data: 1 of 8, ..."
  const std::string name = attention_checkpoint(app), compare = attention_compare_checkpoint(app),
                    control = attention_control_checkpoint(app);
  std::vector<std::pair<std::string, AttentionDistance>> plotted;  // for the export
  auto add = [&](const std::string& role, const std::string& checkpoint, AttentionText label, int scale, ImU32 color) {
    const std::optional<AttentionDistance> d = distances_for(app, role, checkpoint);
    if (!d) return;
    plotted.emplace_back(checkpoint, *d);
    const std::string data = family_slot_label(app, v.family, scale, tr(L, label));
    add_distance_series(series, app, *d, data, color);
    local_counts += (local_counts.empty() ? "" : ", ") +
                    format_text(tr(L, AttentionText::LocalCount), data.c_str(), local_heads(*d, kEarlyLayers, local_px),
                                std::min(kEarlyLayers, d->layers) * d->heads);
  };
  add("main", name, AttentionText::SeriesData, v.scale, kMainColor);
  if (!compare.empty()) add("compare", compare, AttentionText::SeriesData, v.compare_scale, kCompareColor);
  if (!control.empty()) add("control", control, AttentionText::SeriesControl, v.control_scale, kControlColor);
  double y_max = uniform_px;
  for (const PlotSeries& s : series)
    for (double y : s.y) y_max = std::max(y_max, y);
  const ImU32 faint = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const double x_max = shown.layers + 0.5;
  series.push_back({tr(L, AttentionText::SeriesUniform), faint, PlotSeries::Style::Dashed, {0.5, x_max},
                    {uniform_px, uniform_px}, {}});
  series.push_back({format_text(tr(L, AttentionText::SeriesLocal), 100.0 * kLocalFraction), faint,
                    PlotSeries::Style::Dotted, {0.5, x_max}, {local_px, local_px}, {}});
  PlotAxes axes{tr(L, AttentionText::AxisLayer), tr(L, AttentionText::AxisDistance), 0.5, x_max, 0.0,
                nice_ceiling(y_max * 1.1), true};
  plot_series("##distance", ImVec2(std::min(width, ImGui::GetFontSize() * 46.0f), ImGui::GetFontSize() * 17.0f), axes,
              series);
  record_rect(app, "attention.distance_plot");
  std::vector<Measured<AttentionDistance>> models;
  for (const auto& [checkpoint, d] : plotted) models.push_back({checkpoint, &d});
  if (!plotted.empty())
    export_buttons(
        app, "attention_distance", [&models] { return distance_csv(models); },
        [&models, uniform_px, images = v.average ? v.average_images : 0, L] {
          return distance_figure(models, uniform_px, images, L);
        });
  if (!local_counts.empty())
    ImGui::TextWrapped("%s", format_text(tr(L, AttentionText::LocalHeads), kEarlyLayers, local_px,
                                         local_counts.c_str()).c_str());
  notice_caption(app, tr(app.ui.language, AttentionText::DistanceNotice));
  ImGui::PopTextWrapPos();
}

// "Where does locality come from?" (vit and rvit): for both families at this data scale, how many of this image's
// heads are local and how far any head gets from uniform attention; the question; and the shown model's
// position-embedding similarity for the hovered patch (else the centre one), over the input.
void locality_section(AppState& app, const Model& model, int* hover) {
  const Language L = app.ui.language;
  const std::string other = attention_other_checkpoint(app);
  if (const Model* m = model_or_request(app, other)) request_attention_image(app, "other", m, other);
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + ImGui::GetFontSize() * 34.0f);
  ImGui::TextUnformatted(tr(L, AttentionText::LocalityTitle));
  ImGui::SameLine();
  help_marker(tr(L, AttentionText::LocalityHelp));
  for (int f : {kVitFamily, kRvitFamily}) {
    const std::string name = attention_locality_checkpoint(app, f);
    const char* family = family_label(L, f);
    const std::optional<Locality> l = image_locality(app, name);
    ImGui::Bullet();
    ImGui::TextWrapped("%s", l ? format_text(tr(L, AttentionText::LocalityLine), family, name.c_str(), l->local_heads,
                                             l->heads, l->threshold_px, l->uniform_px, l->farthest_from_uniform_px)
                                     .c_str()
                               : format_text(tr(L, AttentionText::LocalityPending), family, name.c_str()).c_str());
  }
  ImGui::TextWrapped("%s", tr(L, AttentionText::LocalityQuestion));
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
  record_rect(app, "attention.locality");

  const Result<int> grid = position_grid(model);
  if (!grid) return;
  const int patch = position_patch(app, *grid);
  Result<Tensor> similarity = position_embedding_similarity(model, patch);
  if (!similarity) return;
  const float side = model.input_spec().size * 5.0f * ui_scale(), width = std::max(side, ImGui::GetFontSize() * 22.0f);
  same_line_if_fits(width, ImGui::GetFontSize() * 1.5f);
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextWrapped("%s", format_text(tr(L, AttentionText::PosSimTitle), patch / *grid + 1, patch % *grid + 1).c_str());
  ImGui::SameLine();
  help_marker(format_text(tr(L, AttentionText::PosSimHelp), *grid * *grid).c_str());
  const MapPlacement at{ImGui::GetCursorScreenPos(), side};
  ImGui::InvisibleButton("##position_similarity", ImVec2(side, side));
  record_rect(app, "attention.position_similarity");
  if (const int p = hovered_patch(at, *grid); p >= 0) *hover = p;
  const auto figure = [&, cosine = *similarity] {
    return position_similarity_figure(cosine, *grid, patch, attention_checkpoint(app), L);
  };
  for (float& s : similarity->data) s = 0.5f * (s + 1.0f);  // cosine [-1, 1] onto the colormap's [0, 1]
  // The patch's similarity with itself is 1, the range's top.
  draw_map_over_input(ImGui::GetWindowDrawList(), at, app, model.input_spec(), *similarity, 1.0f, *grid, patch);
  colormap_legend("##position_legend", -1.0f, 1.0f, "%.0f", side);
  export_buttons(app, "position_similarity", [&] { return maps_csv(figure()); }, figure);
  notice_caption(app, tr(L, AttentionText::PosSimNotice));
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

}  // namespace

void panel_attention(AppState& app) {
  const Language L = app.ui.language;
  AttentionViewState& v = app.attention;
  const int shown_patch = v.hover_patch;  // hover found last frame; this frame's is found while drawing
  int hover = -1;
  model_row(app);
  ImGui::Separator();
  const auto finish = [&] { v.hover_patch = hover; };
  if (attention_family_is_cnn(app)) {
    ImGui::TextWrapped("%s", tr(L, AttentionText::CnnNote));
    // Leads to the Receptive field view with the cnn chosen there.
    if (ImGui::Button(tr(L, AttentionText::CnnToReceptiveField))) {
      app.receptive_field.family = v.family;
      app.ui.requested_tab = view_index("receptive_field");
    }
    record_rect(app, "attention.to_receptive_field");
    return finish();
  }
  const std::string name = attention_checkpoint(app);
  const Model* model = model_or_request(app, name);
  if (!model) {
    ImGui::TextWrapped("%s", model_status_text(app, name).c_str());
    return finish();
  }
  request_attention_image(app, "main", model, name);
  const AttentionImage* a = latest_attention_image(app, name);  // the last input's while this one computes
  if (job_error_line(app, attention_image_job(app, name))) return finish();
  if (!a) {
    ImGui::TextDisabled("%s", tr(L, AttentionText::Computing));
    return finish();
  }
  v.layer = std::clamp(v.layer, 0, a->distance.layers - 1);
  v.head = std::clamp(v.head, 0, a->distance.heads - 1);
  token_line(app, *model, *a);
  const int patch = shown_patch < a->distance.grid * a->distance.grid ? shown_patch : -1;
  const std::optional<float> shared =
      v.shared_scale ? std::optional<float>(shared_map_max(*a, v.layer, v.head, v.rollout, patch)) : std::nullopt;
  map_grid(app, *model, *a, patch, shared, &hover);
  const float gap = ImGui::GetFontSize() * 1.5f;
  same_line_if_fits(enlarged_map_side(*model), gap);
  enlarged_map(app, *model, *a, patch, shared, &hover);
  // The distance plot in a third column when it fits, else below the maps.
  const float room = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x - ImGui::GetItemRectMax().x - gap;
  if (room >= ImGui::GetFontSize() * 24.0f) {
    ImGui::SameLine(0.0f, gap);
    ImGui::BeginGroup();
    distance_plot(app, a->distance, room);
    ImGui::EndGroup();
  } else {
    ImGui::Separator();
    distance_plot(app, a->distance, ImGui::GetContentRegionAvail().x);
  }
  if (v.family == kVitFamily || v.family == kRvitFamily) {
    ImGui::Separator();
    locality_section(app, *model, &hover);
  }
  finish();
}

}  // namespace vc
