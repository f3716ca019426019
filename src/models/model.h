// The models: Vit, Cnn, Hybrid, Rvit (the vit with a relative-position attention bias), built from the JSON
// config in the weight file's metadata.
// Reference definitions (the spec for names, shapes and maths): tools/train/models.py.
#pragma once
#include <initializer_list>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/image.h"
#include "core/safetensors.h"
#include "core/tensor.h"
#include "kernels/kernels.h"
#include "models/config.h"

namespace vc {

// What a traced tensor is, known without parsing its name.
enum class TraceKind : uint8_t {
  Input,       // the normalized input
  Layer,       // the output of an analysis layer (Model::layer_names()): stem, stages.*, embed, blocks.*
  AttnProbs,   // attention probabilities of a transformer block
  AttnBranch,  // attention branch output, before the residual add
  Mid,         // a transformer block's state between its attention and its MLP
  MlpBranch,   // MLP branch output, before the residual add
  ConvBranch,  // a basic block's conv path conv2(relu(conv1(x))), before the residual add
  Shortcut,    // a basic block's shortcut path (x, or its 1x1 projection), before the residual add
  Norm,        // the final LayerNorm
  Pool,        // the pooled features
  Logits,      // the classifier output
};
inline constexpr int kTraceKinds = 11;

// The tensors of one forward pass (B = batch, T = 1 + tokens, D = width, H = heads, K = classes):
//   name                         kind        shape
//   "input"                      Input       [B, C, S, S]   the normalized input
//   "stem"                       Layer       [B, C, S, S]   cnn/hybrid stem output (after ReLU)
//   "stages.{s}.{b}.branch"      ConvBranch  [B, C, h, w]   basic block's conv path conv2(relu(conv1(x))) before the add
//   "stages.{s}.{b}.shortcut"    Shortcut    [B, C, h, w]   basic block's shortcut: x, or the 1x1 projection of x
//   "stages.{s}.{b}"             Layer       [B, C, h, w]   output of basic block b of stage s (after the final ReLU)
//   "embed"                      Layer       [B, T, D]      tokens after CLS concat + position embedding (vit/hybrid)
//   "blocks.{i}.attn.probs"      AttnProbs   [B, H, T, T]   softmax(QK^T / sqrt(d_head) (+ rvit's relative bias))
//   "blocks.{i}.attn.branch"     AttnBranch  [B, T, D]      attention branch output f(x) before the residual add
//   "blocks.{i}.mid"             Mid         [B, T, D]      x + attn branch
//   "blocks.{i}.mlp.branch"      MlpBranch   [B, T, D]      MLP branch output before the residual add
//   "blocks.{i}"                 Layer       [B, T, D]      block output
//   "norm"                       Norm        [B, T, D]      final LayerNorm output
//   "pool"                       Pool        [B, D]         cnn: global average pool; vit/hybrid: normed CLS token
//   "logits"                     Logits      [B, K]
// Which of them a forward pass records: every tensor of the requested kinds, plus the requested names.
// E.g. TraceRequest{TraceKind::AttnProbs} (the attention views), TraceRequest::everything() (parity, `vitcnn trace`),
// TraceRequest{}.add("stages.1.0").
class TraceRequest {
 public:
  TraceRequest() = default;  // nothing
  TraceRequest(std::initializer_list<TraceKind> kinds);
  static TraceRequest everything();
  TraceRequest& add(TraceKind kind);
  TraceRequest& add(std::string name);
  bool wants(TraceKind kind, std::string_view name) const;

 private:
  uint32_t kinds_ = 0;  // bit k: TraceKind k
  std::set<std::string, std::less<>> names_;
};

// A forward pass's record: the requested tensors in forward order, indexed by name.
class Trace {
 public:
  struct Entry {
    std::string name;
    TraceKind kind;
    Tensor value;
  };
  explicit Trace(TraceRequest request) : request_(std::move(request)) {}

  bool wants(TraceKind kind, std::string_view name) const { return request_.wants(kind, name); }
  // Copies `value` in as `name` when the request wants it (an existing name is overwritten); otherwise nothing.
  void put(TraceKind kind, std::string_view name, const Tensor& value);
  // The tensor recorded as `name`, or null.
  const Tensor* find(std::string_view name) const;
  const std::vector<Entry>& entries() const { return entries_; }
  // Moves the entries out; the trace is empty after.
  std::vector<Entry> release();
  std::vector<std::string> names() const;  // in forward order
  int64_t bytes() const;                   // held by the recorded tensors' values

