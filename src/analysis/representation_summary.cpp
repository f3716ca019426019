#include "analysis/representation_summary.h"

#include <string>

namespace vc {

Result<CkaSummary> summarize_cka(std::span<const double> matrix, int rows, int cols) {
  if (rows < 1 || cols < 1 || matrix.size() != static_cast<size_t>(rows) * static_cast<size_t>(cols))
    return Error{"a CKA matrix of " + std::to_string(matrix.size()) + " values is not " + std::to_string(rows) +
                 " x " + std::to_string(cols)};
  const auto at = [&](int r, int c) { return matrix[static_cast<size_t>(r) * cols + c]; };
  CkaSummary s;
  if (rows == cols && rows > 1) {
    double sum = 0.0;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c)
        if (r != c) sum += at(r, c);
    s.mean_off_diagonal = sum / (static_cast<double>(rows) * (rows - 1));
  }
  s.first_last = at(0, cols - 1);
  for (int c = 0; c < cols; ++c)
    if (at(0, c) > at(0, s.first_best)) s.first_best = c;
  s.first_best_cka = at(0, s.first_best);
  const int lower_rows = (rows + 1) / 2, lower_cols = (cols + 1) / 2;
  double lower = 0.0;
  for (int r = 0; r < lower_rows; ++r)
    for (int c = 0; c < lower_cols; ++c) lower += at(r, c);
  s.lower_halves_mean = lower / (static_cast<double>(lower_rows) * lower_cols);
  return s;
}

Result<SkipPhases> skip_phases(const SkipRatios& r) {
  const int n = static_cast<int>(r.branches.size());
  if (n < 2) return Error{"skip phases need two branches or more, got " + std::to_string(n)};
  SkipPhases p;
  p.early = (n + 1) / 2;
  p.late = n - p.early;
  p.has_cls = true;
  for (int i = 0; i < n; ++i) {
    const SkipBranch& b = r.branches[i];
    p.has_cls = p.has_cls && b.has_cls;
    const bool early = i < p.early;
    (early ? p.cls_early : p.cls_late) += b.cls;
    (early ? p.spatial_early : p.spatial_late) += b.spatial_mean;
  }
  p.cls_early /= p.early;
  p.cls_late /= p.late;
  p.spatial_early /= p.early;
  p.spatial_late /= p.late;
  if (!p.has_cls) p.cls_early = p.cls_late = 0.0;
  return p;
}

Result<EquivarianceAtShift> equivariance_at_shift(const Equivariance& e, int k) {
  if (k < 1 || k > kMaxShift)
    return Error{"shift " + std::to_string(k) + " px is outside 1.." + std::to_string(kMaxShift)};
  EquivarianceAtShift s;
  s.k = k;
  const size_t i = static_cast<size_t>(k - 1);
  for (const EquivarianceLayer& l : e.layers)
    if (i < l.defined.size() && l.defined[i]) {
      ++s.layers;
      s.mean_error += l.error[i];
    }
  if (s.layers > 0) s.mean_error /= s.layers;
  if (i < e.top1_changed.size()) s.top1_changed = e.top1_changed[i];
  return s;
}

}  // namespace vc
