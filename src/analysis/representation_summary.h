// The verdicts on the seed claims that the Representations view states, from the summaries of
// analysis/representations.h (mean_pairwise_cka, mean_adjacent_cka, lower_half_best_match, skip_trend): which way
// each measure falls, with the thresholds kCkaMargin, kCkaAlike and kCkaUnlike. `vitcnn figures`
// (src/cli/representation_figures.cpp) writes its sentences from the same verdicts.
#pragma once
#include "analysis/representations.h"

namespace vc {

// Claim (a), seed 002 section 3: are the layers of `first` (a model with itself) more uniform from bottom to top than
// those of `second`? Each of the mean CKA of all pairs of different layers and of adjacent layers says +1 (first the
// higher by kCkaMargin or more), -1 (second) or 0.
enum class Uniformity {
  First,   // pairs +1 and adjacent >= 0
  Second,  // pairs -1 and adjacent <= 0
  Equal,   // both 0
  Mixed,   // the two measures disagree
};
struct UniformityVerdict {
  double first_pairs = 0.0, first_adjacent = 0.0, second_pairs = 0.0, second_adjacent = 0.0;
  Uniformity verdict = Uniformity::Equal;
};
// An error when either matrix is not a model with itself (square, 2 layers or more).
Result<UniformityVerdict> compare_uniformity(const CkaResult& first, const CkaResult& second);

// Claim (b): how alike a CKA value says two layers are.
enum class Likeness { Alike, Partly, Unlike };  // >= kCkaAlike, between, < kCkaUnlike
Likeness cka_likeness(double cka);

// Claim (c), seed 002 section 5-1: the CLS ratio falls from the first half of the branches to the second and the
// spatial tokens' rises (the seed's phase transition), only one of them does, or neither.
enum class SkipTransition { AsSeed, SpatialRisesOnly, ClsFallsOnly, Reverse };
SkipTransition skip_transition(const SkipTrend& t);

}  // namespace vc
