#include "ui/receptive_field_view.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "analysis/predictions.h"
#include "analysis/receptive_field_json.h"
#include "core/image.h"
#include "ui/model_store.h"

namespace vc {

namespace {

// The largest N a link may ask to average over (the test set's size).
constexpr int kMaxAverageImages = 10000;

// "ROW,COL" (from 0, as vitcnn rf --unit) or "cls": job keys and links.
std::string unit_text(const RfUnit& u) { return u.cls ? "cls" : std::to_string(u.row) + "," + std::to_string(u.col); }

std::optional<RfUnit> parse_unit(const std::string& s) {
  if (s == "cls") return RfUnit{true, 0, 0};
  const size_t comma = s.find(',');
  if (comma == std::string::npos) return std::nullopt;
  const int row = parse_count(s.substr(0, comma)), col = parse_count(s.substr(comma + 1));
  if (row < 0 || col < 0) return std::nullopt;
  return RfUnit{false, row, col};
}

bool same_unit(const RfUnit& a, const RfUnit& b) {
  return a.cls == b.cls && (a.cls || (a.row == b.row && a.col == b.col));
}

// "3-1-1,3-2-1": kernel-stride-dilation per row; nullopt when any row is malformed or out of bounds.
std::optional<std::vector<ConvGeometry>> parse_stack(const std::string& s) {
  std::vector<ConvGeometry> out;
  size_t pos = 0;
  while (pos < s.size()) {
    const size_t end = std::min(s.find(',', pos), s.size());
    const std::string row = s.substr(pos, end - pos);
    const size_t a = row.find('-'), b = a == std::string::npos ? a : row.find('-', a + 1);
    if (b == std::string::npos) return std::nullopt;
    const int k = parse_count(row.substr(0, a)), st = parse_count(row.substr(a + 1, b - a - 1)),
              d = parse_count(row.substr(b + 1));
    if (k < 1 || k > kMaxKernel || st < 1 || st > kMaxStride || d < 1 || d > kMaxDilation) return std::nullopt;
    out.push_back(same_padded_conv(k, st, d));
    pos = end + 1;
  }
  if (out.size() > static_cast<size_t>(kMaxCalcRows)) return std::nullopt;
  return out;
}

std::string stack_text(const std::vector<ConvGeometry>& stack) {
  std::string out;
  for (const ConvGeometry& c : stack) {
    if (!out.empty()) out += ',';
    out += std::to_string(c.kernel) + "-" + std::to_string(c.stride) + "-" + std::to_string(c.dilation);
  }
  return out;
}

std::string map_key(const std::string& checkpoint, const std::string& layer, const RfUnit& unit, uint64_t version) {
  return job_key("rf.map", checkpoint, layer, unit_text(unit), "v", version);
}
std::string average_key(const std::string& checkpoint, const std::string& layer, const RfUnit& unit, int images) {
  return job_key("rf.average", checkpoint, layer, unit_text(unit), images);
}
std::string growth_key(const std::string& checkpoint, uint64_t version) {
  return job_key("rf.growth", checkpoint, "v", version);
}
std::string growth_average_key(const std::string& checkpoint, int images) {
  return job_key("rf.growth_average", checkpoint, images);
}

// A loaded model of the store, or nullptr (nothing is requested).
const Model* loaded_model(const AppState& app, const std::string& checkpoint) {
  const ModelEntry* e = model_entry(app, checkpoint);
  return e && e->status == ModelEntry::Status::Ready ? e->model.get() : nullptr;
}

// The theoretical receptive fields of the family's shown model (rf_family_checkpoint); until that is loaded, of its
// p100 checkpoint (the shipped checkpoints and the untrained model share its config; the user's own are always loaded).
std::vector<TheoreticalRf> family_trf(const AppState& app, int family) {
  const Model* m = loaded_model(app, rf_family_checkpoint(app, family));
  if (!m) m = loaded_model(app, checkpoint_name(family, kDefaultScale));
  Result<std::vector<TheoreticalRf>> rfs = m ? theoretical_rfs(*m) : Result<std::vector<TheoreticalRf>>(Error{""});
  return rfs ? *rfs : std::vector<TheoreticalRf>{};
}

// A growth job's state for the query.
nlohmann::json growth_json(const AppState& app, int family) {
  const std::string checkpoint = rf_family_checkpoint(app, family);
  nlohmann::json out = {{"model", checkpoint}};
  nlohmann::json trf = nlohmann::json::array();
  for (const TheoreticalRf& rf : family_trf(app, family)) trf.push_back(theoretical_rf_json(rf));
  out["layers"] = trf;
  const JobView<RfGrowth> g = rf_growth_job(app, checkpoint);
  if (g.status == JobView<RfGrowth>::Status::None) return out;
  nlohmann::json erf = nlohmann::json::array();
  if (g.value)
    for (const ErfSummary& s : g.value->layers) erf.push_back(erf_summary_json(s));
  out["erf"] = erf;
  out["images"] = g.value ? g.value->images : 0;
  out["finished"] = g.ready();
  if (g.failed()) out["error"] = g.error;
  return out;
}

}  // namespace

std::string rf_family_checkpoint(const AppState& app, int family) {
  const ReceptiveFieldViewState& v = app.receptive_field;
  // One of the user's own checkpoints belongs to one family: the other families show their p100 beside it.
  const int slot = family == v.family || is_shipped_slot(v.scale) ? v.scale : kDefaultScale;
  return v.untrained ? untrained_name(family) : family_checkpoint(app, family, slot);
}

std::string rf_checkpoint(const AppState& app) { return rf_family_checkpoint(app, app.receptive_field.family); }

const Model* rf_model_or_request(AppState& app, int family) {
  return app.receptive_field.untrained ? untrained_model_or_request(app, family)
                                       : model_or_request(app, rf_family_checkpoint(app, family));
}

Result<RfSelection> rf_selection(const AppState& app, const Model& model) {
  const ReceptiveFieldViewState& v = app.receptive_field;
  Result<std::vector<TheoreticalRf>> rfs = theoretical_rfs(model);
  if (!rfs) return rfs.error();
  if (rfs->empty()) return Error{"the model has no analysis layers"};
  RfSelection s;
  s.layers = std::move(*rfs);
  s.layer = static_cast<int>(s.layers.size()) - 1;
  for (size_t i = 0; i < s.layers.size(); ++i)
    if (s.layers[i].name == v.layer) s.layer = static_cast<int>(i);
  const TheoreticalRf& rf = s.layers[s.layer];
  const int side = model.image_size();
  s.chosen = v.unit && unit_field(rf, *v.unit, side) ? *v.unit : centre_unit(rf);
  s.shown = !v.average && v.hover && unit_field(rf, *v.hover, side) ? *v.hover : s.chosen;
  Result<UnitField> f = unit_field(rf, s.shown, side);
  if (!f) return f.error();
  s.field = *f;
  return s;
}

const Job& request_rf_map(AppState& app, const Model* model, const std::string& checkpoint, const std::string& layer,
                          const RfUnit& unit) {
  const InputImage image = app.input.image;
  return job_request(
      app, "rf.map", map_key(checkpoint, layer, unit, app.input.version),
      [model, image, layer, unit](Job& job) {
        Result<Erf> e = effective_rf(*model, layer, unit, make_input(image, 1, model->input_spec()));
        if (e)
          job.result = std::move(e).value();
        else
          job.error = e.error().message;
        return true;
      },
      static_cast<int64_t>(app.input.version));
}

const Job& request_rf_average(AppState& app, const Model* model, const std::string& checkpoint,
                              const std::string& layer, const RfUnit& unit, int images) {
  const LabeledImages* set = &app.gallery.test_set;
  const int total = std::min(images, set->count);
  return job_request(
      app, "rf.average", average_key(checkpoint, layer, unit, images), [model, set, total, layer, unit](Job& job) {
        if (!job.result.has_value()) {
          Result<ErfProbe> probe = erf_probe(*model, layer, unit);
          if (!probe || total < 1) {
            job.error = probe ? "no test images to average over" : probe.error().message;
            return true;
          }
          job.result = RfAverage{ErfAccumulator(*model, std::move(*probe)), total};
        }
        // kErfBatch images per step, as mean_effective_rf batches them.
        auto& r = std::any_cast<RfAverage&>(job.result);
        const int first = static_cast<int>(r.acc.count());
        const Tensor x = test_set_input(*set, first, std::min(kErfBatch, r.total - first), model->input_spec());
        if (Status s = r.acc.add(x); !s) {
          job.error = s.error().message;
          return true;
        }
        job.progress = static_cast<float>(r.acc.count()) / static_cast<float>(r.total);
        return r.acc.count() >= r.total;
      });
}

const Job& request_rf_growth(AppState& app, int family, const Model* model, const std::string& checkpoint) {
  const InputImage image = app.input.image;
  return job_request(
      app, std::string("rf.growth.") + kFamilies[family], growth_key(checkpoint, app.input.version),
      [model, image](Job& job) {
        // One layer per step: its centre unit's ERF on this image.
        Result<std::vector<TheoreticalRf>> rfs = theoretical_rfs(*model);
        if (!rfs) {
          job.error = rfs.error().message;
          return true;
        }
        if (!job.result.has_value()) job.result = RfGrowth{{}, static_cast<int>(rfs->size()), 1, std::nullopt};
        auto& g = std::any_cast<RfGrowth&>(job.result);
        const TheoreticalRf& rf = (*rfs)[g.layers.size()];
        Result<Erf> e = effective_rf(*model, rf.name, centre_unit(rf), make_input(image, 1, model->input_spec()));
        if (!e) {
          job.error = e.error().message;
          return true;
        }
        g.layers.push_back(e->summary);
        job.progress = static_cast<float>(g.layers.size()) / static_cast<float>(g.total_layers);
        return static_cast<int>(g.layers.size()) == g.total_layers;
      },
      static_cast<int64_t>(app.input.version));
}

const Job& request_rf_growth_average(AppState& app, int family, const Model* model, const std::string& checkpoint,
                                     int images) {
  const LabeledImages* set = &app.gallery.test_set;
  const int total = std::min(images, set->count);
  return job_request(
      app, std::string("rf.growth_average.") + kFamilies[family], growth_average_key(checkpoint, images),
      [model, set, total](Job& job) {
        // One batch of kErfBatch images through one layer per step, layer after layer.
        Result<std::vector<TheoreticalRf>> rfs = theoretical_rfs(*model);
        if (!rfs || total < 1) {
          job.error = rfs ? "no test images to average over" : rfs.error().message;
          return true;
        }
        if (!job.result.has_value()) job.result = RfGrowth{{}, static_cast<int>(rfs->size()), total, std::nullopt};
        auto& g = std::any_cast<RfGrowth&>(job.result);
        if (!g.partial) {
          const TheoreticalRf& rf = (*rfs)[g.layers.size()];
          Result<ErfProbe> probe = erf_probe(*model, rf.name, centre_unit(rf));
          if (!probe) {
            job.error = probe.error().message;
            return true;
          }
          g.partial.emplace(*model, std::move(*probe));
        }
        const int first = static_cast<int>(g.partial->count());
        if (Status s =
                g.partial->add(test_set_input(*set, first, std::min(kErfBatch, total - first), model->input_spec()));
            !s) {
          job.error = s.error().message;
          return true;
        }
        if (g.partial->count() >= total) {
          Result<Erf> mean = g.partial->result();
          if (!mean) {
            job.error = mean.error().message;
            return true;
          }
          g.layers.push_back(mean->summary);
          g.partial.reset();
        }
        const double done = static_cast<double>(g.layers.size()) * total + (g.partial ? g.partial->count() : 0);
        job.progress = static_cast<float>(done / (static_cast<double>(g.total_layers) * total));
        return static_cast<int>(g.layers.size()) == g.total_layers;
      });
}

JobView<Erf> rf_map_job(const AppState& app, const std::string& checkpoint, const std::string& layer,
                        const RfUnit& unit) {
  return job_view<Erf>(job_find(app, map_key(checkpoint, layer, unit, app.input.version)));
}

JobView<RfAverage> rf_average_job(const AppState& app, const std::string& checkpoint, const std::string& layer,
                                  const RfUnit& unit, int images) {
  return job_view<RfAverage>(job_find(app, average_key(checkpoint, layer, unit, images)));
}

JobView<RfGrowth> rf_growth_job(const AppState& app, const std::string& checkpoint) {
  const ReceptiveFieldViewState& v = app.receptive_field;
  return job_view<RfGrowth>(job_find(
      app, v.average ? growth_average_key(checkpoint, v.average_images) : growth_key(checkpoint, app.input.version)));
}

const Erf* latest_rf_map(const AppState& app, const std::string& checkpoint, const std::string& layer,
                         const RfUnit& unit) {
  if (const JobView<Erf> now = rf_map_job(app, checkpoint, layer, unit); now.ready()) return now.value;
  const std::string prefix = job_key("rf.map", checkpoint, layer) + "/";
  const std::vector<std::string>& order = app.jobs.finished_order;  // oldest first
  for (auto it = order.rbegin(); it != order.rend(); ++it)
    if (it->rfind(prefix, 0) == 0)
      if (const JobView<Erf> last = job_view<Erf>(&app.jobs.finished.at(*it)); last.ready()) return last.value;
  return nullptr;
}

void rf_cancel_average(AppState& app) {
  job_cancel(app, "rf.average");
  for (const char* family : kFamilies) job_cancel(app, std::string("rf.growth_average.") + family);
  app.receptive_field.average = false;
}

bool rf_calculator_ready(AppState& app) {
  ReceptiveFieldViewState& v = app.receptive_field;
  if (v.calc_edited || !v.calc.empty()) return true;
  const int cnn = family_index("cnn");
  if (cnn < 0) return true;  // no cnn to seed from: the stack starts empty
  const Model* model = model_or_request(app, checkpoint_name(cnn, kDefaultScale));
  if (!model) return false;
  v.calc = main_conv_path(model->layers());
  return true;
}

void rf_calculator_reset(AppState& app) {
  ReceptiveFieldViewState& v = app.receptive_field;
  v.calc.clear();
  v.calc_edited = false;
  v.calc_row = -1;
}

std::vector<TheoreticalRf> rf_calculator_rows(const AppState& app) {
  const Model* m = loaded_model(app, rf_checkpoint(app));
  for (int f = 0; f < kFamilyCount && !m; ++f) m = loaded_model(app, checkpoint_name(f, kDefaultScale));
  return m ? conv_chain_rfs(app.receptive_field.calc, m->image_size()) : std::vector<TheoreticalRf>{};
}

std::string receptive_field_view_state(const AppState& app) {
  const ReceptiveFieldViewState& v = app.receptive_field;
  const ReceptiveFieldViewState defaults;
  std::string out;
  if (v.family != defaults.family) out += std::string("&rf.model=") + kFamilies[v.family];
  // The user's own checkpoints are local to this page: links name shipped ones only.
  if (v.scale != defaults.scale && is_shipped_slot(v.scale)) out += std::string("&rf.data=") + kDataScales[v.scale];
  if (v.untrained) out += "&rf.untrained=1";
  // The layer and unit as settled against the model once it is loaded (the last layer and the centre unit are
  // the defaults); as the link gave them before.
  std::string layer = v.layer;
  std::optional<RfUnit> unit = v.unit;
  if (const Model* m = loaded_model(app, rf_checkpoint(app)))
    if (Result<RfSelection> s = rf_selection(app, *m); s) {
      const TheoreticalRf& rf = s->layers[s->layer];
      layer = s->layer + 1 == static_cast<int>(s->layers.size()) ? "" : rf.name;
      unit = same_unit(s->chosen, centre_unit(rf)) ? std::nullopt : std::optional<RfUnit>(s->chosen);
    }
  if (!layer.empty()) out += "&rf.layer=" + layer;
  if (unit) out += "&rf.unit=" + unit_text(*unit);
  if (v.average) out += "&rf.avg=" + std::to_string(v.average_images);
  if (v.others) out += "&rf.others=1";
  if (v.calc_edited) out += "&rf.calc=" + stack_text(v.calc);
  return out;
}

bool apply_receptive_field_view_key(AppState& app, const std::string& key, const std::string& value) {
  ReceptiveFieldViewState& v = app.receptive_field;
  if (key == "rf.model") {
    if (const int f = family_index(value); f >= 0) v.family = f;
  } else if (key == "rf.data") {
    if (const int s = data_scale_index(value); s >= 0) v.scale = s;
  } else if (key == "rf.untrained") {
    if (value == "0" || value == "1") v.untrained = value == "1";
  } else if (key == "rf.layer") {
    // "last": the default, the model's last layer; a name is checked against the model's layers once it is loaded
    // (rf_selection).
    if (value == "last")
      v.layer.clear();
    else if (!value.empty())
      v.layer = value;
  } else if (key == "rf.unit") {
    if (value == "centre")
      v.unit.reset();
    else if (const std::optional<RfUnit> u = parse_unit(value))
      v.unit = u;
  } else if (key == "rf.avg") {
    // 0: this image (the default); N: the first N test images.
    if (const int n = parse_count(value); n == 0) {
      rf_cancel_average(app);  // its runs stop with it
    } else if (n > 0 && n <= kMaxAverageImages) {
      v.average = true;
      v.average_images = n;
    }
  } else if (key == "rf.others") {
    if (value == "0" || value == "1") v.others = value == "1";
  } else if (key == "rf.calc") {
    if (value == "cnn")
      rf_calculator_reset(app);  // the default: seeded from the cnn again
    else if (std::optional<std::vector<ConvGeometry>> stack = parse_stack(value)) {
      v.calc = std::move(*stack);
      v.calc_edited = true;
    }
  } else {
    return false;
  }
  return true;
}

nlohmann::json receptive_field_query(const AppState& app) {
  const ReceptiveFieldViewState& v = app.receptive_field;
  const std::string checkpoint = rf_checkpoint(app);
  nlohmann::json out = {
      {"model", checkpoint},
      {"arch", kFamilies[v.family]},
      {"untrained", v.untrained},
      {"weights", v.untrained ? nlohmann::json{{"untrained_seed", kUntrainedSeed}} : nlohmann::json("trained")},
      {"source", v.average ? "average" : "image"},
      {"average_images", v.average_images},
      {"others", v.others},
      {"input_version", app.input.version}};
  nlohmann::json calc = nlohmann::json::array();
  for (const TheoreticalRf& rf : rf_calculator_rows(app)) calc.push_back(theoretical_rf_json(rf));
  for (size_t i = 0; i < calc.size(); ++i)
    calc[i].update({{"kernel", v.calc[i].kernel},
                    {"stride", v.calc[i].stride},
                    {"dilation", v.calc[i].dilation},
                    {"pad", v.calc[i].pad}});
  out["calculator"] = {{"rows", calc}, {"selected", v.calc_row}, {"edited", v.calc_edited}};
  nlohmann::json growth = nlohmann::json::array();
  for (int f = 0; f < kFamilyCount; ++f) growth.push_back(growth_json(app, f));
  out["growth"] = growth;

  const ModelEntry* entry = model_entry(app, checkpoint);
  if (!entry || entry->status == ModelEntry::Status::Loading) {
    out["status"] = "loading";
    return out;
  }
  if (entry->status == ModelEntry::Status::Failed) {
    out["status"] = "error";
    out["error"] = entry->error;
    return out;
  }
  const Model& model = *entry->model;
  Result<RfSelection> sel = rf_selection(app, model);
  if (!sel) {
    out["status"] = "error";
    out["error"] = sel.error().message;
    return out;
  }
  const TheoreticalRf& rf = sel->layers[sel->layer];
  nlohmann::json layers = nlohmann::json::array();
  for (const TheoreticalRf& l : sel->layers) layers.push_back(theoretical_rf_json(l));
  out.update({{"input_px", model.image_size()},
              {"layers", layers},
              {"layer", rf.name},
              {"layer_index", sel->layer},
              {"unit", unit_field_json(rf, sel->field)},
              {"hover", !same_unit(sel->shown, sel->chosen)}});
  out["status"] = "computing";
  if (!v.average) {
    const JobView<Erf> map = rf_map_job(app, checkpoint, rf.name, sel->shown);
    if (map.failed()) {
      out["status"] = "error";
      out["error"] = map.error;
    } else if (map.ready()) {
      out["status"] = "ready";
      out["images"] = map.value->images;
      out["erf"] = erf_json(*map.value);
      out["compute_ms"] = job_find(app, map_key(checkpoint, rf.name, sel->shown, app.input.version))->busy_ms;
    }
    return out;
  }
  const JobView<RfAverage> avg = rf_average_job(app, checkpoint, rf.name, sel->shown, v.average_images);
  if (avg.status == JobView<RfAverage>::Status::None) return out;
  const RfAverage* r = avg.value;
  out["average"] = {
      {"images", r ? r->total : std::min(v.average_images, app.gallery.test_set.count)},
      {"done", r ? r->acc.count() : 0},
      {"finished", avg.ready()},
      {"compute_ms", job_find(app, average_key(checkpoint, rf.name, sel->shown, v.average_images))->busy_ms}};
  if (avg.failed()) {
    out["status"] = "error";
    out["error"] = avg.error;
  }
  if (r)
    if (Result<Erf> mean = r->acc.result(); mean) {
      out["images"] = mean->images;
      out["erf"] = erf_json(*mean);
    }
  if (avg.ready()) out["status"] = "ready";
  return out;
}

}  // namespace vc
