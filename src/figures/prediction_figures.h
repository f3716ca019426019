// The slide figure of the Predictions view (analysis/predictions.h softmax_probs): the class probabilities of the
// shown models side by side, as a Figure (figures/figure.h) for the lab's PNG export and `vitcnn figures` alike.
#pragma once
#include <span>
#include <string>
#include <vector>

#include "figures/figure.h"

namespace vc {

// One column per model (named in words, figures/words.h), one row per class (class_names, in words), each cell the
// probability in % (colour bar 0 to 100 %). `true_class`: the image's label, named in the how-to-read line (-1:
// unknown, e.g. a drawn image).
Figure predictions_figure(std::span<const Measured<std::vector<double>>> models,
                          std::span<const std::string> class_names, int true_class, Language L);
// The same numbers as CSV: "model,label,class_name,probability" (label: the dataset's class number 0..9, as
// `vitcnn predict` and the test set give it; probability in [0, 1]).
std::string predictions_csv(std::span<const Measured<std::vector<double>>> models,
                            std::span<const std::string> class_names);

}  // namespace vc
