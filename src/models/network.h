// Internal to src/models: a model is a chain of steps (stem, basic blocks, token embedding, transformer
// blocks, final norm, pooling, head), each producing one traced tensor named after it. The four archs
// are chains built from the same step types: the conv trunk (conv_trunk.cpp) is shared by cnn and
// hybrid, the token head (token_head.cpp) by vit, rvit and hybrid.
#pragma once
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/config.h"
#include "models/model.h"

namespace vc {

// A weight of the file, bound to a step: its index in Model::param_list_ and its data.
struct Weight {
  int index = -1;
  const float* data = nullptr;
  int64_t numel = 0;
};

// Gradient buffers, one per Model::param_list_ entry; null when weight gradients are not wanted.
struct WeightGrads {
  std::vector<Tensor>* grads = nullptr;
  float* operator()(const Weight& w) const { return grads ? (*grads)[w.index].ptr() : nullptr; }
};

// Looks tensors up by name with their expected shapes; the first problem is kept as the error.
// With a seed, missing tensors are created instead, initialised as init_weights() describes.
class WeightBinder {
 public:
  WeightBinder(std::map<std::string, Tensor>& tensors, std::vector<std::pair<std::string, const Tensor*>>& list,
               const uint64_t* init_seed = nullptr)
      : tensors_(tensors), list_(list), init_(init_seed != nullptr), rng_(init_seed ? *init_seed : 0) {}
  // With a seed, a missing tensor is created as `initial` when given, else as init_weights() describes.
  Weight bind(const std::string& name, const std::vector<int64_t>& shape, const Tensor* initial = nullptr);
  // Whether missing tensors are created (a seed was given).
  bool initializing() const { return init_; }
  // The first error, or an error naming a tensor of the file that no step used.
  Status finish() const;

 private:
  Tensor init(const std::string& name, const std::vector<int64_t>& shape);
  // A weight that failed to bind: no data, but its size counts in Step::params() (the model budget's count).
  static Weight unbound(const std::vector<int64_t>& shape);
  float uniform(float bound);  // U(-bound, bound) from a splitmix64 stream

  std::map<std::string, Tensor>& tensors_;
  std::vector<std::pair<std::string, const Tensor*>>& list_;
  std::string error_;
  bool init_;
  uint64_t rng_;
  float bias_bound_ = 0.0f;  // 1/sqrt(fan_in) of the last weight: its bias follows it
};

// Tensors a step keeps between forward and backward (its tape), or scratch buffers reused across steps.
// A deque: growing it keeps references to the existing buffers valid.
using Buffers = std::deque<Tensor>;

// Resizes t to `shape` (contents unspecified) without shrinking its capacity.
void reshape(Tensor& t, const std::vector<int64_t>& shape);
// buf[i], created if needed.
Tensor& buffer(Buffers& buf, size_t i);
// buf[i], created if needed and resized to `shape`.
Tensor& slot(Buffers& buf, size_t i, const std::vector<int64_t>& shape);

// dx[M,K] = dy[M,N] @ W[N,K]; dW[N,K] += dy^T @ x; db[N] += column sums of dy. Null outputs are skipped.
// torch: autograd of F.linear(x, W, b)
void linear_backward(const KernelTable& k, int M, int N, int K, const float* x, const float* W, const float* dy,
                     float* dx, float* dW, float* db);

// The identity path of a LayerGeometry: per-position operations, residual connections.
inline const ConvPath kIdentityPath;

// A conv layer with bias: weights `prefix`weight [out_c, in_c, k, k] and `prefix`bias [out_c].
// The kernels have no dilation: geom.dilation is always 1.
struct Conv {
  ConvGeometry geom;
  Weight w, b;
  Conv2dShape shape(const Tensor& x) const {
    return {static_cast<int>(x.dim(0)), geom.in_c, static_cast<int>(x.dim(2)), static_cast<int>(x.dim(3)),
            geom.out_c, geom.kernel, geom.stride, geom.pad};
  }
  // A feature map [in_c, h, w] -> [out_c, h', w'].
  FeatureShape out_shape(const FeatureShape& in) const {
    return {FeatureShape::Layout::Map, geom.out_c, geom.out_size(in.h), geom.out_size(in.w)};
  }
  // For one image.
  int64_t macs(const FeatureShape& in) const {
    const FeatureShape o = out_shape(in);
    return static_cast<int64_t>(o.channels) * o.h * o.w * geom.in_c * geom.kernel * geom.kernel;
  }
  // y = act(conv(x) + b), y resized.  torch: act(F.conv2d(x, w, b, stride, pad))
  void forward(const KernelTable& k, const Tensor& x, Act act, Tensor& y) const;
  // dx (resized like x; skipped when null) and the weight gradients from dy.
  void backward(const KernelTable& k, const Tensor& x, const Tensor& dy, Tensor* dx, const WeightGrads& g) const;
};

class Step {
 public:
  Step(std::string name, LayerKind kind) : name_(std::move(name)), kind_(kind) {}
  virtual ~Step() = default;
  const std::string& name() const { return name_; }
  LayerKind kind() const { return kind_; }
  int64_t params() const;
  // Its row of Model::layers() for an input of shape `in`.
  LayerInfo info(const FeatureShape& in) const;

