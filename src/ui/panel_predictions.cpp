// The Predictions view: the top-3 classes of a ViT, a CNN, a hybrid and a ViT with relative-position bias (rvit)
// for the current input, with each model's forward time, a checkpoint (data-scale) selector per family, and a
// background job that measures accuracy on the first test images in the browser, next to the accuracy recorded in
// the weight file.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ui/predictions_view.h"

#include "analysis/compare.h"
#include "analysis/predictions.h"
#include "figures/prediction_figures.h"
#include "ui/jobs.h"
#include "ui/model_store.h"
#include "ui/text_predictions.h"
#include "ui/widgets.h"

namespace vc {

namespace {

using nlohmann::json;

constexpr int kTopK = 3;
constexpr int kAccuracyMaxBatch = 25;   // images per accuracy step, at most
constexpr double kAccuracyStepMs = 6.0;  // aim of one accuracy step, from the batch-1 forward time
constexpr int kAccuracyThreadBatch = 64;  // images per accuracy step on the job thread (ui/jobs.h job_step_size)

constexpr ImGuiTableFlags kTableFlags = ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchSame;

static_assert(std::tuple_size_v<decltype(PredictionsState::scale)> == kFamilyCount);

struct Prediction {
  std::vector<double> probs;
  double ms = 0.0;  // this forward's wall-clock time
};

std::string shown_name(const AppState& app, int family) {
  return family_checkpoint(app, family, app.predictions.scale[family]);
}

std::string prediction_key(const AppState& app, const std::string& name) {
  return job_key("predict", name, app.models.backend, "v", app.input.version);
}

// One forward of the current input (batch 1), timed; the time joins the model's running median when it finishes.
const Job& request_prediction(AppState& app, int family, const Model* model) {
  const std::string name = shown_name(app, family);
  std::function<double()> now = job_clock(app);
  return job_request(
      app, std::string("predict.") + kFamilies[family], prediction_key(app, name),
      [image = app.input.image, model, now](Job& job) {
        const Tensor x = make_input(image, 1, model->input_spec());
        const double t0 = now();
        const Result<Tensor> logits = model->forward(x, nullptr);
        const double ms = now() - t0;
        if (!logits) {
          job.error = logits.error().message;
          return true;
        }
        job.result = Prediction{softmax_probs(logits->data), ms};
        return true;
      },
      static_cast<int64_t>(app.input.version), [name](AppState& a, const Job& job) {
        if (const Prediction* p = std::any_cast<Prediction>(&job.result)) record_forward_ms(a, name, p->ms);
      });
}

// The classes whose bars are drawn: the top 3, largest first, or all 10 in class order (the same rows in every
// column, so the models can be read across).
std::vector<int> shown_classes(const AppState& app, const std::vector<double>& probs) {
  if (!app.predictions.all_classes) return top_classes(probs, kTopK);
  std::vector<int> all(probs.size());
  for (size_t c = 0; c < all.size(); ++c) all[c] = static_cast<int>(c);
  return all;
}

// The true class of the shown image: a test image as it is, else none (-1).
int shown_truth(const AppState& app) {
  return app.input.source == InputSource::Gallery && !app.input.edited ? app.input.gallery_label : -1;
}

// The label smoothing a shown model was trained with, as its file records it (none for a file that records none).
std::optional<LabelSmoothing> smoothing_of(const AppState& app, int family) {
  const ModelEntry* e = model_entry(app, shown_name(app, family));
  return e ? e->label_smoothing : std::nullopt;
}

// The help of the table: plain words and the formula, then why the top bar stops short of 100 %, with the label
// smoothing of the first shown model whose file records it.
std::string predictions_help(const AppState& app) {
  const Language L = app.ui.language;
  std::string help = tr(L, PredictionsText::Help);
  for (int f = 0; f < kFamilyCount; ++f)
    if (const std::optional<LabelSmoothing> s = smoothing_of(app, f))
      return help + "\n\n" +
             format_text(tr(L, PredictionsText::SmoothingHelp), 100.0 * s->target, family_label(L, f),
                         shown_name(app, f).c_str(), s->epsilon, s->classes, 100.0 * s->target);
  return help;
}

void draw_scale_selector(AppState& app, int family) {
  CheckpointSelectorStyle style;
  style.shipped_format = tr(app.ui.language, PredictionsText::ScaleOption);
  style.combo = true;
  checkpoint_selector(app, std::string("scale.") + kFamilies[family], family, &app.predictions.scale[family], style);
}

// The family's column: its classes' bars, forward time and label smoothing; returns the prediction once ready.
const Prediction* draw_prediction(AppState& app, int family, const Model* model) {
  const Language L = app.ui.language;
  const std::string name = shown_name(app, family);
  const Job& job = request_prediction(app, family, model);
  const JobView<Prediction> view = job_view<Prediction>(job);
  if (view.failed()) {
    ImGui::TextWrapped("%s", format_text(tr(L, PredictionsText::Failed), view.error.c_str()).c_str());
    return nullptr;
  }
  if (!view.ready()) {
    ImGui::TextDisabled("%s", tr(L, PredictionsText::Computing));
    return nullptr;
  }
  const Prediction* p = view.value;
  const int truth = shown_truth(app);
  for (int c : shown_classes(app, p->probs)) {
    const bool correct = c == truth;
    if (correct) ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ImVec4(0.25f, 0.65f, 0.3f, 1.0f));
    const std::string overlay = format_text("%s  %.1f %%", class_name(L, c), 100.0 * p->probs[c]);
    ImGui::ProgressBar(static_cast<float>(p->probs[c]), ImVec2(-1.0f, 0.0f), overlay.c_str());
    if (correct) ImGui::PopStyleColor();
  }
  if (app.predictions.all_classes)
    if (const std::optional<LabelSmoothing> s = smoothing_of(app, family))
      ImGui::TextWrapped(tr(L, PredictionsText::SmoothingLine), 100.0 * s->target, s->epsilon);
  const ModelEntry* e = model_entry(app, name);
  // Wrapped: a column is narrower than the line in narrow windows and at large scales.
  faint_text_wrapped(format_text(tr(L, PredictionsText::ForwardMs), median_forward_ms(app, name),
                                 app.models.backend.c_str(), e ? static_cast<int>(e->forward_ms.size()) : 0)
                         .c_str());
  return p;
}

// The PNG and CSV export of the shown models' probabilities (figures/prediction_figures.h).
void prediction_export(AppState& app, const std::vector<Measured<std::vector<double>>>& shown) {
  const Language L = app.ui.language;
  std::vector<std::string> classes;
  for (int c = 0; c < kClassCount; ++c) classes.emplace_back(class_name(L, c));
  const int truth = shown_truth(app);
  export_buttons(app, "predictions", [&] { return predictions_csv(shown, classes); },
                 [&] { return predictions_figure(shown, classes, truth, L); });
}

// The width of the kernels choice: its label, a radio button per kernel table and the help marker, with the spacing
// between them.
float backend_choice_width(Language L) {
  const ImGuiStyle& style = ImGui::GetStyle();
  float w = ImGui::CalcTextSize(tr(L, PredictionsText::Backend)).x + ImGui::CalcTextSize("(?)").x;
  for (const KernelTable* t : kernel_tables())
    w += style.ItemSpacing.x + ImGui::GetFrameHeight() + style.ItemInnerSpacing.x + ImGui::CalcTextSize(t->name).x;
  return w + style.ItemSpacing.x;
}

void draw_accuracy(AppState& app, int family, const Model* model) {
  const Language L = app.ui.language;
  if (const Result<MeasuredAccuracy> recorded = recorded_accuracy(model->metadata_json()); recorded)
    ImGui::TextWrapped(tr(L, PredictionsText::AccRecorded), 100.0 * recorded->accuracy,
                       static_cast<int>(recorded->samples));
  if (!app.predictions.accuracy_requested || app.gallery.status != GalleryState::Status::Ready) return;
  const JobView<AccuracyRun> view = job_view<AccuracyRun>(request_accuracy(
      app, std::string("accuracy.") + kFamilies[family], shown_name(app, family), model, app.predictions.accuracy_images));
  const AccuracyRun* r = view.value;
  if (view.failed()) {
    ImGui::TextWrapped("%s", view.error.c_str());
  } else if (view.running()) {
    ImGui::ProgressBar(view.progress, ImVec2(-1.0f, 0.0f),
                       format_text("%d / %d", r ? r->done : 0, r ? r->total : 0).c_str());
    record_rect(app, std::string("progress.accuracy.") + kFamilies[family]);
  } else if (r && r->total > 0) {
    const MeasuredAccuracy a = measured_accuracy(r->correct, r->total);
    ImGui::TextWrapped(tr(L, PredictionsText::AccMeasured), 100.0 * a.accuracy, 100.0 * a.standard_error, r->correct,
                       r->total);
  }
}

}  // namespace

