// The slide figures of the Attention view (analysis/attention.h), as Figures (figures/figure.h) for the lab's PNG
// export and `vitcnn figures` alike. Checkpoints are named in words (figures/words.h); layers count from 1.
#pragma once
#include <span>

#include "analysis/attention.h"
#include "figures/figure.h"

namespace vc {

// Mean attention distance by layer: per checkpoint the mean over its heads (a line) and every head (dots around
// it); dashed: the distance of uniform attention (uniform_px) and the local threshold (kLocalFraction of it).
// `images`: how many test images the distances are averaged over, 0 for the one image shown.
Figure distance_figure(std::span<const Measured<AttentionDistance>> models, double uniform_px, int images, Language L);

}  // namespace vc
