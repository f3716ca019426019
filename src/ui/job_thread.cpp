#include "ui/job_thread.h"

#include <algorithm>
#include <chrono>

namespace vc {

namespace {

double steady_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

bool job_thread_available() {
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
  return false;
#else
  return true;
#endif
}

JobThread::JobThread() : thread_([this] { run(); }) {}

JobThread::~JobThread() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

bool JobThread::has_work() const {
  for (const auto& [slot, o] : owned_)
    if (!o.withdrawn) return true;
  return false;
}

std::map<std::string, JobThread::Owned>::iterator JobThread::next_job() {
  // Round robin from the slot after the one stepped last, over the jobs of the current input if there are any.
  bool input_jobs = false;
  for (const auto& [slot, o] : owned_) input_jobs |= !o.withdrawn && o.job.input_version >= 0;
  auto it = owned_.upper_bound(last_slot_);
  for (size_t tries = 0; tries <= owned_.size(); ++tries, ++it) {
    if (it == owned_.end()) it = owned_.begin();
    if (!it->second.withdrawn && (!input_jobs || it->second.job.input_version >= 0)) break;
  }
  return it;
}

std::vector<std::string> JobThread::sync(JobsState& jobs) {
  std::vector<std::string> finished;
  bool handed = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Withdraw what the UI no longer runs; the job whose step runs now goes once that step ends.
    for (auto it = owned_.begin(); it != owned_.end();) {
      const auto r = jobs.running.find(it->first);
      if (r != jobs.running.end() && r->second.key == it->second.job.key) {
        ++it;
      } else if (it->first == current_) {
        it->second.withdrawn = true;
        ++it;
      } else {
        it = owned_.erase(it);
      }
    }
    // What the thread published, for the jobs the UI still runs under the same key.
    for (auto& [slot, p] : published_) {
      const auto r = jobs.running.find(slot);
      if (r == jobs.running.end() || r->second.key != p.key) continue;
      Job& job = r->second;
      job.progress = p.progress;
      job.error = p.error;
      job.busy_ms = p.busy_ms;
      job.last_step_ms = p.last_step_ms;
      if (p.has_result) job.result = std::move(p.result);
      if (p.done) finished.push_back(slot);
    }
    published_.clear();
    // New jobs (a slot whose withdrawn job still runs its step gets the new one at a later sync).
    for (const auto& [slot, job] : jobs.running) {
      if (owned_.contains(slot) || std::find(finished.begin(), finished.end(), slot) != finished.end()) continue;
      owned_[slot].job = job;
      handed = true;
    }
  }
  if (handed) wake_.notify_one();
  return finished;
}

void JobThread::wait_idle() {
  std::unique_lock<std::mutex> lock(mutex_);
  idle_.wait(lock, [this] { return current_.empty(); });
}

void JobThread::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || has_work(); });
    if (stop_) return;
    const auto it = next_job();
    current_ = last_slot_ = it->first;
    Owned& o = it->second;  // sync() never erases the current slot's entry
    lock.unlock();

    Job& job = o.job;
    const double t0 = steady_ms();
    const bool done = job.step(job);
    const double t1 = steady_ms();
    job.last_step_ms = t1 - t0;
    job.busy_ms += job.last_step_ms;
    // The result leaves the thread outside the lock: moved when final, copied when a refresh is due.
    std::any result;
    bool has_result = false;
    if (done) {
      result = std::move(job.result);
      has_result = true;
    } else if (t1 - o.last_publish_ms >= kPublishMs && job.result.has_value()) {
      result = job.result;
      has_result = true;
      o.last_publish_ms = t1;
    }

    lock.lock();
    current_.clear();
    idle_.notify_all();
    if (o.withdrawn) {
      owned_.erase(it);
      continue;
    }
    Published& p = published_[it->first];
    p.key = job.key;
    p.progress = job.progress;
    p.error = job.error;
    p.busy_ms = job.busy_ms;
    p.last_step_ms = job.last_step_ms;
    p.done = done;
    if (has_result) {
      p.result = std::move(result);
      p.has_result = true;
    }
    if (done) owned_.erase(it);
  }
}

}  // namespace vc
