// Dense, contiguous, row-major float32 tensor (the only tensor type of the core).
// Shapes follow PyTorch: images [B, C, H, W], tokens [B, T, D], logits [B, K].
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace vc {

struct Tensor {
  std::vector<int64_t> shape;
  std::vector<float> data;

  Tensor() = default;
  explicit Tensor(std::vector<int64_t> s, float fill = 0.0f);
  Tensor(std::initializer_list<int64_t> s) : Tensor(std::vector<int64_t>(s)) {}

  int rank() const { return static_cast<int>(shape.size()); }
  int64_t dim(int i) const { return shape[i < 0 ? i + rank() : i]; }
  int64_t numel() const;
  float* ptr() { return data.data(); }
  const float* ptr() const { return data.data(); }
  bool same_shape(const Tensor& o) const { return shape == o.shape; }
  std::string shape_str() const;  // "[1, 64, 8, 8]"
};

int64_t numel_of(const std::vector<int64_t>& shape);
// "[1, 64, 8, 8]", without allocating a tensor of that shape.
std::string shape_string(const std::vector<int64_t>& shape);

}  // namespace vc
