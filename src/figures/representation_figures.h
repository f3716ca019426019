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

// Skip ratio by residual branch (x = the branch in forward order, from 1): per checkpoint the mean over the spatial
// tokens / positions (thick) and, for token models, the CLS token (thin).
Figure skip_figure(std::span<const Measured<SkipRatios>> models, Language L);
// Equivariance error in % by layer (x = layer from 1) for a shift of k px (1..kMaxShift), one line per checkpoint,
// no point where k px is not a whole number of the layer's cells.
Figure equivariance_figure(std::span<const Measured<Equivariance>> models, int k, Language L);

}  // namespace vc
