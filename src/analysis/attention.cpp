#include "analysis/attention.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace vc {
namespace {

std::string probs_name(int layer) { return "blocks." + std::to_string(layer) + ".attn.probs"; }

// Side of the square patch grid for T tokens (T = 1 + g * g), or 0 when T has no such form.
int grid_of_tokens(int64_t tokens) {
  const int64_t patches = tokens - 1;
  int64_t g = static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(patches > 0 ? patches : 0))));
  return (g > 0 && g * g == patches) ? static_cast<int>(g) : 0;
}

Result<AttentionStack> stack_of(std::vector<const Tensor*> layers) {
  if (layers.empty()) return Error{"no attention probs (\"blocks.{i}.attn.probs\"): not a vit, rvit or hybrid trace"};
  const Tensor& first = *layers[0];
  if (first.rank() != 4 || first.dim(2) != first.dim(3))
    return Error{"attention probs must be [B, H, T, T], got " + first.shape_str()};
  AttentionStack s;
  s.batch = static_cast<int>(first.dim(0));
  s.heads = static_cast<int>(first.dim(1));
  s.tokens = static_cast<int>(first.dim(2));
  s.grid = grid_of_tokens(first.dim(2));
  if (s.batch <= 0 || s.heads <= 0 || s.grid == 0)
    return Error{"attention probs " + first.shape_str() + ": T must be 1 + a square number of patches"};
  for (size_t l = 0; l < layers.size(); ++l) {
    if (!layers[l]->same_shape(first) || static_cast<int64_t>(layers[l]->data.size()) != first.numel())
      return Error{"attention probs of layer " + std::to_string(l) + " are " + layers[l]->shape_str() +
                   ", layer 0 has " + first.shape_str()};
  }
  s.layers = std::move(layers);
  return s;
}

// Pointer to row 0 of A[layer][b, head] ([T, T] row-major).
const float* head_matrix(const AttentionStack& s, int b, int layer, int head) {
  const int64_t tt = static_cast<int64_t>(s.tokens) * s.tokens;
  return s.layers[layer]->ptr() + (static_cast<int64_t>(b) * s.heads + head) * tt;
}

Status check_indices(const AttentionStack& s, int b, int layer, int head) {
  if (b < 0 || b >= s.batch) return Error{"image " + std::to_string(b) + " out of range [0, " +
                                          std::to_string(s.batch) + ")"};
  if (layer < 0 || layer >= s.num_layers())
    return Error{"layer " + std::to_string(layer) + " out of range [0, " + std::to_string(s.num_layers()) + ")"};
  if (head < 0 || head >= s.heads)
    return Error{"head " + std::to_string(head) + " out of range [0, " + std::to_string(s.heads) + ")"};
  return {};
}

constexpr double kFixedScale = 4294967296.0;  // 2^32
constexpr double kFixedLimit = 65536.0;       // |value| bound so that 2^15 images cannot overflow

}  // namespace

Tensor patch_row(const float* m, int tokens, int grid, int row) {
  Tensor out({grid, grid});
  const float* r = m + static_cast<int64_t>(row) * tokens + 1;
  for (int i = 0; i < grid * grid; ++i) out.data[i] = r[i];
  return out;
}

Result<AttentionStack> attention_stack(const Trace& trace) {
  std::vector<const Tensor*> layers;
  for (int l = 0;; ++l) {
    const Tensor* t = trace.find(probs_name(l));
    if (!t) break;
    layers.push_back(t);
  }
  return stack_of(std::move(layers));
}

Result<AttentionStack> attention_stack(const std::vector<Tensor>& probs) {
  std::vector<const Tensor*> layers;
  for (const Tensor& t : probs) layers.push_back(&t);
  return stack_of(std::move(layers));
}

Result<Tensor> cls_map(const AttentionStack& s, int b, int layer, int head) {
  if (Status st = check_indices(s, b, layer, head); !st) return st.error();
  return patch_row(head_matrix(s, b, layer, head), s.tokens, s.grid, 0);
}

Result<Tensor> token_map(const AttentionStack& s, int b, int layer, int head, int patch) {
  if (Status st = check_indices(s, b, layer, head); !st) return st.error();
  if (patch < 0 || patch >= s.grid * s.grid)
    return Error{"patch " + std::to_string(patch) + " out of range [0, " + std::to_string(s.grid * s.grid) + ")"};
  return patch_row(head_matrix(s, b, layer, head), s.tokens, s.grid, patch + 1);
}

