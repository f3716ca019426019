// Summary numbers of the representation analyses (analysis/representations.h) that answer the seed's claims in the
// lab's Representations view: how alike a model's layers are from bottom to top (CKA), whether the CLS and the
// spatial tokens lean on the skip path differently early and late (skip ratio), and how far a layer's features
// are from moving with a shifted input (equivariance).
#pragma once
#include <span>
#include <vector>

#include "analysis/representations.h"

namespace vc {

// A CKA matrix [rows, cols] (row-major) of model A's layers (rows) with model B's (cols).
struct CkaSummary {
  // Square matrices only (a model with itself): the mean of the entries off the diagonal (i != j); 0 otherwise.
  // High: the layers are alike from bottom to top.
  double mean_off_diagonal = 0.0;
  double first_last = 0.0;       // CKA(A's first layer, B's last layer)
  int first_best = 0;            // the column most like A's first layer (highest CKA; the first of ties)
  double first_best_cka = 0.0;   // its CKA
  // The mean over the lower halves: rows [0, ceil(rows / 2)) x cols [0, ceil(cols / 2)).
  double lower_halves_mean = 0.0;
};
// An error for an empty matrix or one whose size is not rows * cols.
Result<CkaSummary> summarize_cka(std::span<const double> matrix, int rows, int cols);

// Skip ratios of the first and the second half of the branches (forward order; the middle one of an odd count goes
// to the first half), each the mean over those branches of SkipBranch::cls and of SkipBranch::spatial_mean.
struct SkipPhases {
  bool has_cls = false;            // every branch has a CLS token (a transformer)
  double cls_early = 0.0, cls_late = 0.0;          // 0 without a CLS token
  double spatial_early = 0.0, spatial_late = 0.0;
  int early = 0, late = 0;         // branches in each half
};
// An error with fewer than two branches.
Result<SkipPhases> skip_phases(const SkipRatios& r);

// The layers with a value for a shift of k px (1..kMaxShift): the mean of their err_l(k), and the share of images
// whose top-1 changed.
struct EquivarianceAtShift {
  int k = 0;
  int layers = 0;            // layers with a value at k (0: mean_error is 0)
  double mean_error = 0.0;
  double top1_changed = 0.0;
};
// An error for k outside 1..kMaxShift.
Result<EquivarianceAtShift> equivariance_at_shift(const Equivariance& e, int k);

}  // namespace vc
