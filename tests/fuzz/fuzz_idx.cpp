// libFuzzer target: the IDX reader (raw, or gzip inflated by stb's zlib decoder and checked against the gzip
// trailer), as the lab runs it on the fetched test set; a parsed array must hold exactly what its dims declare.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "core/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto arr = vc::parse_idx(std::span<const uint8_t>(data, size));
  if (!arr) return 0;
  size_t count = 1;
  for (int d : arr->dims) {
    if (d < 0) std::abort();
    count *= static_cast<size_t>(d);
  }
  if (count != arr->bytes.size()) std::abort();
  return 0;
}
