#include "models/config.h"

#include <cmath>

#include "core/strict_json.h"

namespace vc {

const char* arch_name(Arch arch) {
  switch (arch) {
    case Arch::Vit: return "vit";
    case Arch::Cnn: return "cnn";
    case Arch::Hybrid: return "hybrid";
    case Arch::Rvit: return "rvit";
  }
  return "";
}

std::optional<Arch> parse_arch(std::string_view name) {
  for (Arch a : {Arch::Vit, Arch::Cnn, Arch::Hybrid, Arch::Rvit})
    if (name == arch_name(a)) return a;
  return std::nullopt;
}

namespace {

using json = nlohmann::json;

// v as an int in [lo, hi], or an Error naming it.
Result<int> as_int(const json& v, const std::string& name, int lo, int hi) {
  if (!v.is_number_integer()) return Error{"model metadata: " + name + " is not an integer"};
  const int64_t i = v.get<int64_t>();
  if (i < lo || i > hi)
    return Error{"model metadata: " + name + " = " + std::to_string(i) + " is outside [" + std::to_string(lo) + ", " +
                 std::to_string(hi) + "]"};
  return static_cast<int>(i);
}

Result<int> get_int(const json& obj, const char* key, const std::string& where, int lo, int hi) {
  if (!obj.contains(key)) return Error{"model metadata: " + where + "." + key + " is missing"};
  return as_int(obj[key], where + "." + key, lo, hi);
}

Result<float> get_float(const json& obj, const char* key, const std::string& where) {
  if (!obj.contains(key) || !obj[key].is_number()) return Error{"model metadata: " + where + "." + key + " is missing or not a number"};
  const double v = obj[key].get<double>();
  if (!std::isfinite(v)) return Error{"model metadata: " + where + "." + key + " is not finite"};
  return static_cast<float>(v);
}

Result<std::vector<int>> get_int_list(const json& obj, const char* key, int lo, int hi) {
  const std::string name = std::string("config.") + key;
  if (!obj.contains(key) || !obj[key].is_array() || obj[key].empty())
    return Error{"model metadata: " + name + " is missing or not a non-empty list"};
  if (obj[key].size() > static_cast<size_t>(kMaxStages))
    return Error{"model metadata: " + name + " has " + std::to_string(obj[key].size()) + " entries (at most " +
                 std::to_string(kMaxStages) + ")"};
  std::vector<int> out;
  for (size_t i = 0; i < obj[key].size(); ++i) {
    Result<int> v = as_int(obj[key][i], name + "[" + std::to_string(i) + "]", lo, hi);
    if (!v) return v.error();
    out.push_back(v.value());
  }
  return out;
}

// Assigns `r`'s value to `out`, or returns its error from the enclosing function.
#define VC_TRY_ASSIGN(out, expr)    \
  do {                              \
    auto r_ = (expr);               \
    if (!r_) return r_.error();     \
    out = std::move(r_.value());    \
  } while (0)

// A token grid of side x side patches: attention holds heads x T x T scores and rvit a T x T index.
Status check_tokens(int side) {
  const int64_t tokens = static_cast<int64_t>(side) * side;
  if (tokens > kMaxTokens)
    return Error{"model metadata: the config makes " + std::to_string(tokens) + " patch tokens (a " +
                 std::to_string(side) + " x " + std::to_string(side) + " grid; at most " + std::to_string(kMaxTokens) +
                 ")"};
  return {};
}

Result<ModelConfig> parse_config(Arch arch, const json& c) {
  ModelConfig cfg;
  cfg.arch = arch;
  const std::string w = "config";
  VC_TRY_ASSIGN(cfg.image_size, get_int(c, "image_size", w, 1, kMaxSize));
  VC_TRY_ASSIGN(cfg.in_channels, get_int(c, "in_channels", w, 1, kMaxWidth));
  VC_TRY_ASSIGN(cfg.num_classes, get_int(c, "num_classes", w, 1, kMaxClasses));
  if (arch == Arch::Vit || arch == Arch::Rvit) {
    VC_TRY_ASSIGN(cfg.patch, get_int(c, "patch", w, 1, cfg.image_size));
    if (cfg.image_size % cfg.patch != 0)
      return Error{"model metadata: config.image_size " + std::to_string(cfg.image_size) +
                   " is not a multiple of config.patch " + std::to_string(cfg.patch)};
    if (Status s = check_tokens(cfg.image_size / cfg.patch); !s) return s.error();
  } else {
    VC_TRY_ASSIGN(cfg.stem_width, get_int(c, "stem_width", w, 1, kMaxWidth));
    VC_TRY_ASSIGN(cfg.widths, get_int_list(c, "widths", 1, kMaxWidth));
    VC_TRY_ASSIGN(cfg.strides, get_int_list(c, "strides", 1, kMaxSize));
    VC_TRY_ASSIGN(cfg.blocks, get_int_list(c, "blocks", 1, kMaxDepth));
    if (cfg.widths.size() != cfg.strides.size() || cfg.widths.size() != cfg.blocks.size())
      return Error{"model metadata: config.widths, strides and blocks have different lengths (" +
                   std::to_string(cfg.widths.size()) + ", " + std::to_string(cfg.strides.size()) + ", " +
                   std::to_string(cfg.blocks.size()) + ")"};
  }
  if (arch == Arch::Hybrid) {
    // The token grid is image_size / prod(strides): each stage must divide exactly (models.py floors).
    int side = cfg.image_size;
    for (int s : cfg.strides) {
      if (side % s != 0)
        return Error{"model metadata: hybrid feature side " + std::to_string(side) + " is not divisible by stride " +
                     std::to_string(s)};
      side /= s;
    }
    if (Status s = check_tokens(side); !s) return s.error();
  }
  if (arch == Arch::Rvit) {
    // Optional (models.DEFAULT_CONFIGS["rvit"] has "locality"), validated when present.
    cfg.rel_bias_init = "locality";
    if (c.contains("rel_bias_init")) {
      const json& init = c["rel_bias_init"];
      if (!init.is_string() || (init.get<std::string>() != "locality" && init.get<std::string>() != "zero"))
        return Error{"model metadata: config.rel_bias_init = " + init.dump() + " (expected \"locality\" or \"zero\")"};
      cfg.rel_bias_init = init.get<std::string>();
    }
  }
  if (arch != Arch::Cnn) {
    VC_TRY_ASSIGN(cfg.dim, get_int(c, "dim", w, 1, kMaxWidth));
    VC_TRY_ASSIGN(cfg.depth, get_int(c, "depth", w, 0, kMaxDepth));
    VC_TRY_ASSIGN(cfg.heads, get_int(c, "heads", w, 1, cfg.dim));
    VC_TRY_ASSIGN(cfg.mlp_hidden, get_int(c, "mlp_hidden", w, 1, kMaxWidth));
    if (cfg.dim % cfg.heads != 0)
      return Error{"model metadata: config.dim " + std::to_string(cfg.dim) + " is not a multiple of config.heads " +
                   std::to_string(cfg.heads)};
  }
  return cfg;
}

}  // namespace

Result<ModelMeta> parse_model_meta(const std::string& vitcnn_json) {
  const std::string not_object = "model metadata: __metadata__[\"vitcnn\"] is not a JSON object";
  Result<json> parsed = parse_strict_json(vitcnn_json, "its text");
  if (!parsed) return Error{not_object + ": " + parsed.error().message};
  const json& m = parsed.value();
  if (!m.is_object()) return Error{not_object};
  ModelMeta meta;
  VC_TRY_ASSIGN(meta.format_version, get_int(m, "format_version", "vitcnn", 0, 1 << 30));
  if (meta.format_version != kMetaFormatVersion)
    return Error{"model metadata: format_version " + std::to_string(meta.format_version) + " is not supported (this build reads " +
                 std::to_string(kMetaFormatVersion) + ")"};
  if (!m.contains("arch") || !m["arch"].is_string()) return Error{"model metadata: \"arch\" is missing"};
  const std::string name = m["arch"].get<std::string>();
  const std::optional<Arch> arch = parse_arch(name);
  if (!arch) return Error{"model metadata: unknown arch '" + name + "' (expected vit, cnn, hybrid or rvit)"};
  if (!m.contains("config") || !m["config"].is_object()) return Error{"model metadata: \"config\" is missing"};
  VC_TRY_ASSIGN(meta.config, parse_config(*arch, m["config"]));

  if (!m.contains("class_names") || !m["class_names"].is_array())
    return Error{"model metadata: \"class_names\" is missing or not a list"};
  if (m["class_names"].size() != static_cast<size_t>(meta.config.num_classes))
    return Error{"model metadata: " + std::to_string(m["class_names"].size()) + " class_names for config.num_classes " +
                 std::to_string(meta.config.num_classes)};
  for (const json& n : m["class_names"]) {
    if (!n.is_string()) return Error{"model metadata: class_names holds a non-string"};
    if (n.get_ref<const std::string&>().size() > kMaxClassNameBytes)
      return Error{"model metadata: a class name has " + std::to_string(n.get_ref<const std::string&>().size()) +
                   " bytes (at most " + std::to_string(kMaxClassNameBytes) + ")"};
    meta.class_names.push_back(n.get<std::string>());
  }

  if (!m.contains("input") || !m["input"].is_object()) return Error{"model metadata: \"input\" is missing"};
  const json& in = m["input"];
  VC_TRY_ASSIGN(meta.input.size, get_int(in, "size", "input", 1, kMaxSize));
  VC_TRY_ASSIGN(meta.input.pad, get_int(in, "pad", "input", 0, kMaxSize));
  VC_TRY_ASSIGN(meta.input.mean, get_float(in, "mean", "input"));
  VC_TRY_ASSIGN(meta.input.std, get_float(in, "std", "input"));
  if (meta.input.size != meta.config.image_size)
    return Error{"model metadata: input.size " + std::to_string(meta.input.size) + " differs from config.image_size " +
                 std::to_string(meta.config.image_size)};
  if (!(meta.input.std > 0.0f)) return Error{"model metadata: input.std must be positive"};
  return meta;
}

}  // namespace vc
