// The slide figures of the Representations view (analysis/representations.h), as Figures (figures/figure.h) for the
// lab's PNG export and `vitcnn figures` alike: the CKA heatmap, the skip ratios by branch, the equivariance error by
// layer. Checkpoints are named in words (figures/words.h); layers and branches are numbered from 1.
#pragma once
#include <span>
#include <string>

#include "analysis/representations.h"
#include "figures/figure.h"

namespace vc {

// Linear CKA of checkpoint a's layers (rows, from the top) against b's (columns): a heatmap on [0, 1] with the value
// in each cell and a colour bar.
Figure cka_figure(const CkaResult& r, const std::string& a, const std::string& b, Language L);
// Its numbers: one CSV line per pair of layers, "a_layer,a_name,b_layer,b_name,cka,images", a layer by its tick
// (words.h layer_ticks, in English) and its name.
std::string cka_csv(const CkaResult& r);

// Skip ratio by residual branch (x = the branch in forward order, from 1): per checkpoint the mean over the spatial
// tokens / positions (thick) and, for token models, the CLS token (thin).
Figure skip_figure(std::span<const Measured<SkipRatios>> models, Language L);
// Its numbers: one CSV line per model and branch (from 1), the spatial mean and the CLS token's ratio (empty without).
std::string skip_csv(std::span<const Measured<SkipRatios>> models);
// One model's skip ratio per branch (rows, 1 = nearest the input, with its name) and token (the CLS token first when
// there is one, then the grid row by row; each branch's tokens stretched over the full width), coloured on
// skip_colour_range with a colour bar.
Figure skip_heatmap_figure(const SkipRatios& r, const std::string& checkpoint, Language L);
// Its numbers: one CSV line per branch (from 1) and token ("cls", or the grid index from 0 with its row and column).
std::string skip_tokens_csv(const SkipRatios& r);
// Equivariance error in % by layer (x = layer from 1) for a shift of k px (1..kMaxShift), one line per checkpoint,
// no point where k px is not a whole number of the layer's cells.
Figure equivariance_figure(std::span<const Measured<Equivariance>> models, int k, Language L);
// Its numbers, for every shift 1..kMaxShift: one CSV line per model, layer (from 1, by name) and shift.
std::string equivariance_csv(std::span<const Measured<Equivariance>> models);

}  // namespace vc
