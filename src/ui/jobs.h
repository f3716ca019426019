// Time-sliced jobs: heavy work cut into bounded steps (one batch, one image, one layer) that lab_frame runs
// within a per-frame time budget (measured with Platform::now_ms), so the UI keeps drawing. Every frame runs at least
// one step; running jobs take turns (round robin).
//
// The budget: at least JobsState::budget_ms, grown so that jobs get kJobShare of the wall-clock time whatever a frame
// costs outside them: budget = kJobShare / (1 - kJobShare) x the time outside the steps between two frames that ran
// steps (drawing, the browser's compositing, waiting for the display; smoothed), at most kMaxJobBudgetMs. Where a
// frame costs 2 ms (a GPU) that is about a frame's interval; where it costs 40 ms (software WebGL in headless
// Chromium) about 160 ms. Beyond budget_ms only short steps fill it: a step that took kLongStepMs or more last time
// (a CKA chunk, an ERF map) runs alone in its frame, so such jobs still draw a frame per step. Within kInteractiveMs
// of the user's last input (JobsState::input_ms) the budget stays at budget_ms: the UI answers at full speed while
// someone uses it, and jobs take their share when nobody does.
//
// Where the platform has threads (Platform::job_thread: the desktop app, the page's threaded module) the steps run on
// a thread of their own instead, one after another, and the UI thread only draws and dispatches: jobs_run hands the
// jobs over and collects their progress and results (ui/job_thread.h). Everything below holds in both modes.
//
// A job has a slot (who wants it: one running job per slot) and a key (what it computes from: model names,
// input version, settings). Requesting a slot with a different key cancels the old job; finished jobs are
// cached by key (the newest kJobCachePerSlot of each slot), so going back to earlier settings is instant. A job tied
// to an input version is dropped, running or finished, as soon as the input changes: versions only grow, so its key
// can never be asked for again.
//
// How to use it from a panel (every frame; the step is only used when the job starts):
//   const std::string key = job_key("cka", "vit_p100", "v", app.input.version);  // "cka/vit_p100/v/7"
//   const Job& job = job_request(app, "cka.vit", key, [model](Job& j) {
//     if (!j.result.has_value()) j.result = CkaPartial{};        // state lives in j.result (std::any)
//     auto& r = std::any_cast<CkaPartial&>(j.result);
//     ...one bounded piece of work...;  j.progress = r.done / float(r.total);
//     return r.done == r.total;                                   // true: finished (also after setting j.error)
//   }, app.input.version);                                        // optional: cancel when the input changes
//   const JobView<CkaPartial> r = job_view<CkaPartial>(job);
//   if (r.failed()) show(r.error);                               // the step's error, or a result of the wrong type
//   else if (r.ready()) draw(*r.value);
//   else ImGui::ProgressBar(r.progress);
// Captured pointers must outlive the job: models from the model store and the gallery's test set do.
#pragma once
#include <any>
#include <concepts>
#include <string>
#include <string_view>
#include <typeinfo>

#include "ui/app_state.h"

