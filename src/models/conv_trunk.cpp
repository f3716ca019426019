// The conv trunk shared by cnn and hybrid (models.ConvTrunk), and the cnn's pooling head.
#include <algorithm>

#include "models/network.h"

namespace vc {

namespace {

// y = relu(y) in place (a cheap elementwise pass; the heavy maths is in the convs).
void relu_inplace(Tensor& y) {
  for (float& v : y.data) v = v > 0.0f ? v : 0.0f;
}

// "stem": x [B, Cin, S, S] -> relu(conv3x3(x)) [B, W, S, S].  torch: F.relu(stem_bn(stem(x))) with BN folded
class Stem : public Step {
 public:
  Stem(WeightBinder& b, int in_c, int width) : Step("stem", LayerKind::Stem) {
    conv_ = bind_conv(b, "trunk.stem.", in_c, width, 3, 1, 1);
  }
  void describe(LayerInfo& l) const override {
    l.out = conv_.out_shape(l.in);
    l.macs = conv_.macs(l.in);
    l.geometry = {{ConvPath{conv_.geom}}, false};
  }
  void forward(const KernelTable& k, const Tensor& in, Tensor& out, Buffers&, bool, Trace*) const override {
    conv_.forward(k, in, Act::kRelu, out);
  }
  Status backward(const KernelTable& k, const Tensor& in, const Tensor& out, const Buffers&, const Tensor* dout,
                  std::string_view, const Tensor*, Tensor& din, Buffers& scratch, const WeightGrads& g) const override {
    Tensor& dpre = slot(scratch, 0, out.shape);
    k.relu_backward_f32(out.numel(), out.ptr(), dout->ptr(), dpre.ptr());
    conv_.backward(k, in, dpre, &din, g);
    return {};
  }

 private:
  Conv conv_;
};

// "stages.{s}.{b}": x [B, Cin, H, W] -> [B, Cout, H/s, W/s]
// torch: F.relu(conv2(F.relu(conv1(x))) + shortcut(x)), shortcut = 1x1 conv when the shape changes, else identity
class BasicBlock : public Step {
 public:
  BasicBlock(WeightBinder& b, const std::string& name, int in_c, int out_c, int stride)
      : Step(name, LayerKind::BasicBlock),
        has_shortcut_(stride != 1 || in_c != out_c),
        branch_name_(name + ".branch"),
        shortcut_name_(name + ".shortcut") {
    const std::string p = "trunk." + name + ".";
    conv1_ = bind_conv(b, p + "conv1.", in_c, out_c, 3, stride, 1);
    conv2_ = bind_conv(b, p + "conv2.", out_c, out_c, 3, 1, 1);
    if (has_shortcut_) shortcut_ = bind_conv(b, p + "shortcut.", in_c, out_c, 1, stride, 0);
  }
  void describe(LayerInfo& l) const override {
    l.out = conv1_.out_shape(l.in);
    l.macs = conv1_.macs(l.in) + conv2_.macs(l.out) + (has_shortcut_ ? shortcut_.macs(l.in) : 0);
    const ConvPath shortcut = has_shortcut_ ? ConvPath{shortcut_.geom} : kIdentityPath;
    l.geometry.paths = {ConvPath{conv1_.geom, conv2_.geom}, shortcut};
  }
  std::vector<std::string> inner_names() const override { return {branch_name_, shortcut_name_}; }

