#include "ui/attention_view.h"

#include <algorithm>
#include <charconv>

#include "ui/input_edit.h"
#include "ui/jobs.h"
#include "ui/model_store.h"

namespace vc {

namespace {

std::string image_prefix(const std::string& checkpoint) { return "attention.image/" + checkpoint + "/v"; }

std::string image_key(const std::string& checkpoint, uint64_t version) {
  return image_prefix(checkpoint) + std::to_string(version);
}

std::string average_key(const std::string& checkpoint, int images) {
  return "attention.average/" + checkpoint + "/" + std::to_string(images);
}

// Row `row` of a [T, T] matrix over the patch tokens (columns 1..T-1) -> [grid, grid].
Tensor patch_columns(const Tensor& m, int row, int grid) {
  const int64_t tokens = m.dim(-1);
  Tensor out({grid, grid});
  std::copy_n(m.ptr() + row * tokens + 1, grid * grid, out.ptr());
  return out;
}

// Index of `name` in a list of names, or -1.
template <size_t N>
int index_of(const char* const (&names)[N], const std::string& name) {
  for (size_t i = 0; i < N; ++i)
    if (name == names[i]) return static_cast<int>(i);
  return -1;
}

// A whole-string non-negative integer, or -1.
int parse_count(const std::string& s) {
  int v = -1;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && v >= 0 ? v : -1;
}

nlohmann::json per_layer(const std::vector<double>& v, int layers, int heads) {
  nlohmann::json out = nlohmann::json::array();
  for (int l = 0; l < layers; ++l)
    out.push_back(std::vector<double>(v.begin() + l * heads, v.begin() + (l + 1) * heads));
  return out;
}

// Per-head distances, and how many heads of the early layers are local.
nlohmann::json distance_json(const AttentionDistance& d) {
  nlohmann::json out = {{"distance_px", per_layer(d.px, d.layers, d.heads)},
                        {"distance_patches", per_layer(d.patches, d.layers, d.heads)}};
  if (Result<double> u = uniform_attention_distance_px(d.grid, d.cell_px); u)
    out["local_heads_early"] = local_heads(d, kEarlyLayers, kLocalFraction * *u);
  return out;
}

// What the query reports for one checkpoint: its image distances, and the average when one was computed.
nlohmann::json checkpoint_json(const AppState& app, const std::string& checkpoint) {
  nlohmann::json out = {{"model", checkpoint}};
  const Job* image = find_attention_image(app, checkpoint);
  if (const AttentionImage* a = job_result<AttentionImage>(image)) out.update(distance_json(a->distance));
  if (image && !image->error.empty()) out["error"] = image->error;
  const Job* avg = find_attention_average(app, checkpoint, app.attention.average_images);
  if (avg) {
    const AttentionAverage* r = job_partial<AttentionAverage>(avg);
    nlohmann::json a = {{"images", r ? r->total : app.attention.average_images},
                        {"done", r ? r->done : 0},
                        {"finished", avg->done}};
    if (!avg->error.empty()) a["error"] = avg->error;
    if (r)
      if (Result<AttentionDistance> m = r->mean.mean(); m) a.update(distance_json(*m));
    out["average"] = a;
  }
  return out;
}

}  // namespace

Result<AttentionImage> analyse_attention(const Model& model, std::span<const float> image, bool with_rollouts) {
  if (model.arch() == Arch::Cnn) return Error{"a cnn has no attention"};
  Trace trace({TraceKind::AttnProbs});
  if (Result<Tensor> y = model.forward(make_input(image, 1, model.input_spec()), &trace); !y) return y.error();
  Result<AttentionStack> s = attention_stack(trace);
  if (!s) return s.error();
  AttentionImage a;
  a.layers = s->num_layers();
  a.heads = s->heads;
  a.grid = s->grid;
  a.cell_px = cell_px_of(model, s->grid);
  Result<AttentionDistance> d = attention_distance(*s, 0, a.cell_px);
  if (!d) return d.error();
  a.distance = std::move(d).value();
  for (const Tensor* p : s->layers) a.probs.push_back(*p);
  // Rollout through layer l: the same stack cut after layer l.
  for (int l = 0; with_rollouts && l < a.layers; ++l) {
    AttentionStack upto = *s;
    upto.layers.resize(static_cast<size_t>(l) + 1);
    Result<Tensor> r = rollout(upto, 0);
    if (!r) return r.error();
    a.rollouts.push_back(std::move(r).value());
  }
  return a;
}

Result<Tensor> shown_map(const AttentionImage& a, int layer, int head, bool use_rollout, int patch) {
  if (layer < 0 || layer >= a.layers) return Error{"layer " + std::to_string(layer) + " out of range"};
  if (patch >= a.grid * a.grid) return Error{"patch " + std::to_string(patch) + " out of range"};
  if (use_rollout) {
    if (a.rollouts.size() != static_cast<size_t>(a.layers)) return Error{"the rollout was not computed"};
    return patch_columns(a.rollouts[layer], patch < 0 ? 0 : patch + 1, a.grid);
  }
  Result<AttentionStack> s = attention_stack(a.probs);
  if (!s) return s.error();
  return patch < 0 ? cls_map(*s, 0, layer, head) : token_map(*s, 0, layer, head, patch);
}

const Job& request_attention_image(AppState& app, const std::string& role, const Model* model,
                                   const std::string& checkpoint) {
  const InputImage image = app.input.image;
  return job_request(
      app, "attention.image." + role, image_key(checkpoint, app.input.version),
      [model, image](Job& job) {
        Result<AttentionImage> a = analyse_attention(*model, image, true);
        if (a)
          job.result = std::move(a).value();
        else
          job.error = a.error().message;
        return true;
      },
      static_cast<int64_t>(app.input.version));
}

const Job& request_attention_average(AppState& app, const std::string& role, const Model* model,
                                     const std::string& checkpoint, int images) {
  const LabeledImages* set = &app.gallery.test_set;
  const int total = std::min(images, set->count);
  return job_request(app, "attention.average." + role, average_key(checkpoint, images),
                     [model, set, total](Job& job) {
                       if (!job.result.has_value()) job.result = AttentionAverage{DistanceMean{}, 0, total};
                       auto& r = std::any_cast<AttentionAverage&>(job.result);
                       if (r.done >= r.total) {
                         job.error = "no test images to average over";
                         return true;
                       }
                       // One image per step: a batch-1 forward pass.
                       const InputImage image = image_from_bytes(&set->images[size_t(r.done) * kInputPixels]);
                       Result<AttentionImage> a = analyse_attention(*model, image, false);
                       Status added = a ? r.mean.add(a->distance) : Status(a.error());
                       if (!added) {
                         job.error = added.error().message;
                         return true;
                       }
                       ++r.done;
                       job.progress = static_cast<float>(r.done) / static_cast<float>(r.total);
                       return r.done == r.total;
                     });
}

const Job* find_attention_image(const AppState& app, const std::string& checkpoint) {
  return job_find(app, image_key(checkpoint, app.input.version));
}

const Job* find_attention_average(const AppState& app, const std::string& checkpoint, int images) {
  return job_find(app, average_key(checkpoint, images));
}

const AttentionImage* latest_attention_image(const AppState& app, const std::string& checkpoint) {
  if (const AttentionImage* a = job_result<AttentionImage>(find_attention_image(app, checkpoint))) return a;
  const std::string prefix = image_prefix(checkpoint);
  const std::vector<std::string>& order = app.jobs.finished_order;  // oldest first
  for (auto it = order.rbegin(); it != order.rend(); ++it)
    if (it->rfind(prefix, 0) == 0) return job_result<AttentionImage>(&app.jobs.finished.at(*it));
  return nullptr;
}

bool attention_family_is_cnn(const AppState& app) { return std::string(kFamilies[app.attention.family]) == "cnn"; }

std::string attention_checkpoint(const AppState& app) {
  return checkpoint_name(app.attention.family, app.attention.scale);
}

std::string attention_compare_checkpoint(const AppState& app) {
  const AttentionViewState& v = app.attention;
  if (v.compare_scale < 0 || v.compare_scale == v.scale) return "";
  return checkpoint_name(v.family, v.compare_scale);
}

std::string attention_view_state(const AppState& app) {
  const AttentionViewState& v = app.attention;
  const AttentionViewState defaults;
  std::string out;
  if (v.family != defaults.family) out += std::string("&attn.model=") + kFamilies[v.family];
  if (v.scale != defaults.scale) out += std::string("&attn.data=") + kDataScales[v.scale];
  if (v.layer != defaults.layer || v.head != defaults.head)
    out += "&attn.cell=" + std::to_string(v.layer) + "." + std::to_string(v.head);
  if (v.rollout) out += "&attn.rollout=1";
  if (v.compare_scale != defaults.compare_scale)
    out += std::string("&attn.compare=") + (v.compare_scale < 0 ? "none" : kDataScales[v.compare_scale]);
  if (v.average) out += "&attn.avg=" + std::to_string(v.average_images);
  return out;
}

bool apply_attention_view_key(AppState& app, const std::string& key, const std::string& value) {
  AttentionViewState& v = app.attention;
  if (key == "attn.model") {
    if (const int f = index_of(kFamilies, value); f >= 0) v.family = f;
  } else if (key == "attn.data") {
    if (const int s = index_of(kDataScales, value); s >= 0) v.scale = s;
  } else if (key == "attn.compare") {
    if (const int s = value == "none" ? -1 : index_of(kDataScales, value); s >= 0 || value == "none")
      v.compare_scale = s;
  } else if (key == "attn.cell") {
    const size_t dot = value.find('.');
    const int layer = parse_count(value.substr(0, dot));
    const int head = dot == std::string::npos ? -1 : parse_count(value.substr(dot + 1));
    // Clamped to the model's depth and heads once its attention is known.
    if (layer >= 0 && head >= 0) {
      v.layer = layer;
      v.head = head;
    }
  } else if (key == "attn.rollout") {
    v.rollout = value == "1";
  } else if (key == "attn.avg") {
    if (const int n = parse_count(value); n > 0) {
      v.average = true;
      v.average_images = n;
    }
  } else {
    return false;
  }
  return true;
}

nlohmann::json attention_query(const AppState& app) {
  const AttentionViewState& v = app.attention;
  const std::string checkpoint = attention_checkpoint(app);
  nlohmann::json out = checkpoint_json(app, checkpoint);
  out.update({{"arch", kFamilies[v.family]},
              {"layer", v.layer},
              {"head", v.head},
              {"rollout", v.rollout},
              {"hover_patch", v.hover_patch},
              {"average_images", v.average_images},
              {"show_average", v.average}});
  const std::string compare = attention_compare_checkpoint(app);
  out["compare"] = compare.empty() ? nlohmann::json(nullptr) : checkpoint_json(app, compare);
  const Job* image = find_attention_image(app, checkpoint);
  const AttentionImage* a = job_result<AttentionImage>(image);
  const ModelEntry* entry = model_entry(app, checkpoint);
  if (attention_family_is_cnn(app)) {
    out["status"] = "no_attention";
  } else if (!entry || entry->status == ModelEntry::Status::Loading) {
    out["status"] = "loading";
  } else if (entry->status == ModelEntry::Status::Failed) {
    out["status"] = "error";
    out["error"] = entry->error;
  } else if (image && !image->error.empty()) {
    out["status"] = "error";
  } else if (!a) {
    out["status"] = "computing";
  } else {
    out["status"] = "ready";
    out.update({{"grid", a->grid}, {"tokens", 1 + a->grid * a->grid}, {"cell_px", a->cell_px},
                {"layers", a->layers}, {"heads", a->heads}});
    if (Result<double> u = uniform_attention_distance_px(a->grid, a->cell_px); u)
      out.update({{"uniform_px", *u}, {"local_threshold_px", kLocalFraction * *u}, {"early_layers", kEarlyLayers}});
    Result<Tensor> m = shown_map(*a, v.layer, v.head, v.rollout, v.hover_patch);
    if (m) out["cls_map"] = m->data;
  }
  return out;
}

}  // namespace vc
