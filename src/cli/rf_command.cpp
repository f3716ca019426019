// vitcnn rf: the theoretical receptive field of every layer and the effective receptive field of one unit
// (analysis/receptive_field.h), for a trained checkpoint or an untrained model of the same config.
#include <algorithm>
#include <charconv>

#include "analysis/receptive_field.h"
#include "analysis/receptive_field_json.h"
#include "cli/cli.h"

namespace vc::cli {
namespace {

// "ROW,COL" -> two integers.
Result<std::pair<int, int>> parse_pair(const std::string& s) {
  const size_t comma = s.find(',');
  int row = 0, col = 0;
  if (comma != std::string::npos) {
    const char* end = s.data() + s.size();
    auto r = std::from_chars(s.data(), s.data() + comma, row);
    auto c = std::from_chars(s.data() + comma + 1, end, col);
    if (r.ec == std::errc() && r.ptr == s.data() + comma && c.ec == std::errc() && c.ptr == end)
      return std::pair<int, int>{row, col};
  }
  return Error{"--unit expects ROW,COL (two integers), got '" + s + "'"};
}

bool is_tokens(const TheoreticalRf& rf) { return rf.shape.layout == FeatureShape::Layout::Tokens; }

// The unit that --unit, --token or --cls name on `rf`, one of the model's layers `rfs` (default: the grid centre).
Result<RfUnit> unit_from_args(const std::vector<TheoreticalRf>& rfs, const TheoreticalRf& rf, const Args& args) {
  if (args.has("unit") + args.has("token") + args.has("cls") > 1)
    return Error{"give at most one of --unit, --token, --cls"};
  if ((args.has("token") || args.has("cls")) && !is_tokens(rf)) {
    const bool any = std::any_of(rfs.begin(), rfs.end(), is_tokens);
    return Error{
        std::string(args.has("token") ? "--token" : "--cls") + " needs a token layer" +
        (any ? " (embed, blocks.*); '" + rf.name + "' is a feature map" : ", and this model (a cnn) has none") +
        ": choose a position with --unit ROW,COL"};
  }
  if (args.has("cls")) return RfUnit{true, 0, 0};
  if (args.has("token")) {
    Result<int> n = args.get_int("token", 0, 0, rf.shape.h * rf.shape.w - 1);
    if (!n) return n.error();
    return RfUnit{false, *n / rf.shape.w, *n % rf.shape.w};
  }
  if (args.has("unit")) {
    Result<std::pair<int, int>> p = parse_pair(args.get("unit"));
    if (!p) return p.error();
    return RfUnit{false, p->first, p->second};
  }
  return centre_unit(rf);
}

// The ERF over the images that --images N, --image or --test-index name (default: test image 0).
Result<Erf> erf_from_args(const Model& model, const std::string& layer, const RfUnit& unit, const Args& args,
                          json& source) {
  if (args.has("images") && (args.has("image") || args.has("test-index")))
    return Error{"--images N replaces --image and --test-index"};
  if (args.has("image") || args.has("test-index")) {
    Result<InputImage> in = input_from_args(model, args);
    if (!in) return in.error();
    source = in->source;
    return effective_rf(model, layer, unit, in->x);
  }
  Result<LabeledImages> set = open_test_set(args);
  if (!set) return set.error();
  Result<int> n = args.get_int("images", 1, 1, set->count);
  if (!n) return n.error();
  source = args.has("images") ? json{{"test_images", *n}} : json{{"test_index", 0}, {"label", set->labels[0]}};
  return mean_effective_rf(model, layer, unit, *set, 0, *n);
}

Result<json> run_rf(const Args& args) {
  Result<std::unique_ptr<Model>> trained = open_model(args);
  if (!trained) return trained.error();
  if (args.has("save-untrained") && !args.has("untrained")) return Error{"--save-untrained needs --untrained"};
  Result<int> seed = args.get_int("seed", static_cast<int>(kUntrainedSeed), 0, 1 << 30);
  if (!seed) return seed.error();
  std::unique_ptr<Model> model = std::move(*trained);
  json weights = "trained";
  if (args.has("untrained")) {
    if (args.has("save-untrained")) {
      Result<SafeTensors> w = untrained_weights(*model, static_cast<uint64_t>(*seed));
      if (!w) return w.error();
      if (Status s = write_safetensors(args.get("save-untrained"), *w); !s) return s.error();
    }
    Result<std::unique_ptr<Model>> u = untrained_model(*model, static_cast<uint64_t>(*seed));
    if (!u) return u.error();
    model = std::move(*u);
    weights = {{"untrained_seed", *seed}};
  } else if (args.has("seed")) {
    return Error{"--seed needs --untrained"};
  }

  Result<std::vector<TheoreticalRf>> rfs = theoretical_rfs(*model);
  if (!rfs) return rfs.error();
  const std::string layer = args.get("layer", rfs->back().name);
  json layers = json::array();
  const TheoreticalRf* chosen = nullptr;
  for (const TheoreticalRf& rf : *rfs) {
    layers.push_back(theoretical_rf_json(rf));
    if (rf.name == layer) chosen = &rf;
  }
  // An unknown layer fails in effective_rf, whose message lists the model's layers.
  Result<RfUnit> unit = chosen ? unit_from_args(*rfs, *chosen, args) : RfUnit{};
  if (!unit) return unit.error();
  json source;
  Result<Erf> erf = erf_from_args(*model, layer, *unit, args, source);
  if (!erf) return erf.error();
  return json{{"model", args.get("model")},
              {"arch", arch_name(model->arch())},
              {"weights", weights},
              {"input_px", model->image_size()},
              {"coordinates", "model input pixels (" + std::to_string(model->image_size()) + " x " +
                                  std::to_string(model->image_size()) + ": the 28 x 28 image zero-padded by " +
                                  std::to_string(model->input_spec().pad) +
                                  "); pixel (r, c) has its centre at (r + 0.5, c + 0.5)"},
              {"layers", layers},
              {"layer", layer},
              {"unit", unit_field_json(*chosen, erf->field)},
              {"input", source},
              {"images", erf->images},
              {"erf", erf_json(*erf)}};
}

}  // namespace

Command rf_command() {
  return {"rf",
          "theoretical receptive field of every layer, effective receptive field of one unit (|dy/dx|)",
          {model_flag(),
           {"layer", "NAME", "layer of the unit (default: the last; stem, stages.S.B, embed, blocks.I)"},
           {"unit", "ROW,COL", "unit at grid position ROW,COL, from 0 (default: the grid centre)"},
           {"token", "N", "patch token N, from 0, row-major (token layers; sequence index N + 1)"},
           {"cls", "", "the CLS token (token layers)"},
           image_flag(),
           test_index_flag(),
           {"images", "N", "mean ERF over the first N test images (default: test image 0 alone)"},
           {"untrained", "", "an untrained model of the same config (seeded initialisation) instead"},
           {"seed", "N", "initialisation seed for --untrained (default " + std::to_string(kUntrainedSeed) + ")"},
           {"save-untrained", "PATH", "also write the untrained weights to PATH (safetensors, F32)"},
           data_flag(),
           backend_flag()},
          run_rf};
}

}  // namespace vc::cli
