// The verdicts of the Representations view on hand-made summaries.
#include "analysis/representation_summary.h"

#include <gtest/gtest.h>

namespace vc {
namespace {

// A model with itself over 3 layers: adjacent pairs (0,1), (1,2) = a; the far pair (0,2) = far.
CkaResult self_matrix(double a, double far) {
  return {{"l1", "l2", "l3"}, {"l1", "l2", "l3"}, {1.0, a, far, a, 1.0, a, far, a, 1.0}, 100, kCkaBatch};
}

TEST(Uniformity, BothMeasuresDecideWithinTheMargin) {
  // Pairs: (2a + far) / 3; adjacent: a.
  Result<UniformityVerdict> v = compare_uniformity(self_matrix(0.9, 0.8), self_matrix(0.8, 0.5));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->verdict, Uniformity::First);
  EXPECT_DOUBLE_EQ(v->first_adjacent, 0.9);
  EXPECT_DOUBLE_EQ(v->second_pairs, (0.8 + 0.8 + 0.5) / 3.0);
  EXPECT_EQ(compare_uniformity(self_matrix(0.8, 0.5), self_matrix(0.9, 0.8))->verdict, Uniformity::Second);
  const double tiny = kCkaMargin / 4.0;
  EXPECT_EQ(compare_uniformity(self_matrix(0.8, 0.5), self_matrix(0.8 + tiny, 0.5))->verdict, Uniformity::Equal);
  // Pairs favour the first (its far pair), adjacent layers the second.
  EXPECT_EQ(compare_uniformity(self_matrix(0.8, 0.9), self_matrix(0.9, 0.3))->verdict, Uniformity::Mixed);
  CkaResult cross = self_matrix(0.5, 0.5);
  cross.cols.pop_back();
  cross.matrix = {1, 2, 3, 4, 5, 6};
  EXPECT_FALSE(compare_uniformity(cross, self_matrix(0.5, 0.5)).ok());
}

TEST(Likeness, Thresholds) {
  EXPECT_EQ(cka_likeness(kCkaAlike), Likeness::Alike);
  EXPECT_EQ(cka_likeness(kCkaAlike - 1e-9), Likeness::Partly);
  EXPECT_EQ(cka_likeness(kCkaUnlike), Likeness::Partly);
  EXPECT_EQ(cka_likeness(kCkaUnlike - 1e-9), Likeness::Unlike);
}

TEST(SkipTransition, WhichHalfRisesOrFalls) {
  SkipTrend t;
  t.has_cls = true;
  t.cls_early = 0.9;
  t.cls_late = 0.5;
  t.spatial_early = 0.6;
  t.spatial_late = 0.8;
  EXPECT_EQ(skip_transition(t), SkipTransition::AsSeed);
  t.cls_late = 0.95;
  EXPECT_EQ(skip_transition(t), SkipTransition::SpatialRisesOnly);
  t.spatial_late = 0.5;
  EXPECT_EQ(skip_transition(t), SkipTransition::Reverse);
  t.cls_late = 0.1;
  EXPECT_EQ(skip_transition(t), SkipTransition::ClsFallsOnly);
}

}  // namespace
}  // namespace vc
