#include "ui/model_store.h"

#include <algorithm>
#include <iterator>

#include "analysis/receptive_field.h"
#include "figures/words.h"
#include "ui/jobs.h"
#include "ui/widgets.h"

namespace vc {

namespace {

constexpr size_t kForwardWindow = 9;  // batch-1 forward times kept for the running median

std::string asset_path(const std::string& name) { return "models/" + name + ".safetensors"; }

const KernelTable& backend_table(const AppState& app) {
  const KernelTable* k = kernels_by_name(app.models.backend);
  return k ? *k : kernels_simd();
}

// The entry holds `model` from now on, with what the views read of its file once.
void set_ready(ModelEntry& e, std::unique_ptr<Model> model) {
  e.model = std::move(model);
  const Result<LabelSmoothing> s = recorded_label_smoothing(e.model->metadata_json(), e.model->num_classes());
  e.label_smoothing = s ? std::optional<LabelSmoothing>(*s) : std::nullopt;
  e.status = ModelEntry::Status::Ready;
}

ModelEntry& request(AppState& app, const std::string& name) {
  auto [it, inserted] = app.models.entries.try_emplace(name);
  ModelEntry& e = it->second;
  if (!inserted) return e;
  if (!app.platform.fetch) {
    e.status = ModelEntry::Status::Failed;
    e.error = asset_path(name) + ": no asset access (Platform::fetch is not set)";
  } else {
    e.fetch = start_fetch(app.platform, asset_path(name));
  }
  return e;
}

}  // namespace

const char* family_label(Language lang, int family) {
  const char* words = family >= 0 && family < kFamilyCount ? known_family_words(kFamilies[family], lang) : nullptr;
  return words ? words : "?";
}

int family_slot_count(const AppState& app, int family) {
  return kDataScaleCount + static_cast<int>(app.models.user[family].size());
}

bool is_shipped_slot(int slot) { return slot >= 0 && slot < kDataScaleCount; }

std::string family_checkpoint(const AppState& app, int family, int slot) {
  if (is_shipped_slot(slot)) return checkpoint_name(family, slot);
  if (slot < 0 || slot >= family_slot_count(app, family)) return checkpoint_name(family, kDefaultScale);
  return app.models.user[family][slot - kDataScaleCount];
}

std::string family_slot_label(const AppState& app, int family, int slot, const char* shipped_format) {
  return is_shipped_slot(slot) ? format_text(shipped_format, data_scale_percent(slot))
                               : family_checkpoint(app, family, slot);
}

Result<UserCheckpoint> add_user_checkpoint(AppState& app, std::span<const uint8_t> bytes,
                                           const std::string& file_name) {
  int open = 0;
  for (const std::vector<std::string>& names : app.models.user) open += static_cast<int>(names.size());
  if (open >= kMaxUserCheckpoints)
    return Error{file_name + ": " + std::to_string(kMaxUserCheckpoints) +
                 " checkpoints of your own are open already, the most the lab holds (reload the page to start over)"};
  Result<std::unique_ptr<Model>> model = load_model_named(bytes, file_name);
  if (!model) return model.error();
  const Model& m = **model;
  // The lab's 28 x 28 image is zero-padded by input.pad on each side to the model's input.size.
  const int side = m.input_spec().size - 2 * m.input_spec().pad;
  if (side != kInputSide || m.in_channels() != 1 || m.num_classes() != kClassCount)
    return Error{file_name + ": the lab's input is " + std::to_string(kInputSide) + " x " + std::to_string(kInputSide) +
                 " x 1 (Fashion-MNIST) with " + std::to_string(kClassCount) + " classes; this checkpoint takes " +
                 std::to_string(side) + " x " + std::to_string(side) + " x " + std::to_string(m.in_channels()) +
                 " (input.size " + std::to_string(m.input_spec().size) + " with pad " +
                 std::to_string(m.input_spec().pad) + ") with " + std::to_string(m.num_classes()) + " classes"};
  const std::string base = file_name.ends_with(kCheckpointExtension) ? file_name : file_name + kCheckpointExtension;
  std::string name = base;
  for (int k = 2; app.models.entries.count(name); ++k) name = base + " (" + std::to_string(k) + ")";
  UserCheckpoint added{name, family_index(arch_name(m.arch())), 0};
  ModelEntry& e = app.models.entries[name];
  set_ready(e, std::move(model).value());
  e.model->set_kernels(backend_table(app));
  app.models.user[added.family].push_back(name);
  added.slot = family_slot_count(app, added.family) - 1;
  return added;
}

std::string control_checkpoint_name(int scale) { return std::string("rvitzero_") + kDataScales[scale]; }

std::shared_ptr<FetchSlot> start_fetch(const Platform& platform, const std::string& path) {
  auto slot = std::make_shared<FetchSlot>();
  platform.fetch(path, [slot](std::vector<uint8_t> bytes, std::string error) {
    slot->bytes = std::move(bytes);
    slot->error = std::move(error);
    slot->done = true;
  });
  return slot;
}

void models_start(AppState& app) {
  for (int f = 0; f < kFamilyCount; ++f) request(app, checkpoint_name(f, kDefaultScale));
}

void models_poll(AppState& app) {
  for (auto& [name, e] : app.models.entries) {
    if (e.status != ModelEntry::Status::Loading || !e.fetch || !e.fetch->done) continue;
    const std::shared_ptr<FetchSlot> slot = std::move(e.fetch);
    if (!slot->error.empty()) {
      e.status = ModelEntry::Status::Failed;
      e.error = asset_path(name) + ": " + slot->error;
      continue;
    }
    Result<std::unique_ptr<Model>> model = load_model(slot->bytes);
    if (!model) {
      e.status = ModelEntry::Status::Failed;
      e.error = asset_path(name) + ": " + model.error().message;
      continue;
    }
    set_ready(e, std::move(model).value());
    e.model->set_kernels(backend_table(app));
  }
}

bool default_models_ready(const AppState& app) {
  for (int f = 0; f < kFamilyCount; ++f) {
    const ModelEntry* e = model_entry(app, checkpoint_name(f, kDefaultScale));
    if (!e || e->status != ModelEntry::Status::Ready) return false;
  }
  return true;
}

const Model* model_or_request(AppState& app, const std::string& name) {
  const ModelEntry& e = request(app, name);
  return e.status == ModelEntry::Status::Ready ? e.model.get() : nullptr;
}

std::string untrained_name(int family) { return std::string(kFamilies[family]) + "_untrained"; }

const Model* untrained_model_or_request(AppState& app, int family) {
  const std::string name = untrained_name(family), base_name = checkpoint_name(family, kDefaultScale);
  if (const ModelEntry* e = model_entry(app, name)) return e->model.get();
  const Model* base = model_or_request(app, base_name);
  const ModelEntry& b = app.models.entries.at(base_name);
  if (!base && b.status == ModelEntry::Status::Loading) return nullptr;
  ModelEntry& e = app.models.entries[name];
  e.status = ModelEntry::Status::Failed;
  if (!base) {
    e.error = name + " is made from " + base_name + ": " + b.error;
    return nullptr;
  }
  Result<std::unique_ptr<Model>> m = untrained_model(*base, kUntrainedSeed);
  if (!m) {
    e.error = name + ": " + m.error().message;
    return nullptr;
  }
  set_ready(e, std::move(m).value());
  return e.model.get();
}

LoadedModels loaded_models(const AppState& app) {
  LoadedModels out;
  for (const auto& [name, e] : app.models.entries) {
    if (!e.model) continue;
    out.count += 1;
    out.weight_bytes += e.model->num_params() * static_cast<int64_t>(sizeof(float));
  }
  return out;
}

const ModelEntry* model_entry(const AppState& app, const std::string& name) {
  auto it = app.models.entries.find(name);
  return it == app.models.entries.end() ? nullptr : &it->second;
}

std::string model_status_text(const AppState& app, const std::string& name) {
  const ModelEntry* e = model_entry(app, name);
  if (!e || e->status == ModelEntry::Status::Loading)
    return format_text(tr(app.ui.language, TextId::ModelLoading), name.c_str());
  return e->status == ModelEntry::Status::Failed ? e->error : "";
}

void set_backend(AppState& app, const std::string& backend) {
  const KernelTable* k = kernels_by_name(backend);
  if (!k || k->name == app.models.backend) return;  // a click on the chosen one changes nothing
  jobs_stop_all(app);  // no step may run a model while its kernels change; the views restart them on the new ones
  app.models.backend = k->name;
  for (auto& [name, e] : app.models.entries)
    if (e.model) e.model->set_kernels(*k);
}

double record_forward_ms(AppState& app, const std::string& name, double ms) {
  auto it = app.models.entries.find(name);
  if (it == app.models.entries.end()) return 0.0;
  std::vector<double>& v = it->second.forward_ms;
  v.push_back(ms);
  if (v.size() > kForwardWindow) v.erase(v.begin());
  return median_forward_ms(app, name);
}

double median_forward_ms(const AppState& app, const std::string& name) {
  const ModelEntry* e = model_entry(app, name);
  if (!e || e->forward_ms.empty()) return 0.0;
  std::vector<double> v = e->forward_ms;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

}  // namespace vc
