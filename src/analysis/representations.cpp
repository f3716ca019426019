#include "analysis/representations.h"

#include <algorithm>
#include <cmath>

#include "analysis/predictions.h"

namespace vc {

namespace {

// A Gram matrix as HSIC1 reads it: K~ (diagonal 0) in double, made exactly symmetric ((K_ij + K_ji) / 2: a GEMM
// may round the two triangles differently), its row sums K~ 1 and its total 1^T K~ 1.
struct HsicGram {
  int n = 0;
  std::vector<double> k;     // [n, n]
  std::vector<double> rows;  // [n]
  double total = 0.0;
};

HsicGram hsic_gram(const float* K, int n) {
  HsicGram g;
  g.n = n;
  g.k.assign(static_cast<size_t>(n) * n, 0.0);
  g.rows.assign(n, 0.0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      if (i == j) continue;
      const double v = 0.5 * (static_cast<double>(K[i * n + j]) + K[j * n + i]);
      g.k[static_cast<size_t>(i) * n + j] = v;
      g.rows[i] += v;
    }
  for (double r : g.rows) g.total += r;
  return g;
}

// HSIC1(K, L) = [ tr(K~ L~) + (1^T K~ 1)(1^T L~ 1) / ((n - 1)(n - 2)) - 2 / (n - 2) 1^T K~ L~ 1 ] / (n (n - 3)),
// with tr(K~ L~) = sum_ij K~_ij L~_ij and 1^T K~ L~ 1 = (K~ 1) . (L~ 1) for symmetric K~, L~.
double hsic1(const HsicGram& K, const HsicGram& L) {
  const double n = K.n;
  double trace = 0.0, rows = 0.0;
  for (size_t i = 0; i < K.k.size(); ++i) trace += K.k[i] * L.k[i];
  for (int i = 0; i < K.n; ++i) rows += K.rows[i] * L.rows[i];
  return (trace + K.total * L.total / ((n - 1) * (n - 2)) - 2.0 / (n - 2) * rows) / (n * (n - 3));
}

}  // namespace

// The Gram matrix of one minibatch of one layer, built as its rows arrive (a few images at a time, so a time-sliced
// job's steps stay short): each new row block R [c, p] gives K[new, 0..filled + c) = R [X; R]^T by the table's GEMM,
// mirrored into the upper triangle. Every row is stored minus the minibatch's first row (HSIC1 does not change: see
// the header), so the float32 Gram holds how the images differ, not their large common part. The rows and the Gram
// live only while a minibatch is filled (batch x p floats: tens of MB per model over 100 images): a finished
// accumulator, which the lab keeps in its job cache, holds none.
class GramBuilder {
 public:
  GramBuilder(int batch, int64_t p) : batch_(batch), p_(p) {}
  // Appends `count` rows [count, p] (filled() + count <= batch).
  void append(const KernelTable& k, const float* rows, int count) {
    if (filled_ == 0) {
      offset_.assign(rows, rows + p_);
      x_.resize(static_cast<size_t>(batch_) * p_);
      k_.resize(static_cast<size_t>(batch_) * batch_);
    }
    float* dst = x_.data() + static_cast<size_t>(filled_) * p_;
    for (int i = 0; i < count; ++i)
      for (int64_t c = 0; c < p_; ++c) dst[i * p_ + c] = rows[i * p_ + c] - offset_[c];
    const int seen = filled_ + count, ld = static_cast<int>(p_);
    std::vector<float> block(static_cast<size_t>(count) * seen);  // K[new rows, 0..seen)
    k.gemm_f32(false, true, count, seen, ld, dst, ld, x_.data(), ld, 0.0f, block.data(), seen);
    for (int i = 0; i < count; ++i)
      for (int j = 0; j < seen; ++j) {
        k_[static_cast<size_t>(filled_ + i) * batch_ + j] = block[static_cast<size_t>(i) * seen + j];
        k_[static_cast<size_t>(j) * batch_ + filled_ + i] = block[static_cast<size_t>(i) * seen + j];
      }
    filled_ = seen;
  }
  // The full minibatch's Gram as HSIC1 reads it; the builder frees its buffers and starts the next minibatch.
  HsicGram take() {
    HsicGram g = hsic_gram(k_.data(), batch_);
    filled_ = 0;
    for (std::vector<float>* v : {&offset_, &x_, &k_}) std::vector<float>().swap(*v);
    return g;
  }
  int64_t bytes() const {
    const size_t floats = offset_.capacity() + x_.capacity() + k_.capacity();
    return static_cast<int64_t>(floats * sizeof(float));
  }

