// vitcnn info | predict | eval | trace
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "analysis/predictions.h"
#include "cli/cli.h"
#include "cli/npy.h"

namespace vc::cli {
namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

json metadata_of(const Model& m) {
  json meta = json::parse(m.metadata_json(), nullptr, false);
  return meta.is_discarded() ? json(m.metadata_json()) : meta;
}

// A step's spatial operators: its paths, each a list of convs ([] = identity).
json paths_json(const LayerGeometry& g) {
  json paths = json::array();
  for (const ConvPath& p : g.paths) {
    json convs = json::array();
    for (const ConvGeometry& c : p)
      convs.push_back({{"kernel", c.kernel}, {"stride", c.stride}, {"pad", c.pad}, {"dilation", c.dilation},
                       {"in_c", c.in_c}, {"out_c", c.out_c}});
    paths.push_back(std::move(convs));
  }
  return paths;
}

Result<json> run_info(const Args& args) {
  Result<std::unique_ptr<Model>> m = open_model(args);
  if (!m) return m.error();
  const Model& model = **m;
  json layers = json::array();
  int64_t macs = 0;
  for (const LayerInfo& l : model.layers()) {
    layers.push_back({{"name", l.name}, {"type", layer_type(l.kind)}, {"out_shape", l.out.dims()},
                      {"params", l.params}, {"macs", l.macs}, {"in_shape", l.in.dims()}, {"is_layer", l.is_layer},
                      {"paths", paths_json(l.geometry)}, {"global_mixing", l.geometry.global_mixing}});
    macs += l.macs;
  }
  return json{{"arch", arch_name(model.arch())}, {"params", model.num_params()}, {"macs", macs}, {"layers", layers},
              {"metadata", metadata_of(model)}};
}

Result<json> run_predict(const Args& args) {
  Result<std::unique_ptr<Model>> m = open_model(args);
  if (!m) return m.error();
  const Model& model = **m;
  Result<int> top_k = args.get_int("top", 5, 1, model.num_classes());
  if (!top_k) return top_k.error();
  Result<InputImage> in = input_from_args(model, args);
  if (!in) return in.error();
  const auto t0 = std::chrono::steady_clock::now();
  const Result<Tensor> logits = model.forward(in->x, nullptr);
  const double ms = ms_since(t0);
  if (!logits) return logits.error();
  const int k = model.num_classes();
  if (logits->numel() != k) return Error{"model returned logits " + logits->shape_str()};
  const std::vector<double> probs = softmax_probs({logits->ptr(), static_cast<size_t>(k)});
  json top = json::array();
  for (const int c : top_classes(probs, *top_k)) {
    top.push_back({{"class", c},
                   {"label", c < static_cast<int>(model.class_names().size()) ? model.class_names()[c]
                                                                              : std::to_string(c)},
                   {"prob", probs[c]}});
  }
  return json{{"input", in->source}, {"probs", probs}, {"top", top}, {"ms", ms}, {"backend", model.kernels().name}};
}

Result<json> run_eval(const Args& args) {
  Result<std::unique_ptr<Model>> m = open_model(args);
  if (!m) return m.error();
  const Model& model = **m;
  Result<LabeledImages> set = open_test_set(args);
  if (!set) return set.error();
  Result<int> limit = args.get_int("limit", set->count, 1, set->count);
  if (!limit) return limit.error();
  Result<int> batch = args.get_int("batch", 100, 1, 10000);
  if (!batch) return batch.error();
  int correct = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int first = 0; first < *limit; first += *batch) {
    const int count = std::min(*batch, *limit - first);
    const Result<Tensor> logits = model.forward(test_set_input(*set, first, count, model.input_spec()), nullptr);
    if (!logits) return logits.error();
    correct += count_correct(*logits, std::span(set->labels).subspan(first, count));
  }
  return json{{"accuracy", static_cast<double>(correct) / *limit}, {"n", *limit}, {"correct", correct},
              {"ms", ms_since(t0)}, {"backend", model.kernels().name}};
}

Result<json> run_trace(const Args& args) {
  if (!args.has("out")) return Error{"--out DIR is required"};
  Result<std::unique_ptr<Model>> m = open_model(args);
  if (!m) return m.error();
  const Model& model = **m;
  Result<InputImage> in = input_from_args(model, args);
  if (!in) return in.error();
  Trace trace(TraceRequest::everything());
  if (Result<Tensor> y = model.forward(in->x, &trace); !y) return y.error();
  const std::filesystem::path dir = args.get("out");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{"cannot create '" + dir.string() + "': " + ec.message()};
  json tensors = json::array();
  for (const Trace::Entry& e : trace.entries()) {
    const std::string file = e.name + ".npy";
    if (Status st = write_npy((dir / file).string(), e.value); !st) return st.error();
    tensors.push_back({{"name", e.name}, {"file", file}, {"shape", e.value.shape}});
  }
  json index = {{"model", args.get("model")}, {"arch", arch_name(model.arch())}, {"input", in->source}, {"tensors", tensors}};
  std::ofstream f(dir / "index.json");
  f << index.dump(1) << "\n";
  if (!f) return Error{"cannot write '" + (dir / "index.json").string() + "'"};
  return index;
}

}  // namespace

Command info_command() {
  return {"info", "architecture, parameter and MAC counts per layer, and the weight file's metadata",
          {model_flag(), backend_flag()}, run_info};
}

Command predict_command() {
  return {"predict", "class probabilities for one image",
          {model_flag(), image_flag(), test_index_flag(), data_flag(), backend_flag(),
           {"top", "K", "number of top classes listed (default 5)"}},
          run_predict};
}

Command eval_command() {
  return {"eval", "accuracy on the Fashion-MNIST test set",
          {model_flag(), {"limit", "N", "only the first N test images"}, {"batch", "N", "batch size (default 100)"},
           data_flag(), backend_flag()},
          run_eval};
}

Command trace_command() {
  return {"trace", "write every traced tensor of one forward pass as .npy plus index.json",
          {model_flag(), image_flag(), test_index_flag(), data_flag(), backend_flag(),
           {"out", "DIR", "output folder (created)"}},
          run_trace};
}

}  // namespace vc::cli
