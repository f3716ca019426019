// vitcnn bench-attention: time of the gallery-averaged attention distance for the vit checkpoints.
// A benchmark prints numbers; it asserts nothing.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>

#include "analysis/attention.h"
#include "cli/cli.h"

namespace vc::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kBatch = 64;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Wall and process-CPU milliseconds of f(): on a shared machine the CPU time (single thread) is the
// steadier number.
struct Timing {
  double wall_ms, cpu_ms;
};
template <class F>
Timing time_ms(F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  f();
  return {std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(),
          1000.0 * static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC};
}

json summary(const std::vector<Timing>& t) {
  std::vector<double> wall, cpu;
  for (const Timing& x : t) {
    wall.push_back(x.wall_ms);
    cpu.push_back(x.cpu_ms);
  }
  return {{"median_wall_ms", median(wall)},
          {"min_wall_ms", *std::min_element(wall.begin(), wall.end())},
          {"median_cpu_ms", median(cpu)}};
}

Result<json> run_bench(const Args& args) {
  const fs::path models = args.get("models", "assets/models");
  Result<LabeledImages> set = open_test_set(args);
  if (!set) return set.error();
  Result<int> images = args.get_int("images", 256, 1, set->count);
  if (!images) return images.error();
  Result<int> runs = args.get_int("runs", 5, 1, 1000);
  if (!runs) return runs.error();
  const std::string backend = args.get("backend", "simd");
  const KernelTable* kernels = kernels_by_name(backend);
  if (!kernels) return Error{"unknown backend '" + backend + "' (ref or simd)"};

  json per_model = json::object();
  double total_wall = 0.0, total_cpu = 0.0;
  for (const char* frac : {"001", "003", "010", "030", "100"}) {
    const std::string name = std::string("vit_p") + frac;
    const fs::path path = models / (name + ".safetensors");
    Result<std::unique_ptr<Model>> m = load_model_file(path.string());
    if (!m) return Error{"cannot load '" + path.string() + "': " + m.error().message};
    (*m)->set_kernels(*kernels);
    const Tensor x = test_batch(*set, 0, *images, (*m)->input_spec());
    // End to end: forward passes (attention traced only) plus the distance and its mean.
    std::vector<Timing> end_to_end;
    for (int r = 0; r < *runs; ++r) {
      Status st;
      end_to_end.push_back(time_ms([&] {
        Result<AttentionDistance> d = mean_attention_distance(**m, x, kBatch);
        if (!d) st = d.error();
      }));
      if (!st) return Error{name + ": " + st.error().message};
    }
    // The analysis alone, on traces recorded once.
    std::vector<Trace> traces;
    for (int first = 0; first < *images; first += kBatch) {
      const int count = std::min(kBatch, *images - first);
      traces.emplace_back();
      traces.back().keep_activations = false;
      (*m)->forward(test_batch(*set, first, count, (*m)->input_spec()), &traces.back());
    }
    std::vector<Timing> analysis;
    for (int r = 0; r < *runs; ++r) {
      Status st;
      analysis.push_back(time_ms([&] {
        DistanceMean mean;
        for (const Trace& t : traces) {
          Result<AttentionStack> s = attention_stack(t);
          if (!s) {
            st = s.error();
            return;
          }
          for (int b = 0; b < s->batch && st.ok(); ++b) {
            Result<AttentionDistance> d = attention_distance(*s, b, cell_px_of(**m, s->grid));
            st = d ? mean.add(*d) : Status(d.error());
          }
        }
      }));
      if (!st) return Error{name + ": " + st.error().message};
    }
    per_model[name] = {{"end_to_end", summary(end_to_end)}, {"analysis_only", summary(analysis)}};
    total_wall += per_model[name]["end_to_end"]["median_wall_ms"].get<double>();
    total_cpu += per_model[name]["end_to_end"]["median_cpu_ms"].get<double>();
  }
  return json{{"images", *images},   {"runs", *runs},
              {"batch", kBatch},     {"backend", backend},
              {"models", per_model}, {"total_median_wall_ms", total_wall},
              {"total_median_cpu_ms", total_cpu}};
}

}  // namespace

Command bench_attention_command() {
  return {"bench-attention",
          "time the attention distance averaged over test images for vit_p001..vit_p100 (median of runs)",
          {{"models", "DIR", "checkpoint folder (default assets/models)"},
           {"images", "N", "test images averaged over (default 256)"},
           {"runs", "N", "timed runs per checkpoint (default 5)"}, data_flag(), backend_flag()},
          run_bench};
}

}  // namespace vc::cli