 private:
  int batch_;
  int64_t p_;
  int filled_ = 0;
  std::vector<float> offset_;  // [p]: the minibatch's first row
  std::vector<float> x_;       // [batch, p]: the rows so far, minus offset_
  std::vector<float> k_;       // [batch, batch]
};

namespace {

// The layer outputs of `model` for the images x [c, C, S, S]: one forward that traces the layer outputs only.
Result<std::vector<Trace::Entry>> layer_outputs(const Model& model, const Tensor& x) {
  Trace trace({TraceKind::Layer});
  if (Result<Tensor> y = model.forward(x, &trace); !y) return y.error();
  return trace.release();
}

Status check_minibatches(int images, int batch) {
  if (images < kCkaMinBatch)
    return Error{"CKA needs at least " + std::to_string(kCkaMinBatch) + " images (the unbiased HSIC), got " +
                 std::to_string(images)};
  if (batch < kCkaMinBatch)
    return Error{"the CKA minibatch must hold at least " + std::to_string(kCkaMinBatch) +
                 " images (the unbiased HSIC), got " + std::to_string(batch)};
  if (images < batch || images % batch != 0)
    return Error{"CKA over " + std::to_string(images) + " images: the image count must be a positive multiple of the " +
                 "minibatch size " + std::to_string(batch)};
  return {};
}

std::string input_str(const Model& m) {
  return std::to_string(m.in_channels()) + " x " + std::to_string(m.image_size()) + " x " +
         std::to_string(m.image_size());
}

}  // namespace

Result<double> hsic_unbiased(const Tensor& K, const Tensor& L) {
  if (K.rank() != 2 || K.dim(0) != K.dim(1) || !K.same_shape(L))
    return Error{"HSIC needs two square Gram matrices of one shape, got " + K.shape_str() + " and " + L.shape_str()};
  const int n = static_cast<int>(K.dim(0));
  if (n < kCkaMinBatch)
    return Error{"the unbiased HSIC needs at least " + std::to_string(kCkaMinBatch) + " images, got " +
                 std::to_string(n)};
  return hsic1(hsic_gram(K.ptr(), n), hsic_gram(L.ptr(), n));
}

Tensor gram(const Tensor& X, const KernelTable& k) {
  const int n = static_cast<int>(X.dim(0));
  const int p = static_cast<int>(X.numel() / std::max(n, 1));
  Tensor K({n, n});
  k.gemm_f32(false, true, n, n, p, X.ptr(), p, X.ptr(), p, 0.0f, K.ptr(), n);
  return K;
}

Result<double> minibatch_cka(const Tensor& X, const Tensor& Y, int batch, const KernelTable& k) {
  if (X.rank() < 1 || Y.rank() < 1 || X.dim(0) != Y.dim(0))
    return Error{"CKA needs features of the same images, got " + X.shape_str() + " and " + Y.shape_str()};
  const int n = static_cast<int>(X.dim(0));
  if (Status s = check_minibatches(n, batch); !s) return s.error();
  const int64_t p = X.numel() / n, q = Y.numel() / n;
  GramBuilder gx(batch, p), gy(batch, q);
  double xy = 0.0, xx = 0.0, yy = 0.0;
  for (int first = 0; first < n; first += batch) {
    gx.append(k, X.ptr() + first * p, batch);
    gy.append(k, Y.ptr() + first * q, batch);
    const HsicGram K = gx.take(), L = gy.take();
    xy += hsic1(K, L);
    xx += hsic1(K, K);
    yy += hsic1(L, L);
  }
  return xy / std::sqrt(xx * yy);
}

CkaAccumulator::CkaAccumulator() = default;
CkaAccumulator::CkaAccumulator(CkaAccumulator&&) noexcept = default;
CkaAccumulator& CkaAccumulator::operator=(CkaAccumulator&&) noexcept = default;
CkaAccumulator::~CkaAccumulator() = default;

Result<CkaAccumulator> CkaAccumulator::create(const Model& a, const Model& b, int batch) {
  if (a.image_size() != b.image_size() || a.in_channels() != b.in_channels())
    return Error{"the two models take different inputs: " + input_str(a) + " and " + input_str(b) +
                 " (CKA compares their layers on the same images)"};
  if (batch < kCkaMinBatch)
    return Error{"the CKA minibatch must hold at least " + std::to_string(kCkaMinBatch) +
                 " images (the unbiased HSIC), got " + std::to_string(batch)};
  CkaAccumulator acc;
  acc.a_ = &a;
  acc.b_ = &b;
  acc.batch_ = batch;
  acc.rows_ = a.layer_names();
  acc.cols_ = b.layer_names();
  acc.hsic_ab_.assign(acc.rows_.size() * acc.cols_.size(), 0.0);
  acc.hsic_aa_.assign(acc.rows_.size(), 0.0);
  acc.hsic_bb_.assign(acc.cols_.size(), 0.0);
  return acc;
}

Status CkaAccumulator::append(const Model& model, const LabeledImages& set, int first, int count,
                              std::vector<GramBuilder>& grams, size_t layers) {
  Result<std::vector<Trace::Entry>> out = layer_outputs(model, test_set_input(set, first, count, model.input_spec()));
  if (!out) return out.error();
  if (out->size() != layers)
    return Error{"a forward pass traced another number of layers than Model::layer_names() lists"};
  for (size_t l = 0; l < layers; ++l) {
    const Tensor& v = (*out)[l].value;
    if (grams.size() < layers) grams.emplace_back(batch_, v.numel() / count);
    grams[l].append(model.kernels(), v.ptr(), count);
  }
  return {};
}

Status CkaAccumulator::add(const LabeledImages& set, int first, int count) {
  if (count < 1 || first < 0 || first + count > set.count)
    return Error{"images [" + std::to_string(first) + ", " + std::to_string(first + count) + ") are outside the " +
                 std::to_string(set.count) + " test images"};
  while (count > 0) {
    const int take = std::min(count, batch_ - pending_);  // never past the end of the minibatch
    if (Status s = append(*a_, set, first, take, grams_a_, rows_.size()); !s) return s;
    if (b_ != a_)
      if (Status s = append(*b_, set, first, take, grams_b_, cols_.size()); !s) return s;
    pending_ += take;
    first += take;
    count -= take;
    if (pending_ == batch_) finish_minibatch();
  }
  return {};
}

void CkaAccumulator::finish_minibatch() {
  std::vector<HsicGram> ga, gb;
  for (GramBuilder& g : grams_a_) ga.push_back(g.take());
  for (GramBuilder& g : grams_b_) gb.push_back(g.take());
  const std::vector<HsicGram>& cols = b_ != a_ ? gb : ga;
  for (size_t r = 0; r < rows_.size(); ++r) hsic_aa_[r] += hsic1(ga[r], ga[r]);
  for (size_t c = 0; c < cols_.size(); ++c) hsic_bb_[c] += hsic1(cols[c], cols[c]);
  for (size_t r = 0; r < rows_.size(); ++r)
    for (size_t c = 0; c < cols_.size(); ++c) hsic_ab_[r * cols_.size() + c] += hsic1(ga[r], cols[c]);
  images_ += batch_;
  pending_ = 0;
}

int64_t CkaAccumulator::buffer_bytes() const {
  int64_t bytes = 0;
  for (const std::vector<GramBuilder>* grams : {&grams_a_, &grams_b_})
    for (const GramBuilder& g : *grams) bytes += g.bytes();
  return bytes;
}

Result<std::vector<double>> CkaAccumulator::matrix() const {
  if (images_ == 0) return Error{"no minibatch was completed yet"};
  std::vector<double> out(hsic_ab_.size());
  for (size_t r = 0; r < rows_.size(); ++r)
    for (size_t c = 0; c < cols_.size(); ++c)
      out[r * cols_.size() + c] = hsic_ab_[r * cols_.size() + c] / std::sqrt(hsic_aa_[r] * hsic_bb_[c]);
  return out;
}

Result<CkaResult> cka_on_test_set(const Model& a, const Model& b, const LabeledImages& set, int images, int batch) {
  if (Status s = check_minibatches(images, batch); !s) return s.error();
  if (images > set.count)
    return Error{"CKA over " + std::to_string(images) + " images, but the test set has " + std::to_string(set.count)};
  Result<CkaAccumulator> acc = CkaAccumulator::create(a, b, batch);
  if (!acc) return acc.error();
  for (int first = 0; first < images; first += kCkaChunk)
    if (Status s = acc->add(set, first, std::min(kCkaChunk, images - first)); !s) return s.error();
  Result<std::vector<double>> m = acc->matrix();
  if (!m) return m.error();
  return CkaResult{acc->rows(), acc->cols(), std::move(m).value(), acc->images(), batch};
}

// ---- Skip ratio ---------------------------------------------------------------------------------------------------

namespace {

// Image b's tokens of a traced tensor: tokens [B, T, D] (token t, feature c at t D + c) or a map [B, C, h, w]
// (position t, channel c at c h w + t).
struct TokenView {
  bool tokens = false;
  int64_t count = 0, channels = 0;
  int h = 0, w = 0;
  int64_t token_stride = 0, channel_stride = 0, image = 0;
};

Result<TokenView> token_view(const Tensor& t) {
  TokenView v;
  if (t.rank() == 3) {
    v.tokens = true;
    v.count = t.dim(1);
    v.channels = t.dim(2);
    v.h = v.w = static_cast<int>(std::lround(std::sqrt(static_cast<double>(v.count - 1))));
    if (static_cast<int64_t>(v.h) * v.w + 1 != v.count)
      return Error{"tokens " + t.shape_str() + " are not a CLS token plus a square grid"};
    v.token_stride = v.channels;
    v.channel_stride = 1;
  } else if (t.rank() == 4) {
    v.channels = t.dim(1);
    v.h = static_cast<int>(t.dim(2));
    v.w = static_cast<int>(t.dim(3));
    v.count = static_cast<int64_t>(v.h) * v.w;
    v.token_stride = 1;
    v.channel_stride = v.count;
  } else {
    return Error{"a residual branch of shape " + t.shape_str() + " has no tokens"};
  }
  v.image = v.count * v.channels;
  return v;
}

// One residual branch: its name and the traced tensors of x and f(x).
struct BranchSource {
  std::string name, x, f;
};

std::vector<BranchSource> residual_branches(const Model& model) {
  std::vector<BranchSource> out;
  const std::vector<LayerInfo> layers = model.layers();
  for (size_t i = 0; i < layers.size(); ++i) {
    const std::string& n = layers[i].name;
    if (layers[i].kind == LayerKind::TransformerBlock && i > 0) {
      out.push_back({n + ".attn", layers[i - 1].name, n + ".attn.branch"});
      out.push_back({n + ".mlp", n + ".mid", n + ".mlp.branch"});
    } else if (layers[i].kind == LayerKind::BasicBlock) {
      out.push_back({n, n + ".shortcut", n + ".branch"});
    }
  }
  return out;
}

}  // namespace

Result<SkipAccumulator> SkipAccumulator::create(const Model& model) {
  const std::vector<BranchSource> sources = residual_branches(model);
  if (sources.empty()) return Error{std::string(arch_name(model.arch())) + " model has no residual branch"};
  SkipAccumulator acc;
  acc.model_ = &model;
  for (const BranchSource& s : sources) {
    acc.names_.push_back(s.name);
    acc.x_names_.push_back(s.x);
    acc.f_names_.push_back(s.f);
  }
  acc.sums_.resize(sources.size());
  return acc;
}

Status SkipAccumulator::add(const Tensor& x) {
  if (x.rank() != 4 || x.dim(0) == 0) return Error{"input must be [N, C, S, S] with N > 0, got " + x.shape_str()};
  TraceRequest request;
  for (size_t s = 0; s < names_.size(); ++s) request.add(x_names_[s]).add(f_names_[s]);
  Trace trace(request);
  if (Result<Tensor> y = model_->forward(x, &trace); !y) return y.error();
  const int64_t count = x.dim(0);
  for (size_t s = 0; s < names_.size(); ++s) {
    const Tensor* tx = trace.find(x_names_[s]);
    const Tensor* tf = trace.find(f_names_[s]);
    if (!tx || !tf || !tx->same_shape(*tf)) return Error{"the trace lacks the tensors of " + names_[s]};
    Result<TokenView> v = token_view(*tx);
    if (!v) return v.error();
    SkipBranch& br = sums_[s];
    if (br.ratio.empty()) {
      br.name = names_[s];
      br.has_cls = v->tokens;
      br.h = v->h;
      br.w = v->w;
      br.ratio.assign(v->count, 0.0);
    }
    // ratio_t = ||x_t|| / ||x_t + f_t|| per image, summed over images (1 where x_t + f_t = 0).
    for (int64_t b = 0; b < count; ++b)
      for (int64_t t = 0; t < v->count; ++t) {
        const float* px = tx->ptr() + b * v->image + t * v->token_stride;
        const float* pf = tf->ptr() + b * v->image + t * v->token_stride;
        double xx = 0.0, ss = 0.0;
        for (int64_t c = 0; c < v->channels; ++c) {
          const double xv = px[c * v->channel_stride], sv = xv + pf[c * v->channel_stride];
          xx += xv * xv;
          ss += sv * sv;
        }
        br.ratio[t] += ss > 0.0 ? std::sqrt(xx / ss) : 1.0;
      }
  }
  images_ += count;
  return {};
}

Result<SkipRatios> SkipAccumulator::result() const {
  if (images_ == 0) return Error{"no image was added yet"};
  SkipRatios out;
  out.branches = sums_;
  for (SkipBranch& br : out.branches) {
    for (double& r : br.ratio) r /= static_cast<double>(images_);
    const size_t grid0 = br.has_cls ? 1 : 0;
    br.cls = br.has_cls ? br.ratio[0] : 0.0;
    double sum = 0.0;
    for (size_t t = grid0; t < br.ratio.size(); ++t) sum += br.ratio[t];
    br.spatial_mean = sum / static_cast<double>(br.ratio.size() - grid0);
  }
  out.images = images_;
  return out;
}

Result<SkipRatios> skip_ratios(const Model& model, const Tensor& x, int batch) {
  if (x.rank() != 4 || x.dim(0) == 0) return Error{"input must be [N, C, S, S] with N > 0, got " + x.shape_str()};
  if (batch <= 0) return Error{"batch must be positive"};
  Result<SkipAccumulator> acc = SkipAccumulator::create(model);
  if (!acc) return acc.error();
  const int64_t n = x.dim(0), image = x.numel() / n;
  for (int64_t first = 0; first < n; first += batch) {
    const int64_t count = std::min<int64_t>(batch, n - first);
    Tensor xb({count, x.dim(1), x.dim(2), x.dim(3)});
    std::copy_n(x.ptr() + first * image, count * image, xb.ptr());
    if (Status s = acc->add(xb); !s) return s.error();
  }
  return acc->result();
}

// ---- Translation equivariance -------------------------------------------------------------------------------------

std::vector<float> shift_image_right(const std::vector<float>& image28, int k) {
  std::vector<float> out(image28.size(), 0.0f);
  for (int r = 0; r < kDigitSize; ++r)
    for (int c = k; c < kDigitSize; ++c) out[r * kDigitSize + c] = image28[r * kDigitSize + c - k];
  return out;
}

namespace {

// The grid of a traced layer: a map [B, C, n, n] or tokens [B, 1 + n n, D] (the CLS token left out).
struct Grid {
  bool tokens = false;
  int n = 0;
  int64_t channels = 0;
  // Element (image b, channel c, row y, column x).
  int64_t at(int64_t b, int64_t c, int y, int x) const {
    const int64_t cells = static_cast<int64_t>(n) * n;
    return tokens ? (b * (1 + cells) + 1 + y * n + x) * channels + c : ((b * channels + c) * n + y) * n + x;
  }
};

int argmax_row(const Tensor& logits, int64_t b) {
  const int64_t k = logits.dim(1);
  const float* row = logits.ptr() + b * k;
  return static_cast<int>(std::max_element(row, row + k) - row);
}

}  // namespace

Status EquivarianceAccumulator::add(const LabeledImages& set, int first, int count) {
  if (count <= 0 || first < 0 || first + count > set.count)
    return Error{"images [" + std::to_string(first) + ", " + std::to_string(first + count) +
                 ") must be a non-empty range of the " + std::to_string(set.count) + " test images"};
  if (set.rows != kDigitSize || set.cols != kDigitSize) return Error{"the test images must be 28 x 28"};
  const Model& model = *model_;
  const std::vector<std::string> names = model.layer_names();
  if (num_.empty()) {
    layers_.resize(names.size());
    num_.assign(names.size(), std::vector<double>(kMaxShift, 0.0));
    den_ = num_;
  }
  const size_t px = static_cast<size_t>(kDigitSize) * kDigitSize;
  for (int b0 = first; b0 < first + count; b0 += kEquivarianceBatch) {
    const int m = std::min(kEquivarianceBatch, first + count - b0);
    const std::vector<float> pixels = test_set_pixels(set, b0, m);
    Trace base({TraceKind::Layer});
    Result<Tensor> y0 = model.forward(make_input(pixels, m, model.input_spec()), &base);
    if (!y0) return y0.error();
    std::vector<Grid> grids(names.size());
    for (size_t l = 0; l < names.size(); ++l) {
      const Tensor* t = base.find(names[l]);
      if (!t) return Error{"the trace lacks layer " + names[l]};
      Result<TokenView> v = token_view(*t);
      if (!v) return v.error();
      if (v->h != v->w) return Error{"layer " + names[l] + " has a non-square grid " + t->shape_str()};
      grids[l] = {v->tokens, v->h, v->channels};
      EquivarianceLayer& L = layers_[l];
      L.name = names[l];
      L.grid = v->h;
      L.stride_px = static_cast<double>(model.image_size()) / v->h;
      L.defined.assign(kMaxShift, false);
      L.error.assign(kMaxShift, 0.0);
    }
    for (int k = 1; k <= kMaxShift; ++k) {
      std::vector<float> shifted(pixels.size());
      for (int i = 0; i < m; ++i) {
        const std::vector<float> one(pixels.begin() + i * px, pixels.begin() + (i + 1) * px);
        const std::vector<float> s = shift_image_right(one, k);
        std::copy(s.begin(), s.end(), shifted.begin() + i * px);
      }
      Trace moved({TraceKind::Layer});
      Result<Tensor> yk = model.forward(make_input(shifted, m, model.input_spec()), &moved);
      if (!yk) return yk.error();
      for (int i = 0; i < m; ++i) changed_[k - 1] += argmax_row(*y0, i) != argmax_row(*yk, i);
      for (size_t l = 0; l < names.size(); ++l) {
        const Grid& g = grids[l];
        // Shift by c = k / s cells when that is an integer (k n / S with S = image side).
        if ((k * g.n) % model.image_size() != 0) continue;
        const int c = k * g.n / model.image_size();
        layers_[l].defined[k - 1] = true;
        const float* f0 = base.find(names[l])->ptr();
        const float* fk = moved.find(names[l])->ptr();
        for (int64_t b = 0; b < m; ++b)
          for (int64_t ch = 0; ch < g.channels; ++ch)
            for (int y = 0; y < g.n; ++y)
              for (int x = c; x < g.n; ++x) {
                const double want = f0[g.at(b, ch, y, x - c)], got = fk[g.at(b, ch, y, x)];
                num_[l][k - 1] += (got - want) * (got - want);
                den_[l][k - 1] += want * want;
              }
      }
    }
  }
  images_ += count;
  return {};
}

Result<Equivariance> EquivarianceAccumulator::result() const {
  if (images_ == 0) return Error{"no image was added yet"};
  Equivariance out;
  out.layers = layers_;
  for (size_t l = 0; l < out.layers.size(); ++l)
    for (int k = 0; k < kMaxShift; ++k)
      if (out.layers[l].defined[k]) out.layers[l].error[k] = den_[l][k] > 0.0 ? std::sqrt(num_[l][k] / den_[l][k]) : 0.0;
  for (int k = 0; k < kMaxShift; ++k)
    out.top1_changed.push_back(static_cast<double>(changed_[k]) / static_cast<double>(images_));
  out.images = images_;
  return out;
}

Result<Equivariance> equivariance_on_test_set(const Model& model, const LabeledImages& set, int first, int count) {
  EquivarianceAccumulator acc(model);
  if (Status s = acc.add(set, first, count); !s) return s.error();
  return acc.result();
}

// ---- Summaries ----------------------------------------------------------------------------------------------------

namespace {

Status check_square(const CkaResult& r) {
  if (r.rows != r.cols || r.rows.size() < 2) return Error{"a within-model CKA matrix of at least 2 layers is needed"};
  return {};
}

double mean_of(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x;
  return v.empty() ? 0.0 : s / static_cast<double>(v.size());
}

}  // namespace

Result<double> mean_adjacent_cka(const CkaResult& r) {
  if (Status s = check_square(r); !s) return s.error();
  const size_t n = r.rows.size();
  std::vector<double> v;
  for (size_t i = 0; i + 1 < n; ++i) v.push_back(r.matrix[i * n + i + 1]);
  return mean_of(v);
}

Result<double> mean_pairwise_cka(const CkaResult& r) {
  if (Status s = check_square(r); !s) return s.error();
  const size_t n = r.rows.size();
  std::vector<double> v;
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j)
      if (i != j) v.push_back(r.matrix[i * n + j]);
  return mean_of(v);
}

