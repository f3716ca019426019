// The JSON form of the receptive-field analyses, one set of key names for every reader: `vitcnn rf` prints it, the
// lab's lab_query("receptive_field") answers with it, and tests/cli and tests/browser read it. Grid positions and
// layer indices are 0-based; pixel coordinates are those of analysis/receptive_field.h.
#pragma once
#include <nlohmann/json_fwd.hpp>

#include "analysis/grid_json.h"
#include "analysis/receptive_field.h"

namespace vc {

// {top, left, bottom, right}: rows [top, bottom), columns [left, right)
nlohmann::json pixel_box_json(const PixelBox& b);
// One layer: {name, grid: [h, w], tokens (a token layer), theoretical: {size_px, jump_px, start_px, global}}
nlohmann::json theoretical_rf_json(const TheoreticalRf& rf);
// {cls, row, col, centre_px: [row, col], box_px (clipped to the image), theoretical_box_px, sees_input}, and on a
// token layer token (its sequence index: 0 for CLS, 1 + row * w + col for a patch)
nlohmann::json unit_field_json(const TheoreticalRf& rf, const UnitField& f);
// {mass, r50_px, r90_px, share90_trf, mass_outside_trf}
nlohmann::json erf_summary_json(const ErfSummary& s);
// The same with the map: {map: [[S] x S], mass, r50_px, r90_px, share90_trf, mass_outside_trf}
nlohmann::json erf_json(const Erf& e);

}  // namespace vc
