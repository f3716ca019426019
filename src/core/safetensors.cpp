#include "core/safetensors.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>

#include "core/strict_json.h"

namespace vc {

namespace {

using json = nlohmann::json;

// IEEE 754 binary16 -> binary32: normal numbers rebias the exponent (15 -> 127), subnormals are
// mantissa * 2^-24, exponent 31 is inf (mantissa 0) or nan (mantissa kept, so payloads survive).
float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1Fu;
  const uint32_t man = h & 0x3FFu;
  uint32_t bits;
  if (exp == 0) {
    const float mag = std::ldexp(static_cast<float>(man), -24);
    return sign ? -mag : mag;
  } else if (exp == 31) {
    bits = sign | 0x7F800000u | (man << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

uint64_t read_u64_le(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Validates one header entry against the data section (its bytes are not read).
Result<TensorEntry> parse_entry(const std::string& name, const json& e, uint64_t data_size) {
  const std::string where = "safetensors tensor '" + name + "': ";
  if (!e.is_object()) return Error{where + "header entry is not an object"};
  if (!e.contains("dtype") || !e["dtype"].is_string()) return Error{where + "missing string \"dtype\""};
  if (!e.contains("shape") || !e["shape"].is_array()) return Error{where + "missing array \"shape\""};
  if (!e.contains("data_offsets") || !e["data_offsets"].is_array() || e["data_offsets"].size() != 2)
    return Error{where + "missing \"data_offsets\" [begin, end]"};
  const std::string dtype = e["dtype"].get<std::string>();
  TensorEntry t;
  if (dtype == "F32") {
    t.elem_bytes = 4;
  } else if (dtype == "F16") {
    t.elem_bytes = 2;
  } else {
    return Error{where + "unsupported dtype \"" + dtype + "\" (only F32 and F16 are read)"};
  }
  if (e["shape"].size() > kMaxTensorRank)
    return Error{where + "shape has " + std::to_string(e["shape"].size()) + " dimensions (at most " +
                 std::to_string(kMaxTensorRank) + ")"};
  // Element count with an overflow guard: a hostile shape must not wrap around to a small number.
  uint64_t count = 1;
  for (const json& d : e["shape"]) {
    if (!d.is_number_unsigned()) return Error{where + "shape has a non-integer or negative dimension"};
    const uint64_t v = d.get<uint64_t>();
    if (v != 0 && count > kMaxTensorElements / v)
      return Error{where + "shape is absurdly large (more than 2^40 elements)"};
    count *= v;
    t.shape.push_back(static_cast<int64_t>(v));
  }
  const json& off = e["data_offsets"];
  if (!off[0].is_number_unsigned() || !off[1].is_number_unsigned())
    return Error{where + "data_offsets are not non-negative integers"};
  t.begin = off[0].get<uint64_t>();
  t.end = off[1].get<uint64_t>();
  if (t.begin > t.end)
    return Error{where + "data_offsets begin " + std::to_string(t.begin) + " > end " + std::to_string(t.end)};
  if (t.end > data_size)
    return Error{where + "data_offsets end " + std::to_string(t.end) + " is past the data section (" +
                 std::to_string(data_size) + " bytes): file truncated?"};
  if (t.end - t.begin != count * t.elem_bytes)
    return Error{where + "shape " + shape_string(t.shape) + " " + dtype + " needs " +
                 std::to_string(count * t.elem_bytes) + " bytes but data_offsets span " +
                 std::to_string(t.end - t.begin)};
  return t;
}

// The byte ranges must tile [0, data_size): sorted by begin, each starts where the previous one ended.
Status check_tiling(const std::map<std::string, TensorEntry>& tensors, uint64_t data_size) {
  std::vector<std::pair<const std::string*, const TensorEntry*>> order;
  for (const auto& [name, t] : tensors) order.emplace_back(&name, &t);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return std::pair(a.second->begin, a.second->end) < std::pair(b.second->begin, b.second->end);
  });
  const auto range = [](const TensorEntry& t) {
    std::string r = "[";
    return r.append(std::to_string(t.begin)).append(", ").append(std::to_string(t.end)).append(")");
  };
  uint64_t covered = 0;
  const std::pair<const std::string*, const TensorEntry*>* last = nullptr;
  for (const auto& cur : order) {
    const TensorEntry& t = *cur.second;
    if (t.begin < covered)
      return Error{"safetensors: tensors '" + *last->first + "' (bytes " + range(*last->second) + ") and '" +
                   *cur.first + "' (bytes " + range(t) + ") overlap"};
    if (t.begin > covered)
      return Error{"safetensors: bytes [" + std::to_string(covered) + ", " + std::to_string(t.begin) +
                   ") of the data section belong to no tensor (the format allows no holes)"};
    if (t.end > t.begin) {
      covered = t.end;
      last = &cur;
    }
  }
  if (covered != data_size)
    return Error{"safetensors: the data section has " + std::to_string(data_size - covered) +
                 " bytes after the last tensor (the format allows no trailing data)"};
  return {};
}

}  // namespace

Result<SafeTensorsHeader> parse_safetensors_header(std::span<const uint8_t> bytes) {
  if (bytes.size() < 8)
    return Error{"safetensors: file is " + std::to_string(bytes.size()) + " bytes, shorter than the 8-byte header length"};
  const uint64_t header_len = read_u64_le(bytes.data());
  if (header_len > kMaxHeaderBytes)
    return Error{"safetensors: header length " + std::to_string(header_len) + " exceeds the limit of " +
                 std::to_string(kMaxHeaderBytes) + " bytes"};
  if (header_len > bytes.size() - 8)
    return Error{"safetensors: header length " + std::to_string(header_len) + " runs past the end of the file (" +
                 std::to_string(bytes.size()) + " bytes): file truncated or not safetensors"};
  Result<json> parsed = parse_strict_json(
      std::string_view(reinterpret_cast<const char*>(bytes.data() + 8), header_len), "safetensors: header");
  if (!parsed) return parsed.error();
  const json& header = parsed.value();
  if (!header.is_object()) return Error{"safetensors: header JSON is not an object"};
  SafeTensorsHeader out;
  out.data = bytes.subspan(8 + header_len);
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) return Error{"safetensors: __metadata__ is not an object"};
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) return Error{"safetensors: __metadata__[\"" + key + "\"] is not a string"};
        out.metadata[key] = value.get<std::string>();
      }
      continue;
    }
    Result<TensorEntry> t = parse_entry(name, entry, out.data.size());
    if (!t) return t.error();
    out.tensors.emplace(name, std::move(t.value()));
  }
  if (Status s = check_tiling(out.tensors, out.data.size()); !s) return s.error();
  return out;
}

