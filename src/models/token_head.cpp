// The token head shared by vit and hybrid (models.TokenHead, preceded by the conv that makes the tokens:
// vit's patch_embed, hybrid's 1x1 proj).
#include <algorithm>
#include <cmath>
#include <memory>

#include "kernels/parallel.h"
#include "models/network.h"
#include "models/relative_bias.h"

namespace vc {

namespace {

constexpr float kLnEps = 1e-5f;  // models.LN_EPS

// data[0, n) *= s
void scale_inplace(float* data, size_t n, float s) {
  for (float* v = data; v < data + n; ++v) *v *= s;
}

// "embed": x [B, Cin, H, W] -> conv k x k stride k -> [B, D, g, g] -> tokens [B, g*g, D] -> [B, 1 + g*g, D]
// torch: torch.cat([cls_token.expand(B, -1, -1), conv(x).flatten(2).transpose(1, 2)], 1) + pos_embed
class ConvTokens : public Step {
 public:
  ConvTokens(WeightBinder& b, const std::string& conv_prefix, int in_c, int dim, int kernel, int tokens)
      : Step("embed", kernel == 1 ? LayerKind::TokenProj : LayerKind::PatchEmbed), dim_(dim), tokens_(tokens) {
    conv_ = bind_conv(b, conv_prefix, in_c, dim, kernel, kernel, 0);
    cls_ = bind(b, "tokens.cls_token", {1, 1, dim});
    pos_ = bind(b, "tokens.pos_embed", {1, tokens + 1, dim});
  }
  void describe(LayerInfo& l) const override {
    l.out = conv_.out_shape(l.in);
    l.out.layout = FeatureShape::Layout::Tokens;
    l.macs = conv_.macs(l.in);
    l.geometry = {{ConvPath{conv_.geom}}, false};
  }
  void forward(const KernelTable& k, const Tensor& in, Tensor& out, Buffers& work, bool, Trace*) const override {
    Tensor& feat = buffer(work, 0);
    conv_.forward(k, in, Act::kNone, feat);
    const int64_t B = in.dim(0), N = tokens_, D = dim_;
    reshape(out, {B, N + 1, D});
    // Transpose [D, N] -> [N, D] per image, behind the CLS row; add the position embedding.
    for (int64_t b = 0; b < B; ++b) {
      float* o = out.ptr() + b * (N + 1) * D;
      const float* f = feat.ptr() + b * D * N;
      for (int64_t d = 0; d < D; ++d) o[d] = cls_.data[d] + pos_.data[d];
      for (int64_t n = 0; n < N; ++n)
        for (int64_t d = 0; d < D; ++d) o[(n + 1) * D + d] = f[d * N + n] + pos_.data[(n + 1) * D + d];
    }
  }
  Status backward(const KernelTable& k, const Tensor& in, const Tensor&, const Buffers&, const Tensor* dout,
                  std::string_view, const Tensor*, Tensor& din, Buffers& scratch, const WeightGrads& g) const override {
    const int64_t B = in.dim(0), N = tokens_, D = dim_;
    const Conv2dShape s = conv_.shape(in);
    Tensor& dfeat = slot(scratch, 0, {B, D, s.out_h(), s.out_w()});
    float* dcls = g(cls_);
    float* dpos = g(pos_);
    for (int64_t b = 0; b < B; ++b) {
      const float* d_o = dout->ptr() + b * (N + 1) * D;
      float* df = dfeat.ptr() + b * D * N;
      for (int64_t n = 0; n < N; ++n)
        for (int64_t d = 0; d < D; ++d) df[d * N + n] = d_o[(n + 1) * D + d];
      if (dcls)
        for (int64_t d = 0; d < D; ++d) dcls[d] += d_o[d];
      if (dpos)
        for (int64_t i = 0; i < (N + 1) * D; ++i) dpos[i] += d_o[i];
    }
    conv_.backward(k, in, dfeat, &din, g);
    return {};
  }