double lower_half_best_match(const CkaResult& r) {
  const size_t rows = (r.rows.size() + 1) / 2, cols = (r.cols.size() + 1) / 2;
  std::vector<double> best;
  for (size_t i = 0; i < rows; ++i)
    best.push_back(*std::max_element(r.matrix.begin() + i * r.cols.size(), r.matrix.begin() + i * r.cols.size() + cols));
  return mean_of(best);
}

SkipRange skip_colour_range(const SkipRatios& s) {
  double lo = 1e30, hi = 0.0;
  for (const SkipBranch& b : s.branches)
    for (double x : b.ratio) {
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
  if (lo > hi) return {};
  lo = std::floor(lo * 10.0) / 10.0;
  return {lo, std::max(std::ceil(hi * 10.0) / 10.0, lo + 0.1)};
}

SkipTrend skip_trend(const SkipRatios& s) {
  SkipTrend t;
  std::vector<const SkipBranch*> used;
  for (const SkipBranch& b : s.branches) t.has_cls = t.has_cls || b.has_cls;
  for (const SkipBranch& b : s.branches)
    if (b.has_cls || !t.has_cls) used.push_back(&b);
  const size_t half = used.size() / 2;
  std::vector<double> cls[2], spatial[2];
  for (size_t i = 0; i < used.size(); ++i) {
    const int part = i < half ? 0 : 1;
    spatial[part].push_back(used[i]->spatial_mean);
    if (used[i]->has_cls) cls[part].push_back(used[i]->cls);
  }
  t.cls_early = mean_of(cls[0]);
  t.cls_late = mean_of(cls[1]);
  t.spatial_early = mean_of(spatial[0]);
  t.spatial_late = mean_of(spatial[1]);
  return t;
}

Result<double> mean_equivariance_error(const Equivariance& e, int k) {
  if (k < 1 || k > kMaxShift) return Error{"shift " + std::to_string(k) + " outside 1.." + std::to_string(kMaxShift)};
  std::vector<double> v;
  for (const EquivarianceLayer& l : e.layers)
    if (l.defined[k - 1]) v.push_back(l.error[k - 1]);
  if (v.empty()) return Error{"no layer has a whole-cell shift of " + std::to_string(k) + " px"};
  return mean_of(v);
}

}  // namespace vc
