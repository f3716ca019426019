// Model benchmark: forward time of each p100 model (vit, cnn, hybrid) at batch 1 and batch 64 with the `ref`
// and `simd` kernels (natively also `xnnpack`, with a simd-vs-xnnpack ratio row per model and batch), and the time of the gallery-averaged attention distance (mean_attention_distance over
// the first 256 test images, batches of 64) for the five vit checkpoints, end to end and its analysis alone, and the
// memory a traced batch of 64 holds (the bytes of the recorded tensors) for each p100 model when the trace records
// everything and when it records the attention probabilities only. A benchmark prints numbers; it asserts nothing. Natively build/model_bench; the wasm build makes it a page (build-wasm/bench/model_bench.html,
// models and test set preloaded at /models and /data) that tools/bench/chromium_bench.mjs runs in Chromium.
// --only rf: for every shipped checkpoint, one ERF map (analysis/receptive_field.h: the centre unit of the last
// layer, one image, forward to the layer and backward to the input) and the 100-image mean ERF, beside the
// model's batch-1 forward.
// --only cka: the full CKA matrix (analysis/representations.h) of vit_p100 x cnn_p100 over the first 1000 test
// images in minibatches of 100, once (the lab's target: <= 10 s in Chromium), and its two models' forward time for
// the same images (batch 100) beside it.
// --only threads: the simd batch-64 forward of each p100 model with one kernel thread and with --threads N (default
// the hardware's; kernels/parallel.h), and the throughput ratio. Every other measurement runs on --threads threads,
// 1 by default.
// Each forward figure is the median of `runs` timed calls after a warm-up of >= 0.5 s and >= 3 calls (V8
// first runs new wasm in its baseline tier, Liftoff; timing it would read ~3x slow).
// Usage: model_bench [--models DIR] [--data DIR] [--runs N] [--ref-batch64-runs N] [--attention-runs N]
//                    [--rf-runs N] [--only forward|attention|trace|rf|cka|threads] [--model NAME]
//                    [--backend ref|simd|xnnpack] [--batch N] [--threads N] [--json]
//   --rf-runs: timed runs of each 100-image mean ERF (default 3).
//   --ref-batch64-runs defaults to --runs (ref at batch 64 takes seconds per call: lower it for a quick look).
//   --json prints one JSON object per measurement instead of the table.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "analysis/attention.h"
#include "analysis/predictions.h"
#include "analysis/receptive_field.h"
#include "analysis/representations.h"
#include "kernels/parallel.h"
#include "models/model.h"
#include "platform/native_malloc.h"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

struct Options {
#ifdef __EMSCRIPTEN__
  std::string models = "/models";  // --preload-file targets (CMakeLists.txt)
  std::string data = "/data";
#else
  std::string models = "assets/models";
  std::string data = vc::kDefaultFashionMnistDir;
#endif
  int runs = 50;
  int ref_batch64_runs = 0;  // 0: as many as --runs
  int attention_runs = 5;
  int rf_runs = 3;
  std::string only, model, backend;
  int batch = 0;    // 0: both 1 and 64
  int threads = 0;  // 0: one, and the hardware's for --only threads
  bool json = false;
};

struct Timing {
  double median_ms = 0, min_ms = 0;
  int runs = 0;
};

Timing time_runs(const std::function<void()>& fn, int runs, bool warm_up) {
  if (warm_up) {
    const auto w0 = Clock::now();
    for (int i = 0; i < 3 || ms_since(w0) < 500.0; ++i) fn();
  }
  std::vector<double> t(runs);
  for (double& ms : t) {
    const auto t0 = Clock::now();
    fn();
    ms = ms_since(t0);
  }
  std::sort(t.begin(), t.end());
  return {runs % 2 ? t[runs / 2] : 0.5 * (t[runs / 2 - 1] + t[runs / 2]), t.front(), runs};
}

void print_forward(const Options& o, const std::string& name, const char* backend, int batch, const Timing& t) {
  if (o.json)
    std::printf(
        "{\"kind\":\"forward\",\"model\":\"%s\",\"backend\":\"%s\",\"batch\":%d,\"runs\":%d,\"median_ms\":%.4f,"
        "\"min_ms\":%.4f,\"per_image_ms\":%.4f}\n",
        name.c_str(), backend, batch, t.runs, t.median_ms, t.min_ms, t.median_ms / batch);
  else
    std::printf("%-19s %-12s %-7s batch %-3d median %10.3f ms  min %10.3f ms  per image %8.3f ms  (%d runs)\n",
                "forward", name.c_str(), backend, batch, t.median_ms, t.min_ms, t.median_ms / batch, t.runs);
  std::fflush(stdout);
}

