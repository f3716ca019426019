#include "analysis/receptive_field.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>

#include "analysis/predictions.h"

namespace vc {
namespace {

// A 1-D receptive field: box side, jump and the centre of unit 0, in input px.
struct Field {
  double size = 1.0, jump = 1.0, start = 0.5;
};

// Araujo et al. 2019 through a chain of convs (empty: the identity).
Field through(Field f, const ConvPath& path) {
  for (const ConvGeometry& c : path) {
    const double k_eff = c.dilation * (c.kernel - 1) + 1;
    f.size += (k_eff - 1) * f.jump;
    f.start += ((k_eff - 1) / 2 - c.pad) * f.jump;
    f.jump *= c.stride;
  }
  return f;
}

PixelBox intersect(const PixelBox& a, const PixelBox& b) {
  PixelBox r{std::max(a.top, b.top), std::max(a.left, b.left), std::min(a.bottom, b.bottom),
             std::min(a.right, b.right)};
  if (r.bottom < r.top) r.bottom = r.top;
  if (r.right < r.left) r.right = r.left;
  return r;
}

std::string grid_str(const FeatureShape& s) { return std::to_string(s.h) + " x " + std::to_string(s.w); }

}  // namespace

Result<std::vector<TheoreticalRf>> theoretical_rfs(const std::vector<LayerInfo>& layers, int image_size) {
  std::vector<TheoreticalRf> out;
  Field cur;
  bool global = false;
  for (const LayerInfo& l : layers) {
    const std::vector<ConvPath>& paths = l.geometry.paths;
    if (!paths.empty()) {
      // The union of the paths' boxes.
      const Field first = through(cur, paths[0]);
      double lo = first.start - first.size / 2, hi = first.start + first.size / 2;
      for (size_t i = 1; i < paths.size(); ++i) {
        const Field f = through(cur, paths[i]);
        if (f.jump != first.jump)
          return Error{"layer '" + l.name + "': its paths have different strides (jump " + std::to_string(first.jump) +
                       " vs " + std::to_string(f.jump) + " px)"};
        lo = std::min(lo, f.start - f.size / 2);
        hi = std::max(hi, f.start + f.size / 2);
      }
      cur = {hi - lo, first.jump, (lo + hi) / 2};
    }
    global = global || l.geometry.global_mixing;
    out.push_back({l.name, l.out, global ? image_size : cur.size, cur.jump, cur.start, global});
  }
  return out;
}

Result<std::vector<TheoreticalRf>> theoretical_rfs(const Model& model) {
  const std::vector<LayerInfo> layers = model.layers();
  Result<std::vector<TheoreticalRf>> all = theoretical_rfs(layers, model.image_size());
  if (!all) return all.error();
  std::vector<TheoreticalRf> out;
  for (size_t i = 0; i < layers.size(); ++i)
    if (layers[i].is_layer) out.push_back(std::move((*all)[i]));
  return out;
}

RfUnit centre_unit(const TheoreticalRf& rf) { return {false, rf.shape.h / 2, rf.shape.w / 2}; }

int64_t PixelBox::area() const { return static_cast<int64_t>(bottom - top) * (right - left); }

Result<UnitField> unit_field(const TheoreticalRf& rf, const RfUnit& unit, int image_size) {
  const FeatureShape& s = rf.shape;
  if (s.layout == FeatureShape::Layout::Vector || s.h < 1 || s.w < 1)
    return Error{"layer '" + rf.name + "' has no grid of units"};
  const PixelBox image{0, 0, image_size, image_size};
  UnitField f;
  f.unit = unit;
  if (unit.cls) {
    if (s.layout != FeatureShape::Layout::Tokens)
      return Error{"layer '" + rf.name + "' is a feature map: it has no CLS token (choose a position ROW,COL)"};
    // The CLS token has no grid cell: its centre is the image centre; it sees the whole image once mixed.
    f.centre_row = f.centre_col = image_size / 2.0;
    f.sees_input = rf.global;
    f.box = f.clipped = rf.global ? image : PixelBox{image_size / 2, image_size / 2, image_size / 2, image_size / 2};
    return f;
  }
  if (unit.row < 0 || unit.row >= s.h || unit.col < 0 || unit.col >= s.w)
    return Error{"unit (" + std::to_string(unit.row) + ", " + std::to_string(unit.col) + ") is outside layer '" +
                 rf.name + "''s " + grid_str(s) + " grid (rows and columns count from 0)"};
  f.centre_row = rf.start_px + rf.jump_px * unit.row;
  f.centre_col = rf.start_px + rf.jump_px * unit.col;
  if (rf.global) {
    f.box = image;
  } else {
    // The box edges are whole pixels: lo' = lo - pad * jump at every conv, from lo = 0 at the input.
    const int side = static_cast<int>(std::lround(rf.size_px));
    const int top = static_cast<int>(std::lround(f.centre_row - rf.size_px / 2));
    const int left = static_cast<int>(std::lround(f.centre_col - rf.size_px / 2));
    f.box = {top, left, top + side, left + side};
  }
  f.clipped = intersect(f.box, image);
  return f;
}

ErfSummary summarize_erf(const Tensor& map, const UnitField& field) {
  const int rows = static_cast<int>(map.dim(0)), cols = static_cast<int>(map.dim(1));
  const size_t n = static_cast<size_t>(rows) * cols;
  ErfSummary s;
  for (size_t i = 0; i < n; ++i) s.mass += map.data[i];
  if (!(s.mass > 0.0)) return {};
  // Squared distances are exact in double (half-integer offsets): the sort order is the same on every platform.
  std::vector<double> d2(n);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const double dr = r + 0.5 - field.centre_row, dc = c + 0.5 - field.centre_col;
      d2[static_cast<size_t>(r) * cols + c] = dr * dr + dc * dc;
    }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return d2[a] < d2[b]; });
  // The radius at which the cumulative mass first reaches `fraction` of the total.
  auto radius = [&](double fraction) {
    double cum = 0.0;
    for (size_t i : order)
      if ((cum += map.data[i]) >= fraction * s.mass) return std::sqrt(d2[i]);
    return std::sqrt(d2[order.back()]);
  };
  s.r50_px = radius(0.5);
  s.r90_px = radius(0.9);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return map.data[a] > map.data[b]; });
  size_t count90 = n;
  double cum = 0.0;
  for (size_t k = 0; k < n; ++k)
    if ((cum += map.data[order[k]]) >= 0.9 * s.mass) {
      count90 = k + 1;
      break;
    }
  const int64_t area = field.clipped.area();
  s.share90_trf = area > 0 ? static_cast<double>(count90) / area : 0.0;
  double inside = 0.0;
  for (int r = field.clipped.top; r < field.clipped.bottom; ++r)
    for (int c = field.clipped.left; c < field.clipped.right; ++c)
      inside += map.data[static_cast<size_t>(r) * cols + c];
  s.mass_outside_trf = (s.mass - inside) / s.mass;
  return s;
}

