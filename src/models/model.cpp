#include "models/model.h"

#include <cmath>
#include <utility>

#include "models/network.h"

namespace vc {

const char* layer_type(LayerKind kind) {
  switch (kind) {
    case LayerKind::Stem: return "conv3x3";
    case LayerKind::BasicBlock: return "basic_block";
    case LayerKind::PatchEmbed: return "patch_embed";
    case LayerKind::TokenProj: return "token_proj";
    case LayerKind::TransformerBlock: return "transformer_block";
    case LayerKind::Norm: return "layernorm";
    case LayerKind::AvgPool: return "avgpool";
    case LayerKind::ClsPool: return "cls_token";
    case LayerKind::Head: return "linear";
  }
  return "";
}

TraceKind trace_kind(LayerKind kind) {
  switch (kind) {
    case LayerKind::Stem:
    case LayerKind::BasicBlock:
    case LayerKind::PatchEmbed:
    case LayerKind::TokenProj:
    case LayerKind::TransformerBlock: return TraceKind::Layer;
    case LayerKind::Norm: return TraceKind::Norm;
    case LayerKind::AvgPool:
    case LayerKind::ClsPool: return TraceKind::Pool;
    case LayerKind::Head: return TraceKind::Logits;
  }
  return TraceKind::Layer;
}

bool is_analysis_layer(LayerKind kind) { return trace_kind(kind) == TraceKind::Layer; }

std::vector<int64_t> FeatureShape::dims() const {
  switch (layout) {
    case Layout::Map: return {1, channels, h, w};
    case Layout::Tokens: return {1, tokens(), channels};
    case Layout::Vector: return {1, channels};
  }
  return {};
}

TraceRequest::TraceRequest(std::initializer_list<TraceKind> kinds) {
  for (TraceKind k : kinds) add(k);
}

TraceRequest TraceRequest::everything() {
  TraceRequest r;
  r.kinds_ = (1u << kTraceKinds) - 1;
  return r;
}

TraceRequest& TraceRequest::add(TraceKind kind) {
  kinds_ |= 1u << static_cast<int>(kind);
  return *this;
}

TraceRequest& TraceRequest::add(std::string name) {
  names_.insert(std::move(name));
  return *this;
}

bool TraceRequest::wants(TraceKind kind, std::string_view name) const {
  return (kinds_ >> static_cast<int>(kind) & 1u) || (!names_.empty() && names_.find(name) != names_.end());
}

void Trace::put(TraceKind kind, std::string_view name, const Tensor& value) {
  if (!wants(kind, name)) return;
  if (auto it = index_.find(name); it != index_.end()) {
    entries_[it->second].value = value;
    return;
  }
  index_.emplace(std::string(name), entries_.size());
  entries_.push_back({std::string(name), kind, value});
}

const Tensor* Trace::find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &entries_[it->second].value;
}

std::vector<Trace::Entry> Trace::release() {
  index_.clear();
  return std::exchange(entries_, {});
}

std::vector<std::string> Trace::names() const {
  std::vector<std::string> out;
  for (const Entry& e : entries_) out.push_back(e.name);
  return out;
}

int64_t Trace::bytes() const {
  int64_t n = 0;
  for (const Entry& e : entries_) n += static_cast<int64_t>(e.value.data.size() * sizeof(float));
  return n;
}

int64_t Model::num_params() const {
  int64_t n = 0;
  for (const auto& p : param_list_) n += p.second->numel();
  return n;
}

const Tensor* Model::weight(std::string_view name) const {
  for (const auto& p : param_list_)
    if (p.first == name) return p.second;
  return nullptr;
}