void panel_predictions(AppState& app) {
  const Language L = app.ui.language;
  ImGui::TextUnformatted(tr(L, app.predictions.all_classes ? PredictionsText::TitleAll : PredictionsText::Title));
  ImGui::SameLine();
  help_marker(predictions_help(app).c_str());
  ImGui::SameLine();
  ImGui::Checkbox(tr(L, PredictionsText::AllClasses), &app.predictions.all_classes);
  record_rect(app, "predictions.all_classes");
  same_line_if_fits(backend_choice_width(L), ImGui::GetFontSize() * 2.0f);
  ImGui::TextUnformatted(tr(L, PredictionsText::Backend));
  ImGui::SameLine();
  for (const KernelTable* t : kernel_tables()) {  // xnnpack only in the desktop app
    if (ImGui::RadioButton(t->name, app.models.backend == t->name)) set_backend(app, t->name);
    record_rect(app, std::string("backend.") + t->name);
    ImGui::SameLine();
  }
  help_marker(tr(L, PredictionsText::BackendHelp));
  if (app.input.source == InputSource::Gallery && !app.input.edited && app.input.gallery_label >= 0)
    ImGui::TextDisabled(tr(L, PredictionsText::TrueClass), class_name(L, app.input.gallery_label),
                        app.input.gallery_index);

  std::vector<Measured<std::vector<double>>> shown;  // the ready predictions, for the export
  ImGui::BeginGroup();
  if (ImGui::BeginTable("##predictions", kFamilyCount, kTableFlags)) {
    for (int f = 0; f < kFamilyCount; ++f) {
      ImGui::TableNextColumn();
      ImGui::PushID(f);
      ImGui::TextUnformatted(family_label(L, f));
      const std::string checkpoint = "(" + shown_name(app, f) + ")";
      same_line_if_fits(ImGui::CalcTextSize(checkpoint.c_str()).x);
      ImGui::TextDisabled("%s", checkpoint.c_str());
      draw_scale_selector(app, f);
      if (const Model* model = model_or_request(app, shown_name(app, f))) {
        if (const Prediction* p = draw_prediction(app, f, model)) shown.push_back({shown_name(app, f), &p->probs});
      } else {
        ImGui::TextWrapped("%s", model_status_text(app, shown_name(app, f)).c_str());
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  ImGui::EndGroup();
  record_rect(app, "predictions.table");
  if (!shown.empty()) prediction_export(app, shown);
  notice_caption(app, tr(app.ui.language, PredictionsText::Notice));

  ImGui::Separator();
  ImGui::TextUnformatted(tr(L, PredictionsText::AccTitle));
  ImGui::SameLine();
  help_marker(tr(L, PredictionsText::AccHelp));
  bool running = false;
  for (const char* family : kFamilies) running = running || job_running(app, std::string("accuracy.") + family);
  if (app.gallery.status != GalleryState::Status::Ready) {
    ImGui::TextDisabled("%s", tr(L, TextId::GalleryLoading));
  } else if (!app.predictions.accuracy_requested) {
    const int n = std::min(app.predictions.accuracy_images, app.gallery.test_set.count);
    if (ImGui::Button(format_text(tr(L, PredictionsText::AccStart), n).c_str()))
      app.predictions.accuracy_requested = true;
    record_rect(app, "button.accuracy");
  } else if (running) {
    if (ImGui::Button(tr(L, PredictionsText::AccCancel))) {
      app.predictions.accuracy_requested = false;
      for (const char* family : kFamilies) job_cancel(app, std::string("accuracy.") + family);
    }
    record_rect(app, "button.accuracy_cancel");
  }
  ImGui::BeginGroup();
  if (ImGui::BeginTable("##accuracy", kFamilyCount, kTableFlags)) {
    for (int f = 0; f < kFamilyCount; ++f) {
      ImGui::TableNextColumn();
      ImGui::PushID(f);
      ImGui::TextUnformatted(family_label(L, f));
      if (const ModelEntry* e = model_entry(app, shown_name(app, f)); e && e->model)
        draw_accuracy(app, f, e->model.get());
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  ImGui::EndGroup();
  record_rect(app, "accuracy.table");
  notice_caption(app, tr(app.ui.language, PredictionsText::AccNotice));
}

json predictions_query(const AppState& app) {
  json models = json::array();
  for (int f = 0; f < kFamilyCount; ++f) {
    const std::string name = shown_name(app, f);
    json m = {{"name", name}, {"input_version", app.input.version}, {"backend", app.models.backend}};
    const JobView<Prediction> view = job_view<Prediction>(job_find(app, prediction_key(app, name)));
    const Prediction* p = view.value;
    if (const std::optional<LabelSmoothing> s = smoothing_of(app, f))
      m["label_smoothing"] = {{"epsilon", s->epsilon}, {"target", s->target}};
    m["ready"] = view.ready();
    if (view.failed()) m["error"] = view.error;
    if (view.ready()) {
      m["probs"] = p->probs;
      const std::vector<int> top = top_classes(p->probs, kTopK);
      m["top"] = top;
      json top_probs = json::array();
      for (int c : top) top_probs.push_back(p->probs[c]);
      m["top_probs"] = top_probs;
      m["ms"] = p->ms;
      m["median_ms"] = median_forward_ms(app, name);
    }
    models.push_back(m);
  }
  return json{{"models", models}, {"all_classes", app.predictions.all_classes}};
}

json accuracy_query(const AppState& app) {
  json models = json::array();
  for (int f = 0; f < kFamilyCount; ++f) {
    const std::string name = shown_name(app, f);
    const Job* job = job_find(app, accuracy_key(name, app.predictions.accuracy_images));
    const JobView<AccuracyRun> view = job_view<AccuracyRun>(job);
    const AccuracyRun* r = view.value;
    models.push_back({{"name", name},
                      {"correct", r ? r->correct : 0},
                      {"n", r ? r->done : 0},
                      {"total", r ? r->total : 0},
                      {"done", job && job->done},
                      {"compute_ms", job ? job->busy_ms : 0.0},
                      {"error", view.error}});
  }
  return json{{"requested", app.predictions.accuracy_requested}, {"models", models}};
}

std::string accuracy_key(const std::string& checkpoint, int images) { return job_key("accuracy", checkpoint, images); }

// A batch per step: in time slices sized from the batch-1 forward time so a step stays near kAccuracyStepMs, on the
// job thread kAccuracyThreadBatch.
const Job& request_accuracy(AppState& app, const std::string& slot, const std::string& checkpoint, const Model* model,
                            int images) {
  const LabeledImages* set = &app.gallery.test_set;
  const int total = std::min(images, set->count);
  const double per_image = median_forward_ms(app, checkpoint);
  const int sliced = per_image > 0.0 ? std::clamp(static_cast<int>(kAccuracyStepMs / per_image), 1, kAccuracyMaxBatch)
                                     : kAccuracyMaxBatch;
  const int batch = job_step_size(app, sliced, kAccuracyThreadBatch);
  return job_request(app, slot, accuracy_key(checkpoint, images), [set, model, total, batch](Job& job) {
    if (!job.result.has_value()) job.result = AccuracyRun{0, 0, total};
    AccuracyRun& r = std::any_cast<AccuracyRun&>(job.result);
    const int count = std::min(batch, r.total - r.done);
    const Result<Tensor> logits = model->forward(test_set_input(*set, r.done, count, model->input_spec()), nullptr);
    if (!logits) {
      job.error = logits.error().message;
      return true;
    }
    r.correct += count_correct(*logits, std::span(set->labels).subspan(r.done, count));
    r.done += count;
    job.progress = static_cast<float>(r.done) / static_cast<float>(r.total);
    return r.done >= r.total;
  });
}

JobView<AccuracyRun> accuracy_job(const AppState& app, const std::string& checkpoint, int images) {
  return job_view<AccuracyRun>(job_find(app, accuracy_key(checkpoint, images)));
}

}  // namespace vc
