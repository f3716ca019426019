#include "core/safetensors.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>

#include <nlohmann/json.hpp>

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

// Validates one header entry and decodes its bytes into a float32 tensor.
Result<Tensor> decode_entry(const std::string& name, const json& e, std::span<const uint8_t> data) {
  const std::string where = "safetensors tensor '" + name + "': ";
  if (!e.is_object()) return Error{where + "header entry is not an object"};
  if (!e.contains("dtype") || !e["dtype"].is_string()) return Error{where + "missing string \"dtype\""};
  if (!e.contains("shape") || !e["shape"].is_array()) return Error{where + "missing array \"shape\""};
  if (!e.contains("data_offsets") || !e["data_offsets"].is_array() || e["data_offsets"].size() != 2)
    return Error{where + "missing \"data_offsets\" [begin, end]"};
  const std::string dtype = e["dtype"].get<std::string>();
  size_t elem;
  if (dtype == "F32") {
    elem = 4;
  } else if (dtype == "F16") {
    elem = 2;
  } else {
    return Error{where + "unsupported dtype \"" + dtype + "\" (only F32 and F16 are read)"};
  }
  Tensor t;
  // Element count with an overflow guard: a hostile shape must not wrap around to a small number.
  uint64_t count = 1;
  for (const json& d : e["shape"]) {
    if (!d.is_number_unsigned()) return Error{where + "shape has a non-integer or negative dimension"};
    const uint64_t v = d.get<uint64_t>();
    if (v != 0 && count > (uint64_t{1} << 40) / v) return Error{where + "shape is absurdly large"};
    count *= v;
    t.shape.push_back(static_cast<int64_t>(v));
  }
  const json& off = e["data_offsets"];
  if (!off[0].is_number_unsigned() || !off[1].is_number_unsigned())
    return Error{where + "data_offsets are not non-negative integers"};
  const uint64_t begin = off[0].get<uint64_t>(), end = off[1].get<uint64_t>();
  if (begin > end) return Error{where + "data_offsets begin " + std::to_string(begin) + " > end " + std::to_string(end)};
  if (end > data.size())
    return Error{where + "data_offsets end " + std::to_string(end) + " is past the data section (" +
                 std::to_string(data.size()) + " bytes): file truncated?"};
  if (end - begin != count * elem)
    return Error{where + "shape " + t.shape_str() + " " + dtype + " needs " + std::to_string(count * elem) +
                 " bytes but data_offsets span " + std::to_string(end - begin)};
  t.data.resize(count);
  const uint8_t* src = data.data() + begin;
  if (elem == 4) {
    std::memcpy(t.data.data(), src, count * 4);
  } else {
    for (uint64_t i = 0; i < count; ++i) t.data[i] = half_to_float(static_cast<uint16_t>(src[2 * i] | (src[2 * i + 1] << 8)));
  }
  return t;
}

}  // namespace

Result<SafeTensors> parse_safetensors(std::span<const uint8_t> bytes) {
  if (bytes.size() < 8)
    return Error{"safetensors: file is " + std::to_string(bytes.size()) + " bytes, shorter than the 8-byte header length"};
  const uint64_t header_len = read_u64_le(bytes.data());
  if (header_len > bytes.size() - 8)
    return Error{"safetensors: header length " + std::to_string(header_len) + " runs past the end of the file (" +
                 std::to_string(bytes.size()) + " bytes): file truncated or not safetensors"};
  const char* head = reinterpret_cast<const char*>(bytes.data() + 8);
  const json header = json::parse(head, head + header_len, nullptr, false);
  if (header.is_discarded()) return Error{"safetensors: header is not valid JSON"};
  if (!header.is_object()) return Error{"safetensors: header JSON is not an object"};
  const std::span<const uint8_t> data = bytes.subspan(8 + header_len);
  SafeTensors st;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) return Error{"safetensors: __metadata__ is not an object"};
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) return Error{"safetensors: __metadata__[\"" + key + "\"] is not a string"};
        st.metadata[key] = value.get<std::string>();
      }
      continue;
    }
    Result<Tensor> t = decode_entry(name, entry, data);
    if (!t) return t.error();
    st.tensors.emplace(name, std::move(t.value()));
  }
  return st;
}

Result<SafeTensors> read_safetensors(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return Error{"cannot open '" + path + "'"};
  std::vector<uint8_t> bytes;
  uint8_t buf[1 << 16];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f.get())) > 0;) bytes.insert(bytes.end(), buf, buf + n);
  if (std::ferror(f.get())) return Error{"error reading '" + path + "'"};
  Result<SafeTensors> st = parse_safetensors(bytes);
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
