// safetensors read/write (https://huggingface.co/docs/safetensors format): 8-byte little-endian
// header length, JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}, raw data.
// F32 and F16 tensors are read (F16 widened to float32); F32 is written.
// Files are untrusted (a user drops one on the page): the header is validated completely before any tensor
// is allocated, and every limit below is checked before the allocation it bounds (docs/robustness.md).
#pragma once
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"

namespace vc {

// Header text: the shipped headers are at most 11 KB (about 200 tensor entries and 2 KB of metadata); 1 MiB
// leaves room for models 50x larger and keeps a hostile length from reserving memory or parse time.
inline constexpr uint64_t kMaxHeaderBytes = uint64_t{1} << 20;
// Dimensions of one tensor: the models use at most 4.
inline constexpr size_t kMaxTensorRank = 8;
// Elements of one tensor: 2^40 keeps count * 4 bytes far from uint64 overflow; the data section bounds it anyway.
inline constexpr uint64_t kMaxTensorElements = uint64_t{1} << 40;
// A file read from disk: 1 GiB (the shipped checkpoints are 1.6 MB; the model budget of models/model.h allows
// 256 MiB of float32 weights). Checked from the file size before reading it.
inline constexpr uint64_t kMaxFileBytes = uint64_t{1} << 30;

struct SafeTensors {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, std::string> metadata;  // the __metadata__ map
};

// One tensor as the header describes it, already checked against the data section.
struct TensorEntry {
  int elem_bytes = 4;  // 4: F32, 2: F16
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // byte range [begin, end) of the data section
};

// A validated header: every entry's dtype, shape and byte range; the ranges tile the data section exactly
// (no overlap, no hole, nothing after the last tensor), as the format requires.
struct SafeTensorsHeader {
  std::map<std::string, TensorEntry> tensors;
  std::map<std::string, std::string> metadata;
  std::span<const uint8_t> data;  // the data section, inside the bytes that were parsed
};

// Validates everything (header length, JSON, dtypes, shapes, offsets) without allocating tensors, and returns a
// clear message naming the problem for a truncated, malformed or hostile file.
Result<SafeTensorsHeader> parse_safetensors_header(std::span<const uint8_t> bytes);
// The tensors of a validated header as float32 (allocates at most 2x the data section).
SafeTensors decode_safetensors(const SafeTensorsHeader& header);
// parse_safetensors_header, then decode_safetensors.
Result<SafeTensors> parse_safetensors(std::span<const uint8_t> bytes);
// The bytes of a file of at most kMaxFileBytes; errors name the path.
Result<std::vector<uint8_t>> read_file_bytes(const std::string& path);
Result<SafeTensors> read_safetensors(const std::string& path);
std::vector<uint8_t> serialize_safetensors(const SafeTensors& st);
Status write_safetensors(const std::string& path, const SafeTensors& st);

}  // namespace vc