 private:
  int dim_, tokens_;
  Conv conv_;
  Weight cls_, pos_;
};

// "blocks.{i}": x [B, T, D] -> [B, T, D], pre-LN: mid = x + attn(norm1(x)); out = mid + mlp(norm2(mid)).
// With a RelativePosition (rvit), the attention logits get the relative bias (relative_bias.h).
// torch: models.Block
class TransformerBlock : public Step {
 public:
  // rel and rel_bias: rvit's relative position and its bias gather (one for all blocks), else null.
  TransformerBlock(WeightBinder& b, int index, int dim, int heads, int hidden, const RelativePosition* rel,
                   std::shared_ptr<const RelativeBias> rel_bias)
      : Step("blocks." + std::to_string(index), LayerKind::TransformerBlock),
        D_(dim),
        H_(heads),
        Hm_(hidden),
        probs_name_(name() + ".attn.probs"),
        attn_name_(name() + ".attn.branch"),
        mid_name_(name() + ".mid"),
        mlp_name_(name() + ".mlp.branch"),
        rel_bias_(std::move(rel_bias)) {
    const std::string p = "tokens." + name() + ".";
    n1g_ = bind(b, p + "norm1.weight", {dim});
    n1b_ = bind(b, p + "norm1.bias", {dim});
    qkv_w_ = bind(b, p + "attn.qkv.weight", {3 * dim, dim});
    qkv_b_ = bind(b, p + "attn.qkv.bias", {3 * dim});
    proj_w_ = bind(b, p + "attn.proj.weight", {dim, dim});
    proj_b_ = bind(b, p + "attn.proj.bias", {dim});
    if (rel) {
      // The initial table only when the binder creates weights: a loaded file's table is checked by shape alone.
      const Tensor initial = b.initializing() ? rel->initial_table(heads) : Tensor();
      rel_table_ =
          bind(b, p + "attn.rel_bias", {heads, rel->side(), rel->side()}, b.initializing() ? &initial : nullptr);
    }
    n2g_ = bind(b, p + "norm2.weight", {dim});
    n2b_ = bind(b, p + "norm2.bias", {dim});
    fc1_w_ = bind(b, p + "mlp.fc1.weight", {hidden, dim});
    fc1_b_ = bind(b, p + "mlp.fc1.bias", {hidden});
    fc2_w_ = bind(b, p + "mlp.fc2.weight", {dim, hidden});
    fc2_b_ = bind(b, p + "mlp.fc2.bias", {dim});
  }
  void describe(LayerInfo& l) const override {
    const int64_t T = l.in.tokens();
    l.out = l.in;
    // qkv + proj + fc1 + fc2 linears per token, then QK^T and PV (T x T x D each).
    const int64_t D = D_, Hm = Hm_;  // int64: a hostile config's dim^2 overflows int
    l.macs = T * (3 * D * D + D * D + 2 * D * Hm) + 2 * T * T * D;
    l.geometry = {{kIdentityPath}, true};
  }
  std::vector<std::string> inner_names() const override { return {probs_name_, attn_name_, mid_name_, mlp_name_}; }

  // Tape slots.
  enum { kXn1, kMean1, kRstd1, kQkv, kProbs, kCtx, kAttn, kMid, kXn2, kMean2, kRstd2, kPre, kGelu, kMlp };

