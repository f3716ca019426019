// The slide figure of the Compare view's data-scale plot (analysis/compare.h), as a Figure (figures/figure.h) for the
// lab's PNG export and `vitcnn figures` alike.
#pragma once
#include <span>
#include <string>

#include "analysis/compare.h"
#include "figures/figure.h"

namespace vc {

// Test accuracy in % against the share of the training data (x = 1, 3, 10, 30, 100 %), one line per family with
// standard-error bars: the accuracies recorded at export (thick) and, when given, those measured in the lab (thin).
// Families without a point are left out.
Figure data_scale_figure(std::span<const DataScaleCurve> recorded, std::span<const DataScaleCurve> here, Language L);
// Its numbers: one CSV line per family, share and source ("recorded", "here") with a point: the accuracy, its
// standard error and the test images behind it.
std::string data_scale_csv(std::span<const DataScaleCurve> recorded, std::span<const DataScaleCurve> here);

}  // namespace vc