// kind: "attention_distance" (forward passes tracing attention + the analysis) or "attention_analysis" (the
// analysis alone, on traces recorded once).
void print_attention(const Options& o, const char* kind, const std::string& name, const char* backend, int images,
                     const Timing& t) {
  if (o.json)
    std::printf(
        "{\"kind\":\"%s\",\"model\":\"%s\",\"backend\":\"%s\",\"images\":%d,\"runs\":%d,"
        "\"median_ms\":%.4f,\"min_ms\":%.4f}\n",
        kind, name.c_str(), backend, images, t.runs, t.median_ms, t.min_ms);
  else
    std::printf("%-19s %-12s %-5s %d images  median %10.3f ms  min %10.3f ms  (%d runs)\n", kind, name.c_str(),
                backend, images, t.median_ms, t.min_ms, t.runs);
  std::fflush(stdout);
}

// kind "trace_memory": bytes held by the traced tensors of one forward pass.
void print_trace_memory(const Options& o, const std::string& name, int batch, int64_t everything, int64_t attention) {
  constexpr double kMiB = 1024.0 * 1024.0;
  if (o.json)
    std::printf("{\"kind\":\"trace_memory\",\"model\":\"%s\",\"batch\":%d,\"everything_bytes\":%lld,"
                "\"attention_bytes\":%lld}\n",
                name.c_str(), batch, static_cast<long long>(everything), static_cast<long long>(attention));
  else
    std::printf("%-19s %-12s       batch %-3d everything %9.2f MiB  attention only %9.2f MiB\n", "trace_memory",
                name.c_str(), batch, everything / kMiB, attention / kMiB);
  std::fflush(stdout);
}

std::unique_ptr<vc::Model> open(const Options& o, const std::string& name) {
  const std::string path = o.models + "/" + name + ".safetensors";
  vc::Result<std::unique_ptr<vc::Model>> m = vc::load_model_file(path);
  if (!m) {
    std::fprintf(stderr, "model_bench: %s: %s\n", path.c_str(), m.error().message.c_str());
    return nullptr;
  }
  return std::move(m).value();
}

bool wanted(const std::string& filter, const std::string& value) { return filter.empty() || filter == value; }

// kind "forward_ratio" (native): per model and batch, the simd forward's speed relative to xnnpack's,
// xnnpack median / simd median (> 1: simd is faster).
void print_forward_ratio(const Options& o, const std::string& name, int batch, const Timing& simd,
                         const Timing& xnnpack) {
  const double ratio = xnnpack.median_ms / simd.median_ms;
  if (o.json)
    std::printf("{\"kind\":\"forward_ratio\",\"model\":\"%s\",\"batch\":%d,\"simd_ms\":%.4f,\"xnnpack_ms\":%.4f,"
                "\"simd_speedup\":%.4f}\n",
                name.c_str(), batch, simd.median_ms, xnnpack.median_ms, ratio);
  else
    std::printf("%-19s %-12s         batch %-3d simd %10.3f ms  xnnpack %10.3f ms  simd speed / xnnpack %.2fx\n",
                "simd_vs_xnnpack", name.c_str(), batch, simd.median_ms, xnnpack.median_ms, ratio);
  std::fflush(stdout);
}

// Every backend of kernel_tables() (ref, simd, natively xnnpack), then natively the simd / xnnpack ratio rows.
int bench_forward(const Options& o, const vc::LabeledImages& set) {
  for (const char* name : {"vit_p100", "cnn_p100", "hybrid_p100"}) {
    if (!wanted(o.model, name)) continue;
    std::unique_ptr<vc::Model> model = open(o, name);
    if (!model) return 1;
    Timing simd[2], xnnpack[2];  // medians at batch 1 and 64, when measured
    for (const vc::KernelTable* k : vc::kernel_tables()) {
      if (!wanted(o.backend, k->name)) continue;
      model->set_kernels(*k);
      for (int batch : {1, 64}) {
        if (o.batch && o.batch != batch) continue;
        const vc::Tensor x = vc::test_set_input(set, 0, batch, model->input_spec());
        const bool slow = batch == 64 && k == &vc::kernels_ref();
        const int runs = slow && o.ref_batch64_runs ? o.ref_batch64_runs : o.runs;
        bool ok = true;
        auto run = [&] { ok = model->forward(x, nullptr).ok() && ok; };
        // A slow configuration is warmed by one call: its calls last seconds, far past the Liftoff phase.
        const Timing t = slow ? (run(), time_runs(run, runs, false)) : time_runs(run, runs, true);
        if (!ok) {
          std::fprintf(stderr, "model_bench: %s: the forward pass failed\n", name);
          return 1;
        }
        print_forward(o, name, k->name, batch, t);
        if (k == &vc::kernels_simd()) simd[batch == 64] = t;
        if (k == vc::kernels_by_name("xnnpack")) xnnpack[batch == 64] = t;
      }
    }
    for (int i = 0; i < 2; ++i)
      if (simd[i].runs && xnnpack[i].runs) print_forward_ratio(o, name, i ? 64 : 1, simd[i], xnnpack[i]);
  }
  return 0;
}