  // Tape: [0] h = relu(conv1(x)).
  void forward(const KernelTable& k, const Tensor& in, Tensor& out, Buffers& work, bool,
               Trace* trace) const override {
    Tensor& h = buffer(work, 0);
    conv1_.forward(k, in, Act::kRelu, h);
    conv2_.forward(k, h, Act::kNone, out);
    if (trace) trace->put(TraceKind::ConvBranch, branch_name_, out);
    const Tensor* s = &in;
    if (has_shortcut_) {
      Tensor& proj = buffer(work, 1);
      shortcut_.forward(k, in, Act::kNone, proj);
      s = &proj;
    }
    if (trace) trace->put(TraceKind::Shortcut, shortcut_name_, *s);
    k.add_f32(out.numel(), out.ptr(), s->ptr(), out.ptr());
    relu_inplace(out);
  }
  // The gradient enters at the block output (dout), or at the inner tensor "branch" or "shortcut" (seed): then it
  // flows down that path only.
  Status backward(const KernelTable& k, const Tensor& in, const Tensor& out, const Buffers& tape, const Tensor* dout,
                  std::string_view inner, const Tensor* seed, Tensor& din, Buffers& scratch,
                  const WeightGrads& g) const override {
    const Tensor& h = tape[0];
    if (seed && !seed->same_shape(out))
      return Error{"gradient for '" + std::string(inner) + "' has shape " + seed->shape_str() + ", expected " +
                   out.shape_str()};
    const bool through_branch = !seed || inner == branch_name_;
    const bool through_shortcut = !seed || inner == shortcut_name_;
    // d = d(conv2 + shortcut) through the final ReLU (it flows to both paths), or the seed.
    const Tensor* d = seed;
    if (!seed) {
      Tensor& dpre = slot(scratch, 0, out.shape);
      k.relu_backward_f32(out.numel(), out.ptr(), dout->ptr(), dpre.ptr());
      d = &dpre;
    }
    if (through_branch) {
      Tensor& dh = slot(scratch, 1, h.shape);
      conv2_.backward(k, h, *d, &dh, g);
      Tensor& dh_pre = slot(scratch, 2, h.shape);
      k.relu_backward_f32(h.numel(), h.ptr(), dh.ptr(), dh_pre.ptr());
      conv1_.backward(k, in, dh_pre, &din, g);
    } else {
      reshape(din, in.shape);
      std::fill(din.data.begin(), din.data.end(), 0.0f);
    }
    if (!through_shortcut) return {};
    if (has_shortcut_) {
      Tensor& ds = slot(scratch, 3, in.shape);
      shortcut_.backward(k, in, *d, &ds, g);
      k.add_f32(din.numel(), din.ptr(), ds.ptr(), din.ptr());
    } else {
      k.add_f32(din.numel(), din.ptr(), d->ptr(), din.ptr());
    }
    return {};
  }

 private:
  bool has_shortcut_;
  std::string branch_name_, shortcut_name_;
  Conv conv1_, conv2_, shortcut_;
};

// "pool": x [B, C, h, w] -> mean over (h, w) [B, C].  torch: x.mean((2, 3))
class AvgPool : public Step {
 public:
  AvgPool() : Step("pool", LayerKind::AvgPool) {}
  void describe(LayerInfo& l) const override {
    l.out = {FeatureShape::Layout::Vector, l.in.channels, 0, 0};
    l.geometry = {{}, true};
  }
  void forward(const KernelTable& k, const Tensor& in, Tensor& out, Buffers&, bool, Trace*) const override {
    reshape(out, {in.dim(0), in.dim(1)});
    k.global_avgpool_nchw_f32(static_cast<int>(in.dim(0) * in.dim(1)), static_cast<int>(in.dim(2) * in.dim(3)),
                              in.ptr(), out.ptr());
  }
  Status backward(const KernelTable& k, const Tensor& in, const Tensor&, const Buffers&, const Tensor* dout,
                  std::string_view, const Tensor*, Tensor& din, Buffers&, const WeightGrads&) const override {
    reshape(din, in.shape);
    k.global_avgpool_backward_nchw_f32(static_cast<int>(in.dim(0) * in.dim(1)),
                                       static_cast<int>(in.dim(2) * in.dim(3)), dout->ptr(), din.ptr());
    return {};
  }
};

}  // namespace

int add_conv_trunk(std::vector<std::unique_ptr<Step>>& steps, WeightBinder& b, const ModelConfig& c, int& side) {
  steps.push_back(std::make_unique<Stem>(b, c.in_channels, c.stem_width));
  int channels = c.stem_width;
  for (size_t s = 0; s < c.widths.size(); ++s) {
    // The first block of a stage carries the stride and the width change.
    for (int i = 0; i < c.blocks[s]; ++i) {
      const std::string name = "stages." + std::to_string(s) + "." + std::to_string(i);
      steps.push_back(std::make_unique<BasicBlock>(b, name, channels, c.widths[s], i == 0 ? c.strides[s] : 1));
      channels = c.widths[s];
    }
    side = (side - 1) / c.strides[s] + 1;
  }
  return channels;
}

void add_pool_head(std::vector<std::unique_ptr<Step>>& steps, WeightBinder& b, const ModelConfig& c, int in_c) {
  steps.push_back(std::make_unique<AvgPool>());
  steps.push_back(make_head(b, "head.", in_c, c.num_classes));
}

}  // namespace vc
