#include "ui/compare_view.h"

#include <memory>
#include <nlohmann/json.hpp>

#include "ui/model_store.h"
#include "ui/predictions_view.h"

namespace vc {

namespace {

using nlohmann::json;

constexpr int kMaxAccuracyImages = 10000;  // the test set's size: the most a link may ask for

// A piece's job holds its steps' state.
using PieceState = std::shared_ptr<CompareStep>;

// The backend is part of the key: the forward time depends on it.
std::string piece_key(const AppState& app, const ComparePiece& p) {
  return job_key("compare", p.name(), app.models.backend, kCompareImages);
}
std::string piece_slot(const ComparePiece& p) { return "compare." + p.name(); }
std::string remeasure_slot(int family) { return std::string("compare.accuracy.") + kFamilies[family]; }

// A loaded model of the store, or nullptr (nothing is requested).
const Model* loaded_model(const AppState& app, const std::string& name) {
  const ModelEntry* e = model_entry(app, name);
  return e && e->status == ModelEntry::Status::Ready ? e->model.get() : nullptr;
}

const Job& request_piece(AppState& app, const ComparePiece& piece, const Model* model, const Model* other) {
  const LabeledImages* set = &app.gallery.test_set;
  std::function<double()> now = job_clock(app);
  // The measurement lives with the step, made by its first call; it becomes the result once complete (the view reads
  // nothing of it before, and the step may run on the job thread).
  auto held = std::make_shared<PieceState>();
  return job_request(app, piece_slot(piece), piece_key(app, piece),
                     [piece, model, other, set, now, held](Job& job) {
                       if (!*held) {
                         Result<std::unique_ptr<CompareStep>> s =
                             make_compare_step(piece, *model, other, *set, kCompareImages, now);
                         if (!s) {
                           job.error = s.error().message;
                           return true;
                         }
                         *held = std::move(*s);
                       }
                       Result<bool> done = (*held)->step();
                       if (!done) {
                         job.error = done.error().message;
                         return true;
                       }
                       job.progress = (*held)->progress();
                       if (*done) job.result = *held;
                       return *done;
                     });
}

}  // namespace

CompareProgress compare_progress(const AppState& app) {
  CompareProgress p;
  for (int f = 0; f < kFamilyCount; ++f) {
    if (const Model* m = loaded_model(app, checkpoint_name(f, kDefaultScale))) add_model_facts(p.measures, f, *m);
    for (int s = 0; s < kDataScaleCount; ++s)
      if (const Model* m = loaded_model(app, checkpoint_name(f, s))) add_recorded_accuracy(p.measures, f, s, *m);
  }
  const std::vector<ComparePiece> pieces = compare_pieces();
  p.pieces = static_cast<int>(pieces.size());
  float progress = 0.0f;
  for (const ComparePiece& piece : pieces) {
    const Job* job = job_find(app, piece_key(app, piece));
    const JobView<PieceState> v = job_view<PieceState>(job);
    progress += v.ready() ? 1.0f : v.progress;
    if (v.failed()) p.errors.push_back(piece.name() + ": " + v.error);
    if (!v.ready()) continue;
    (*v.value)->write(p.measures);
    ++p.finished;
    p.busy_ms += job->busy_ms;
  }
  p.progress = p.pieces > 0 ? progress / static_cast<float>(p.pieces) : 1.0f;
  return p;
}

CompareProgress compare_measure(AppState& app) {
  for (int f = 0; f < kFamilyCount; ++f)
    for (int s = 0; s < kDataScaleCount; ++s) model_or_request(app, checkpoint_name(f, s));
  if (app.compare.measure && app.gallery.status == GalleryState::Status::Ready)
    for (const ComparePiece& piece : compare_pieces()) {
      const Model* model = loaded_model(app, checkpoint_name(piece.family, kDefaultScale));
      const Model* other = piece.other >= 0 ? loaded_model(app, checkpoint_name(piece.other, kDefaultScale)) : nullptr;
      if (model && (piece.other < 0 || other)) request_piece(app, piece, model, other);
    }
  return compare_progress(app);
}

std::array<DataScaleCurve, kFamilyCount> compare_remeasured(const AppState& app) {
  std::array<DataScaleCurve, kFamilyCount> out;
  for (int f = 0; f < kFamilyCount; ++f) {
    out[f].family = f;
    if (app.compare.accuracy_images <= 0) continue;
    for (int s = 0; s < kDataScaleCount; ++s)
      if (const JobView<AccuracyRun> v = accuracy_job(app, checkpoint_name(f, s), app.compare.accuracy_images);
          v.ready() && v.value->total > 0)
        out[f].points[s] = measured_accuracy(v.value->correct, v.value->total);
  }
  return out;
}

void compare_remeasure(AppState& app) {
  const int images = app.compare.accuracy_images;
  if (images <= 0 || app.gallery.status != GalleryState::Status::Ready) return;
  // One checkpoint per family at a time: the first share whose run is not finished.
  for (int f = 0; f < kFamilyCount; ++f)
    for (int s = 0; s < kDataScaleCount; ++s) {
      const std::string name = checkpoint_name(f, s);
      const JobView<AccuracyRun> v = accuracy_job(app, name, images);
      if (v.ready() || v.failed()) continue;
      if (const Model* m = model_or_request(app, name)) request_accuracy(app, remeasure_slot(f), name, m, images);
      break;
    }
}

void compare_cancel_remeasure(AppState& app) {
  for (int f = 0; f < kFamilyCount; ++f) job_cancel(app, remeasure_slot(f));
  app.compare.accuracy_images = 0;
}

std::string compare_view_state(const AppState& app) {
  std::string out;
  if (app.compare.measure) out += "&cmp.measure=1";
  if (app.compare.accuracy_images > 0) out += "&cmp.acc=" + std::to_string(app.compare.accuracy_images);
  return out;
}

bool apply_compare_view_key(AppState& app, const std::string& key, const std::string& value) {
  if (key == "cmp.measure") {
    if (value == "0" || value == "1") app.compare.measure = value == "1";
  } else if (key == "cmp.acc") {
    if (const int n = parse_count(value); n == 0)
      compare_cancel_remeasure(app);  // its runs stop with it
    else if (n > 0 && n <= kMaxAccuracyImages)
      app.compare.accuracy_images = n;
  } else {
    return false;
  }
  return true;
}

json compare_query(const AppState& app) {
  const CompareProgress p = compare_progress(app);
  const std::array<DataScaleCurve, kFamilyCount> recorded = data_scale_curves(p.measures);
  const std::array<DataScaleCurve, kFamilyCount> here = compare_remeasured(app);
  json remeasured = data_scale_json(here);
  remeasured["images"] = app.compare.accuracy_images;
  json cited = json::array();
  for (const CitedResult& c : cited_results())
    cited.push_back({{"model", c.model},
                     {"params_m", c.params_m},
                     {"gmacs", c.gflops},
                     {"top1", c.top1},
                     {"trained_on", c.pretrain},
                     {"source", c.source}});
  return {{"table", compare_json(compare_table(p.measures))},
          {"data_scale", data_scale_json(recorded)},
          {"remeasured", remeasured},
          {"measure", app.compare.measure},
          {"pieces", p.pieces},
          {"finished", p.finished},
          {"progress", p.progress},
          {"busy_ms", p.busy_ms},
          {"errors", p.errors},
          {"cited", {{"label", kCitedLabel}, {"rows", cited}}}};
}

}  // namespace vc
