#include "ui/attention_view.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "analysis/attention_json.h"
#include "analysis/position.h"
#include "analysis/predictions.h"
#include "ui/input_edit.h"
#include "ui/jobs.h"
#include "ui/model_store.h"

namespace vc {

namespace {

constexpr int kAttentionThreadBatch = 64;  // images per averaging step on the job thread (ui/jobs.h job_step_size)

std::string image_key(const std::string& checkpoint, uint64_t version) {
  return job_key("attention.image", checkpoint, "v", version);
}

std::string average_key(const std::string& checkpoint, int images) {
  return job_key("attention.average", checkpoint, images);
}

// What the query reports for one checkpoint: its image distances, and the average when one was computed.
nlohmann::json checkpoint_json(const AppState& app, const std::string& checkpoint) {
  nlohmann::json out = {{"model", checkpoint}};
  const JobView<AttentionImage> image = attention_image_job(app, checkpoint);
  if (image.ready()) out.update(attention_distance_json(image.value->distance));
  if (image.failed()) out["error"] = image.error;
  const JobView<AttentionAverage> avg = attention_average_job(app, checkpoint, app.attention.average_images);
  if (avg.status != JobView<AttentionAverage>::Status::None) {
    const AttentionAverage* r = avg.value;
    nlohmann::json a = {{"images", r ? r->total : app.attention.average_images},
                        {"done", r ? r->done : 0},
                        {"finished", !avg.running()}};
    if (avg.failed()) a["error"] = avg.error;
    if (r)
      if (Result<AttentionDistance> m = r->mean.mean(); m) a.update(attention_distance_json(*m));
    out["average"] = a;
  }
  return out;
}

// The locality lines, and for the shown vit or rvit its position-embedding similarity and (rvit) its kernels.
nlohmann::json locality_json(const AppState& app) {
  const AttentionViewState& v = app.attention;
  nlohmann::json out = nlohmann::json::object();
  if (v.family != kVitFamily && v.family != kRvitFamily) return out;
  nlohmann::json lines = nlohmann::json::object();
  for (int f : {kVitFamily, kRvitFamily}) {
    const std::string name = attention_locality_checkpoint(app, f);
    const std::optional<Locality> l = image_locality(app, name);
    lines[kFamilies[f]] = l ? nlohmann::json{{"model", name},
                                             {"local_heads", l->local_heads},
                                             {"heads", l->heads},
                                             {"uniform_px", l->uniform_px},
                                             {"threshold_px", l->threshold_px},
                                             {"farthest_from_uniform_px", l->farthest_from_uniform_px}}
                            : nlohmann::json(nullptr);
  }
  out["locality"] = lines;
  const ModelEntry* e = model_entry(app, attention_checkpoint(app));
  if (!e || !e->model) return out;
  const Model& model = *e->model;
  if (const Result<int> g = position_grid(model); g) {
    const int patch = position_patch(app, *g);
    if (Result<Tensor> s = position_embedding_similarity(model, patch); s) {
      out["position_patch"] = patch;
      out["position_similarity"] = s->data;
    }
  }
  if (const Result<BiasKernels> k = relative_bias_kernels(model); k) {
    nlohmann::json layers = nlohmann::json::array();
    for (int l = 0; l < k->layers; ++l) {
      nlohmann::json heads = nlohmann::json::array();
      for (int h = 0; h < k->heads; ++h) heads.push_back(k->kernels[l * k->heads + h].data);
      layers.push_back(std::move(heads));
    }
    out["kernels"] = layers;
  }
  return out;
}

}  // namespace

const Job& request_attention_image(AppState& app, const std::string& role, const Model* model,
                                   const std::string& checkpoint) {
  const InputImage image = app.input.image;
  return job_request(
      app, "attention.image." + role, image_key(checkpoint, app.input.version),
      [model, image](Job& job) {
        Result<AttentionImage> a = analyse_attention(*model, make_input(image, 1, model->input_spec()), true);
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
  // One image per step in time slices, a batch of them on the job thread (the mean is the same bits either way).
  const int batch = job_step_size(app, 1, kAttentionThreadBatch);
  return job_request(app, "attention.average." + role, average_key(checkpoint, images),
                     [model, set, total, batch](Job& job) {
                       if (!job.result.has_value()) job.result = AttentionAverage{DistanceMean{}, 0, total};
                       auto& r = std::any_cast<AttentionAverage&>(job.result);
                       if (r.done >= r.total) {
                         job.error = "no test images to average over";
                         return true;
                       }
                       const int count = std::min(batch, r.total - r.done);
                       const Tensor x = test_set_input(*set, r.done, count, model->input_spec());
                       if (Status added = add_attention_distances(*model, x, r.mean); !added) {
                         job.error = added.error().message;
                         return true;
                       }
                       r.done += count;
                       job.progress = static_cast<float>(r.done) / static_cast<float>(r.total);
                       return r.done == r.total;
                     });
}

JobView<AttentionImage> attention_image_job(const AppState& app, const std::string& checkpoint) {
  return job_view<AttentionImage>(job_find(app, image_key(checkpoint, app.input.version)));
}

JobView<AttentionAverage> attention_average_job(const AppState& app, const std::string& checkpoint, int images) {
  return job_view<AttentionAverage>(job_find(app, average_key(checkpoint, images)));
}

const AttentionImage* latest_attention_image(const AppState& app, const std::string& checkpoint) {
  if (const JobView<AttentionImage> now = attention_image_job(app, checkpoint); now.ready()) return now.value;
  const std::string prefix = job_key("attention.image", checkpoint, "v") + "/";
  const std::vector<std::string>& order = app.jobs.finished_order;  // oldest first
  for (auto it = order.rbegin(); it != order.rend(); ++it)
    if (it->rfind(prefix, 0) == 0)
      if (const JobView<AttentionImage> last = job_view<AttentionImage>(&app.jobs.finished.at(*it)); last.ready())
        return last.value;
  return nullptr;
}

bool attention_family_is_cnn(const AppState& app) { return std::string(kFamilies[app.attention.family]) == "cnn"; }

std::string attention_checkpoint(const AppState& app) {
  return family_checkpoint(app, app.attention.family, app.attention.scale);
}

std::string attention_compare_checkpoint(const AppState& app) {
  const AttentionViewState& v = app.attention;
  if (v.compare_scale < 0 || v.compare_scale == v.scale) return "";
  return family_checkpoint(app, v.family, v.compare_scale);
}

std::string attention_control_checkpoint(const AppState& app) {
  const AttentionViewState& v = app.attention;
  return v.family == kRvitFamily && v.control_scale >= 0 ? control_checkpoint_name(v.control_scale) : "";
}

std::string attention_other_checkpoint(const AppState& app) {
  const AttentionViewState& v = app.attention;
  if (v.family != kVitFamily && v.family != kRvitFamily) return "";
  return checkpoint_name(v.family == kVitFamily ? kRvitFamily : kVitFamily,
                         is_shipped_slot(v.scale) ? v.scale : kDefaultScale);
}

std::string attention_locality_checkpoint(const AppState& app, int family) {
  return family == app.attention.family ? attention_checkpoint(app) : attention_other_checkpoint(app);
}

int position_patch(const AppState& app, int grid) {
  const int p = app.attention.hover_patch;
  return p >= 0 && p < grid * grid ? p : (grid / 2) * grid + grid / 2;
}

std::optional<Locality> image_locality(const AppState& app, const std::string& checkpoint) {
  const JobView<AttentionImage> image = attention_image_job(app, checkpoint);
  if (!image.ready()) return std::nullopt;
  Result<Locality> l = locality(image.value->distance);
  return l ? std::optional<Locality>(*l) : std::nullopt;
}

std::string attention_view_state(const AppState& app) {
  const AttentionViewState& v = app.attention;
  const AttentionViewState defaults;
  std::string out;
  if (v.family != defaults.family) out += std::string("&attn.model=") + kFamilies[v.family];
  // The user's own checkpoints are local to this page: links name shipped ones only.
  if (v.scale != defaults.scale && is_shipped_slot(v.scale)) out += std::string("&attn.data=") + kDataScales[v.scale];
  if (v.layer != defaults.layer || v.head != defaults.head)
    out += "&attn.cell=" + std::to_string(v.layer) + "." + std::to_string(v.head);
  if (v.rollout) out += "&attn.rollout=1";
  if (v.compare_scale != defaults.compare_scale && (v.compare_scale < 0 || is_shipped_slot(v.compare_scale)))
    out += std::string("&attn.compare=") + (v.compare_scale < 0 ? "none" : kDataScales[v.compare_scale]);
  if (v.control_scale != defaults.control_scale) out += std::string("&attn.control=") + kDataScales[v.control_scale];
  if (v.average) out += "&attn.avg=" + std::to_string(v.average_images);
  if (v.shared_scale) out += "&attn.shared=1";
  return out;
}

bool apply_attention_view_key(AppState& app, const std::string& key, const std::string& value) {
  AttentionViewState& v = app.attention;
  if (key == "attn.model") {
    if (const int f = family_index(value); f >= 0) v.family = f;
  } else if (key == "attn.data") {
    if (const int s = data_scale_index(value); s >= 0) v.scale = s;
  } else if (key == "attn.compare") {
    if (const int s = value == "none" ? -1 : data_scale_index(value); s >= 0 || value == "none")
      v.compare_scale = s;
  } else if (key == "attn.control") {
    const int s = data_scale_index(value);
    if (value == "none")
      v.control_scale = -1;
    else if (std::find(std::begin(kControlScales), std::end(kControlScales), s) != std::end(kControlScales))
      v.control_scale = s;
  } else if (key == "attn.cell") {
    const size_t dot = value.find('.');
    const int layer = parse_count(value.substr(0, dot));
    const int head = dot == std::string::npos ? -1 : parse_count(value.substr(dot + 1));
    // Clamped to the model's depth and heads once its attention is known.
    if (layer >= 0 && head >= 0) {
      v.layer = layer;
      v.head = head;
    }
  } else if (key == "attn.shared") {
    if (value == "0" || value == "1") v.shared_scale = value == "1";
  } else if (key == "attn.rollout") {
    v.rollout = value == "1";
  } else if (key == "attn.avg") {
    // 0: this image (the default); N: the first N test images.
    if (const int n = parse_count(value); n >= 0) {
      v.average = n > 0;
      if (n > 0) v.average_images = n;
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
              {"show_average", v.average},
              {"shared_scale", v.shared_scale}});
  const std::string compare = attention_compare_checkpoint(app), control = attention_control_checkpoint(app);
  out["compare"] = compare.empty() ? nlohmann::json(nullptr) : checkpoint_json(app, compare);
  out["control"] = control.empty() ? nlohmann::json(nullptr) : checkpoint_json(app, control);
  out.update(locality_json(app));
  const JobView<AttentionImage> image = attention_image_job(app, checkpoint);
  const ModelEntry* entry = model_entry(app, checkpoint);
  if (attention_family_is_cnn(app)) {
    out["status"] = "no_attention";
  } else if (!entry || entry->status == ModelEntry::Status::Loading) {
    out["status"] = "loading";
  } else if (entry->status == ModelEntry::Status::Failed) {
    out["status"] = "error";
    out["error"] = entry->error;
  } else if (image.failed()) {
    out["status"] = "error";  // the message came with checkpoint_json
  } else if (!image.ready()) {
    out["status"] = "computing";
  } else {
    out["status"] = "ready";  // the sizes and distances came with checkpoint_json
    Result<Tensor> m = attention_map(*image.value, v.layer, v.head, v.rollout, v.hover_patch);
    if (m) out["cls_map"] = m->data;
    if (v.shared_scale) out["shared_max"] = shared_map_max(*image.value, v.layer, v.head, v.rollout, v.hover_patch);
  }
  return out;
}

}  // namespace vc