Result<ErfProbe> erf_probe(const Model& model, std::string_view layer, const RfUnit& unit) {
  Result<std::vector<TheoreticalRf>> rfs = theoretical_rfs(model);
  if (!rfs) return rfs.error();
  std::string names;
  for (const TheoreticalRf& rf : *rfs) {
    if (rf.name == layer) {
      Result<UnitField> f = unit_field(rf, unit, model.image_size());
      if (!f) return f.error();
      return ErfProbe{rf.name, rf, *f};
    }
    names += (names.empty() ? "" : ", ") + rf.name;
  }
  return Error{"unknown layer '" + std::string(layer) + "' (this model's layers: " + names + ")"};
}

Result<Tensor> erf_maps(const Model& model, const ErfProbe& probe, const Tensor& x) {
  if (x.rank() != 4 || x.dim(0) < 1) return Error{"ERF input must be [B, C, S, S], got " + x.shape_str()};
  const FeatureShape& s = probe.trf.shape;
  const RfUnit& u = probe.field.unit;
  const int64_t B = x.dim(0);
  std::vector<int64_t> dims = s.dims();
  dims[0] = B;
  // d(sum over the unit's channels or features)/d(layer): ones there, zero elsewhere.
  Tensor seed(dims);
  for (int64_t b = 0; b < B; ++b) {
    if (s.layout == FeatureShape::Layout::Map) {
      for (int c = 0; c < s.channels; ++c) seed.data[((b * s.channels + c) * s.h + u.row) * s.w + u.col] = 1.0f;
    } else {
      const int64_t token = u.cls ? 0 : 1 + static_cast<int64_t>(u.row) * s.w + u.col;
      std::fill_n(seed.ptr() + (b * s.tokens() + token) * s.channels, s.channels, 1.0f);
    }
  }
  Result<Gradients> g = model.backward(x, probe.layer, seed, false);
  if (!g) return g.error();
  const int64_t C = x.dim(1), px = x.dim(2) * x.dim(3);
  Tensor out({B, x.dim(2), x.dim(3)});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t c = 0; c < C; ++c) {
      const float* gi = g->input.ptr() + (b * C + c) * px;
      float* o = out.ptr() + b * px;
      for (int64_t i = 0; i < px; ++i) o[i] += std::fabs(gi[i]);
    }
  return out;
}