// kind "threads": per p100 model, the simd batch-64 forward on one kernel thread and on `threads`, and the throughput
// ratio (one-thread median / many-thread median).
int bench_threads(const Options& o, const vc::LabeledImages& set) {
  const int threads = o.threads ? o.threads : vc::kernel_threads_available();
  for (const char* name : {"vit_p100", "cnn_p100", "hybrid_p100"}) {
    if (!wanted(o.model, name)) continue;
    std::unique_ptr<vc::Model> model = open(o, name);
    if (!model) return 1;
    const vc::Tensor x = vc::test_set_input(set, 0, 64, model->input_spec());
    bool ok = true;
    auto run = [&] { ok = model->forward(x, nullptr).ok() && ok; };
    vc::set_kernel_threads(1);
    const Timing one = time_runs(run, o.runs, true);
    vc::set_kernel_threads(threads);
    const Timing many = time_runs(run, o.runs, true);
    const int used = vc::kernel_threads();
    vc::set_kernel_threads(o.threads ? o.threads : 1);
    if (!ok) {
      std::fprintf(stderr, "model_bench: %s: the forward pass failed\n", name);
      return 1;
    }
    const double speedup = one.median_ms / many.median_ms;
    if (o.json)
      std::printf("{\"kind\":\"threads\",\"model\":\"%s\",\"batch\":64,\"one_thread_ms\":%.4f,\"threads\":%d,"
                  "\"threads_ms\":%.4f,\"speedup\":%.4f}\n",
                  name, one.median_ms, used, many.median_ms, speedup);
    else
      std::printf("%-19s %-12s simd    batch 64  1 thread %10.3f ms  %d threads %10.3f ms  throughput %.2fx\n",
                  "threads", name, one.median_ms, used, many.median_ms, speedup);
    std::fflush(stdout);
  }
  return 0;
}

// The per-image distances of every image in `traces`, averaged: the analysis part of mean_attention_distance.
bool average_traced_distances(const vc::Model& model, const std::vector<vc::Trace>& traces) {
  vc::DistanceMean mean;
  for (const vc::Trace& t : traces) {
    vc::Result<vc::AttentionStack> s = vc::attention_stack(t);
    if (!s) return false;
    for (int b = 0; b < s->batch; ++b) {
      vc::Result<vc::AttentionDistance> d = vc::attention_distance(*s, b, vc::cell_px_of(model, s->grid));
      if (!d || !mean.add(*d).ok()) return false;
    }
  }
  return mean.mean().ok();
}

int bench_attention(const Options& o, const vc::LabeledImages& set) {
  constexpr int kImages = 256, kBatch = 64;
  for (const char* scale : {"p001", "p003", "p010", "p030", "p100"}) {
    const std::string name = std::string("vit_") + scale;
    if (!wanted(o.model, name)) continue;
    std::unique_ptr<vc::Model> model = open(o, name);
    if (!model) return 1;
    const vc::KernelTable* chosen = vc::kernels_by_name(o.backend.empty() ? "simd" : o.backend);
    if (!chosen) {
      std::fprintf(stderr, "model_bench: unknown backend '%s'\n", o.backend.c_str());
      return 1;
    }
    const vc::KernelTable& k = *chosen;
    model->set_kernels(k);
    const vc::Tensor x = vc::test_set_input(set, 0, kImages, model->input_spec());
    bool ok = true;
    auto run = [&] { ok = ok && vc::mean_attention_distance(*model, x, kBatch).ok(); };
    run();  // warm-up: one call is 256 forwards
    const Timing end_to_end = time_runs(run, o.attention_runs, false);
    std::vector<vc::Trace> traces;
    for (int i = 0; i < kImages / kBatch; ++i) {
      traces.emplace_back(vc::TraceRequest{vc::TraceKind::AttnProbs});
      ok = model->forward(vc::test_set_input(set, i * kBatch, kBatch, model->input_spec()), &traces.back()).ok() && ok;
    }
    const Timing analysis = time_runs([&] { ok = ok && average_traced_distances(*model, traces); },
                                      o.attention_runs, true);
    if (!ok) {
      std::fprintf(stderr, "model_bench: %s: the attention distance failed\n", name.c_str());
      return 1;
    }
    print_attention(o, "attention_distance", name, k.name, kImages, end_to_end);
    print_attention(o, "attention_analysis", name, k.name, kImages, analysis);
  }
  return 0;
}

