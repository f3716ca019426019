#include "cli/npy.h"

#include <bit>
#include <cstring>
#include <fstream>

namespace vc::cli {

std::vector<uint8_t> npy_bytes(const Tensor& t) {
  static_assert(std::endian::native == std::endian::little, "npy writer assumes a little-endian host");
  // Python tuple syntax: (), (n,), (a, b, c)
  std::string shape = "(";
  for (int i = 0; i < t.rank(); ++i) shape += (i ? ", " : "") + std::to_string(t.shape[i]);
  shape += t.rank() == 1 ? ",)" : ")";
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
  // magic (6) + version (2) + header length (2) + header + '\n' must be a multiple of 64.
  const size_t pad = (64 - (10 + header.size() + 1) % 64) % 64;
  header += std::string(pad, ' ') + "\n";
  const uint8_t magic[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, static_cast<uint8_t>(header.size() & 0xFF),
                             static_cast<uint8_t>(header.size() >> 8)};
  std::vector<uint8_t> out(sizeof(magic) + header.size() + t.data.size() * sizeof(float));
  std::memcpy(out.data(), magic, sizeof(magic));
  std::memcpy(out.data() + sizeof(magic), header.data(), header.size());
  if (!t.data.empty())
    std::memcpy(out.data() + sizeof(magic) + header.size(), t.data.data(), t.data.size() * sizeof(float));
  return out;
}

Status write_npy(const std::string& path, const Tensor& t) {
  const std::vector<uint8_t> bytes = npy_bytes(t);
  std::ofstream f(path, std::ios::binary);
  if (!f) return Error{"cannot create '" + path + "'"};
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f) return Error{"cannot write '" + path + "'"};
  return {};
}

}  // namespace vc::cli