  void forward(const KernelTable& k, const Tensor& in, Tensor& out, Buffers& w, bool tape,
               Trace* trace) const override {
    const int B = static_cast<int>(in.dim(0)), T = static_cast<int>(in.dim(1)), rows = B * T, dh = D_ / H_;
    const std::vector<int64_t> btd = {B, T, D_};
    Tensor& xn1 = slot(w, kXn1, btd);
    float* mean1 = tape ? slot(w, kMean1, {rows}).ptr() : nullptr;
    float* rstd1 = tape ? slot(w, kRstd1, {rows}).ptr() : nullptr;
    k.layernorm_f32(rows, D_, in.ptr(), n1g_.data, n1b_.data, kLnEps, xn1.ptr(), mean1, rstd1);
    Tensor& qkv = slot(w, kQkv, {B, T, 3 * D_});
    k.linear_f32(rows, 3 * D_, D_, xn1.ptr(), qkv_w_.data, qkv_b_.data, Act::kNone, qkv.ptr());
    // Per image b and head h, q/k/v are column slices of qkv [T, 3D] (row stride 3D): no copies. Images are
    // independent: a range of them per kernel thread (kernels/parallel.h).
    Tensor& probs = slot(w, kProbs, {B, H_, T, T});
    Tensor& ctx = slot(w, kCtx, btd);
    const float scale = 1.0f / std::sqrt(static_cast<float>(dh));
    const size_t per_image = static_cast<size_t>(H_) * T * T;
    parallel_for_macs(int64_t{2} * B * H_ * T * T * dh, B, 1, [&](int b0, int b1) {
      float* p = probs.ptr() + b0 * per_image;  // [b1 - b0, H, T, T]
      for (int b = b0; b < b1; ++b)
        for (int h = 0; h < H_; ++h) {
          const float* q = qkv.ptr() + static_cast<size_t>(b) * T * 3 * D_ + h * dh;
          k.gemm_f32(false, true, T, T, dh, q, 3 * D_, q + D_, 3 * D_, 0.0f, p + ((b - b0) * H_ + h) * T * T, T);
        }
      scale_inplace(p, (b1 - b0) * per_image, scale);
      if (rel_bias_) rel_bias_->add(b1 - b0, rel_table_.data, p);
      k.softmax_rows_f32((b1 - b0) * H_ * T, T, p, p);
      // ctx[b, t, h*dh:(h+1)*dh] = P[b, h] @ V[b, h]: heads land interleaved as in transpose(1, 2).reshape.
      for (int b = b0; b < b1; ++b)
        for (int h = 0; h < H_; ++h) {
          const float* v = qkv.ptr() + static_cast<size_t>(b) * T * 3 * D_ + 2 * D_ + h * dh;
          k.gemm_f32(false, false, T, dh, T, p + ((b - b0) * H_ + h) * T * T, T, v, 3 * D_, 0.0f,
                     ctx.ptr() + static_cast<size_t>(b) * T * D_ + h * dh, D_);
        }
    });
    Tensor& a = slot(w, kAttn, btd);
    k.linear_f32(rows, D_, D_, ctx.ptr(), proj_w_.data, proj_b_.data, Act::kNone, a.ptr());
    Tensor& mid = slot(w, kMid, btd);
    k.add_f32(mid.numel(), in.ptr(), a.ptr(), mid.ptr());

    Tensor& xn2 = slot(w, kXn2, btd);
    float* mean2 = tape ? slot(w, kMean2, {rows}).ptr() : nullptr;
    float* rstd2 = tape ? slot(w, kRstd2, {rows}).ptr() : nullptr;
    k.layernorm_f32(rows, D_, mid.ptr(), n2g_.data, n2b_.data, kLnEps, xn2.ptr(), mean2, rstd2);
    Tensor& gelu = slot(w, kGelu, {B, T, Hm_});
    if (tape) {
      // Backward needs the pre-activation, so GELU is not fused here.
      Tensor& pre = slot(w, kPre, {B, T, Hm_});
      k.linear_f32(rows, Hm_, D_, xn2.ptr(), fc1_w_.data, fc1_b_.data, Act::kNone, pre.ptr());
      k.gelu_f32(pre.numel(), pre.ptr(), gelu.ptr());
    } else {
      k.linear_f32(rows, Hm_, D_, xn2.ptr(), fc1_w_.data, fc1_b_.data, Act::kGelu, gelu.ptr());
    }
    Tensor& m = slot(w, kMlp, btd);
    k.linear_f32(rows, D_, Hm_, gelu.ptr(), fc2_w_.data, fc2_b_.data, Act::kNone, m.ptr());
    reshape(out, btd);
    k.add_f32(out.numel(), mid.ptr(), m.ptr(), out.ptr());

    if (trace) {
      trace->put(TraceKind::AttnProbs, probs_name_, probs);
      trace->put(TraceKind::AttnBranch, attn_name_, a);
      trace->put(TraceKind::Mid, mid_name_, mid);
      trace->put(TraceKind::MlpBranch, mlp_name_, m);
    }
  }

