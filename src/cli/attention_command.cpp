// vitcnn attention: CLS maps, rollout and mean attention distance of a vit, rvit or hybrid model.
#include "analysis/attention.h"
#include "analysis/attention_json.h"
#include "analysis/predictions.h"
#include "analysis/grid_json.h"
#include "cli/cli.h"

namespace vc::cli {
namespace {

// The selected --layer/--head (counted from 1, as a person reads them), checked against the model's attention
// shape, as 0-based indices {layer, head}; {-1, -1} when not given.
Result<std::pair<int, int>> selection(const Args& args, int layers, int heads) {
  if (args.has("layer") != args.has("head")) return Error{"--layer and --head go together"};
  if (!args.has("layer")) return std::pair<int, int>{-1, -1};
  Result<int> l = args.get_int("layer", 1, 1, layers);
  if (!l) return l.error();
  Result<int> h = args.get_int("head", 1, 1, heads);
  if (!h) return h.error();
  return std::pair<int, int>{*l - 1, *h - 1};
}

Result<json> one_image(const Model& model, const Args& args) {
  Result<InputImage> in = input_from_args(model, args);
  if (!in) return in.error();
  Result<AttentionImage> a = analyse_attention(model, in->x, true);
  if (!a) return a.error();
  const AttentionDistance& d = a->distance;
  Result<std::pair<int, int>> sel = selection(args, d.layers, d.heads);
  if (!sel) return sel.error();
  json maps = json::array();
  for (int l = 0; l < d.layers; ++l) {
    json heads = json::array();
    for (int h = 0; h < d.heads; ++h) {
      Result<Tensor> c = attention_map(*a, l, h, false, -1);
      if (!c) return c.error();
      heads.push_back(grid_json(*c));
    }
    maps.push_back(std::move(heads));
  }
  Result<Tensor> roll = attention_map(*a, d.layers - 1, 0, true, -1);
  if (!roll) return roll.error();
  json out = attention_distance_json(d);
  out.update({{"input", in->source}, {"images", 1}, {"cls_maps", maps}, {"rollout_cls_map", grid_json(*roll)}});
  if (sel->first >= 0) {
    const int l = sel->first, h = sel->second, k = l * d.heads + h;
    out["selected"] = {{"layer", l}, {"head", h}, {"cls_map", maps[l][h]}, {"distance_px", d.px[k]},
                       {"distance_patches", d.patches[k]}};
  }
  return out;
}

Result<json> many_images(const Model& model, const Args& args) {
  if (args.has("image") || args.has("test-index")) return Error{"--images N replaces --image and --test-index"};
  Result<LabeledImages> set = open_test_set(args);
  if (!set) return set.error();
  Result<int> n = args.get_int("images", 1, 1, set->count);
  if (!n) return n.error();
  Result<AttentionDistance> d = mean_attention_distance(model, test_set_input(*set, 0, *n, model.input_spec()), 64);
  if (!d) return d.error();
  Result<std::pair<int, int>> sel = selection(args, d->layers, d->heads);
  if (!sel) return sel.error();
  json out = attention_distance_json(*d);
  out.update({{"input", {{"test_images", *n}}}, {"images", *n}});
  if (sel->first >= 0) {
    const int k = sel->first * d->heads + sel->second;
    out["selected"] = {{"layer", sel->first}, {"head", sel->second}, {"distance_px", d->px[k]},
                       {"distance_patches", d->patches[k]}};
  }
  return out;
}

Result<json> run_attention(const Args& args) {
  Result<std::unique_ptr<Model>> m = open_model(args);
  if (!m) return m.error();
  const Model& model = **m;
  if (model.arch() == Arch::Cnn) return Error{args.get("model") + " is a cnn model: it has no attention (use a vit, rvit or hybrid)"};
  Result<json> out = args.has("images") ? many_images(model, args) : one_image(model, args);
  if (!out) return out.error();
  (*out)["model"] = args.get("model");
  (*out)["arch"] = arch_name(model.arch());
  return out;
}

}  // namespace

Command attention_command() {
  return {"attention",
          "CLS maps, rollout and mean attention distance per layer and head (vit, rvit, hybrid). Layers and heads are "
          "numbered from 1 in --layer/--head, from 0 in the JSON's indices: cls_maps[l][h], distance_px[l][h] and "
          "selected.layer/head of --layer 1 --head 1 are l = h = 0",
          {model_flag(), image_flag(), test_index_flag(),
           {"images", "N", "average the distance over the first N test images (no maps)"},
           {"layer", "L", "also report layer L (1 = the first), head H alone (with --head)"},
           {"head", "H", "see --layer (1 = the first head)"},
           data_flag(), backend_flag()},
          run_attention};
}

}  // namespace vc::cli
