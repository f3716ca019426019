// The Attention view. Its drawing is panel_attention.cpp; attention_view.cpp holds its data: one image's
// attention through a vit, rvit or hybrid checkpoint (probs, rollouts, distances) and the distance averaged over the
// first test images, both computed by time-sliced jobs (ui/jobs.h) with analysis/attention.h; the view's settings
// in links; and its lab_query("attention") answer.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analysis/attention.h"
#include "ui/app_state.h"
#include "ui/jobs.h"
#include "ui/view.h"

namespace vc {

// A layers x heads grid of CLS maps over the input, one enlarged (hover a patch for its own attention; rollout),
// and the mean attention distance of every head against depth, with a second checkpoint overlaid (and for rvit
// its control); for vit and rvit, "where does locality come from?": rvit's bias kernels next to its maps, the
// position-embedding similarity map, and what the two families' heads do on this image.
void panel_attention(AppState& app);

// The running mean of the distance over the first `total` test images.
struct AttentionAverage {
  DistanceMean mean;
  int done = 0, total = 0;
};

// Jobs of the view. `role` is "main" (the checkpoint whose maps are shown), "compare" or "control" (the
// overlays), or "other" (the other of vit and rvit, for the locality lines).
// The image job is tied to the current input version; the average job to nothing but (checkpoint, n).
const Job& request_attention_image(AppState& app, const std::string& role, const Model* model,
                                   const std::string& checkpoint);
const Job& request_attention_average(AppState& app, const std::string& role, const Model* model,
                                     const std::string& checkpoint, int images);
// The same jobs looked up without starting anything: running, failed (with the message), ready, or none.
JobView<AttentionImage> attention_image_job(const AppState& app, const std::string& checkpoint);
JobView<AttentionAverage> attention_average_job(const AppState& app, const std::string& checkpoint, int images);
// The image result for the current input if it is ready, else the one finished last for this checkpoint
// (so the view keeps showing the previous input's maps for the frame the new ones take), else nullptr.
const AttentionImage* latest_attention_image(const AppState& app, const std::string& checkpoint);

// True when the chosen family is the cnn (no attention to show).
bool attention_family_is_cnn(const AppState& app);
// The checkpoint names the view uses now ("vit_p100"), the compare one "" when there is none, and rvit's
// control ("rvitzero_p100"; "" when none is chosen or the family is not rvit).
std::string attention_checkpoint(const AppState& app);
std::string attention_compare_checkpoint(const AppState& app);
std::string attention_control_checkpoint(const AppState& app);
// For vit and rvit, the other of the two at the same data scale ("rvit_p100" while vit_p100 is shown; at p100 while
// one of the user's own checkpoints is shown); else "".
std::string attention_other_checkpoint(const AppState& app);
// The locality lines' checkpoint of vit or rvit: the shown one for the shown family, else the other one.
std::string attention_locality_checkpoint(const AppState& app, int family);
// The patch whose position-embedding similarity the view shows: the hovered one, else the centre of the grid.
int position_patch(const AppState& app, int grid);
// locality() of this image's distances through `checkpoint`, once its image job is ready (starts nothing).
std::optional<Locality> image_locality(const AppState& app, const std::string& checkpoint);

// The view's settings in a link (URL hash / --view), only those that differ from the defaults, each as
// "&attn.<key>=<value>": model (vit|cnn|hybrid|rvit), data (p001..p100), cell (layer.head), rollout (1),
// compare (p001..p100|none), control (p003|p100: rvit's control overlaid), avg (N: the distance plot averages the
// first N test images), shared (1: all maps on one colour scale). The defaults that have values of their own are
// read too (a tour step names them): rollout=0, control=none, avg=0, shared=0.
// attn.cell is machine state and stays 0-based ("0.0" is the first layer's first head, shown as "layer 1,
// head 1"), like the JSON indices and the rect names attention.cell.<l>.<h>; links made before keep working.
std::string attention_view_state(const AppState& app);
// Applies one key=value of a link; false when the key is not the view's. A bad value is ignored.
bool apply_attention_view_key(AppState& app, const std::string& key, const std::string& value);

// lab_query("attention"): model, selection, hover, shared_scale (and shared_max, the shared range's top, once ready), per-head distances and the shown map (see lab.h); "compare" and
// "control" (the overlays' distances, or null); for rvit "kernels" ([layer][head] relative_bias_kernel, flattened);
// for vit and rvit "position_similarity" (position_embedding_similarity of the hovered patch, else of the centre
// patch, with "position_patch") and "locality" (per family vit and rvit at this data scale: the locality() of this
// image's distances, once computed).
nlohmann::json attention_query(const AppState& app);

inline constexpr ViewQuery kAttentionQueries[] = {{"attention", attention_query}};
inline constexpr const char* kAttentionAnchors[] = {"attention.map", "attention.distance_plot", "attention.model.vit",
                                                    "attention.rollout"};
std::span<const TextPair> attention_texts();

}  // namespace vc
