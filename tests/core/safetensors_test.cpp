#include "core/safetensors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

namespace vc {
namespace {

// A file built by hand: 8-byte little-endian header length, the header text, then `data`.
std::vector<uint8_t> make_file(const std::string& header, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out(8);
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(static_cast<uint64_t>(header.size()) >> (8 * i));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

std::vector<uint8_t> f32_bytes(std::vector<float> v) {
  std::vector<uint8_t> out(v.size() * 4);
  std::memcpy(out.data(), v.data(), out.size());
  return out;
}

// Parses `bytes`, expects failure, and returns the message.
std::string error_of(const std::vector<uint8_t>& bytes) {
  Result<SafeTensors> r = parse_safetensors(bytes);
  EXPECT_FALSE(r.ok());
  return r.ok() ? std::string() : r.error().message;
}

SafeTensors sample() {
  SafeTensors st;
  Tensor a({2, 3});
  for (int i = 0; i < 6; ++i) a.data[i] = 0.5f * i - 1.25f;
  Tensor b({4});
  b.data = {std::numeric_limits<float>::infinity(), -0.0f, 3.0e-40f, 7.0f};
  st.tensors["layer.weight"] = a;
  st.tensors["b"] = b;
  st.tensors["empty"] = Tensor({0, 5});
  st.metadata["vitcnn"] = "{\"arch\": \"vit\"}";
  return st;
}

void expect_same(const SafeTensors& a, const SafeTensors& b) {
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (const auto& [name, t] : a.tensors) {
    ASSERT_TRUE(b.tensors.count(name)) << name;
    const Tensor& u = b.tensors.at(name);
    EXPECT_EQ(t.shape, u.shape) << name;
    ASSERT_EQ(t.data.size(), u.data.size()) << name;
    EXPECT_EQ(0, std::memcmp(t.data.data(), u.data.data(), t.data.size() * 4)) << name;
  }
  EXPECT_EQ(a.metadata, b.metadata);
}

TEST(SafeTensors, RoundTripInMemory) {
  const SafeTensors st = sample();
  const std::vector<uint8_t> bytes = serialize_safetensors(st);
  // The data section starts 8-byte aligned, as checkpoint.py writes it.
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | bytes[i];
  EXPECT_EQ(0u, n % 8);
  Result<SafeTensors> back = parse_safetensors(bytes);
  ASSERT_TRUE(back.ok()) << back.error().message;
  expect_same(st, back.value());
}

TEST(SafeTensors, RoundTripThroughFile) {
  const std::string path = testing::TempDir() + "vitcnn_safetensors_roundtrip.safetensors";
  const SafeTensors st = sample();
  ASSERT_TRUE(write_safetensors(path, st).ok());
  Result<SafeTensors> back = read_safetensors(path);
  ASSERT_TRUE(back.ok()) << back.error().message;
  expect_same(st, back.value());
  std::remove(path.c_str());
}

TEST(SafeTensors, MissingFileNamesThePath) {
  Result<SafeTensors> r = read_safetensors("/nonexistent/dir/w.safetensors");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string::npos, r.error().message.find("/nonexistent/dir/w.safetensors"));
}

TEST(SafeTensors, DecodesF16IncludingSubnormalsInfAndNan) {
  // Bit patterns and their exact binary16 values.
  const std::vector<std::pair<uint16_t, float>> cases = {
      {0x0000, 0.0f},
      {0x3C00, 1.0f},
      {0xC000, -2.0f},
      {0x3555, 0.333251953125f},
      {0x7BFF, 65504.0f},                     // largest finite
      {0x0400, std::ldexp(1.0f, -14)},        // smallest normal
      {0x0001, std::ldexp(1.0f, -24)},        // smallest subnormal
      {0x83FF, -std::ldexp(1023.0f, -24)},    // largest subnormal, negative
      {0x7C00, std::numeric_limits<float>::infinity()},
      {0xFC00, -std::numeric_limits<float>::infinity()},
  };
  std::vector<uint8_t> data;
  for (const auto& c : cases) {
    data.push_back(static_cast<uint8_t>(c.first & 0xFF));
    data.push_back(static_cast<uint8_t>(c.first >> 8));
  }
  data.push_back(0x01);  // 0x7E01: a nan
  data.push_back(0x7E);
  data.push_back(0x00);  // 0x8000: negative zero
  data.push_back(0x80);
  const size_t n = cases.size() + 2;
  const std::string header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[" + std::to_string(n) + "],\"data_offsets\":[0," +
                             std::to_string(2 * n) + "]}}";
  Result<SafeTensors> r = parse_safetensors(make_file(header, data));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Tensor& t = r->tensors.at("h");
  ASSERT_EQ(n, t.data.size());
  for (size_t i = 0; i < cases.size(); ++i) EXPECT_EQ(cases[i].second, t.data[i]) << "case " << i;
  EXPECT_TRUE(std::isnan(t.data[cases.size()]));
  EXPECT_EQ(0.0f, t.data[cases.size() + 1]);
  EXPECT_TRUE(std::signbit(t.data[cases.size() + 1]));
}

TEST(SafeTensors, ReadsOffsetsInAnyOrderAndUnalignedData) {
  // Header of odd length (data not 8-byte aligned); the second tensor lies before the first.
  const std::string header =
      "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
      "\"b\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]} }";
  Result<SafeTensors> r = parse_safetensors(make_file(header, f32_bytes({2.5f, -1.0f})));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(-1.0f, r->tensors.at("a").data[0]);
  EXPECT_EQ(2.5f, r->tensors.at("b").data[0]);
  EXPECT_TRUE(r->tensors.at("b").shape.empty());
}

TEST(SafeTensors, TruncatedFiles) {
  const std::vector<uint8_t> good = serialize_safetensors(sample());
  EXPECT_NE(std::string::npos, error_of({}).find("shorter than the 8-byte"));
  EXPECT_NE(std::string::npos, error_of({1, 2, 3}).find("shorter than the 8-byte"));
  // Cut inside the header, then inside the data.
  std::vector<uint8_t> cut(good.begin(), good.begin() + 20);
  EXPECT_NE(std::string::npos, error_of(cut).find("past the end"));
  cut.assign(good.begin(), good.end() - 3);
  EXPECT_NE(std::string::npos, error_of(cut).find("truncated"));
}

TEST(SafeTensors, HeaderLengthPastEof) {
  std::vector<uint8_t> bytes = make_file("{}", {});
  bytes[0] = 0xFF;
  bytes[7] = 0xFF;  // ~2^64: must not wrap around in the bounds check
  EXPECT_NE(std::string::npos, error_of(bytes).find("header length"));
}

TEST(SafeTensors, BadJson) {
  EXPECT_NE(std::string::npos, error_of(make_file("{\"a\": [1, 2", {})).find("not valid JSON"));
  EXPECT_NE(std::string::npos, error_of(make_file("[1, 2]", {})).find("not an object"));
  EXPECT_NE(std::string::npos, error_of(make_file("{\"__metadata__\": {\"k\": 3}}", {})).find("__metadata__"));
  EXPECT_NE(std::string::npos, error_of(make_file("{\"a\": {\"shape\": [1]}}", {})).find("dtype"));
  EXPECT_NE(std::string::npos,
            error_of(make_file("{\"a\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", {0, 0, 0, 0}))
                .find("negative"));
}

TEST(SafeTensors, OffsetsOutOfRange) {
  const std::string msg =
      error_of(make_file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", f32_bytes({1, 2})));
  EXPECT_NE(std::string::npos, msg.find("'w'"));
  EXPECT_NE(std::string::npos, msg.find("past the data section"));
  EXPECT_NE(std::string::npos,
            error_of(make_file("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", f32_bytes({1, 2})))
                .find("begin"));
}

TEST(SafeTensors, ShapeBytesMismatch) {
  const std::string msg =
      error_of(make_file("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", f32_bytes({1, 2})));
  EXPECT_NE(std::string::npos, msg.find("needs 12 bytes"));
  EXPECT_NE(std::string::npos,
            error_of(make_file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}",
                               f32_bytes({1, 2})))
                .find("absurdly large"));
}

TEST(SafeTensors, UnknownDtype) {
  const std::string msg =
      error_of(make_file("{\"w\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", {0, 0, 0, 0}));
  EXPECT_NE(std::string::npos, msg.find("BF16"));
  EXPECT_NE(std::string::npos, msg.find("'w'"));
}

}  // namespace
}  // namespace vc
