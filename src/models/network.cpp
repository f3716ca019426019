#include "models/network.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace vc {

float WeightBinder::uniform(float bound) {
  uint64_t z = (rng_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  const float u = static_cast<float>(z >> 40) * (1.0f / 16777216.0f);  // [0, 1) with 24 bits
  return (2.0f * u - 1.0f) * bound;
}

Tensor WeightBinder::init(const std::string& name, const std::vector<int64_t>& shape) {
  const bool norm = name.find("norm") != std::string::npos;
  float fill = 0.0f, bound = 0.0f;
  if (norm) {
    fill = name.ends_with("weight") ? 1.0f : 0.0f;
  } else if (name.ends_with("pos_embed")) {
    bound = 0.02f * std::sqrt(3.0f);
  } else if (name.ends_with("weight")) {
    bias_bound_ = bound = 1.0f / std::sqrt(static_cast<float>(numel_of(shape) / shape[0]));
  } else if (name.ends_with("bias")) {
    bound = bias_bound_;
  }
  Tensor t(shape, fill);
  if (bound > 0.0f)
    for (float& v : t.data) v = uniform(bound);
  return t;
}

Weight WeightBinder::bind(const std::string& name, const std::vector<int64_t>& shape, const Tensor* initial) {
  auto it = tensors_.find(name);
  if (it == tensors_.end() && init_) it = tensors_.emplace(name, initial ? *initial : init(name, shape)).first;
  if (it == tensors_.end()) {
    if (error_.empty()) error_ = "weight file has no tensor '" + name + "'";
    return unbound(shape);
  }
  if (it->second.shape != shape) {
    if (error_.empty())
      error_ = "tensor '" + name + "' has shape " + it->second.shape_str() + ", the config needs " +
               shape_string(shape);
    return unbound(shape);
  }
  list_.emplace_back(name, &it->second);
  return {static_cast<int>(list_.size()) - 1, it->second.ptr(), it->second.numel()};
}

Weight WeightBinder::unbound(const std::vector<int64_t>& shape) { return {-1, nullptr, numel_of(shape)}; }

Status WeightBinder::finish() const {
  if (!error_.empty()) return Error{error_};
  std::set<std::string> used;
  for (const auto& p : list_) used.insert(p.first);
  for (const auto& [name, t] : tensors_)
    if (!used.count(name)) return Error{"weight file has an unexpected tensor '" + name + "' (not in the config)"};
  return {};
}

void reshape(Tensor& t, const std::vector<int64_t>& shape) {
  t.shape = shape;
  t.data.resize(static_cast<size_t>(numel_of(shape)));
}

Tensor& buffer(Buffers& buf, size_t i) {
  if (buf.size() <= i) buf.resize(i + 1);
  return buf[i];
}

Tensor& slot(Buffers& buf, size_t i, const std::vector<int64_t>& shape) {
  Tensor& t = buffer(buf, i);
  reshape(t, shape);
  return t;
}

void linear_backward(const KernelTable& k, int M, int N, int K, const float* x, const float* W, const float* dy,
                     float* dx, float* dW, float* db) {
  if (dx) k.gemm_f32(false, false, M, K, N, dy, N, W, K, 0.0f, dx, K);
  if (dW) k.gemm_f32(true, false, N, K, M, dy, N, x, K, 1.0f, dW, K);
  if (db)
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < N; ++j) db[j] += dy[static_cast<size_t>(i) * N + j];
}

void Conv::forward(const KernelTable& k, const Tensor& x, Act act, Tensor& y) const {
  const Conv2dShape s = shape(x);
  reshape(y, {s.batch, geom.out_c, s.out_h(), s.out_w()});
  k.conv2d_nchw_f32(s, x.ptr(), w.data, b.data, act, y.ptr());
}

void Conv::backward(const KernelTable& k, const Tensor& x, const Tensor& dy, Tensor* dx, const WeightGrads& g) const {
  const Conv2dShape s = shape(x);
  if (dx) {
    reshape(*dx, x.shape);
    k.conv2d_backward_input_nchw_f32(s, dy.ptr(), w.data, dx->ptr());
  }
  if (g(w)) k.conv2d_backward_weight_nchw_f32(s, x.ptr(), dy.ptr(), g(w), g(b));
}

