#include "core/idx.h"

#include <array>
#include <cstdio>
#include <memory>
#include <utility>

#include <stb/stb_image.h>

namespace vc {

namespace {

constexpr size_t kMaxInflated = 512u << 20;  // the 60k training images are 47 MB; anything far larger is bogus
constexpr size_t kMaxFile = 512u << 20;
constexpr uint8_t kIdxUnsignedByte = 0x08;

uint32_t read_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
uint32_t read_le32(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as stored in the gzip trailer.
uint32_t crc32(std::span<const uint8_t> data) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  uint32_t c = 0xFFFFFFFFu;
  for (uint8_t b : data) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

bool is_gzip(std::span<const uint8_t> bytes) { return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b; }

// Inflates a single-member gzip file (RFC 1952): header, raw deflate stream, CRC-32 + size trailer.
Result<std::vector<uint8_t>> gunzip(std::span<const uint8_t> bytes) {
  constexpr size_t kHeader = 10, kTrailer = 8;
  if (bytes.size() < kHeader + kTrailer) return Error{"gzip data is truncated (shorter than its header)"};
  if (bytes[2] != 8) return Error{"gzip data uses an unknown compression method"};
  const uint8_t flags = bytes[3];
  if (flags & 0xE0) return Error{"gzip header has reserved flag bits set (corrupt file?)"};
  size_t pos = kHeader;
  const size_t end = bytes.size() - kTrailer;
  if (flags & 0x04) {  // FEXTRA: 2-byte little-endian length, then that many bytes
    if (pos + 2 > end) return Error{"gzip header is truncated"};
    pos += 2 + (bytes[pos] | (bytes[pos + 1] << 8));
  }
  for (uint8_t zero_terminated : {uint8_t{0x08}, uint8_t{0x10}}) {  // FNAME, FCOMMENT
    if (!(flags & zero_terminated)) continue;
    while (pos < end && bytes[pos] != 0) ++pos;
    ++pos;
  }
  if (flags & 0x02) pos += 2;  // FHCRC
  if (pos >= end) return Error{"gzip header is truncated"};
  const uint32_t want_crc = read_le32(&bytes[end]);
  const size_t want_size = read_le32(&bytes[end + 4]);
  // An IDX file is never empty; and stb's decoder would copy a stored block to the null data() of an empty buffer.
  if (want_size == 0) return Error{"gzip data declares 0 bytes uncompressed (an empty file)"};
  if (want_size > kMaxInflated)
    return Error{"gzip data declares " + std::to_string(want_size) + " bytes uncompressed (limit " +
                 std::to_string(kMaxInflated) + ")"};
  // Deflate expands at most 1032:1, so a larger claim means a truncated or forged trailer.
  if (want_size > (end - pos) * 1032 + 1024)
    return Error{"gzip data is truncated or corrupt (its trailer claims an impossible size)"};
  // Inflate into a buffer of exactly the declared size: a stream that would produce more fails.
  // The input includes the 8 trailer bytes: stb's decoder refuses a final code in the last 16 bits
  // of its input, and it stops at the final block anyway.
  std::vector<uint8_t> out(want_size);
  const int got = stbi_zlib_decode_noheader_buffer(reinterpret_cast<char*>(out.data()), static_cast<int>(out.size()),
                                                   reinterpret_cast<const char*>(&bytes[pos]),
                                                   static_cast<int>(bytes.size() - pos));
  if (got < 0 || static_cast<size_t>(got) != want_size || crc32(out) != want_crc)
    return Error{"gzip data is corrupt or truncated (inflate failed or checksum mismatch)"};
  return out;
}

Result<IdxArray> parse_raw_idx(std::span<const uint8_t> bytes) {
  if (bytes.size() < 4) return Error{"IDX data is truncated (" + std::to_string(bytes.size()) + " bytes)"};
  if (bytes[0] != 0 || bytes[1] != 0) return Error{"not an IDX file (bad magic number)"};
  if (bytes[2] != kIdxUnsignedByte)
    return Error{"IDX element type " + std::to_string(bytes[2]) + " is not supported (only 8 = unsigned byte)"};
  const int rank = bytes[3];
  if (rank < 1 || rank > 8) return Error{"IDX data has " + std::to_string(rank) + " dimensions (1 to 8 supported)"};
  const size_t header = 4 + 4 * static_cast<size_t>(rank);
  if (bytes.size() < header) return Error{"IDX header is truncated"};
  IdxArray arr;
  const size_t payload = bytes.size() - header;
  size_t count = 1;
  for (int d = 0; d < rank; ++d) {
    const uint32_t dim = read_be32(&bytes[4 + 4 * d]);
    // Reject before multiplying further, so a huge declared size can neither overflow nor allocate.
    if (dim > payload || (dim != 0 && count > payload / dim))
      return Error{"IDX header declares more data than the file holds (" + std::to_string(payload) + " bytes)"};
    count *= dim;
    arr.dims.push_back(static_cast<int>(dim));
  }
  if (count != payload)
    return Error{"IDX size mismatch: header declares " + std::to_string(count) + " bytes, file holds " +
                 std::to_string(payload)};
  arr.bytes.assign(bytes.begin() + header, bytes.end());
  return arr;
}

}  // namespace

Result<IdxArray> parse_idx(std::span<const uint8_t> bytes) {
  if (!is_gzip(bytes)) return parse_raw_idx(bytes);
  auto raw = gunzip(bytes);
  if (!raw) return raw.error();
  return parse_raw_idx(raw.value());
}

Result<IdxArray> read_idx_file(const std::string& path) {
  std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return Error{"cannot open " + path};
  std::vector<uint8_t> bytes;
  uint8_t chunk[1 << 16];
  size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof chunk, f.get())) > 0) {
    if (bytes.size() + n > kMaxFile) return Error{path + " is too large for an IDX file"};
    bytes.insert(bytes.end(), chunk, chunk + n);
  }
  if (std::ferror(f.get())) return Error{"read error on " + path};
  auto arr = parse_idx(bytes);
  if (!arr) return Error{path + ": " + arr.error().message};
  return arr;
}