  Status backward(const KernelTable& k, const Tensor& in, const Tensor&, const Buffers& t, const Tensor* dout,
                  std::string_view inner, const Tensor* seed, Tensor& din, Buffers& s,
                  const WeightGrads& g) const override {
    const int B = static_cast<int>(in.dim(0)), T = static_cast<int>(in.dim(1)), rows = B * T, dh = D_ / H_;
    const std::vector<int64_t> btd = {B, T, D_};
    // Where the gradient enters: the block output, or one of the inner tensors (the seed).
    const std::string at = dout ? std::string() : std::string(inner.substr(name().size() + 1));
    if (seed) {
      const int seeded = at == "attn.probs" ? kProbs : at == "attn.branch" ? kAttn : at == "mid" ? kMid : kMlp;
      if (!seed->same_shape(t[seeded]))
        return Error{"gradient for '" + std::string(inner) + "' has shape " + seed->shape_str() + ", expected " +
                     t[seeded].shape_str()};
    }
    const bool through_mlp = dout || at == "mlp.branch";
    const bool through_residual = dout || at == "mlp.branch" || at == "mid";
    const bool through_proj = through_residual || at == "attn.branch";

    // d(mid): from the MLP branch through norm2, plus the residual path of the block output.
    const Tensor* dmid = seed;
    if (through_mlp) {
      const Tensor& dm = dout ? *dout : *seed;
      Tensor& dgelu = slot(s, 1, {rows, Hm_});
      linear_backward(k, rows, D_, Hm_, t[kGelu].ptr(), fc2_w_.data, dm.ptr(), dgelu.ptr(), g(fc2_w_), g(fc2_b_));
      Tensor& dpre = slot(s, 2, {rows, Hm_});
      k.gelu_backward_f32(dpre.numel(), t[kPre].ptr(), dgelu.ptr(), dpre.ptr());
      Tensor& dxn2 = slot(s, 3, {rows, D_});
      linear_backward(k, rows, Hm_, D_, t[kXn2].ptr(), fc1_w_.data, dpre.ptr(), dxn2.ptr(), g(fc1_w_), g(fc1_b_));
      Tensor& dm_in = slot(s, 0, btd);
      k.layernorm_backward_f32(rows, D_, t[kMid].ptr(), n2g_.data, t[kMean2].ptr(), t[kRstd2].ptr(), dxn2.ptr(),
                               dm_in.ptr(), g(n2g_), g(n2b_));
      if (dout) k.add_f32(dm_in.numel(), dm_in.ptr(), dout->ptr(), dm_in.ptr());
      dmid = &dm_in;
    }

    // d(probs): from the attention branch gradient (= d(mid), or the seed) through proj and P @ V.
    const Tensor& probs = t[kProbs];
    const float* qkv = t[kQkv].ptr();
    Tensor& dqkv = slot(s, 7, {B, T, 3 * D_});
    const Tensor* dprobs = seed;
    if (through_proj) {
      Tensor& dctx = slot(s, 4, btd);
      linear_backward(k, rows, D_, D_, t[kCtx].ptr(), proj_w_.data, dmid->ptr(), dctx.ptr(), g(proj_w_), g(proj_b_));
      Tensor& dp = slot(s, 5, probs.shape);
      for (int b = 0; b < B; ++b)
        for (int h = 0; h < H_; ++h) {
          const size_t row = static_cast<size_t>(b) * T * 3 * D_ + h * dh;
          const float* dc = dctx.ptr() + static_cast<size_t>(b) * T * D_ + h * dh;
          const float* p = probs.ptr() + (b * H_ + h) * T * T;
          // dP = dctx @ V^T;  dV = P^T @ dctx
          k.gemm_f32(false, true, T, T, dh, dc, D_, qkv + row + 2 * D_, 3 * D_, 0.0f, dp.ptr() + (b * H_ + h) * T * T, T);
          k.gemm_f32(true, false, T, dh, T, p, T, dc, D_, 0.0f, dqkv.ptr() + row + 2 * D_, 3 * D_);
        }
      dprobs = &dp;
    } else {
      std::fill(dqkv.data.begin(), dqkv.data.end(), 0.0f);  // V gets no gradient from a probs seed
    }
    // d(scores) = softmax backward, times the 1/sqrt(dh) scale; then dQ = dS @ K, dK = dS^T @ Q.
    Tensor& dscores = slot(s, 6, probs.shape);
    k.softmax_backward_rows_f32(B * H_ * T, T, probs.ptr(), dprobs->ptr(), dscores.ptr());
    if (rel_bias_ && g(rel_table_)) rel_bias_->backward(B, dscores.ptr(), g(rel_table_));
    scale_inplace(dscores.ptr(), dscores.numel(), 1.0f / std::sqrt(static_cast<float>(dh)));
    for (int b = 0; b < B; ++b)
      for (int h = 0; h < H_; ++h) {
        const size_t row = static_cast<size_t>(b) * T * 3 * D_ + h * dh;
        const float* ds = dscores.ptr() + (b * H_ + h) * T * T;
        k.gemm_f32(false, false, T, dh, T, ds, T, qkv + row + D_, 3 * D_, 0.0f, dqkv.ptr() + row, 3 * D_);
        k.gemm_f32(true, false, T, dh, T, ds, T, qkv + row, 3 * D_, 0.0f, dqkv.ptr() + row + D_, 3 * D_);
      }
    Tensor& dxn1 = slot(s, 3, {rows, D_});
    linear_backward(k, rows, 3 * D_, D_, t[kXn1].ptr(), qkv_w_.data, dqkv.ptr(), dxn1.ptr(), g(qkv_w_), g(qkv_b_));
    reshape(din, btd);
    k.layernorm_backward_f32(rows, D_, in.ptr(), n1g_.data, t[kMean1].ptr(), t[kRstd1].ptr(), dxn1.ptr(), din.ptr(),
                             g(n1g_), g(n1b_));
    if (through_residual) k.add_f32(din.numel(), din.ptr(), dmid->ptr(), din.ptr());
    return {};
  }

