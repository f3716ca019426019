#include "analysis/checkpoints.h"

#include <iterator>

namespace vc {

std::string checkpoint_name(int family, int scale) {
  return std::string(kFamilies[family]) + "_" + kDataScales[scale];
}

int family_index(const std::string& name) {
  for (int f = 0; f < kFamilyCount; ++f)
    if (name == kFamilies[f]) return f;
  return -1;
}

int data_scale_index(const std::string& name) {
  for (int s = 0; s < kDataScaleCount; ++s)
    if (name == kDataScales[s]) return s;
  return -1;
}

int data_scale_percent(int scale) {
  constexpr int kPercent[] = {1, 3, 10, 30, 100};
  static_assert(std::size(kPercent) == kDataScaleCount);
  return kPercent[scale];
}

}  // namespace vc