Result<LabeledImages> make_labeled_images(IdxArray images, IdxArray labels) {
  if (images.dims.size() != 3) return Error{"image IDX must have 3 dimensions [count, rows, cols]"};
  if (labels.dims.size() != 1) return Error{"label IDX must have 1 dimension [count]"};
  if (images.dims[0] != labels.dims[0])
    return Error{"image and label counts differ (" + std::to_string(images.dims[0]) + " vs " +
                 std::to_string(labels.dims[0]) + ")"};
  for (uint8_t label : labels.bytes)
    if (label >= 10) return Error{"label " + std::to_string(label) + " is outside 0..9"};
  LabeledImages out;
  out.count = images.dims[0];
  out.rows = images.dims[1];
  out.cols = images.dims[2];
  out.images = std::move(images.bytes);
  out.labels = std::move(labels.bytes);
  return out;
}

Result<LabeledImages> load_fashion_mnist(const std::string& dir, const std::string& split) {
  if (split != "t10k" && split != "train") return Error{"unknown split '" + split + "' (use t10k or train)"};
  // Prefer the uncompressed file when both exist; Debian ships only the .gz.
  auto read_either = [&](const std::string& stem) -> Result<IdxArray> {
    const std::string raw = dir + "/" + split + "-" + stem;
    if (std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(raw.c_str(), "rb"), &std::fclose); f)
      return read_idx_file(raw);
    return read_idx_file(raw + ".gz");
  };
  auto images = read_either("images-idx3-ubyte");
  if (!images) return images.error();
  auto labels = read_either("labels-idx1-ubyte");
  if (!labels) return labels.error();
  return make_labeled_images(std::move(images).value(), std::move(labels).value());
}

}  // namespace vc
