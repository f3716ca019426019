#include "kernels/parallel.h"

#include <algorithm>

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define VITCNN_KERNEL_THREADS 0
#else
#define VITCNN_KERNEL_THREADS 1
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>
#endif

namespace vc {

namespace {

// [begin, end) of range r when `count` items in whole grains are split into `ranges` ranges.
struct Split {
  int grains, per, extra;  // ranges 0..extra-1 take per + 1 grains, the others per
  Split(int count, int grain, int ranges)
      : grains((count + grain - 1) / grain), per(grains / ranges), extra(grains % ranges) {}
  int first_grain(int r) const { return r * per + std::min(r, extra); }
};

#if VITCNN_KERNEL_THREADS

int ranges_for(int count, int grain, int threads) {
  if (count <= 0) return 0;
  grain = std::max(grain, 1);
  return std::min(threads, (count + grain - 1) / grain);
}

// True on the workers and on a caller inside parallel_for: a nested call runs inline.
thread_local bool in_parallel_for = false;

// The workers and the loop they share. A loop is published under the mutex with a new generation; worker w runs range
// w + 1 of it and counts itself done.
class Pool {
 public:
  explicit Pool(int workers) {
    for (int w = 0; w < workers; ++w) threads_.emplace_back([this, w] { work(w); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : threads_) t.join();
  }
  int threads() const { return static_cast<int>(threads_.size()) + 1; }

  void run(int count, int grain, int ranges, const std::function<void(int, int)>& fn) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      fn_ = &fn;
      count_ = count;
      grain_ = grain;
      ranges_ = ranges;
      pending_ = ranges - 1;
      ++generation_;
    }
    wake_.notify_all();
    std::exception_ptr thrown;
    try {
      run_range(0);
    } catch (...) {
      thrown = std::current_exception();  // the workers still run fn: wait for them first
    }
    {
      std::unique_lock<std::mutex> lock(mutex_);
      done_.wait(lock, [this] { return pending_ == 0; });
      fn_ = nullptr;
    }
    if (thrown) std::rethrow_exception(thrown);
  }

 private:
  void run_range(int r) const {
    const Split s(count_, grain_, ranges_);
    const int begin = s.first_grain(r) * grain_, end = std::min(count_, s.first_grain(r + 1) * grain_);
    if (begin < end) (*fn_)(begin, end);
  }

  void work(int w) {
    in_parallel_for = true;  // a kernel a worker runs never splits again
    unsigned seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        if (w + 1 >= ranges_) continue;  // this loop has fewer ranges than workers
      }
      run_range(w + 1);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (--pending_ == 0) done_.notify_one();
      }
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  bool stop_ = false;
  unsigned generation_ = 0;
  const std::function<void(int, int)>* fn_ = nullptr;
  int count_ = 0, grain_ = 1, ranges_ = 1, pending_ = 0;
};

std::unique_ptr<Pool>& pool() {
  static std::unique_ptr<Pool> p;
  return p;
}

#endif

}  // namespace

#if VITCNN_KERNEL_THREADS

int kernel_threads_available() {
  return std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, kMaxKernelThreads);
}

void set_kernel_threads(int n) {
  n = std::clamp(n, 1, kMaxKernelThreads);
  if (n == kernel_threads()) return;
  pool().reset();
  if (n > 1) pool() = std::make_unique<Pool>(n - 1);
}

int kernel_threads() { return pool() ? pool()->threads() : 1; }

void parallel_for(int count, int grain, const std::function<void(int, int)>& fn) {
  grain = std::max(grain, 1);
  const int ranges = in_parallel_for ? 1 : ranges_for(count, grain, kernel_threads());
  if (ranges == 0) return;
  if (ranges == 1) return fn(0, count);
  // The pool runs one loop at a time: a loop called on another thread meanwhile (the lab's UI thread beside its job
  // thread) runs inline rather than wait.
  static std::mutex caller;
  std::unique_lock<std::mutex> one_caller(caller, std::try_to_lock);
  if (!one_caller.owns_lock()) return fn(0, count);
  struct InParallelFor {  // reset however run() ends
    InParallelFor() { in_parallel_for = true; }
    ~InParallelFor() { in_parallel_for = false; }
  } scope;
  pool()->run(count, grain, ranges, fn);
}

#else

int kernel_threads_available() { return 1; }
void set_kernel_threads(int) {}
int kernel_threads() { return 1; }

void parallel_for(int count, int, const std::function<void(int, int)>& fn) {
  if (count > 0) fn(0, count);
}

#endif

}  // namespace vc
