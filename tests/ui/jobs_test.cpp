// The time-sliced job runner and the model store, without Dear ImGui: a fake clock and fake asset fetches.
#include "ui/jobs.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "ui/job_thread.h"
#include "ui/model_store.h"

namespace vc {
namespace {

// A job that needs `steps` steps, each advancing the fake clock by `step_ms`.
Job::Step counting_step(double* clock, int steps, double step_ms) {
  return [clock, steps, step_ms](Job& job) {
    if (!job.result.has_value()) job.result = 0;
    int& done = std::any_cast<int&>(job.result);
    *clock += step_ms;
    ++done;
    job.progress = static_cast<float>(done) / steps;
    return done >= steps;
  };
}

struct JobsTest : ::testing::Test {
  JobsTest() {
    app.platform.now_ms = [this] { return clock; };
  }
  double clock = 0.0;
  AppState app;
};

TEST_F(JobsTest, StepsStayWithinTheFrameBudgetAndFinish) {
  app.jobs.budget_ms = 8.0;
  const Job& job = job_request(app, "a", "a/1", counting_step(&clock, 10, 3.0));
  EXPECT_FALSE(job.done);
  jobs_run(app);  // 3 steps fit in 8 ms (the third one crosses it)
  const Job* running = job_running(app, "a");
  ASSERT_NE(running, nullptr);
  EXPECT_EQ(*job_view<int>(running).value, 3);
  EXPECT_FLOAT_EQ(running->progress, 0.3f);
  EXPECT_TRUE(job_view<int>(running).running());
  EXPECT_FLOAT_EQ(job_view<int>(running).progress, 0.3f);
  for (int i = 0; i < 3; ++i) jobs_run(app);
  EXPECT_EQ(job_running(app, "a"), nullptr);
  const Job* done = job_find(app, "a/1");
  ASSERT_NE(done, nullptr);
  EXPECT_TRUE(done->done);
  ASSERT_TRUE(job_view<int>(done).ready());
  EXPECT_EQ(*job_view<int>(done).value, 10);
  EXPECT_DOUBLE_EQ(done->busy_ms, 30.0);
}

TEST_F(JobsTest, AtLeastOneStepPerFrameEvenOverBudget) {
  job_request(app, "a", "a/1", counting_step(&clock, 3, 100.0));
  jobs_run(app);
  EXPECT_EQ(*job_view<int>(job_running(app, "a")).value, 1);
}

TEST_F(JobsTest, JobsTakeTurns) {
  app.jobs.budget_ms = 1.0;  // one step per frame
  job_request(app, "a", "a/1", counting_step(&clock, 5, 1.0));
  job_request(app, "b", "b/1", counting_step(&clock, 5, 1.0));
  for (int i = 0; i < 4; ++i) jobs_run(app);
  EXPECT_EQ(*job_view<int>(job_running(app, "a")).value, 2);
  EXPECT_EQ(*job_view<int>(job_running(app, "b")).value, 2);
}

// Frames that cost `outside_ms` besides their steps (drawing, the browser): the budget grows until jobs get kJobShare
// of the time, and never past kMaxJobBudgetMs.
TEST_F(JobsTest, BudgetGrowsToGiveJobsTheirShareOfTheTime) {
  for (const double outside_ms : {2.0, 40.0, 200.0}) {
    SCOPED_TRACE(outside_ms);
    AppState fresh;
    fresh.platform.now_ms = [this] { return clock; };
    const std::string key = "a/" + std::to_string(outside_ms);
    job_request(fresh, "a", key, counting_step(&clock, 1000000, 2.0));
    for (int frame = 0; frame < 40; ++frame) {
      jobs_run(fresh);
      clock += outside_ms;
    }
    const double expected = std::min(kJobShare / (1.0 - kJobShare) * outside_ms, kMaxJobBudgetMs);
    EXPECT_NEAR(fresh.jobs.frame_budget_ms, std::max(expected, fresh.jobs.budget_ms), 0.05 * expected + 2.0);
    // Over the next 10 frames: the share of the time in steps.
    const double t0 = clock, busy0 = job_running(fresh, "a")->busy_ms;
    for (int frame = 0; frame < 10; ++frame) {
      jobs_run(fresh);
      clock += outside_ms;
    }
    const double share = (job_running(fresh, "a")->busy_ms - busy0) / (clock - t0);
    if (outside_ms <= 40.0) {
      EXPECT_GE(share, kJobShare - 0.02);
    } else {
      EXPECT_NEAR(share, kMaxJobBudgetMs / (kMaxJobBudgetMs + outside_ms), 0.02);
    }
  }
}

// While the user gives input the budget stays at budget_ms; a while after the last input it grows again.
TEST_F(JobsTest, InputKeepsTheFloorBudget) {
  job_request(app, "a", "a/1", counting_step(&clock, 1000000, 2.0));
  const auto frames = [&](int n) {
    for (int frame = 0; frame < n; ++frame) {
      jobs_run(app);
      clock += 40.0;
    }
  };
  frames(40);
  EXPECT_GT(app.jobs.frame_budget_ms, 100.0);
  app.jobs.input_ms = clock;
  frames(1);
  EXPECT_DOUBLE_EQ(app.jobs.frame_budget_ms, app.jobs.budget_ms);
  frames(static_cast<int>(kInteractiveMs / 48.0) - 2);  // frames of 8 + 40 ms
  EXPECT_DOUBLE_EQ(app.jobs.frame_budget_ms, app.jobs.budget_ms);
  frames(3);
  EXPECT_GT(app.jobs.frame_budget_ms, 100.0);
}

// However large the budget grew, a step of kLongStepMs or more runs alone in its frame (past the floor), so such a
// job draws a frame per step; a short step may still run before it within the floor.
TEST_F(JobsTest, LongStepsRunOnePerFrame) {
  job_request(app, "short", "short/1", counting_step(&clock, 1000000, 2.0));
  for (int frame = 0; frame < 40; ++frame) {
    jobs_run(app);
    clock += 40.0;
  }
  ASSERT_GT(app.jobs.frame_budget_ms, 100.0);
  job_cancel(app, "short");
  job_request(app, "long", "long/1", counting_step(&clock, 100, 60.0));
  for (int frame = 1; frame <= 5; ++frame) {
    jobs_run(app);
    clock += 40.0;
    EXPECT_EQ(*job_view<int>(job_running(app, "long")).value, frame);
  }
}

// Frames without jobs (the page idle) do not count as time outside the steps.
TEST_F(JobsTest, IdleFramesDoNotGrowTheBudget) {
  job_request(app, "a", "a/1", counting_step(&clock, 3, 1.0));
  for (int frame = 0; frame < 3; ++frame) jobs_run(app);
  EXPECT_EQ(job_running(app, "a"), nullptr);
  clock += 60000.0;  // a minute idle, then a new job
  job_request(app, "a", "a/2", counting_step(&clock, 100, 1.0));
  jobs_run(app);
  jobs_run(app);
  EXPECT_DOUBLE_EQ(app.jobs.frame_budget_ms, app.jobs.budget_ms);
}

TEST_F(JobsTest, NewKeyReplacesTheSlotAndFinishedResultsAreCached) {
  job_request(app, "a", "a/1", counting_step(&clock, 100, 1.0));
  jobs_run(app);
  // Same key again: the running job continues (the new step is not used).
  job_request(app, "a", "a/1", counting_step(&clock, 1, 1.0));
  jobs_run(app);
  EXPECT_EQ(*job_view<int>(job_running(app, "a")).value, 16);
  // Another key: the old job is cancelled.
  job_request(app, "a", "a/2", counting_step(&clock, 1, 1.0));
  EXPECT_EQ(job_find(app, "a/1"), nullptr);
  jobs_run(app);
  ASSERT_TRUE(job_view<int>(job_find(app, "a/2")).ready());
  // Asking for a finished key answers from the cache without running anything.
  const double before = clock;
  const Job& cached = job_request(app, "a", "a/2", counting_step(&clock, 5, 1.0));
  EXPECT_TRUE(cached.done);
  jobs_run(app);
  EXPECT_EQ(clock, before);
}

TEST_F(JobsTest, CacheKeepsTheNewestPerSlot) {
  for (size_t i = 0; i < kJobCachePerSlot + 3; ++i) {
    job_request(app, "busy", "busy/" + std::to_string(i), counting_step(&clock, 1, 1.0));
    jobs_run(app);
    if (i == 0) {
      job_request(app, "other", "other/0", counting_step(&clock, 1, 1.0));
      jobs_run(app);
    }
  }
  EXPECT_EQ(job_find(app, "busy/0"), nullptr);
  EXPECT_EQ(job_find(app, "busy/2"), nullptr);
  EXPECT_NE(job_find(app, "busy/3"), nullptr);
  EXPECT_NE(job_find(app, "other/0"), nullptr);  // another slot's result survives
}

// Forgetting the cache frees every finished result and leaves the running jobs alone; a result asked for again is
// computed again.
TEST_F(JobsTest, ForgettingTheCacheKeepsRunningJobs) {
  job_request(app, "a", "a/1", counting_step(&clock, 1, 1.0));
  job_request(app, "b", "b/1", counting_step(&clock, 1000, 100.0));
  jobs_run(app);
  ASSERT_TRUE(job_view<int>(job_find(app, "a/1")).ready());
  jobs_forget_finished(app);
  EXPECT_EQ(job_find(app, "a/1"), nullptr);
  EXPECT_TRUE(app.jobs.finished_order.empty());
  ASSERT_NE(job_running(app, "b"), nullptr);
  EXPECT_TRUE(job_view<int>(job_running(app, "b")).running());
  EXPECT_FALSE(job_request(app, "a", "a/1", counting_step(&clock, 1, 1.0)).done);
  jobs_run(app);
  EXPECT_TRUE(job_view<int>(job_find(app, "a/1")).ready());
}

TEST_F(JobsTest, InputChangeAndCancelDropJobs) {
  job_request(app, "a", "a/v0", counting_step(&clock, 5, 10.0), static_cast<int64_t>(app.input.version));
  job_request(app, "b", "b/1", counting_step(&clock, 5, 10.0));
  ++app.input.version;
  jobs_run(app);
  EXPECT_EQ(job_running(app, "a"), nullptr);
  EXPECT_NE(job_running(app, "b"), nullptr);
  job_cancel(app, "b");
  EXPECT_EQ(job_running(app, "b"), nullptr);
}

// A finished result tied to an earlier input is freed at the next input change (its key can never come back); results
// tied to no input, and to the current one, stay cached.
TEST_F(JobsTest, InputChangeFreesTheResultsOfEarlierInputs) {
  const auto version = [this] { return static_cast<int64_t>(app.input.version); };
  job_request(app, "a", "a/v0", counting_step(&clock, 1, 1.0), version());
  job_request(app, "b", "b/1", counting_step(&clock, 1, 1.0));
  jobs_run(app);
  ASSERT_NE(job_find(app, "a/v0"), nullptr);
  ++app.input.version;
  job_request(app, "a", "a/v1", counting_step(&clock, 1, 1.0), version());
  jobs_run(app);
  EXPECT_EQ(job_find(app, "a/v0"), nullptr);
  EXPECT_NE(job_find(app, "a/v1"), nullptr);
  EXPECT_NE(job_find(app, "b/1"), nullptr);
  EXPECT_EQ(app.jobs.finished.size(), app.jobs.finished_order.size());
}

TEST_F(JobsTest, AFailingStepFinishesWithItsError) {
  job_request(app, "a", "a/1", [](Job& job) {
    job.error = "out of test images";
    return true;
  });
  jobs_run(app);
  const Job* job = job_find(app, "a/1");
  ASSERT_NE(job, nullptr);
  EXPECT_TRUE(job->done);
  EXPECT_EQ(job->error, "out of test images");
  const JobView<int> view = job_view<int>(job);
  EXPECT_TRUE(view.failed());
  EXPECT_EQ(view.error, "out of test images");
  EXPECT_EQ(view.value, nullptr);
}

struct Wanted {};
struct Other {};

TEST_F(JobsTest, AResultOfTheWrongTypeIsAnErrorNeverRunning) {
  job_request(app, "a", "a/1", [](Job& job) {
    job.result = Other{};
    return true;
  });
  jobs_run(app);
  const JobView<Wanted> view = job_view<Wanted>(job_find(app, "a/1"));
  EXPECT_TRUE(view.failed());
  EXPECT_FALSE(view.running());
  EXPECT_EQ(view.value, nullptr);
  EXPECT_NE(view.error.find("a/1"), std::string::npos) << view.error;
  EXPECT_NE(view.error.find("expected a vc::(anonymous namespace)::Wanted"), std::string::npos) << view.error;
  EXPECT_NE(view.error.find("Other"), std::string::npos) << view.error;
  EXPECT_TRUE(job_view<Other>(job_find(app, "a/1")).ready());
  // Also while it runs: a partial result of another type is an error at once.
  job_request(app, "b", "b/1", counting_step(&clock, 5, 10.0));
  jobs_run(app);
  ASSERT_NE(job_running(app, "b"), nullptr);
  EXPECT_TRUE(job_view<Wanted>(job_running(app, "b")).failed());
  // A finished job without any result is an error too.
  job_request(app, "c", "c/1", [](Job&) { return true; });
  jobs_run(app);
  const JobView<int> empty = job_view<int>(job_find(app, "c/1"));
  EXPECT_TRUE(empty.failed());
  EXPECT_NE(empty.error.find("without a result"), std::string::npos) << empty.error;
  EXPECT_EQ(job_view<int>(nullptr).status, JobView<int>::Status::None);
}

// ---- The job thread (ui/job_thread.h) --------------------------------------------------------------------------

// A job of `steps` steps of `sleep_ms` each on the job thread, counting its steps in `count` (the test reads it).
Job::Step sleeping_step(int steps, int sleep_ms, std::atomic<int>* count = nullptr) {
  return [=](Job& job) {
    if (!job.result.has_value()) job.result = 0;
    int& done = std::any_cast<int&>(job.result);
    std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
    ++done;
    if (count) ++*count;
    job.progress = static_cast<float>(done) / steps;
    return done >= steps;
  };
}

struct JobThreadTest : ::testing::Test {
  void SetUp() override {
    if (!job_thread_available()) GTEST_SKIP() << "this build has no threads";
    app.jobs.thread = std::make_shared<JobThread>();
  }
  // Frames (jobs_run every millisecond) until `done` or 20 s.
  bool frames_until(const std::function<bool()>& done) {
    for (int i = 0; i < 20000 && !done(); ++i) {
      jobs_run(app);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return done();
  }
  AppState app;
};

// Steps run on the job thread, never on the UI's; on_finish runs on the UI's; results, progress and step times arrive.
TEST_F(JobThreadTest, StepsRunThereResultsArriveHere) {
  const std::thread::id ui = std::this_thread::get_id();
  std::atomic<bool> stepped_on_ui{false};
  std::thread::id finished_on;
  for (const char* slot : {"a", "b"})
    job_request(app, slot, std::string(slot) + "/1",
                [ui, &stepped_on_ui, inner = sleeping_step(5, 1)](Job& job) {
                  if (std::this_thread::get_id() == ui) stepped_on_ui = true;
                  return inner(job);
                },
                -1, [&finished_on](AppState&, const Job&) { finished_on = std::this_thread::get_id(); });
  ASSERT_TRUE(frames_until([&] { return app.jobs.running.empty(); }));
  EXPECT_FALSE(stepped_on_ui);
  EXPECT_EQ(finished_on, ui);
  for (const char* key : {"a/1", "b/1"}) {
    const Job* job = job_find(app, key);
    ASSERT_NE(job, nullptr) << key;
    ASSERT_TRUE(job_view<int>(job).ready()) << key;
    EXPECT_EQ(*job_view<int>(job).value, 5);
    EXPECT_FLOAT_EQ(job->progress, 1.0f);
    EXPECT_GE(job->busy_ms, 4.0);
  }
}

// While a job runs, its partial result and progress arrive (a copy, at most every kPublishMs).
TEST_F(JobThreadTest, PartialResultsArriveWhileRunning) {
  job_request(app, "a", "a/1", sleeping_step(40, 10));
  ASSERT_TRUE(frames_until([&] {
    const JobView<int> v = job_view<int>(job_running(app, "a"));
    return v.running() && v.value && *v.value > 0;
  }));
  const JobView<int> v = job_view<int>(job_running(app, "a"));
  EXPECT_LT(*v.value, 40);
  EXPECT_GT(v.progress, 0.0f);
  EXPECT_LT(v.progress, 1.0f);
}

// Another key in a slot withdraws the old job: its steps stop, its result never arrives; the new one runs.
TEST_F(JobThreadTest, AReplacedJobStopsAndItsResultNeverArrives) {
  std::atomic<int> old_steps{0};
  job_request(app, "a", "a/old", sleeping_step(100000, 2, &old_steps));
  ASSERT_TRUE(frames_until([&] { return old_steps > 2; }));
  job_request(app, "a", "a/new", sleeping_step(3, 1));
  ASSERT_TRUE(frames_until([&] { return job_find(app, "a/new") && job_find(app, "a/new")->done; }));
  const int stopped_at = old_steps;
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  jobs_run(app);
  EXPECT_LE(old_steps, stopped_at + 1);  // at most the step that was running when it was withdrawn
  EXPECT_EQ(job_find(app, "a/old"), nullptr);
  EXPECT_EQ(*job_view<int>(job_find(app, "a/new")).value, 3);
}

// jobs_stop_all returns only once no step runs; the views may then change what steps use.
TEST_F(JobThreadTest, StopAllWaitsForTheStepInProgress) {
  std::atomic<bool> in_step{false};
  std::atomic<int> steps{0};
  job_request(app, "a", "a/1", [&](Job&) {
    in_step = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ++steps;
    in_step = false;
    return false;  // never finishes
  });
  ASSERT_TRUE(frames_until([&] { return steps > 0 && in_step; }));
  jobs_stop_all(app);
  EXPECT_FALSE(in_step);
  const int after = steps;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(steps, after);
  EXPECT_TRUE(app.jobs.running.empty());
}

// A changed input drops the jobs tied to the earlier one, on the thread too.
TEST_F(JobThreadTest, InputChangeWithdrawsJobsOfTheEarlierInput) {
  std::atomic<int> steps{0};
  job_request(app, "a", "a/v0", sleeping_step(100000, 2, &steps), static_cast<int64_t>(app.input.version));
  ASSERT_TRUE(frames_until([&] { return steps > 0; }));
  ++app.input.version;
  jobs_run(app);
  EXPECT_EQ(job_running(app, "a"), nullptr);
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const int after = steps;
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_LE(steps, after + 1);
}

TEST(JobKey, JoinsThePartsWithSlashes) {
  EXPECT_EQ(job_key("attention.image", "vit_p100", "v", uint64_t{12}), "attention.image/vit_p100/v/12");
  EXPECT_EQ(job_key("accuracy", std::string("cnn_p010"), 1000), "accuracy/cnn_p010/1000");
  EXPECT_EQ(job_key("solo"), "solo");
}

// Model store: fetches answered later, as on the web.
struct ModelStoreTest : ::testing::Test {
  ModelStoreTest() {
    app.platform.fetch = [this](const std::string& path, auto done) { pending.emplace_back(path, done); };
  }
  void answer(std::vector<uint8_t> bytes, std::string error) {
    for (auto& [path, done] : pending) done(bytes, error);
    pending.clear();
  }
  AppState app;
  std::vector<std::pair<std::string, std::function<void(std::vector<uint8_t>, std::string)>>> pending;
};

TEST_F(ModelStoreTest, DefaultsAreRequestedAndErrorsAreMessages) {
  models_start(app);
  ASSERT_EQ(pending.size(), 4u);  // one p100 per family
  EXPECT_EQ(pending[0].first, "models/vit_p100.safetensors");
  EXPECT_EQ(pending[3].first, "models/rvit_p100.safetensors");
  EXPECT_EQ(model_or_request(app, "vit_p100"), nullptr);
  EXPECT_EQ(pending.size(), 4u);  // already requested: no second fetch
  EXPECT_NE(model_status_text(app, "vit_p100").find("loading"), std::string::npos);
  EXPECT_FALSE(default_models_ready(app));
  answer({}, "HTTP 404");
  models_poll(app);
  EXPECT_EQ(model_status_text(app, "cnn_p100"), "models/cnn_p100.safetensors: HTTP 404");
  // Bytes that are not a safetensors file: the parser's message, with the path.
  EXPECT_EQ(model_or_request(app, "cnn_p010"), nullptr);
  answer({1, 2, 3}, "");
  models_poll(app);
  const std::string text = model_status_text(app, "cnn_p010");
  EXPECT_EQ(text.rfind("models/cnn_p010.safetensors: ", 0), 0u) << text;
  EXPECT_GT(text.size(), std::string("models/cnn_p010.safetensors: ").size());
  EXPECT_FALSE(default_models_ready(app));
}

TEST_F(ModelStoreTest, ForwardTimesGiveARunningMedian) {
  model_or_request(app, "vit_p100");
  for (double ms : {5.0, 1.0, 3.0}) record_forward_ms(app, "vit_p100", ms);
  EXPECT_DOUBLE_EQ(median_forward_ms(app, "vit_p100"), 3.0);
  for (int i = 0; i < 20; ++i) record_forward_ms(app, "vit_p100", 7.0);  // the window forgets old times
  EXPECT_DOUBLE_EQ(median_forward_ms(app, "vit_p100"), 7.0);
  EXPECT_DOUBLE_EQ(median_forward_ms(app, "cnn_p100"), 0.0);
}

}  // namespace
}  // namespace vc