Result<Tensor> rollout(const AttentionStack& s, int b) {
  if (Status st = check_indices(s, b, 0, 0); !st) return st.error();
  const int t = s.tokens;
  const size_t tt = static_cast<size_t>(t) * t;
  // R starts as I; each layer: R <- Abar_l @ R, in double.
  std::vector<double> r(tt, 0.0), abar(tt), next(tt);
  for (int i = 0; i < t; ++i) r[static_cast<size_t>(i) * t + i] = 1.0;
  for (int l = 0; l < s.num_layers(); ++l) {
    // Abar = 0.5 * mean_h A + 0.5 * I, then each row divided by its sum.
    std::fill(abar.begin(), abar.end(), 0.0);
    for (int h = 0; h < s.heads; ++h) {
      const float* a = head_matrix(s, b, l, h);
      for (size_t k = 0; k < tt; ++k) abar[k] += 0.5 * a[k] / s.heads;
    }
    for (int i = 0; i < t; ++i) {
      double* row = &abar[static_cast<size_t>(i) * t];
      row[i] += 0.5;
      double sum = 0.0;
      for (int j = 0; j < t; ++j) sum += row[j];
      for (int j = 0; j < t; ++j) row[j] /= sum;
    }
    std::fill(next.begin(), next.end(), 0.0);
    for (int i = 0; i < t; ++i)
      for (int k = 0; k < t; ++k) {
        const double a = abar[static_cast<size_t>(i) * t + k];
        const double* rk = &r[static_cast<size_t>(k) * t];
        double* ni = &next[static_cast<size_t>(i) * t];
        for (int j = 0; j < t; ++j) ni[j] += a * rk[j];
      }
    r.swap(next);
  }
  Tensor out({t, t});
  for (size_t k = 0; k < tt; ++k) out.data[k] = static_cast<float>(r[k]);
  return out;
}

Result<Tensor> rollout_cls_map(const AttentionStack& s, int b) {
  Result<Tensor> r = rollout(s, b);
  if (!r) return r.error();
  return patch_row(r->ptr(), s.tokens, s.grid, 0);
}

