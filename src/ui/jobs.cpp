#include "ui/jobs.h"

#include <algorithm>
#include <cstdlib>
#include <cxxabi.h>
#include <memory>

#include "ui/job_thread.h"

namespace vc {

namespace {

// Caps the steps of one frame when the clock does not advance (a test platform's now_ms may be constant).
constexpr int kMaxStepsPerFrame = 256;

double now(const AppState& app) { return app.platform.now_ms ? app.platform.now_ms() : 0.0; }

// Sizes this frame's budget (jobs.h) from the time the previous frame spent outside its steps, when it ran any.
void update_frame_budget(JobsState& jobs, double start_ms) {
  if (jobs.last_run_start_ms >= 0.0) {
    // One slow frame (a hidden tab, a collection) moves the estimate by a quarter of at most kMaxJobBudgetMs.
    const double outside = std::clamp(start_ms - jobs.last_run_start_ms - jobs.last_run_ms, 0.0, kMaxJobBudgetMs);
    jobs.outside_ms += 0.25 * (outside - jobs.outside_ms);
  }
  const bool interactive = start_ms - jobs.input_ms < kInteractiveMs;
  const double grown = interactive ? 0.0 : kJobShare / (1.0 - kJobShare) * jobs.outside_ms;
  jobs.frame_budget_ms = std::max(jobs.budget_ms, std::min(grown, kMaxJobBudgetMs));
}

// Keeps the newest kJobCachePerSlot finished jobs of each slot, so one busy view cannot evict another's.
void cache_finished(JobsState& jobs, Job job) {
  const std::string key = job.key, slot = job.slot;
  std::erase(jobs.finished_order, key);
  jobs.finished_order.push_back(key);
  jobs.finished[key] = std::move(job);
  size_t same_slot = 0;
  for (const std::string& k : jobs.finished_order) same_slot += jobs.finished.at(k).slot == slot;
  if (same_slot <= kJobCachePerSlot) return;
  for (auto it = jobs.finished_order.begin(); it != jobs.finished_order.end(); ++it)
    if (jobs.finished.at(*it).slot == slot) {
      jobs.finished.erase(*it);
      jobs.finished_order.erase(it);
      return;
    }
}

// The readable name of a type ("vc::Prediction"), or the compiler's name when it cannot be demangled.
std::string type_name(const std::type_info& t) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(t.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && name ? name.get() : t.name();
}

}  // namespace

std::string job_type_error(const std::type_info& expected, const std::type_info& got) {
  return "the result is a " + type_name(got) + ", expected a " + type_name(expected);
}

const Job& job_request(AppState& app, const std::string& slot, const std::string& key, Job::Step step,
                       int64_t input_version, Job::OnFinish on_finish) {
  JobsState& jobs = app.jobs;
  if (auto it = jobs.finished.find(key); it != jobs.finished.end()) {
    // A cached answer: whatever the slot was computing for another key is no longer wanted.
    if (auto r = jobs.running.find(slot); r != jobs.running.end() && r->second.key != key) jobs.running.erase(r);
    return it->second;
  }
  Job& job = jobs.running[slot];
  if (job.key == key && job.step) return job;
  job = Job{};
  job.slot = slot;
  job.key = key;
  job.step = std::move(step);
  job.input_version = input_version;
  job.on_finish = std::move(on_finish);
  return job;
}

const Job* job_find(const AppState& app, const std::string& key) {
  if (auto it = app.jobs.finished.find(key); it != app.jobs.finished.end()) return &it->second;
  for (const auto& [slot, job] : app.jobs.running)
    if (job.key == key) return &job;
  return nullptr;
}

const Job* job_running(const AppState& app, const std::string& slot) {
  auto it = app.jobs.running.find(slot);
  return it == app.jobs.running.end() ? nullptr : &it->second;
}

void job_cancel(AppState& app, const std::string& slot) { app.jobs.running.erase(slot); }

void jobs_stop_all(AppState& app) {
  app.jobs.running.clear();
  if (!app.jobs.thread) return;
  app.jobs.thread->sync(app.jobs);  // withdraws them all
  app.jobs.thread->wait_idle();
}

void jobs_forget_finished(AppState& app) {
  app.jobs.finished.clear();
  app.jobs.finished_order.clear();
}

namespace {

// A finished job leaves the running ones for the cache, after its on_finish.
void finish(AppState& app, std::map<std::string, Job>::iterator it) {
  Job& job = it->second;
  job.done = true;
  if (job.error.empty()) job.progress = 1.0f;
  if (job.on_finish) job.on_finish(app, job);
  job.step = nullptr;  // frees what it captured (a step's own accumulator): a cached job never steps again
  cache_finished(app.jobs, std::move(job));
  app.jobs.running.erase(it);
}

// The job thread's turn (ui/job_thread.h): hand over, withdraw, collect.
void sync_thread(AppState& app) {
  for (const std::string& slot : app.jobs.thread->sync(app.jobs)) finish(app, app.jobs.running.find(slot));
}

}  // namespace

void jobs_frame_drawn(AppState& app, double ms) {
  if (!app.jobs.running.empty()) {
    std::vector<double>& v = app.jobs.busy_frame_ms;
    v.push_back(ms);
    if (v.size() > kFrameTimesKept) v.erase(v.begin());
  }
  if (app.jobs.thread) sync_thread(app);  // what the views asked for (or cancelled) this frame: now, not next frame
}

void jobs_run(AppState& app) {
  JobsState& jobs = app.jobs;
  // Input versions only grow, so a job tied to an earlier input is never asked for again: running, it stops;
  // finished, its cached result is freed.
  const auto stale = [&](const Job& job) {
    return job.input_version >= 0 && static_cast<uint64_t>(job.input_version) != app.input.version;
  };
  std::erase_if(jobs.running, [&](const auto& item) { return stale(item.second); });
  std::erase_if(jobs.finished_order, [&](const std::string& key) { return stale(jobs.finished.at(key)); });
  std::erase_if(jobs.finished, [&](const auto& item) { return stale(item.second); });
  if (jobs.thread) return sync_thread(app);  // the steps run there
  if (jobs.running.empty()) {
    jobs.last_run_start_ms = -1.0;
    return;
  }
  const double start = now(app);
  update_frame_budget(jobs, start);
  for (int steps = 0; steps < kMaxStepsPerFrame && !jobs.running.empty(); ++steps) {
    // Round robin: the first slot after the one stepped last.
    auto it = jobs.running.upper_bound(jobs.last_slot);
    if (it == jobs.running.end()) it = jobs.running.begin();
    Job& job = it->second;
    if (steps > 0) {
      const double elapsed = now(app) - start;
      if (elapsed >= jobs.frame_budget_ms) break;
      if (elapsed >= jobs.budget_ms && job.last_step_ms >= kLongStepMs) break;
    }
    jobs.last_slot = it->first;
    const double t0 = now(app);
    const bool finished = job.step(job);
    job.last_step_ms = now(app) - t0;
    job.busy_ms += job.last_step_ms;
    if (finished) finish(app, it);
  }
  jobs.last_run_start_ms = start;
  jobs.last_run_ms = now(app) - start;
}

}  // namespace vc
