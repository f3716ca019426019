// libFuzzer target: a weight file as the lab receives it (a drop, a fetch, `vitcnn --model`): parse_safetensors,
// then load_model (metadata config, model construction, every tensor checked against it), then, for a model small
// enough, one batch-1 forward pass on a zero image with every tensor traced.
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/safetensors.h"
#include "models/model.h"

namespace {

// A forward pass of at most this many multiply-adds (one image): the seed corpus's tiny models need a few
// thousand; the cap keeps a loadable but large model (or a large image_size) from timing the fuzzer out.
constexpr int64_t kMaxForwardMacs = 2'000'000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  if (!vc::parse_safetensors(bytes)) return 0;
  auto model = vc::load_model(bytes);
  if (!model) return 0;
  const vc::Model& m = **model;
  int64_t macs = 0;
  for (const vc::LayerInfo& layer : m.layers()) {
    if (layer.macs < 0 || layer.macs > kMaxForwardMacs - macs) return 0;
    macs += layer.macs;
  }
  vc::Trace trace(vc::TraceRequest::everything());
  const vc::Tensor x({1, m.in_channels(), m.image_size(), m.image_size()});
  (void)m.forward(x, &trace);
  return 0;
}