namespace {

// The structure's size at batch 1 against kMaxParams, kMaxActivation and kMaxMacs (model.h).
Status check_budget(const Model& m, const ModelConfig& c) {
  // The config's parameters: LayerInfo::params counts a weight the file lacks or mis-shapes at its config size.
  const std::vector<LayerInfo> layers = m.layers();
  int64_t params = 0, macs = 0;
  for (const LayerInfo& l : layers) params += l.params;
  if (params > kMaxParams)
    return Error{"the model has " + std::to_string(params) + " parameters (at most " + std::to_string(kMaxParams) +
                 ")"};
  for (const LayerInfo& l : layers) {
    // The step's output, and inside a transformer block the qkv [T, 3D], scores [H, T, T] and MLP [T, hidden].
    std::vector<int64_t> sizes = {numel_of(l.out.dims())};
    if (l.kind == LayerKind::TransformerBlock) {
      const int64_t T = l.in.tokens();
      sizes.insert(sizes.end(), {T * 3 * c.dim, T * T * c.heads, T * c.mlp_hidden});
    }
    for (int64_t n : sizes)
      if (n > kMaxActivation)
        return Error{"layer '" + l.name + "' needs an activation of " + std::to_string(n) +
                     " floats for one image (at most " + std::to_string(kMaxActivation) + ")"};
    macs += l.macs;
    if (macs > kMaxMacs)
      return Error{"the model needs more than " + std::to_string(kMaxMacs) + " multiply-adds per image (at layer '" +
                   l.name + "')"};
  }
  return {};
}

// The first NaN or infinity of the weights, as an error.
Status check_finite(const SafeTensors& st) {
  for (const auto& [name, t] : st.tensors)
    for (size_t i = 0; i < t.data.size(); ++i)
      if (!std::isfinite(t.data[i]))
        return Error{"tensor '" + name + "' holds " + (std::isnan(t.data[i]) ? "NaN" : "an infinity") +
                     " at element " + std::to_string(i)};
  return {};
}

}  // namespace

Result<std::unique_ptr<Model>> load_model(std::span<const uint8_t> safetensors_bytes) {
  Result<SafeTensorsHeader> header = parse_safetensors_header(safetensors_bytes);
  if (!header) return header.error();
  auto it = header->metadata.find("vitcnn");
  if (it == header->metadata.end())
    return Error{"not a ViT vs CNN Lab weight file: __metadata__ has no \"vitcnn\" entry"};
  const std::string& meta_json = it->second;
  Result<ModelMeta> meta = parse_model_meta(meta_json);
  if (!meta) return meta.error();
  // The chain built on the header's shapes alone (no weight data): the budget, then missing, mis-shaped and
  // unexpected tensors, are checked before anything is decoded.
  SafeTensors shapes;
  for (const auto& [name, e] : header->tensors) shapes.tensors[name].shape = e.shape;
  Network plan(meta.value(), meta_json, std::move(shapes));
  const Status bound = plan.build();
  if (Status s = check_budget(plan, meta->config); !s) return s.error();
  if (!bound) return bound.error();
  SafeTensors weights = decode_safetensors(header.value());
  if (Status s = check_finite(weights); !s) return s.error();
  auto net = std::make_unique<Network>(std::move(meta.value()), meta_json, std::move(weights));
  if (Status s = net->build(); !s) return s.error();
  return std::unique_ptr<Model>(std::move(net));
}

Result<std::unique_ptr<Model>> load_model_named(std::span<const uint8_t> safetensors_bytes,
                                                const std::string& file_name) {
  Result<std::unique_ptr<Model>> model = load_model(safetensors_bytes);
  if (!model) return Error{file_name + ": " + model.error().message};
  return model;
}

Result<SafeTensors> init_weights(const std::string& vitcnn_json, uint64_t seed) {
  Result<ModelMeta> meta = parse_model_meta(vitcnn_json);
  if (!meta) return meta.error();
  SafeTensors empty;
  empty.metadata["vitcnn"] = vitcnn_json;
  Network net(std::move(meta.value()), vitcnn_json, std::move(empty));
  if (Status s = net.build(&seed); !s) return s.error();
  return std::move(net.weights());
}

Result<std::unique_ptr<Model>> load_model_file(const std::string& path) {
  Result<std::vector<uint8_t>> bytes = read_file_bytes(path);
  if (!bytes) return bytes.error();
  return load_model_named(bytes.value(), path);
}

}  // namespace vc