// The bytes a traced batch of 64 holds: every traced tensor, and the attention probabilities only.
int bench_trace_memory(const Options& o, const vc::LabeledImages& set) {
  constexpr int kBatch = 64;
  for (const char* name : {"vit_p100", "cnn_p100", "hybrid_p100"}) {
    if (!wanted(o.model, name)) continue;
    std::unique_ptr<vc::Model> model = open(o, name);
    if (!model) return 1;
    const vc::Tensor x = vc::test_set_input(set, 0, kBatch, model->input_spec());
    vc::Trace everything(vc::TraceRequest::everything());
    vc::Trace attention({vc::TraceKind::AttnProbs});
    if (!model->forward(x, &everything).ok() || !model->forward(x, &attention).ok()) {
      std::fprintf(stderr, "model_bench: %s: the forward pass failed\n", name);
      return 1;
    }
    print_trace_memory(o, name, kBatch, everything.bytes(), attention.bytes());
  }
  return 0;
}

// kind "erf_map": one unit's ERF on one image (median of `runs`); "erf_mean": the mean over `images`; both with the
// batch-1 forward median of the same model beside them.
void print_rf(const Options& o, const char* kind, const std::string& name, const std::string& layer, int images,
              const Timing& t, double forward_ms) {
  if (o.json)
    std::printf(
        "{\"kind\":\"%s\",\"model\":\"%s\",\"backend\":\"simd\",\"layer\":\"%s\",\"images\":%d,\"runs\":%d,"
        "\"median_ms\":%.4f,\"min_ms\":%.4f,\"forward_ms\":%.4f}\n",
        kind, name.c_str(), layer.c_str(), images, t.runs, t.median_ms, t.min_ms, forward_ms);
  else
    std::printf("%-19s %-12s simd  %-10s %3d images  median %10.3f ms  min %10.3f ms  (%d runs; forward %.3f ms)\n",
                kind, name.c_str(), layer.c_str(), images, t.median_ms, t.min_ms, t.runs, forward_ms);
  std::fflush(stdout);
}

int bench_rf(const Options& o, const vc::LabeledImages& set) {
  constexpr int kImages = 100;
  if (!wanted(o.backend, "simd")) return 0;  // the lab's backend
  for (const char* family : {"vit", "cnn", "hybrid"})
    for (const char* scale : {"p001", "p003", "p010", "p030", "p100"}) {
      const std::string name = std::string(family) + "_" + scale;
      if (!wanted(o.model, name)) continue;
      std::unique_ptr<vc::Model> model = open(o, name);
      if (!model) return 1;
      const vc::Tensor x = vc::test_set_input(set, 0, 1, model->input_spec());
      bool ok = true;
      const Timing forward = time_runs([&] { ok = model->forward(x, nullptr).ok() && ok; }, o.runs, true);
      vc::Result<std::vector<vc::TheoreticalRf>> rfs = vc::theoretical_rfs(*model);
      if (!rfs) {
        std::fprintf(stderr, "model_bench: %s: %s\n", name.c_str(), rfs.error().message.c_str());
        return 1;
      }
      const std::string layer = rfs->back().name;
      const vc::RfUnit unit = vc::centre_unit(rfs->back());
      const Timing one = time_runs([&] { ok = ok && vc::effective_rf(*model, layer, unit, x).ok(); }, o.runs, true);
      auto mean = [&] { ok = ok && vc::mean_effective_rf(*model, layer, unit, set, 0, kImages).ok(); };
      mean();  // warm-up
      const Timing many = time_runs(mean, o.rf_runs, false);
      if (!ok) {
        std::fprintf(stderr, "model_bench: %s: the forward or the ERF failed\n", name.c_str());
        return 1;
      }
      print_rf(o, "erf_map", name, layer, 1, one, forward.median_ms);
      print_rf(o, "erf_mean", name, layer, kImages, many, forward.median_ms);
    }
  return 0;
}

