// NumPy .npy writer (format version 1.0, dtype '<f4', C order).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/tensor.h"

namespace vc::cli {

// The complete .npy file for t: magic, version 1.0, header dict padded so the data starts at a
// multiple of 64 bytes, then the float32 values little-endian.
std::vector<uint8_t> npy_bytes(const Tensor& t);
Status write_npy(const std::string& path, const Tensor& t);

}  // namespace vc::cli
