// safetensors read/write (https://huggingface.co/docs/safetensors format): 8-byte little-endian
// header length, JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}, raw data.
// F32 and F16 tensors are read (F16 widened to float32); F32 is written.
#pragma once
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"

namespace vc {

struct SafeTensors {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, std::string> metadata;  // the __metadata__ map
};

// Validates everything (header length, JSON, dtypes, offsets inside the file, shapes vs byte sizes)
// and returns a clear message naming the problem for a truncated or malformed file.
Result<SafeTensors> parse_safetensors(std::span<const uint8_t> bytes);
Result<SafeTensors> read_safetensors(const std::string& path);
std::vector<uint8_t> serialize_safetensors(const SafeTensors& st);
Status write_safetensors(const std::string& path, const SafeTensors& st);

}  // namespace vc