int bench_cka(const Options& o, const vc::LabeledImages& set) {
  constexpr int kImages = 1000;
  if (!wanted(o.backend, "simd")) return 0;
  std::unique_ptr<vc::Model> a = open(o, "vit_p100"), b = open(o, "cnn_p100");
  if (!a || !b) return 1;
  bool ok = true;
  const Timing forward = time_runs(
      [&] {
        for (int first = 0; first < kImages; first += vc::kCkaBatch)
          for (const vc::Model* m : {a.get(), b.get()})
            ok = m->forward(vc::test_set_input(set, first, vc::kCkaBatch, m->input_spec()), nullptr).ok() && ok;
      },
      1, false);
  const Timing cka = time_runs([&] { ok = vc::cka_on_test_set(*a, *b, set, kImages).ok() && ok; }, 1, false);
  if (!ok) {
    std::fprintf(stderr, "model_bench: the CKA or a forward failed\n");
    return 1;
  }
  if (o.json)
    std::printf("{\"kind\":\"cka\",\"model\":\"vit_p100 x cnn_p100\",\"backend\":\"simd\",\"images\":%d,"
                "\"batch\":%d,\"runs\":1,\"median_ms\":%.3f,\"min_ms\":%.3f,\"forward_ms\":%.3f}\n",
                kImages, vc::kCkaBatch, cka.median_ms, cka.min_ms, forward.median_ms);
  else
    std::printf("%-19s %-20s simd  %4d images  %10.1f ms  (the two models' forwards alone %.1f ms)\n", "cka",
                "vit_p100 x cnn_p100", kImages, cka.median_ms, forward.median_ms);
  std::fflush(stdout);
  return 0;
}

bool parse(int argc, char** argv, Options* o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--json") {
      o->json = true;
      continue;
    }
    if (!(v = value())) return false;
    if (a == "--models") o->models = v;
    else if (a == "--data") o->data = v;
    else if (a == "--runs") o->runs = std::max(1, std::atoi(v));
    else if (a == "--ref-batch64-runs") o->ref_batch64_runs = std::max(1, std::atoi(v));
    else if (a == "--attention-runs") o->attention_runs = std::max(1, std::atoi(v));
    else if (a == "--rf-runs") o->rf_runs = std::max(1, std::atoi(v));
    else if (a == "--only") o->only = v;
    else if (a == "--model") o->model = v;
    else if (a == "--backend") o->backend = v;
    else if (a == "--batch") o->batch = std::atoi(v);
    else if (a == "--threads") o->threads = std::max(1, std::atoi(v));
    else return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  vc::keep_freed_memory_mapped();
  constexpr const char* kUsage =
      "usage: model_bench [--models DIR] [--data DIR] [--runs N] [--ref-batch64-runs N] [--attention-runs N] "
      "[--rf-runs N] [--only forward|attention|trace|rf|cka|threads] [--model NAME] [--backend ref|simd|xnnpack]\n"
      "  [--batch N] [--threads N] [--json]\n"
      "  forward: forward time per model, backend and batch (natively with simd vs xnnpack rows);\n"
      "  attention: mean attention distance over 256 images;\n"
      "  trace: memory held by a traced batch of 64, everything vs attention probabilities only;\n"
      "  rf: per checkpoint, one ERF map and the 100-image mean ERF, beside the batch-1 forward\n"
      "  cka: the CKA matrix of vit_p100 x cnn_p100 over 1000 test images, beside the two models' forwards\n"
      "  threads: the simd batch-64 forwards on 1 kernel thread and on --threads N (default the hardware's)\n"
      "  --threads N: kernel threads of every other measurement (default 1)\n"
      "  --json: one object per line, with \"kind\" forward, attention_distance, attention_analysis,\n"
      "  trace_memory (\"everything_bytes\", \"attention_bytes\"), erf_map or erf_mean (\"forward_ms\"), cka,\n"
      "  forward_ratio (\"simd_ms\", \"xnnpack_ms\", \"simd_speedup\" = xnnpack / simd), threads (\"one_thread_ms\",\n"
      "  \"threads\", \"threads_ms\", \"speedup\")\n";
  if (argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  Options o;
  if (!parse(argc, argv, &o)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  vc::set_kernel_threads(o.threads ? o.threads : 1);
  vc::Result<vc::LabeledImages> set = vc::load_fashion_mnist(o.data, "t10k");
  if (!set) {
    std::fprintf(stderr, "model_bench: %s\n", set.error().message.c_str());
    return 1;
  }
  if (wanted(o.only, "forward") && bench_forward(o, *set) != 0) return 1;
  if (wanted(o.only, "attention") && bench_attention(o, *set) != 0) return 1;
  if (wanted(o.only, "rf") && bench_rf(o, *set) != 0) return 1;
  if (wanted(o.only, "trace") && bench_trace_memory(o, *set) != 0) return 1;
  if (wanted(o.only, "cka") && bench_cka(o, *set) != 0) return 1;
  if (wanted(o.only, "threads") && bench_threads(o, *set) != 0) return 1;
  return 0;
}