namespace vc {

inline constexpr size_t kJobCachePerSlot = 16;
inline constexpr double kJobShare = 0.8;           // of the wall-clock time, while jobs run
inline constexpr double kMaxJobBudgetMs = 250.0;   // a frame at least every quarter second (plus one step)
inline constexpr double kLongStepMs = 25.0;
inline constexpr double kInteractiveMs = 500.0;
inline constexpr double kProgressFrameS = 0.25;    // frames while only the job thread works (lab_frame_hold_s)
inline constexpr size_t kFrameTimesKept = 600;     // JobsState::busy_frame_ms

// The job for `key`: the cached result if it finished before, the running one in `slot` if its key matches,
// or a new job started with `step` (replacing the slot's job). input_version >= 0 ties it to that input;
// on_finish (Job::on_finish) changes the lab's state with the result, on the UI thread.
const Job& job_request(AppState& app, const std::string& slot, const std::string& key, Job::Step step,
                       int64_t input_version = -1, Job::OnFinish on_finish = nullptr);
// The running or finished job with this key, or nullptr.
const Job* job_find(const AppState& app, const std::string& key);
// The running job of a slot, or nullptr.
const Job* job_running(const AppState& app, const std::string& slot);
void job_cancel(AppState& app, const std::string& slot);
// Cancels every running job and returns once none of their steps runs any more (the job thread's step in progress
// ends first): what the steps use (a model's kernels) may then change. The views ask again for what they show.
void jobs_stop_all(AppState& app);
// Frees every cached result, as eviction would (running jobs go on); a view asks again for what it shows. The heap
// this frees is what the cache held (lab_forget_results: tests/browser/long_use.mjs measures it).
void jobs_forget_finished(AppState& app);
// Runs job steps within the frame budget (sized as above, kept in JobsState::frame_budget_ms); drops jobs (running or
// finished) whose input changed. Called once per frame by lab_frame.
void jobs_run(AppState& app);

// After each frame, with the UI thread's time for it (ms: the lab's frame, rendering included): kept while jobs run
// (JobsState::busy_frame_ms); with the job thread, the jobs the views asked for in the frame are handed over now.
void jobs_frame_drawn(AppState& app, double ms);

// The platform's clock for a step that times itself: a copy (a step may run on the job thread), 0 without one.
inline std::function<double()> job_clock(const AppState& app) {
  return app.platform.now_ms ? app.platform.now_ms : [] { return 0.0; };
}

// How much one step of a job takes on: `sliced` where steps share the UI thread's frames (a frame waits for them: keep
// them short), `threaded` on the job thread (bigger batches use the kernels and their threads better; a withdrawn
// job still ends its step in progress, so keep them well under a second).
inline int job_step_size(const AppState& app, int sliced, int threaded) { return app.jobs.thread ? threaded : sliced; }

// A job's cache key: what it computes from, the parts joined by '/'; numbers are written in decimal.
// job_key("attention.image", "vit_p100", "v", 12) == "attention.image/vit_p100/v/12". Every view builds its keys
// with it, so a key names its parts in one format.
inline std::string job_key_part(std::string_view s) { return std::string(s); }
inline std::string job_key_part(std::integral auto n) { return std::to_string(n); }
template <class... Parts>
std::string job_key(std::string_view what, const Parts&... parts) {
  std::string key(what);
  ((key += '/', key += job_key_part(parts)), ...);
  return key;
}

// "expected <T>, got <U>": the message of a job whose result holds another type than the view reads.
std::string job_type_error(const std::type_info& expected, const std::type_info& got);

// What a view can show of a job whose result has type T.
template <class T>
struct JobView {
  enum class Status { None, Running, Failed, Ready };
  Status status = Status::None;  // None: never requested, or evicted from the cache
  const T* value = nullptr;      // Ready: the result; Running or Failed: the partial result, if any
  float progress = 0.0f;         // [0, 1]
  std::string error;             // Failed: the step's message, or what the wrong result type was
  bool ready() const { return status == Status::Ready; }
  bool running() const { return status == Status::Running; }
  bool failed() const { return status == Status::Failed; }
};

// A finished job is Ready only with a result of type T; a result of another type is Failed (a wrong type never
// looks like "still computing"), as is a finished job without a result or with an error.
template <class T>
JobView<T> job_view(const Job* job) {
  JobView<T> v;
  if (!job) return v;
  v.progress = job->progress;
  v.value = std::any_cast<T>(&job->result);
  if (job->result.has_value() && !v.value) {
    v.status = JobView<T>::Status::Failed;
    v.error = "job " + job->key + ": " + job_type_error(typeid(T), job->result.type());
  } else if (!job->error.empty()) {
    v.status = JobView<T>::Status::Failed;
    v.error = job->error;
  } else if (!job->done) {
    v.status = JobView<T>::Status::Running;
  } else if (!v.value) {
    v.status = JobView<T>::Status::Failed;
    v.error = "job " + job->key + " finished without a result";
  } else {
    v.status = JobView<T>::Status::Ready;
  }
  return v;
}
template <class T>
JobView<T> job_view(const Job& job) {
  return job_view<T>(&job);
}

}  // namespace vc
