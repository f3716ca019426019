// The summary numbers of the Representations view on small hand-made results.
#include "analysis/representation_summary.h"

#include <gtest/gtest.h>

namespace vc {
namespace {

TEST(CkaSummary, SquareAndRectangularMatrices) {
  // 3 x 3: off the diagonal 0.5, 0.2, 0.5, 0.4, 0.2, 0.4.
  const std::vector<double> self = {1.0, 0.5, 0.2, 0.5, 1.0, 0.4, 0.2, 0.4, 1.0};
  Result<CkaSummary> s = summarize_cka(self, 3, 3);
  ASSERT_TRUE(s.ok());
  EXPECT_DOUBLE_EQ(s->mean_off_diagonal, (0.5 + 0.2 + 0.5 + 0.4 + 0.2 + 0.4) / 6.0);
  EXPECT_DOUBLE_EQ(s->first_last, 0.2);
  EXPECT_EQ(s->first_best, 0);
  EXPECT_DOUBLE_EQ(s->first_best_cka, 1.0);
  EXPECT_DOUBLE_EQ(s->lower_halves_mean, (1.0 + 0.5 + 0.5 + 1.0) / 4.0);  // rows 0..1 x cols 0..1
  // 2 x 4: no diagonal mean; the first row's best is column 2.
  const std::vector<double> cross = {0.1, 0.3, 0.7, 0.2, 0.4, 0.4, 0.4, 0.9};
  s = summarize_cka(cross, 2, 4);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->mean_off_diagonal, 0.0);
  EXPECT_DOUBLE_EQ(s->first_last, 0.2);
  EXPECT_EQ(s->first_best, 2);
  EXPECT_DOUBLE_EQ(s->first_best_cka, 0.7);
  EXPECT_DOUBLE_EQ(s->lower_halves_mean, (0.1 + 0.3) / 2.0);  // row 0 x cols 0..1
  EXPECT_FALSE(summarize_cka(cross, 3, 4).ok());
  EXPECT_FALSE(summarize_cka({}, 0, 0).ok());
}

TEST(SkipPhases, HalvesOfTheBranches) {
  SkipRatios r;
  for (int i = 0; i < 5; ++i) {
    SkipBranch b;
    b.has_cls = true;
    b.cls = 1.0 + i;
    b.spatial_mean = 10.0 * (i + 1);
    r.branches.push_back(b);
  }
  Result<SkipPhases> p = skip_phases(r);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->has_cls);
  EXPECT_EQ(p->early, 3);
  EXPECT_EQ(p->late, 2);
  EXPECT_DOUBLE_EQ(p->cls_early, 2.0);  // 1, 2, 3
  EXPECT_DOUBLE_EQ(p->cls_late, 4.5);   // 4, 5
  EXPECT_DOUBLE_EQ(p->spatial_early, 20.0);
  EXPECT_DOUBLE_EQ(p->spatial_late, 45.0);
  r.branches[4].has_cls = false;  // a CNN-like branch: no CLS anywhere counts
  p = skip_phases(r);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->has_cls);
  EXPECT_EQ(p->cls_early, 0.0);
  r.branches.resize(1);
  EXPECT_FALSE(skip_phases(r).ok());
}

TEST(EquivarianceAtShift, DefinedLayersOnly) {
  Equivariance e;
  e.layers.push_back({"stem", 32, 1.0, {true, true, true, true}, {0.1, 0.2, 0.3, 0.4}});
  e.layers.push_back({"stages.1.0", 16, 2.0, {false, true, false, true}, {0.0, 0.6, 0.0, 0.8}});
  e.top1_changed = {0.01, 0.02, 0.03, 0.04};
  Result<EquivarianceAtShift> s = equivariance_at_shift(e, 2);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->layers, 2);
  EXPECT_DOUBLE_EQ(s->mean_error, 0.4);
  EXPECT_DOUBLE_EQ(s->top1_changed, 0.02);
  s = equivariance_at_shift(e, 3);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->layers, 1);
  EXPECT_DOUBLE_EQ(s->mean_error, 0.3);
  EXPECT_FALSE(equivariance_at_shift(e, 0).ok());
  EXPECT_FALSE(equivariance_at_shift(e, kMaxShift + 1).ok());
}

}  // namespace
}  // namespace vc
