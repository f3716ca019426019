// vitcnn cka | skip | equivariance: the representation analyses (analysis/representations.h) on the first N
// Fashion-MNIST test images, printed in their JSON form (analysis/representations_json.h).
#include "analysis/predictions.h"
#include "analysis/representations.h"
#include "analysis/representations_json.h"
#include "cli/cli.h"

namespace vc::cli {
namespace {

constexpr int kSkipBatch = 50;  // images per forward pass of `vitcnn skip`

Result<json> run_cka(const Args& args) {
  Result<std::unique_ptr<Model>> a = open_model(args, "a");
  if (!a) return a.error();
  Result<std::unique_ptr<Model>> b = open_model(args, "b");
  if (!b) return b.error();
  Result<LabeledImages> set = open_test_set(args);
  if (!set) return set.error();
  Result<int> n = args.get_int("images", 1000, 1, set->count);
  if (!n) return n.error();
  Result<int> batch = args.get_int("batch", std::min(kCkaBatch, *n), 1, set->count);
  if (!batch) return batch.error();
  Result<CkaResult> r = cka_on_test_set(**a, **b, *set, *n, *batch);
  if (!r) return r.error();
  return cka_json(*r);
}

// The model of --model and the first --images N test images (default 100).
struct ModelAndImages {
  std::unique_ptr<Model> model;
  LabeledImages set;
  int images = 0;
};

Result<ModelAndImages> model_and_images(const Args& args) {
  Result<std::unique_ptr<Model>> m = open_model(args);
  if (!m) return m.error();
  Result<LabeledImages> set = open_test_set(args);
  if (!set) return set.error();
  Result<int> n = args.get_int("images", 100, 1, set->count);
  if (!n) return n.error();
  return ModelAndImages{std::move(*m), std::move(*set), *n};
}

Result<json> run_skip(const Args& args) {
  Result<ModelAndImages> in = model_and_images(args);
  if (!in) return in.error();
  const Model& model = *in->model;
  Result<SkipRatios> s = skip_ratios(model, test_set_input(in->set, 0, in->images, model.input_spec()), kSkipBatch);
  if (!s) return s.error();
  return skip_ratios_json(*s);
}

Result<json> run_equivariance(const Args& args) {
  Result<ModelAndImages> in = model_and_images(args);
  if (!in) return in.error();
  Result<Equivariance> e = equivariance_on_test_set(*in->model, in->set, 0, in->images);
  if (!e) return e.error();
  return equivariance_json(*e);
}

FlagSpec images_flag(const std::string& default_n) {
  return {"images", "N", "the first N Fashion-MNIST test images (default " + default_n + ")"};
}

}  // namespace

Command cka_command() {
  return {"cka",
          "linear CKA (minibatch, unbiased HSIC) of every layer of model A with every layer of model B",
          {{"a", "PATH", "weight file of model A (the rows)"},
           {"b", "PATH", "weight file of model B (the columns; may be A)"},
           images_flag("1000"),
           {"batch", "M", "images per minibatch, at least 4, dividing N (default 100, or N when N < 100)"},
           data_flag(),
           backend_flag()},
          run_cka};
}

Command skip_command() {
  return {"skip",
          "skip ratio ||x|| / ||x + f(x)|| of every residual branch, per token, averaged over the images",
          {model_flag(), images_flag("100"), data_flag(), backend_flag()},
          run_skip};
}

Command equivariance_command() {
  return {"equivariance",
          "translation equivariance error per layer and top-1 changes for inputs shifted right by 1..4 px",
          {model_flag(), images_flag("100"), data_flag(), backend_flag()},
          run_equivariance};
}

}  // namespace vc::cli
