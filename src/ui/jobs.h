// Time-sliced jobs: heavy work cut into bounded steps (one batch, one image, one layer) that lab_frame runs
// within a per-frame time budget (JobsState::budget_ms, measured with Platform::now_ms), so the UI keeps its
// frame rate. Every frame runs at least one step; running jobs take turns (round robin).
//
// A job has a slot (who wants it: one running job per slot) and a key (what it computes from: model names,
// input version, settings). Requesting a slot with a different key cancels the old job; finished jobs are
// cached by key (the newest kJobCachePerSlot of each slot), so going back to an earlier input is instant.
//
// How to use it from a panel (every frame; the step is only used when the job starts):
//   const std::string key = "cka/vit_p100/v" + std::to_string(app.input.version);
//   const Job& job = job_request(app, "cka.vit", key, [model](Job& j) {
//     if (!j.result.has_value()) j.result = CkaPartial{};        // state lives in j.result (std::any)
//     auto& r = std::any_cast<CkaPartial&>(j.result);
//     ...one bounded piece of work...;  j.progress = r.done / float(r.total);
//     return r.done == r.total;                                   // true: finished (also after setting j.error)
//   }, app.input.version);                                        // optional: cancel when the input changes
//   if (const CkaPartial* r = job_result<CkaPartial>(job)) draw(*r);
//   else ImGui::ProgressBar(job.progress);
// Captured pointers must outlive the job: models from the model store and the gallery's test set do.
#pragma once
#include <any>
#include <string>

#include "ui/app_state.h"

namespace vc {

inline constexpr size_t kJobCachePerSlot = 16;

// The job for `key`: the cached result if it finished before, the running one in `slot` if its key matches,
// or a new job started with `step` (replacing the slot's job). input_version >= 0 ties it to that input.
const Job& job_request(AppState& app, const std::string& slot, const std::string& key, Job::Step step,
                       int64_t input_version = -1);
// The running or finished job with this key, or nullptr.
const Job* job_find(const AppState& app, const std::string& key);
// The running job of a slot, or nullptr.
const Job* job_running(const AppState& app, const std::string& slot);
void job_cancel(AppState& app, const std::string& slot);
// Runs job steps within the frame budget; drops jobs whose input changed. Called once per frame by lab_frame.
void jobs_run(AppState& app);

// The finished result of a job (nullptr while it runs, after an error, or if it holds another type).
template <class T>
const T* job_result(const Job* job) {
  return job && job->done && job->error.empty() ? std::any_cast<T>(&job->result) : nullptr;
}
template <class T>
const T* job_result(const Job& job) {
  return job_result<T>(&job);
}
// The result so far, finished or not (nullptr before the first step or if it holds another type).
template <class T>
const T* job_partial(const Job* job) {
  return job ? std::any_cast<T>(&job->result) : nullptr;
}
template <class T>
const T* job_partial(const Job& job) {
  return job_partial<T>(&job);
}

}  // namespace vc
