// The lab's model store: checkpoints fetched through Platform::fetch("models/<name>.safetensors") and parsed
// with load_model. Names are "<arch>_p<NNN>": arch vit | cnn | hybrid | rvit, NNN = % of the training set
// (kFamilies, kDataScales, checkpoint_name: analysis/checkpoints.h); and rvit's control "rvitzero_p003" /
// "rvitzero_p100" (control_checkpoint_name).
//
// How to use it from a panel or a job:
//   const Model* m = model_or_request(app, "vit_p010");  // nullptr until loaded; the first call starts the fetch
//   if (!m) ImGui::TextUnformatted(model_status_text(app, "vit_p010").c_str());  // "loading..." or the error
// A user's own checkpoint (a dropped or picked .safetensors, add_user_checkpoint) is an entry like the others, named
// by its file name (".safetensors" appended when missing, so it never equals a shipped name; " (2)" for a second file
// of the same name).
// Views choose a family's checkpoint by slot (family_checkpoint): slots 0..kDataScaleCount-1 are the shipped data
// scales (kDataScales), slots from kDataScaleCount on the user's checkpoints of that family in the order opened.
// The four p100 models are requested by lab_create (models_start) and lab_ready waits for them.
// Models are never unloaded: a `const Model*` stays valid as long as the AppState (jobs may capture it).
// Every model uses the kernel table named by app.models.backend ("simd" by default; set_backend switches).
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "analysis/checkpoints.h"
#include "ui/app_state.h"

namespace vc {

// kFamilies, kDataScales, checkpoint_name, ...: analysis/checkpoints.h.
// rvit's control: the same architecture with its relative-bias tables started at zero (no locality prior),
// trained at these data scales (indices into kDataScales: 3 % and 100 %).
inline constexpr int kControlScales[] = {1, 4};
// A family's name as people read it ("ViT", "CNN", ...), in the UI language: figures/words.h's table.
const char* family_label(Language lang, int family);
// "rvitzero_p100" for scale 4 (one of kControlScales).
std::string control_checkpoint_name(int scale);

// The extension of a checkpoint file.
inline constexpr const char* kCheckpointExtension = ".safetensors";
// The most user checkpoints the store holds (all families together).
inline constexpr int kMaxUserCheckpoints = 8;
// Number of checkpoint slots of a family: the shipped scales, then the user's checkpoints of that family.
int family_slot_count(const AppState& app, int family);
// True for the slots of the shipped checkpoints (the ones links may name).
bool is_shipped_slot(int slot);
// The entry name of a family's slot; a slot out of range names the family's default (p100) checkpoint.
std::string family_checkpoint(const AppState& app, int family, int slot);
// A slot's label: `shipped_format` with the data share in % ("%d %%" -> "10 %") for a shipped slot, the file name
// for a user's.
std::string family_slot_label(const AppState& app, int family, int slot, const char* shipped_format);
// Where add_user_checkpoint put a checkpoint.
struct UserCheckpoint {
  std::string name;  // its entry name
  int family = 0;    // index into kFamilies
  int slot = 0;      // its slot in that family
};
// Parses a user's checkpoint file and adds it to the store (backend switching, never unloaded). An Error
// "<file_name>: <reason>" when the file is not a checkpoint the engine can build, when its input or classes differ
// from the lab's (28 x 28 x 1 Fashion-MNIST images, 10 classes), or when kMaxUserCheckpoints are already open.
Result<UserCheckpoint> add_user_checkpoint(AppState& app, std::span<const uint8_t> bytes, const std::string& file_name);

// Starts one asynchronous asset fetch; the returned slot is filled when the answer arrives.
std::shared_ptr<FetchSlot> start_fetch(const Platform& platform, const std::string& path);

// Requests the default (p100) models. Called once by lab_create.
void models_start(AppState& app);
// Parses fetched checkpoints (a parse error becomes the entry's error). Called every frame by lab_frame.
void models_poll(AppState& app);
// True once the four p100 models are loaded.
bool default_models_ready(const AppState& app);

// The model if loaded; otherwise nullptr, and the first call starts loading it.
const Model* model_or_request(AppState& app, const std::string& name);
// "cnn_untrained": an untrained model of the family's config (analysis/receptive_field.h untrained_model, seed
// kUntrainedSeed), made from the family's p100 checkpoint once that is loaded and then kept in the store like a
// checkpoint (same backend switching, never unloaded). nullptr until made; model_status_text names what it waits for.
std::string untrained_name(int family);
const Model* untrained_model_or_request(AppState& app, int family);
// The models in the store now (checkpoints and untrained ones) and the bytes of their float32 weights.
struct LoadedModels {
  int count = 0;
  int64_t weight_bytes = 0;
};
LoadedModels loaded_models(const AppState& app);
// The entry of a requested checkpoint, or nullptr if it was never requested.
const ModelEntry* model_entry(const AppState& app, const std::string& name);
// "" when ready, the translated "loading..." while loading, or the error message.
std::string model_status_text(const AppState& app, const std::string& name);

// Switches every model (loaded now or later) to the kernel table "simd" or "ref"; unknown names are ignored.
void set_backend(AppState& app, const std::string& backend);

// Records one batch-1 forward time and returns the median of the last few.
double record_forward_ms(AppState& app, const std::string& name, double ms);
// Median of the recorded batch-1 forward times (0 when none).
double median_forward_ms(const AppState& app, const std::string& name);

}  // namespace vc
