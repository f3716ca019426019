// vitcnn bench-attention: time of the gallery-averaged attention distance for the vit checkpoints.
// A benchmark prints numbers; it asserts nothing.
#include <algorithm>
#include <chrono>
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

template <class F>
double time_ms(F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
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
  double total = 0.0;
  for (const char* frac : {"001", "003", "010", "030", "100"}) {
    const std::string name = std::string("vit_p") + frac;
    const fs::path path = models / (name + ".safetensors");
    Result<std::unique_ptr<Model>> m = load_model_file(path.string());
    if (!m) return Error{"cannot load '" + path.string() + "': " + m.error().message};
    (*m)->set_kernels(*kernels);
    const Tensor x = test_batch(*set, 0, *images, (*m)->input_spec());
    // End to end: forward passes (attention traced only) plus the distance and its mean.
    std::vector<double> end_to_end;
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
    std::vector<double> analysis;
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
    per_model[name] = {{"median_ms", median(end_to_end)},
                       {"min_ms", *std::min_element(end_to_end.begin(), end_to_end.end())},
                       {"analysis_only_median_ms", median(analysis)}};
    total += median(end_to_end);
  }
  return json{{"images", *images}, {"runs", *runs},       {"batch", kBatch},
              {"backend", backend}, {"models", per_model}, {"total_median_ms", total}};
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
