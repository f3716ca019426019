// The JSON form of the representation analyses (CKA, skip ratios, equivariance), one set of key names for every
// reader: `vitcnn cka | skip | equivariance` print it, the lab answers with it, and tests/cli, tests/browser and
// tools/analysis_ref read it. Indices are 0-based; rows and columns follow Model::layer_names().
#pragma once
#include <nlohmann/json_fwd.hpp>

#include "analysis/representations.h"

namespace vc {

// {rows: [A's layer names], cols: [B's layer names], matrix: [[CKA per col] per row], images, batch}
nlohmann::json cka_json(const CkaResult& r);
// {images, branches: [{name, has_cls, h, w, cls (null without a CLS token), spatial_mean, ratio: [CLS first if
// any, then the grid row-major]}]}
nlohmann::json skip_ratios_json(const SkipRatios& s);
// {images, max_shift (kMaxShift), top1_changed: [k = 1..max_shift], layers: [{name, grid, stride_px,
// error: [k = 1..max_shift, null where the shift is not a whole number of cells]}]}
nlohmann::json equivariance_json(const Equivariance& e);

}  // namespace vc
