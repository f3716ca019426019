// The job thread (jobs.h): where the platform has threads (the desktop app, the page's threaded module), the steps of
// the running jobs run in turn (round robin; the jobs of the current input first) on a thread of their own, and the UI
// thread only draws and dispatches.
//
// The UI thread keeps JobsState exactly as with time slices; once per frame jobs_run calls sync(), which, under one
// mutex held for a few copies:
//   - hands the thread each running job it does not have yet (a copy: the step and its state so far);
//   - withdraws the jobs that stopped running on the UI side (another key asked for in their slot, the input
//     changed, a cancel): the step in progress ends, its result is dropped;
//   - copies what the thread published since: progress, error, step times, and the result: a copy of the partial
//     result at most every kPublishMs, the final one moved; the finished jobs are returned to be cached.
// A step works on the thread's own copy of its job, the UI reads only what sync() copied: nothing is shared between
// the two but what the steps capture (models, the test set), which nothing changes while jobs hold it.
#pragma once
#include <any>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ui/app_state.h"

namespace vc {

inline constexpr double kPublishMs = 50.0;  // the partial results' refresh while a job runs

// Whether this build can start the job thread (the page's single-thread module cannot).
bool job_thread_available();

class JobThread {
 public:
  JobThread();
  ~JobThread();  // lets the step in progress end, then joins
  JobThread(const JobThread&) = delete;
  JobThread& operator=(const JobThread&) = delete;

  // On the UI thread, once per frame (above). Returns the slots of `jobs.running` whose job finished: their result,
  // progress and error are in place; the caller marks them done and caches them.
  std::vector<std::string> sync(JobsState& jobs);
  // On the UI thread: returns once no step runs (after a sync that withdrew every job, none starts again).
  void wait_idle();

 private:
  struct Owned {
    Job job;                     // the thread's copy; only the thread touches it once handed over
    bool withdrawn = false;      // the UI no longer wants it: dropped after its step in progress
    double last_publish_ms = -1e300;
  };
  struct Published {
    std::string key;
    float progress = 0.0f;
    std::string error;
    double busy_ms = 0.0, last_step_ms = 0.0;
    bool done = false;
    bool has_result = false;
    std::any result;
  };

  void run();
  bool has_work() const;
  // The job to step next (has_work() must hold): the jobs tied to the current input (what the user just changed: a
  // prediction, an attention map, an ERF map) before the batch jobs, each group in turn.
  std::map<std::string, Owned>::iterator next_job();

  std::mutex mutex_;
  std::condition_variable wake_, idle_;
  bool stop_ = false;
  std::map<std::string, Owned> owned_;          // by slot
  std::map<std::string, Published> published_;  // by slot, since the last sync
  std::string current_;                         // the slot whose step runs now ("" none)
  std::string last_slot_;                       // round-robin position
  std::thread thread_;                          // last: starts once the members above exist
};

}  // namespace vc