 private:
  TraceRequest request_;
  std::vector<Entry> entries_;
  std::map<std::string, size_t, std::less<>> index_;  // name -> entries_ index
};

// What a step of the forward chain is; Model::layers() has one LayerInfo per step, in forward order.
enum class LayerKind {
  Stem,              // "stem": relu(conv 3x3, stride 1, pad 1) of the image (cnn, hybrid)
  BasicBlock,        // "stages.{s}.{b}": ResNet basic block, relu(conv2(relu(conv1(x))) + shortcut(x))
  PatchEmbed,        // "embed" (vit): conv kernel = stride = patch -> patch tokens, CLS, position embedding
  TokenProj,         // "embed" (hybrid): 1x1 conv of the trunk's map -> tokens, CLS, position embedding
  TransformerBlock,  // "blocks.{i}": pre-LN attention + MLP, both residual
  Norm,              // "norm": the final LayerNorm, per token
  AvgPool,           // "pool" (cnn): global average pool of the map
  ClsPool,           // "pool" (vit, hybrid): the CLS token
  Head,              // "logits": the linear classifier
};
// The "type" of `vitcnn info`: "conv3x3", "basic_block", "patch_embed", "token_proj", "transformer_block",
// "layernorm", "avgpool", "cls_token", "linear".
const char* layer_type(LayerKind kind);
// Whether a step of this kind is a "layer" for the analyses (Model::layer_names()): stem, blocks, embed.
bool is_analysis_layer(LayerKind kind);
// The kind of the traced output of a step of this kind: Layer, Norm, Pool or Logits.
TraceKind trace_kind(LayerKind kind);

// One image's tensor between two steps. Map: a feature map [channels, h, w]. Tokens: [1 + h * w, channels],
// the CLS token then the h x w grid of tokens in row-major order (token i + 1 is grid cell (i / w, i % w)).
// Vector: [channels], no grid (h = w = 0).
struct FeatureShape {
  enum class Layout { Map, Tokens, Vector };
  Layout layout = Layout::Map;
  int channels = 0, h = 0, w = 0;
  // 1 + h * w for Tokens, else 0.
  int64_t tokens() const { return layout == Layout::Tokens ? 1 + static_cast<int64_t>(h) * w : 0; }
  // As a batch-1 tensor shape: [1, C, h, w], [1, 1 + h * w, C] or [1, C].
  std::vector<int64_t> dims() const;
  bool operator==(const FeatureShape&) const = default;
};

// One convolution as the receptive-field recurrences see it (Araujo et al. 2019): square kernel, stride,
// symmetric zero padding and dilation (1 in every model today), from in_c to out_c channels.
// Output unit u of a 1-D axis reads inputs u * stride - pad + i * dilation for i in [0, kernel).
// torch: nn.Conv2d(in_c, out_c, kernel, stride, pad, dilation)
struct ConvGeometry {
  int kernel = 1, stride = 1, pad = 0, dilation = 1;
  int in_c = 0, out_c = 0;
  // Output side for an input side n: (n + 2 pad - dilation (kernel - 1) - 1) / stride + 1.
  int out_size(int n) const { return (n + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1; }
  bool operator==(const ConvGeometry&) const = default;
};

// The spatial operators of a step. Its output is the sum of `paths`, each a chain of convs applied in order on
// the input grid; an empty chain is the identity (a residual path, or a per-position operation such as a norm, a
// ReLU or an MLP over tokens). With `global_mixing`, every output position also sees every input position
// (attention: every token attends to every token; global average pooling). Per kind:
//   Stem              {{3x3 s1 p1}}
//   BasicBlock        {{conv1 3x3 s p1, conv2 3x3 s1 p1}, {shortcut 1x1 s p0}}, or {{conv1, conv2}, {}} (identity)
//   PatchEmbed        {{patch x patch, stride patch, p0}}: the patch tokens; the CLS token sees no pixel
//   TokenProj         {{1x1 s1 p0}}: likewise
//   TransformerBlock  {{}} + global_mixing
//   Norm, Head        {{}}
//   AvgPool           {} + global_mixing: the vector sees the whole map
//   ClsPool           {{}}: the vector is the CLS token of the input
using ConvPath = std::vector<ConvGeometry>;  // applied first to last; empty: the identity
struct LayerGeometry {
  std::vector<ConvPath> paths;
  bool global_mixing = false;
  bool operator==(const LayerGeometry&) const = default;
};

// One step of the forward chain (a row of `vitcnn info`'s "layers").
struct LayerInfo {
  std::string name;  // the traced name of its output
  LayerKind kind = LayerKind::Stem;
  FeatureShape in, out;
  int64_t params = 0, macs = 0;  // MACs for one image
  bool is_layer = false;         // listed by Model::layer_names()
  LayerGeometry geometry;
};

struct Gradients {
  Tensor input;                                // d(objective)/d(input), shaped like the input
  std::vector<std::string> weight_names;       // filled when weight gradients were asked for
  std::vector<Tensor> weights;                 // same order, shaped like the weights
};

class Model {
 public:
  virtual ~Model() = default;