LayerInfo Step::info(const FeatureShape& in) const {
  LayerInfo l;
  l.name = name_;
  l.kind = kind_;
  l.in = in;
  l.params = params();
  l.is_layer = is_analysis_layer(kind_);
  describe(l);
  return l;
}

int64_t Step::params() const {
  int64_t n = 0;
  for (const Weight& w : weights_) n += w.numel;
  return n;
}

Weight Step::bind(WeightBinder& b, const std::string& name, const std::vector<int64_t>& shape,
                  const Tensor* initial) {
  weights_.push_back(b.bind(name, shape, initial));
  return weights_.back();
}

Conv Step::bind_conv(WeightBinder& b, const std::string& prefix, int in_c, int out_c, int kernel, int stride,
                     int pad) {
  Conv c{{.kernel = kernel, .stride = stride, .pad = pad, .dilation = 1, .in_c = in_c, .out_c = out_c}, {}, {}};
  c.w = bind(b, prefix + "weight", {out_c, in_c, kernel, kernel});
  c.b = bind(b, prefix + "bias", {out_c});
  return c;
}

namespace {

// Linear classifier "logits": pooled [B, in] -> [B, K].  torch: head(x)
class Head : public Step {
 public:
  Head(WeightBinder& b, const std::string& prefix, int in, int classes)
      : Step("logits", LayerKind::Head), in_(in), classes_(classes) {
    w_ = bind(b, prefix + "weight", {classes, in});
    b_ = bind(b, prefix + "bias", {classes});
  }
  void describe(LayerInfo& l) const override {
    l.out = {FeatureShape::Layout::Vector, classes_, 0, 0};
    l.macs = static_cast<int64_t>(in_) * classes_;
    l.geometry = {{kIdentityPath}, false};
  }
  void forward(const KernelTable& k, const Tensor& in, Tensor& out, Buffers&, bool, Trace*) const override {
    const int B = static_cast<int>(in.dim(0));
    reshape(out, {B, classes_});
    k.linear_f32(B, classes_, in_, in.ptr(), w_.data, b_.data, Act::kNone, out.ptr());
  }
  Status backward(const KernelTable& k, const Tensor& in, const Tensor&, const Buffers&, const Tensor* dout,
                  std::string_view, const Tensor*, Tensor& din, Buffers&, const WeightGrads& g) const override {
    reshape(din, in.shape);
    linear_backward(k, static_cast<int>(in.dim(0)), classes_, in_, in.ptr(), w_.data, dout->ptr(), din.ptr(), g(w_),
                    g(b_));
    return {};
  }

 private:
  int in_, classes_;
  Weight w_, b_;
};

}  // namespace

std::unique_ptr<Step> make_head(WeightBinder& b, const std::string& prefix, int in, int classes) {
  return std::make_unique<Head>(b, prefix, in, classes);
}

Network::Network(ModelMeta meta, std::string meta_json, SafeTensors weights) : config_(std::move(meta.config)) {
  arch_ = config_.arch;
  meta_ = std::move(meta_json);
  image_size_ = config_.image_size;
  in_channels_ = config_.in_channels;
  num_classes_ = config_.num_classes;
  class_names_ = std::move(meta.class_names);
  input_spec_ = meta.input;
  weights_ = std::move(weights);
}

Status Network::build(const uint64_t* init_seed) {
  WeightBinder b(weights_.tensors, param_list_, init_seed);
  int side = config_.image_size;
  if (config_.arch == Arch::Vit || config_.arch == Arch::Rvit) {
    add_token_head(steps_, b, config_, "patch_embed.", config_.in_channels, side, config_.patch);
  } else {
    const int channels = add_conv_trunk(steps_, b, config_, side);
    if (config_.arch == Arch::Cnn)
      add_pool_head(steps_, b, config_, channels);
    else
      add_token_head(steps_, b, config_, "proj.", channels, side, 1);
  }
  return b.finish();
}

