// The Receptive field view. Its drawing is panel_receptive_field.cpp; receptive_field_view.cpp holds its data:
// the model (a checkpoint, or an untrained model of the family's config), the shown layer and unit settled against
// the model, the time-sliced jobs (ui/jobs.h) that compute effective receptive fields with
// analysis/receptive_field.h, the view's settings in links, and its lab_query("receptive_field") answer.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analysis/receptive_field.h"
#include "ui/app_state.h"
#include "ui/jobs.h"
#include "ui/view.h"

namespace vc {

// The model's layers with their theoretical receptive fields; for one unit of one layer its effective receptive
// field (a heatmap over the input, the TRF box on it), on this image or averaged over test images; the TRF size and
// ERF radii by depth for every family; and a calculator of the TRF of an editable stack of convs.
void panel_receptive_field(AppState& app);

// The checkpoint the view uses now: "cnn_p100", or "cnn_untrained" (model_store.h) with the untrained toggle.
std::string rf_checkpoint(const AppState& app);
// The same for another family, with the view's data scale and untrained toggle (the growth plot's overlays).
std::string rf_family_checkpoint(const AppState& app, int family);
// Its model, loading (or making) it on first use; nullptr until ready (model_status_text says why).
const Model* rf_model_or_request(AppState& app, int family);

// What the view shows, settled against the model: a layer name the model lacks means its last layer, a unit off
// the layer's grid (or a CLS unit on a feature map) means the grid centre, and the hovered unit wins while the mouse
// is over the map.
struct RfSelection {
  std::vector<TheoreticalRf> layers;  // the model's analysis layers, depth order
  int layer = 0;                      // index into layers
  RfUnit chosen;                      // the chosen unit (what links keep)
  RfUnit shown;                       // the unit whose map is shown: the hovered one, else the chosen one
  UnitField field;                    // where `shown` sits and what it sees
};
Result<RfSelection> rf_selection(const AppState& app, const Model& model);

// The mean ERF of one unit over the first `total` test images, kErfBatch images per step.
struct RfAverage {
  ErfAccumulator acc;
  int total = 0;
};
// The ERF summary of the centre unit of every layer (the growth plot), filled layer by layer: on this image, or
// averaged over the first `images` test images.
struct RfGrowth {
  std::vector<ErfSummary> layers;  // the finished layers, in depth order
  int total_layers = 0;
  int images = 1;
  std::optional<ErfAccumulator> partial;  // averaging: the layer being accumulated
};

// Jobs. The map and the image growth are tied to the input version; the averages to (checkpoint, layer, unit, N)
// and (checkpoint, N) only. `family` picks the growth job's slot, so every family's growth can run side by side.
const Job& request_rf_map(AppState& app, const Model* model, const std::string& checkpoint, const std::string& layer,
                          const RfUnit& unit);
const Job& request_rf_average(AppState& app, const Model* model, const std::string& checkpoint,
                              const std::string& layer, const RfUnit& unit, int images);
const Job& request_rf_growth(AppState& app, int family, const Model* model, const std::string& checkpoint);
const Job& request_rf_growth_average(AppState& app, int family, const Model* model, const std::string& checkpoint,
                                     int images);
// The same jobs looked up without starting anything.
JobView<Erf> rf_map_job(const AppState& app, const std::string& checkpoint, const std::string& layer,
                        const RfUnit& unit);
JobView<RfAverage> rf_average_job(const AppState& app, const std::string& checkpoint, const std::string& layer,
                                  const RfUnit& unit, int images);
// The growth of the view's source: this image, or the average over average_images test images.
JobView<RfGrowth> rf_growth_job(const AppState& app, const std::string& checkpoint);
// The map of this unit for the current input if ready, else the one finished last for this checkpoint and layer
// (so the heatmap keeps the previous unit's map for the frame the new one takes), else nullptr.
const Erf* latest_rf_map(const AppState& app, const std::string& checkpoint, const std::string& layer,
                         const RfUnit& unit);
// Stops every averaging job of the view and goes back to this image.
void rf_cancel_average(AppState& app);

// The calculator's bounds: kernel, stride and dilation of a row, and rows (its steppers and links keep to them).
inline constexpr int kMaxKernel = 15, kMaxStride = 4, kMaxDilation = 8, kMaxCalcRows = 24;
// The calculator's rows, seeded from the cnn's conv path (main_conv_path) once the cnn is loaded; false until then.
bool rf_calculator_ready(AppState& app);
// Puts back the cnn's stack.
void rf_calculator_reset(AppState& app);
// The calculator's rows as receptive fields (conv_chain_rfs) on the model input: the view model's size, or a
// loaded p100 model's; empty while none is loaded.
std::vector<TheoreticalRf> rf_calculator_rows(const AppState& app);

// The view's settings in a link, only those that differ from the defaults, each "&rf.<key>=<value>": model
// (a family), data (p001..p100), untrained (1), layer (a layer name, as vitcnn rf --layer), unit (ROW,COL from 0, as
// vitcnn rf --unit, or cls), avg (N: maps and growth from the first N test images), others (1: the other
// families' ERF in the growth plot), calc (the calculator's stack when edited: KERNEL-STRIDE-DILATION per row,
// comma-separated). A layer or unit the model lacks is dropped once the model is loaded. The defaults have values of
// their own, never written but read (a tour step or a hand-made link names them): untrained=0, layer=last,
// unit=centre, avg=0, others=0, calc=cnn (the stack seeded from the cnn).
std::string receptive_field_view_state(const AppState& app);
// Applies one key=value of a link; false when the key is not the view's. A bad value is ignored.
bool apply_receptive_field_view_key(AppState& app, const std::string& key, const std::string& value);

// lab_query("receptive_field"): the model, every layer's TRF, the shown layer and unit, the shown ERF map with its
// summary (the keys of `vitcnn rf`) and the time its job spent computing (compute_ms), the growth data and the
// averaging state, the calculator's rows (see lab.h).
nlohmann::json receptive_field_query(const AppState& app);

inline constexpr ViewQuery kReceptiveFieldQueries[] = {{"receptive_field", receptive_field_query}};
inline constexpr const char* kReceptiveFieldAnchors[] = {"rf.map", "rf.growth_plot", "rf.calculator", "rf.layer",
                                                         "rf.model.cnn"};
std::span<const TextPair> receptive_field_texts();

}  // namespace vc
