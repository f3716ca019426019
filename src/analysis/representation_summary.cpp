#include "analysis/representation_summary.h"

#include <tuple>

namespace vc {

namespace {

// +1: a above b by kCkaMargin or more, -1: b above a, 0: closer.
int side(double a, double b) { return a - b >= kCkaMargin ? 1 : b - a >= kCkaMargin ? -1 : 0; }

}  // namespace

Result<UniformityVerdict> compare_uniformity(const CkaResult& first, const CkaResult& second) {
  UniformityVerdict v;
  for (auto [r, pairs, adjacent] : {std::tuple{&first, &v.first_pairs, &v.first_adjacent},
                                    std::tuple{&second, &v.second_pairs, &v.second_adjacent}}) {
    Result<double> p = mean_pairwise_cka(*r);
    if (!p) return p.error();
    Result<double> a = mean_adjacent_cka(*r);
    if (!a) return a.error();
    *pairs = *p;
    *adjacent = *a;
  }
  const int pairs = side(v.first_pairs, v.second_pairs), adjacent = side(v.first_adjacent, v.second_adjacent);
  v.verdict = pairs > 0 && adjacent >= 0    ? Uniformity::First
              : pairs == 0 && adjacent == 0 ? Uniformity::Equal
              : pairs < 0 && adjacent <= 0  ? Uniformity::Second
                                            : Uniformity::Mixed;
  return v;
}

Likeness cka_likeness(double cka) {
  return cka >= kCkaAlike ? Likeness::Alike : cka < kCkaUnlike ? Likeness::Unlike : Likeness::Partly;
}

SkipTransition skip_transition(const SkipTrend& t) {
  const bool cls_falls = t.cls_early > t.cls_late, spatial_rises = t.spatial_late > t.spatial_early;
  return cls_falls && spatial_rises ? SkipTransition::AsSeed
         : spatial_rises            ? SkipTransition::SpatialRisesOnly
         : cls_falls                ? SkipTransition::ClsFallsOnly
                                    : SkipTransition::Reverse;
}

}  // namespace vc