SafeTensors decode_safetensors(const SafeTensorsHeader& header) {
  SafeTensors st;
  st.metadata = header.metadata;
  for (const auto& [name, e] : header.tensors) {
    Tensor t;
    t.shape = e.shape;
    const uint64_t count = (e.end - e.begin) / e.elem_bytes;
    t.data.resize(count);
    const uint8_t* src = header.data.data() + e.begin;
    if (e.elem_bytes == 4) {
      std::memcpy(t.data.data(), src, count * 4);
    } else {
      for (uint64_t i = 0; i < count; ++i)
        t.data[i] = half_to_float(static_cast<uint16_t>(src[2 * i] | (src[2 * i + 1] << 8)));
    }
    st.tensors.emplace(name, std::move(t));
  }
  return st;
}

Result<SafeTensors> parse_safetensors(std::span<const uint8_t> bytes) {
  Result<SafeTensorsHeader> header = parse_safetensors_header(bytes);
  if (!header) return header.error();
  return decode_safetensors(header.value());
}

Result<std::vector<uint8_t>> read_file_bytes(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return Error{"cannot open '" + path + "'"};
  // The size first: a huge file is refused before anything is read or reserved.
  if (std::fseek(f.get(), 0, SEEK_END) != 0) return Error{"error reading '" + path + "'"};
  const long size = std::ftell(f.get());
  if (size < 0 || std::fseek(f.get(), 0, SEEK_SET) != 0) return Error{"error reading '" + path + "'"};
  if (static_cast<uint64_t>(size) > kMaxFileBytes)
    return Error{path + ": file is " + std::to_string(size) + " bytes, more than the limit of " +
                 std::to_string(kMaxFileBytes)};
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  if (std::fread(bytes.data(), 1, bytes.size(), f.get()) != bytes.size()) return Error{"error reading '" + path + "'"};
  return bytes;
}

Result<SafeTensors> read_safetensors(const std::string& path) {
  Result<std::vector<uint8_t>> bytes = read_file_bytes(path);
  if (!bytes) return bytes.error();
  Result<SafeTensors> st = parse_safetensors(bytes.value());
  if (!st) return Error{path + ": " + st.error().message};
  return st;
}

std::vector<uint8_t> serialize_safetensors(const SafeTensors& st) {
  json header = json::object();
  uint64_t offset = 0;
  for (const auto& [name, t] : st.tensors) {
    const uint64_t n = t.data.size() * 4;
    header[name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + n}}};
    offset += n;
  }
  if (!st.metadata.empty()) header["__metadata__"] = st.metadata;
  std::string head = header.dump();
  head.append((8 - head.size() % 8) % 8, ' ');  // align the data section to 8 bytes
  std::vector<uint8_t> out(8 + head.size() + offset);
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(static_cast<uint64_t>(head.size()) >> (8 * i));
  std::memcpy(out.data() + 8, head.data(), head.size());
  uint8_t* dst = out.data() + 8 + head.size();
  for (const auto& [name, t] : st.tensors) {
    std::memcpy(dst, t.data.data(), t.data.size() * 4);
    dst += t.data.size() * 4;
  }
  return out;
}

Status write_safetensors(const std::string& path, const SafeTensors& st) {
  const std::vector<uint8_t> bytes = serialize_safetensors(st);
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!f) return Error{"cannot open '" + path + "' for writing"};
  if (std::fwrite(bytes.data(), 1, bytes.size(), f.get()) != bytes.size()) return Error{"error writing '" + path + "'"};
  if (std::fclose(f.release()) != 0) return Error{"error closing '" + path + "'"};
  return {};
}

}  // namespace vc
