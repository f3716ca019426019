// The Representations view. Its drawing is panel_representations.cpp; representations_view.cpp holds its data: the
// time-sliced jobs (ui/jobs.h) that run analysis/representations.h on the first test images (CKA kCkaChunk images per
// step, the heatmap showing the running estimate of the completed minibatches; skip ratios; equivariance of every
// family),
// the view's settings in links, and its lab_query("representations") answer.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>

#include "analysis/representations.h"
#include "ui/app_state.h"
#include "ui/jobs.h"
#include "ui/view.h"

namespace vc {

// The tab's body:
// The CKA heatmap of two models picked by family and data share (with presets), the skip-ratio heatmap and curves
// of one model, the equivariance error by depth of every family at a chosen shift.
void panel_representations(AppState& app);

// The checkpoints the view uses now: "vit_p100", ...
std::string repr_a_checkpoint(const AppState& app);
std::string repr_b_checkpoint(const AppState& app);
std::string repr_skip_checkpoint(const AppState& app);
// Equivariance: every family at the p100 share.
std::string repr_eq_checkpoint(int family);

// What the CKA job shows, running or finished: a copy each step makes of its accumulator's state (the accumulator
// itself belongs to the step, which may run on the job thread while the view reads this).
struct ReprCka {
  int received = 0;                  // images handed to the accumulator
  int images = 0;                    // images of the completed minibatches
  int total = 0;                     // images it will cover
  Result<CkaResult> estimate = Error{"no minibatch completed yet"};  // over the completed minibatches
};
// The CKA over the images so far (rows, cols, matrix); an error before the first minibatch.
const Result<CkaResult>& repr_cka_result(const ReprCka& r);
// The view's copy of an accumulator's state, for a job over `total` images.
ReprCka repr_cka_snapshot(const CkaAccumulator& acc, int total);

// Jobs over the first `images` test images. The CKA of A (rows) with B (columns): kCkaChunk images per step in time
// slices, more on the job thread (representations_view.cpp). The skip
// ratios of one model and the equivariance of one family's model: one step each.
const Job& request_repr_cka(AppState& app, const Model* a, const Model* b, const std::string& a_name,
                            const std::string& b_name, int images);
const Job& request_repr_skip(AppState& app, const Model* model, const std::string& name, int images);
const Job& request_repr_equivariance(AppState& app, int family, const Model* model, int images);
// The same jobs looked up without starting anything.
JobView<ReprCka> repr_cka_job(const AppState& app, const std::string& a_name, const std::string& b_name, int images);
JobView<SkipRatios> repr_skip_job(const AppState& app, const std::string& name, int images);
JobView<Equivariance> repr_equivariance_job(const AppState& app, int family, int images);

// Test-image counts the view offers (links accept these only). The skip-ratio and equivariance jobs are one step each
// (their analyses take all images at once), so the page stops drawing for that step: their counts stay small.
inline constexpr int kReprCkaImages[] = {100, 200, 500, 1000};
inline constexpr int kReprSkipImages[] = {100, 200};
inline constexpr int kReprEqImages[] = {20, 100};

// The view's settings in a link, only those that differ from the defaults, each "&repr.<key>=<value>": a and b (the
// CKA models, checkpoint names such as vit_p001), n (CKA images), skip_model (the skip-ratio model), skip_n, k (the
// shift in px), eq_n, and cka, skip, eq (1: that figure's jobs are asked for).
std::string representations_view_state(const AppState& app);
// Applies one key=value of a link; false when the key is not the view's. A bad value is ignored.
bool apply_representations_view_key(AppState& app, const std::string& key, const std::string& value);

// lab_query("representations"): the CKA matrix shown (the keys of `vitcnn cka`) with its job state, the skip ratios
// (the keys of `vitcnn skip`) and the equivariance of every family (the keys of `vitcnn equivariance`), each with
// its job state, and the summary numbers the view's answers quote.
nlohmann::json representations_query(const AppState& app);

inline constexpr ViewQuery kRepresentationsQueries[] = {{"representations", representations_query}};
inline constexpr const char* kRepresentationsAnchors[] = {"repr.cka", "repr.skip", "repr.eq", "repr.a.vit", "repr.cka.compute",
                                               "repr.skip.compute", "repr.eq.measure"};
std::span<const TextPair> representations_texts();

}  // namespace vc