Status Network::check_input(const Tensor& x) const {
  const std::vector<int64_t> want = {x.rank() > 0 ? x.dim(0) : 0, in_channels_, image_size_, image_size_};
  if (x.rank() != 4 || x.dim(0) < 1 || x.shape != want || static_cast<int64_t>(x.data.size()) != x.numel())
    return Error{"model input has shape " + x.shape_str() + ", expected [B, " + std::to_string(in_channels_) + ", " +
                 std::to_string(image_size_) + ", " + std::to_string(image_size_) + "]"};
  return {};
}

Result<Tensor> Network::forward(const Tensor& x, Trace* trace) const {
  if (Status s = check_input(x); !s) return s.error();
  if (trace) trace->put(TraceKind::Input, "input", x);
  // Steps alternate between two output buffers; intermediates share one scratch set.
  Tensor out[2];
  Buffers work;
  const Tensor* cur = &x;
  for (size_t i = 0; i < steps_.size(); ++i) {
    Tensor& next = out[i % 2];
    steps_[i]->forward(*k_, *cur, next, work, false, trace);
    if (trace) trace->put(trace_kind(steps_[i]->kind()), steps_[i]->name(), next);
    cur = &next;
  }
  return std::move(out[(steps_.size() - 1) % 2]);
}

Result<Gradients> Network::backward(const Tensor& x, std::string_view layer, const Tensor& grad,
                                    bool weight_grads) const {
  if (Status s = check_input(x); !s) return s.error();
  Gradients result;
  if (weight_grads)
    for (const auto& [name, t] : param_list_) {
      result.weight_names.push_back(name);
      result.weights.emplace_back(t->shape);
    }
  const WeightGrads g{weight_grads ? &result.weights : nullptr};
  if (layer == "input") {
    if (!grad.same_shape(x)) return Error{"gradient for 'input' has shape " + grad.shape_str() + ", expected " + x.shape_str()};
    result.input = grad;
    return result;
  }
  // The step that produces `layer`, as its output or as one of its inner tensors.
  size_t last = steps_.size();
  bool inner = false;
  for (size_t i = 0; i < steps_.size() && last == steps_.size(); ++i) {
    const std::vector<std::string> names = steps_[i]->inner_names();
    if (steps_[i]->name() == layer) {
      last = i;
    } else if (std::find(names.begin(), names.end(), layer) != names.end()) {
      last = i;
      inner = true;
    }
  }
  if (last == steps_.size()) return Error{"unknown layer '" + std::string(layer) + "' for backward"};

  // Forward up to that step, each step keeping its tape.
  std::vector<Tensor> acts(last + 1);
  std::vector<Buffers> tapes(last + 1);
  for (size_t i = 0; i <= last; ++i) steps_[i]->forward(*k_, i ? acts[i - 1] : x, acts[i], tapes[i], true, nullptr);
  if (!inner && !grad.same_shape(acts[last]))
    return Error{"gradient for '" + std::string(layer) + "' has shape " + grad.shape_str() + ", expected " +
                 acts[last].shape_str()};

  // Backward from it: d_in of step i is d_out of step i - 1.
  Tensor d[2];
  Buffers scratch;
  const Tensor* dout = inner ? nullptr : &grad;
  for (size_t n = 0; n <= last; ++n) {
    const size_t i = last - n;
    Tensor& din = d[n % 2];
    Status s = steps_[i]->backward(*k_, i ? acts[i - 1] : x, acts[i], tapes[i], dout, layer,
                                   inner && i == last ? &grad : nullptr, din, scratch, g);
    if (!s) return s.error();
    dout = &din;
  }
  result.input = std::move(d[last % 2]);
  return result;
}

std::vector<LayerInfo> Network::layers() const {
  std::vector<LayerInfo> out;
  FeatureShape shape{FeatureShape::Layout::Map, in_channels_, image_size_, image_size_};
  for (const auto& s : steps_) {
    out.push_back(s->info(shape));
    shape = out.back().out;
  }
  return out;
}

std::vector<std::string> Network::layer_names() const {
  std::vector<std::string> out;
  for (const auto& s : steps_)
    if (is_analysis_layer(s->kind())) out.push_back(s->name());
  return out;
}

}  // namespace vc
