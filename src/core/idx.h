// IDX (MNIST / Fashion-MNIST) reader; gzip-compressed files are inflated with stb's zlib decoder.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"

namespace vc {

struct IdxArray {
  std::vector<int> dims;       // e.g. {10000, 28, 28} or {10000}
  std::vector<uint8_t> bytes;  // unsigned-byte payload, row-major
};

Result<IdxArray> parse_idx(std::span<const uint8_t> bytes);  // raw or gzip
Result<IdxArray> read_idx_file(const std::string& path);

struct LabeledImages {
  int count = 0, rows = 28, cols = 28;
  std::vector<uint8_t> images;  // [count, rows, cols]
  std::vector<uint8_t> labels;  // [count]
};

// Pairs an image IDX [count, rows, cols] with a label IDX [count] (labels 0..9), checking the shapes.
Result<LabeledImages> make_labeled_images(IdxArray images, IdxArray labels);

// split: "t10k" or "train"; dir defaults to Debian's /usr/share/datasets/fashion-mnist.
Result<LabeledImages> load_fashion_mnist(const std::string& dir, const std::string& split);
constexpr const char* kDefaultFashionMnistDir = "/usr/share/datasets/fashion-mnist";

}  // namespace vc