 private:
  int D_, H_, Hm_;
  std::string probs_name_, attn_name_, mid_name_, mlp_name_;  // the inner traced tensors
  Weight n1g_, n1b_, qkv_w_, qkv_b_, proj_w_, proj_b_, n2g_, n2b_, fc1_w_, fc1_b_, fc2_w_, fc2_b_;
  std::shared_ptr<const RelativeBias> rel_bias_;  // rvit; its table [H, 2g-1, 2g-1] is rel_table_
  Weight rel_table_;
};

// "norm": x [B, T, D] -> LayerNorm(x).  torch: tokens.norm(x)
class FinalNorm : public Step {
 public:
  FinalNorm(WeightBinder& b, int dim) : Step("norm", LayerKind::Norm), D_(dim) {
    g_ = bind(b, "tokens.norm.weight", {dim});
    b_ = bind(b, "tokens.norm.bias", {dim});
  }
  void describe(LayerInfo& l) const override {
    l.out = l.in;
    l.geometry = {{kIdentityPath}, false};
  }
  // Tape: [0] mean, [1] rstd per row.
  void forward(const KernelTable& k, const Tensor& in, Tensor& out, Buffers& w, bool tape, Trace*) const override {
    const int rows = static_cast<int>(in.dim(0) * in.dim(1));
    reshape(out, in.shape);
    float* mean = tape ? slot(w, 0, {rows}).ptr() : nullptr;
    float* rstd = tape ? slot(w, 1, {rows}).ptr() : nullptr;
    k.layernorm_f32(rows, D_, in.ptr(), g_.data, b_.data, kLnEps, out.ptr(), mean, rstd);
  }
  Status backward(const KernelTable& k, const Tensor& in, const Tensor&, const Buffers& t, const Tensor* dout,
                  std::string_view, const Tensor*, Tensor& din, Buffers&, const WeightGrads& g) const override {
    reshape(din, in.shape);
    k.layernorm_backward_f32(static_cast<int>(in.dim(0) * in.dim(1)), D_, in.ptr(), g_.data, t[0].ptr(), t[1].ptr(),
                             dout->ptr(), din.ptr(), g(g_), g(b_));
    return {};
  }

 private:
  int D_;
  Weight g_, b_;
};

// "pool": x [B, T, D] -> the CLS token x[:, 0] [B, D].  torch: x[:, 0]
class ClsPool : public Step {
 public:
  ClsPool() : Step("pool", LayerKind::ClsPool) {}
  void describe(LayerInfo& l) const override {
    l.out = {FeatureShape::Layout::Vector, l.in.channels, 0, 0};
    l.geometry = {{kIdentityPath}, false};
  }
  void forward(const KernelTable&, const Tensor& in, Tensor& out, Buffers&, bool, Trace*) const override {
    const int64_t B = in.dim(0), T = in.dim(1), D = in.dim(2);
    reshape(out, {B, D});
    for (int64_t b = 0; b < B; ++b) std::copy_n(in.ptr() + b * T * D, D, out.ptr() + b * D);
  }
  Status backward(const KernelTable&, const Tensor& in, const Tensor&, const Buffers&, const Tensor* dout,
                  std::string_view, const Tensor*, Tensor& din, Buffers&, const WeightGrads&) const override {
    const int64_t B = in.dim(0), T = in.dim(1), D = in.dim(2);
    reshape(din, in.shape);
    std::fill(din.data.begin(), din.data.end(), 0.0f);
    for (int64_t b = 0; b < B; ++b) std::copy_n(dout->ptr() + b * D, D, din.ptr() + b * T * D);
    return {};
  }
};

}  // namespace

void add_token_head(std::vector<std::unique_ptr<Step>>& steps, WeightBinder& b, const ModelConfig& c,
                    const std::string& conv_prefix, int in_c, int side, int kernel) {
  const int grid = side / kernel;
  steps.push_back(std::make_unique<ConvTokens>(b, conv_prefix, in_c, c.dim, kernel, grid * grid));
  const RelativePosition rel{grid, kernel, c.rel_bias_init};
  const RelativePosition* rel_pos = c.arch == Arch::Rvit ? &rel : nullptr;
  // The [N, N] gather index is the same in every block: built once.
  const auto rel_bias = rel_pos ? std::make_shared<const RelativeBias>(rel, c.heads) : nullptr;
  for (int i = 0; i < c.depth; ++i)
    steps.push_back(std::make_unique<TransformerBlock>(b, i, c.dim, c.heads, c.mlp_hidden, rel_pos, rel_bias));
  steps.push_back(std::make_unique<FinalNorm>(b, c.dim));
  steps.push_back(std::make_unique<ClsPool>());
  steps.push_back(make_head(b, "tokens.head.", c.dim, c.num_classes));
}

}  // namespace vc