  // Traced tensors recorded inside the step besides its output (e.g. "blocks.0.attn.probs").
  virtual std::vector<std::string> inner_names() const { return {}; }

  // out = step(in). `work` holds the step's intermediates: its tape when tape is true (then backward
  // reads it), otherwise scratch shared with the other steps of the pass.
  virtual void forward(const KernelTable& k, const Tensor& in, Tensor& out, Buffers& work, bool tape,
                       Trace* trace) const = 0;
  // din = d/d(in) of sum(dout * out) when dout is non-null, else of sum(seed * inner tensor `inner`);
  // weight gradients are accumulated into g. `tape` is what forward(tape = true) left in `work`.
  virtual Status backward(const KernelTable& k, const Tensor& in, const Tensor& out, const Buffers& tape,
                          const Tensor* dout, std::string_view inner, const Tensor* seed, Tensor& din,
                          Buffers& scratch, const WeightGrads& g) const = 0;

 protected:
  Weight bind(WeightBinder& b, const std::string& name, const std::vector<int64_t>& shape,
              const Tensor* initial = nullptr);
  Conv bind_conv(WeightBinder& b, const std::string& prefix, int in_c, int out_c, int kernel, int stride, int pad);
  // Fills info.out, info.macs and info.geometry for an input info.in.
  virtual void describe(LayerInfo& info) const = 0;

 private:
  std::string name_;
  LayerKind kind_;
  std::vector<Weight> weights_;
};

// The one Model implementation: a chain of steps.
class Network : public Model {
 public:
  Network(ModelMeta meta, std::string meta_json, SafeTensors weights);
  // Builds the chain for the config's arch, binding and checking every weight of the file; with
  // init_seed, missing weights are created (init_weights()).
  Status build(const uint64_t* init_seed = nullptr);
  SafeTensors& weights() { return weights_; }

  Result<Tensor> forward(const Tensor& x, Trace* trace) const override;
  Result<Gradients> backward(const Tensor& x, std::string_view layer, const Tensor& grad,
                             bool weight_grads) const override;
  std::vector<LayerInfo> layers() const override;
  std::vector<std::string> layer_names() const override;

 private:
  Status check_input(const Tensor& x) const;

  ModelConfig config_;
  std::vector<std::unique_ptr<Step>> steps_;
};

// Appends the conv trunk (stem + stages of basic blocks, weights under "trunk.") for an image of
// `side` x `side`; returns the output channels and updates `side`.
int add_conv_trunk(std::vector<std::unique_ptr<Step>>& steps, WeightBinder& b, const ModelConfig& c, int& side);
// Appends the token head: conv tokenizer (`conv_prefix`, kernel = stride = `kernel`, on a [in_c, side, side]
// map) -> CLS + position embedding -> blocks (rvit: with the relative-position bias, relative_bias.h) -> norm
// -> CLS pool -> head (weights under "tokens.").
void add_token_head(std::vector<std::unique_ptr<Step>>& steps, WeightBinder& b, const ModelConfig& c,
                    const std::string& conv_prefix, int in_c, int side, int kernel);
// Appends global average pooling and the linear head (cnn).
void add_pool_head(std::vector<std::unique_ptr<Step>>& steps, WeightBinder& b, const ModelConfig& c, int in_c);
// The linear classifier on pooled features [B, in] -> logits [B, K], weights `prefix`.weight/.bias.
std::unique_ptr<Step> make_head(WeightBinder& b, const std::string& prefix, int in, int classes);

}  // namespace vc