Result<AttentionDistance> attention_distance(const AttentionStack& s, int b, double cell_px) {
  if (Status st = check_indices(s, b, 0, 0); !st) return st.error();
  if (!(cell_px > 0.0)) return Error{"cell size must be positive, got " + std::to_string(cell_px)};
  const int g = s.grid, n = g * g;
  // dist[i, j] = ||pos_i - pos_j|| in cells; the centre offset cancels in the difference.
  std::vector<double> dist(static_cast<size_t>(n) * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      dist[static_cast<size_t>(i) * n + j] = std::hypot(i / g - j / g, i % g - j % g);
  AttentionDistance d;
  d.layers = s.num_layers();
  d.heads = s.heads;
  d.grid = g;
  d.cell_px = cell_px;
  for (int l = 0; l < d.layers; ++l)
    for (int h = 0; h < d.heads; ++h) {
      const float* a = head_matrix(s, b, l, h);
      double weighted = 0.0, mass = 0.0;
      for (int i = 0; i < n; ++i) {
        const float* row = a + static_cast<int64_t>(i + 1) * s.tokens + 1;
        const double* drow = &dist[static_cast<size_t>(i) * n];
        for (int j = 0; j < n; ++j) {
          weighted += row[j] * drow[j];
          mass += row[j];
        }
      }
      if (!(mass > 0.0))
        return Error{"layer " + std::to_string(l) + " head " + std::to_string(h) +
                     ": no attention mass among patch tokens"};
      d.patches.push_back(weighted / mass);
      d.px.push_back(weighted / mass * cell_px);
    }
  return d;
}

Status DistanceMean::check_shape(int layers, int heads, int grid, double cell_px) {
  if (count_ == 0) {
    layers_ = layers;
    heads_ = heads;
    grid_ = grid;
    cell_px_ = cell_px;
    px_.assign(static_cast<size_t>(layers) * heads, 0);
    patches_.assign(px_.size(), 0);
    return {};
  }
  if (layers != layers_ || heads != heads_ || grid != grid_ || cell_px != cell_px_)
    return Error{"distance of " + std::to_string(layers) + " layers x " + std::to_string(heads) + " heads on a " +
                 std::to_string(grid) + "-grid added to a mean of " + std::to_string(layers_) + " x " +
                 std::to_string(heads_) + " on a " + std::to_string(grid_) + "-grid (or the cell sizes differ)"};
  return {};
}

Status DistanceMean::add(const AttentionDistance& d) {
  const size_t n = static_cast<size_t>(d.layers) * d.heads;
  if (d.px.size() != n || d.patches.size() != n) return Error{"malformed attention distance"};
  std::vector<int64_t> px(n), patches(n);
  for (size_t k = 0; k < n; ++k) {
    if (!(std::fabs(d.px[k]) < kFixedLimit) || !(std::fabs(d.patches[k]) < kFixedLimit))
      return Error{"attention distance out of range: " + std::to_string(d.px[k]) + " px"};
    px[k] = std::llround(d.px[k] * kFixedScale);
    patches[k] = std::llround(d.patches[k] * kFixedScale);
  }
  DistanceMean one;
  one.layers_ = d.layers;
  one.heads_ = d.heads;
  one.grid_ = d.grid;
  one.cell_px_ = d.cell_px;
  one.count_ = 1;
  one.px_ = std::move(px);
  one.patches_ = std::move(patches);
  return merge(one);
}

Status DistanceMean::merge(const DistanceMean& other) {
  if (other.count_ == 0) return {};
  if (Status st = check_shape(other.layers_, other.heads_, other.grid_, other.cell_px_); !st) return st;
  std::vector<int64_t> px = px_, patches = patches_;
  for (size_t k = 0; k < px.size(); ++k) {
    if (__builtin_add_overflow(px[k], other.px_[k], &px[k]) ||
        __builtin_add_overflow(patches[k], other.patches_[k], &patches[k]))
      return Error{"attention distance sum overflows"};
  }
  px_ = std::move(px);
  patches_ = std::move(patches);
  count_ += other.count_;
  return {};
}

Result<AttentionDistance> DistanceMean::mean() const {
  if (count_ == 0) return Error{"no images in the attention-distance mean"};
  AttentionDistance d;
  d.layers = layers_;
  d.heads = heads_;
  d.grid = grid_;
  d.cell_px = cell_px_;
  for (size_t k = 0; k < px_.size(); ++k) {
    d.px.push_back(static_cast<double>(px_[k]) / kFixedScale / static_cast<double>(count_));
    d.patches.push_back(static_cast<double>(patches_[k]) / kFixedScale / static_cast<double>(count_));
  }
  return d;
}

Result<double> uniform_attention_distance_px(int grid, double cell_px) {
  if (grid < 1) return Error{"the patch grid needs at least one cell, got " + std::to_string(grid)};
  // One head whose every row spreads 1/T over the T tokens.
  const int t = 1 + grid * grid;
  std::vector<Tensor> probs{Tensor({1, 1, t, t}, 1.0f / t)};
  Result<AttentionStack> s = attention_stack(probs);
  if (!s) return s.error();
  Result<AttentionDistance> d = attention_distance(*s, 0, cell_px);
  if (!d) return d.error();
  return d->px[0];
}

int local_heads(const AttentionDistance& d, int first_layers, double threshold_px) {
  int n = 0;
  for (int k = 0; k < std::clamp(first_layers, 0, d.layers) * d.heads; ++k) n += d.px[k] < threshold_px;
  return n;
}

double layer_head_mean(const AttentionDistance& d, int layer) {
  double sum = 0.0;
  for (int h = 0; h < d.heads; ++h) sum += d.px[static_cast<size_t>(layer) * d.heads + h];
  return sum / d.heads;
}

Result<Locality> locality(const AttentionDistance& d) {
  Result<double> uniform = uniform_attention_distance_px(d.grid, d.cell_px);
  if (!uniform) return uniform.error();
  Locality out;
  out.heads = d.layers * d.heads;
  out.uniform_px = *uniform;
  out.threshold_px = kLocalFraction * *uniform;
  out.local_heads = local_heads(d, d.layers, out.threshold_px);
  for (double px : d.px) out.farthest_from_uniform_px = std::max(out.farthest_from_uniform_px, std::fabs(px - *uniform));
  return out;
}

double cell_px_of(const Model& model, int grid) { return static_cast<double>(model.image_size()) / grid; }

Result<std::vector<Tensor>> attention_probs(const Model& model, const Tensor& x) {
  if (model.arch() == Arch::Cnn) return Error{"a cnn has no attention: attention analyses need a vit, rvit or hybrid model"};
  Trace trace({TraceKind::AttnProbs});
  if (Result<Tensor> y = model.forward(x, &trace); !y) return y.error();
  if (Result<AttentionStack> s = attention_stack(trace); !s)
    return Error{std::string(arch_name(model.arch())) + " model: " + s.error().message};
  // The trace holds the probs only, in forward (= layer) order.
  std::vector<Tensor> probs;
  for (Trace::Entry& e : trace.release()) probs.push_back(std::move(e.value));
  return probs;
}

Result<AttentionImage> analyse_attention(const Model& model, const Tensor& x, bool with_rollouts) {
  if (x.rank() != 4 || x.dim(0) != 1) return Error{"one image [1, C, S, S] expected, got " + x.shape_str()};
  Result<std::vector<Tensor>> probs = attention_probs(model, x);
  if (!probs) return probs.error();
  AttentionImage a;
  a.probs = std::move(probs).value();
  Result<AttentionStack> s = attention_stack(a.probs);
  if (!s) return s.error();
  Result<AttentionDistance> d = attention_distance(*s, 0, cell_px_of(model, s->grid));
  if (!d) return d.error();
  a.distance = std::move(d).value();
  // Rollout through layer l: the same stack cut after layer l.
  for (int l = 0; with_rollouts && l < s->num_layers(); ++l) {
    AttentionStack upto = *s;
    upto.layers.resize(static_cast<size_t>(l) + 1);
    Result<Tensor> r = rollout(upto, 0);
    if (!r) return r.error();
    a.rollouts.push_back(std::move(r).value());
  }
  return a;
}

Result<Tensor> attention_map(const AttentionImage& a, int layer, int head, bool use_rollout, int patch) {
  const AttentionDistance& d = a.distance;
  if (layer < 0 || layer >= d.layers) return Error{"layer " + std::to_string(layer) + " out of range"};
  if (patch >= d.grid * d.grid) return Error{"patch " + std::to_string(patch) + " out of range"};
  if (use_rollout) {
    if (a.rollouts.size() != static_cast<size_t>(d.layers)) return Error{"the rollout was not computed"};
    const Tensor& r = a.rollouts[layer];
    return patch_row(r.ptr(), static_cast<int>(r.dim(-1)), d.grid, patch < 0 ? 0 : patch + 1);
  }
  Result<AttentionStack> s = attention_stack(a.probs);
  if (!s) return s.error();
  return patch < 0 ? cls_map(*s, 0, layer, head) : token_map(*s, 0, layer, head, patch);
}

float shared_map_max(const AttentionImage& a, int layer, int head, bool use_rollout, int patch) {
  float top = 0.0f;
  const auto add = [&](const Result<Tensor>& m) {
    if (m && !m->data.empty()) top = std::max(top, *std::max_element(m->data.begin(), m->data.end()));
  };
  for (int l = 0; l < a.distance.layers; ++l)
    for (int h = 0; h < a.distance.heads; ++h) add(attention_map(a, l, h, false, patch));
  add(attention_map(a, layer, head, use_rollout, patch));
  return top;
}

Result<AttentionDistance> mean_attention_distance(const Model& model, const Tensor& x, int batch) {
  if (x.rank() != 4 || x.dim(0) == 0) return Error{"input must be [N, C, S, S] with N > 0, got " + x.shape_str()};
  if (batch <= 0) return Error{"batch must be positive"};
  const int64_t n = x.dim(0), image = x.numel() / n;
  DistanceMean mean;
  for (int64_t first = 0; first < n; first += batch) {
    const int64_t count = std::min<int64_t>(batch, n - first);
    Tensor xb({count, x.dim(1), x.dim(2), x.dim(3)});
    std::copy_n(x.ptr() + first * image, count * image, xb.ptr());
    if (Status st = add_attention_distances(model, xb, mean); !st) return st.error();
  }
  return mean.mean();
}

Status add_attention_distances(const Model& model, const Tensor& x, DistanceMean& mean) {
  Result<std::vector<Tensor>> probs = attention_probs(model, x);
  if (!probs) return probs.error();
  Result<AttentionStack> s = attention_stack(*probs);
  if (!s) return s.error();
  for (int b = 0; b < s->batch; ++b) {
    Result<AttentionDistance> d = attention_distance(*s, b, cell_px_of(model, s->grid));
    if (!d) return d.error();
    if (Status st = mean.add(*d); !st) return st.error();
  }
  return {};
}

}  // namespace vc