  Arch arch() const { return arch_; }
  const std::string& metadata_json() const { return meta_; }  // the full "vitcnn" metadata JSON
  int image_size() const { return image_size_; }
  int in_channels() const { return in_channels_; }
  int num_classes() const { return num_classes_; }
  const std::vector<std::string>& class_names() const { return class_names_; }
  const InputSpec& input_spec() const { return input_spec_; }
  int64_t num_params() const;
  // The parameter `name` (e.g. "tokens.blocks.0.attn.rel_bias"), or null when the model has none of that name.
  const Tensor* weight(std::string_view name) const;
  void set_kernels(const KernelTable& k) { k_ = &k; }
  const KernelTable& kernels() const { return *k_; }

  // x [B, C, S, S] (normalized) -> logits [B, K]. trace, when non-null, receives the tensors above that it
  // requests (an existing name is overwritten); the others are not copied. An x of another shape: Error
  // (as backward), and nothing is traced.
  virtual Result<Tensor> forward(const Tensor& x, Trace* trace) const = 0;

  // Runs forward on x (only up to `layer`), then backpropagates `grad` (shaped like the traced tensor
  // `layer`: any name above, e.g. "logits" [B, K], "stages.2.1" [B, C, h, w], "blocks.3.attn.probs") down
  // to the input: d/dx of sum(grad * layer). Weight gradients (every parameter, in forward order)
  // when asked. Unknown layer, wrong grad or x shape: Error.
  virtual Result<Gradients> backward(const Tensor& x, std::string_view layer, const Tensor& grad,
                                     bool weight_grads) const = 0;

  virtual std::vector<LayerInfo> layers() const = 0;
  // Names of the traced tensors that are "layers" for the analyses, in depth order
  // (cnn: stem, stages.*; vit: embed, blocks.*; hybrid: both).
  virtual std::vector<std::string> layer_names() const = 0;

 protected:
  Arch arch_ = Arch::Vit;
  std::string meta_;
  int image_size_ = 0, in_channels_ = 0, num_classes_ = 0;
  std::vector<std::string> class_names_;
  InputSpec input_spec_;
  std::vector<std::pair<std::string, const Tensor*>> param_list_;
  SafeTensors weights_;
  const KernelTable* k_ = &kernels_simd();
};

// The model budget of a loaded file, at batch 1, checked on the model's structure before any weight is decoded.
// Every tensor of a forward pass fits the kernels' int indices with room, and the page (wasm, a 4 GiB heap at
// most) can hold the model and run it: the shipped models have at most 0.4 M parameters, activations of 33 K
// floats and 12 M MACs per image, so these limits leave room for models 100x larger than them.
inline constexpr int64_t kMaxParams = int64_t{1} << 26;      // 64 M parameters: 256 MiB as float32
inline constexpr int64_t kMaxActivation = int64_t{1} << 24;  // 16 M floats (64 MiB) in any one activation,
                                                             // attention scores H x T x T included
inline constexpr int64_t kMaxMacs = int64_t{20'000'000'000};  // multiply-adds per image: seconds in the page

// Builds the model named by the file's metadata. The file is untrusted: in this order, the safetensors header
// (core/safetensors.h), the metadata (parse_model_meta), every tensor's presence and exact shape against the
// config, no unexpected tensor, the model budget above, then the weights are decoded and must all be finite.
// Each failure is an Error that says what is wrong (docs/robustness.md lists them); nothing large is allocated
// before the budget check.
Result<std::unique_ptr<Model>> load_model(std::span<const uint8_t> safetensors_bytes);
// load_model, with errors as "<file_name>: <reason>" (a file dropped on the page, picked in a dialog).
Result<std::unique_ptr<Model>> load_model_named(std::span<const uint8_t> safetensors_bytes,
                                                const std::string& file_name);
// load_model_named on the file's bytes (at most kMaxFileBytes), errors as "<path>: <reason>".
Result<std::unique_ptr<Model>> load_model_file(const std::string& path);

// Fresh weights for the model that a "vitcnn" metadata JSON describes, initialised like PyTorch's defaults
// (conv/linear weight and bias ~ U(+-1/sqrt(fan_in)), LayerNorm 1 and 0, CLS token 0, position embedding
// ~ U(+-0.02 sqrt 3)), deterministic in `seed` on every platform; the JSON is stored as __metadata__["vitcnn"].
// rvit's relative-bias tables start as config.rel_bias_init says (models.RelPos.initial_table: the locality
// prior or zeros) and draw no random numbers: an rvit gets the vit's weights of the same seed plus the tables.
// load_model(serialize_safetensors(...)) turns them into a model (training from scratch, tests).
Result<SafeTensors> init_weights(const std::string& vitcnn_json, uint64_t seed);

}  // namespace vc
