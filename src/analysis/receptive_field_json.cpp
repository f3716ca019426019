#include "analysis/receptive_field_json.h"

#include <nlohmann/json.hpp>

namespace vc {

nlohmann::json pixel_box_json(const PixelBox& b) {
  return {{"top", b.top}, {"left", b.left}, {"bottom", b.bottom}, {"right", b.right}};
}

nlohmann::json theoretical_rf_json(const TheoreticalRf& rf) {
  return {{"name", rf.name},
          {"grid", {rf.shape.h, rf.shape.w}},
          {"tokens", rf.shape.layout == FeatureShape::Layout::Tokens},
          {"theoretical",
           {{"size_px", rf.size_px}, {"jump_px", rf.jump_px}, {"start_px", rf.start_px}, {"global", rf.global}}}};
}

nlohmann::json unit_field_json(const TheoreticalRf& rf, const UnitField& f) {
  nlohmann::json u = {{"cls", f.unit.cls},
                      {"row", f.unit.row},
                      {"col", f.unit.col},
                      {"centre_px", {f.centre_row, f.centre_col}},
                      {"box_px", pixel_box_json(f.clipped)},
                      {"theoretical_box_px", pixel_box_json(f.box)},
                      {"sees_input", f.sees_input}};
  if (rf.shape.layout == FeatureShape::Layout::Tokens)
    u["token"] = f.unit.cls ? 0 : 1 + f.unit.row * rf.shape.w + f.unit.col;
  return u;
}

nlohmann::json erf_summary_json(const ErfSummary& s) {
  return {{"mass", s.mass},
          {"r50_px", s.r50_px},
          {"r90_px", s.r90_px},
          {"share90_trf", s.share90_trf},
          {"mass_outside_trf", s.mass_outside_trf}};
}

nlohmann::json erf_json(const Erf& e) {
  nlohmann::json out = erf_summary_json(e.summary);
  out["map"] = grid_json(e.map);
  return out;
}

}  // namespace vc