ErfAccumulator::ErfAccumulator(const Model& model, ErfProbe probe)
    : model_(&model),
      probe_(std::move(probe)),
      sum_(static_cast<size_t>(model.image_size()) * model.image_size(), 0.0) {}

Status ErfAccumulator::add(const Tensor& x) {
  Result<Tensor> maps = erf_maps(*model_, probe_, x);
  if (!maps) return maps.error();
  const size_t px = sum_.size();
  for (int64_t b = 0; b < maps->dim(0); ++b)
    for (size_t i = 0; i < px; ++i) sum_[i] += maps->data[b * px + i];
  count_ += maps->dim(0);
  return {};
}

Result<Erf> ErfAccumulator::result() const {
  if (count_ == 0) return Error{"no image was added to the ERF mean"};
  const int S = model_->image_size();
  Erf e;
  e.map = Tensor({S, S});
  for (size_t i = 0; i < sum_.size(); ++i) e.map.data[i] = static_cast<float>(sum_[i] / count_);
  e.images = count_;
  e.field = probe_.field;
  e.summary = summarize_erf(e.map, e.field);
  return e;
}

Result<Erf> effective_rf(const Model& model, std::string_view layer, const RfUnit& unit, const Tensor& x) {
  Result<ErfProbe> probe = erf_probe(model, layer, unit);
  if (!probe) return probe.error();
  ErfAccumulator acc(model, std::move(*probe));
  if (Status s = acc.add(x); !s) return s.error();
  return acc.result();
}

Result<Erf> mean_effective_rf(const Model& model, std::string_view layer, const RfUnit& unit, const LabeledImages& set,
                              int first, int count) {
  if (first < 0 || count < 1 || first + count > set.count)
    return Error{"test images [" + std::to_string(first) + ", " + std::to_string(first + count) +
                 ") are not in the set's " + std::to_string(set.count)};
  Result<ErfProbe> probe = erf_probe(model, layer, unit);
  if (!probe) return probe.error();
  ErfAccumulator acc(model, std::move(*probe));
  for (int i = first; i < first + count; i += kErfBatch)
    if (Status s = acc.add(test_set_input(set, i, std::min(kErfBatch, first + count - i), model.input_spec())); !s)
      return s.error();
  return acc.result();
}

Result<SafeTensors> untrained_weights(const Model& trained, uint64_t seed) {
  nlohmann::json meta = nlohmann::json::parse(trained.metadata_json(), nullptr, false);
  if (meta.is_discarded() || !meta.is_object()) return Error{"the model's metadata is not a JSON object"};
  meta["train"] = {{"fraction", 0.0},
                   {"samples", 0},
                   {"seed", seed},
                   {"recipe", "untrained: vitcnn init_weights, seed " + std::to_string(seed)}};
  meta.erase("test_accuracy");
  meta.erase("test_samples");
  return init_weights(meta.dump(), seed);
}

Result<std::unique_ptr<Model>> untrained_model(const Model& trained, uint64_t seed) {
  Result<SafeTensors> w = untrained_weights(trained, seed);
  if (!w) return w.error();
  Result<std::unique_ptr<Model>> m = load_model(serialize_safetensors(*w));
  if (!m) return m.error();
  (*m)->set_kernels(trained.kernels());
  return m;
}

}  // namespace vc
