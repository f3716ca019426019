#include "core/idx.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>

namespace vc {
namespace {

// An IDX file of unsigned bytes: magic 00 00 08 <rank>, big-endian dims, payload.
std::vector<uint8_t> make_idx(const std::vector<uint32_t>& dims, const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> out = {0, 0, 0x08, static_cast<uint8_t>(dims.size())};
  for (uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(d >> shift));
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

// Bit-at-a-time CRC-32 (an independent reference for the table-driven one in idx.cpp).
uint32_t reference_crc32(const std::vector<uint8_t>& data) {
  uint32_t c = 0xFFFFFFFFu;
  for (uint8_t b : data) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
  }
  return ~c;
}

void push_le32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// A gzip member with an FNAME field and one stored (uncompressed) deflate block (RFC 1951 BTYPE 00).
std::vector<uint8_t> make_gzip(const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out = {0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 3};
  for (char c : std::string("test.idx")) out.push_back(static_cast<uint8_t>(c));
  out.push_back(0);
  const uint16_t len = static_cast<uint16_t>(data.size());
  out.insert(out.end(), {0x01, static_cast<uint8_t>(len), static_cast<uint8_t>(len >> 8),
                         static_cast<uint8_t>(~len), static_cast<uint8_t>(~len >> 8)});
  out.insert(out.end(), data.begin(), data.end());
  push_le32(out, reference_crc32(data));
  push_le32(out, static_cast<uint32_t>(data.size()));
  return out;
}

const std::vector<uint8_t> kPayload = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

TEST(Idx, ParsesRawIdx) {
  auto arr = parse_idx(make_idx({3, 2, 2}, kPayload));
  ASSERT_TRUE(arr.ok()) << arr.error().message;
  EXPECT_EQ(arr->dims, (std::vector<int>{3, 2, 2}));
  EXPECT_EQ(arr->bytes, kPayload);
}

TEST(Idx, ParsesGzipWithHeaderFields) {
  auto arr = parse_idx(make_gzip(make_idx({3, 4}, kPayload)));
  ASSERT_TRUE(arr.ok()) << arr.error().message;
  EXPECT_EQ(arr->dims, (std::vector<int>{3, 4}));
  EXPECT_EQ(arr->bytes, kPayload);
}

TEST(Idx, RejectsEveryTruncationOfGzip) {
  const auto gz = make_gzip(make_idx({3, 4}, kPayload));
  for (size_t n = 0; n < gz.size(); ++n) {
    auto arr = parse_idx(std::span(gz.data(), n));
    EXPECT_FALSE(arr.ok()) << "accepted a gzip cut to " << n << " of " << gz.size() << " bytes";
  }
}

TEST(Idx, RejectsCorruptGzipPayload) {
  auto gz = make_gzip(make_idx({3, 4}, kPayload));
  gz[gz.size() - 12] ^= 0x40;  // a payload byte: the CRC no longer matches
  auto arr = parse_idx(gz);
  ASSERT_FALSE(arr.ok());
  EXPECT_NE(arr.error().message.find("corrupt"), std::string::npos) << arr.error().message;
}

TEST(Idx, RejectsHugeDeclaredGzipSize) {
  auto gz = make_gzip(make_idx({3, 4}, kPayload));
  for (int i = 1; i <= 4; ++i) gz[gz.size() - i] = 0xFF;  // ISIZE = 4 GiB - 1
  auto arr = parse_idx(gz);
  ASSERT_FALSE(arr.ok());
  EXPECT_NE(arr.error().message.find("declares"), std::string::npos) << arr.error().message;
}

TEST(Idx, RejectsEmptyGzip) {
  // A stored block of 0 bytes and ISIZE 0: stb's decoder would copy it to an empty buffer's null data() (the
  // fuzzer's find under UBSan).
  auto arr = parse_idx(make_gzip({}));
  ASSERT_FALSE(arr.ok());
  EXPECT_NE(arr.error().message.find("0 bytes"), std::string::npos) << arr.error().message;
}

TEST(Idx, RejectsWrongMagicAndType) {
  auto bad_magic = make_idx({12}, kPayload);
  bad_magic[0] = 0x50;
  EXPECT_NE(parse_idx(bad_magic).error().message.find("magic"), std::string::npos);
  auto bad_type = make_idx({12}, kPayload);
  bad_type[2] = 0x0D;  // float32 elements
  EXPECT_NE(parse_idx(bad_type).error().message.find("not supported"), std::string::npos);
  auto bad_rank = make_idx({12}, kPayload);
  bad_rank[3] = 0;
  EXPECT_FALSE(parse_idx(bad_rank).ok());
  EXPECT_FALSE(parse_idx(std::vector<uint8_t>{}).ok());
}

TEST(Idx, RejectsHugeOrMismatchedDims) {
  auto huge = parse_idx(make_idx({0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu}, kPayload));
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.error().message.find("more data"), std::string::npos) << huge.error().message;
  auto longer = parse_idx(make_idx({4, 4}, kPayload));
  EXPECT_FALSE(longer.ok());
  auto shorter = parse_idx(make_idx({2, 4}, kPayload));
  ASSERT_FALSE(shorter.ok());
  EXPECT_NE(shorter.error().message.find("mismatch"), std::string::npos) << shorter.error().message;
  auto truncated_header = make_idx({3, 4}, {});
  truncated_header.resize(9);
  EXPECT_FALSE(parse_idx(truncated_header).ok());
}

TEST(Idx, PairsImagesWithLabels) {
  auto images = parse_idx(make_idx({3, 2, 2}, kPayload));
  auto labels = parse_idx(make_idx({3}, {0, 9, 4}));
  ASSERT_TRUE(images.ok() && labels.ok());
  auto set = make_labeled_images(images.value(), labels.value());
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->count, 3);
  EXPECT_EQ(set->rows, 2);
  EXPECT_EQ(set->cols, 2);
  EXPECT_EQ(set->images, kPayload);

  auto few_labels = parse_idx(make_idx({2}, {0, 1}));
  EXPECT_FALSE(make_labeled_images(images.value(), few_labels.value()).ok());
  auto bad_label = parse_idx(make_idx({3}, {0, 10, 1}));
  EXPECT_FALSE(make_labeled_images(images.value(), bad_label.value()).ok());
  EXPECT_FALSE(make_labeled_images(labels.value(), labels.value()).ok());
}

TEST(Idx, MissingFilesAndBadSplitGiveMessages) {
  auto missing = load_fashion_mnist("/nonexistent-dir", "t10k");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("cannot open"), std::string::npos) << missing.error().message;
  EXPECT_FALSE(load_fashion_mnist(kDefaultFashionMnistDir, "validation").ok());
}

bool debian_data_present() {
  FILE* f = std::fopen((std::string(kDefaultFashionMnistDir) + "/t10k-labels-idx1-ubyte.gz").c_str(), "rb");
  if (f) std::fclose(f);
  return f != nullptr;
}

TEST(Idx, ReadsDebianFashionMnistTestSet) {
  if (!debian_data_present()) GTEST_SKIP() << "apt package dataset-fashion-mnist not installed";
  auto set = load_fashion_mnist(kDefaultFashionMnistDir, "t10k");
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->count, 10000);
  EXPECT_EQ(set->rows, 28);
  EXPECT_EQ(set->cols, 28);
  ASSERT_EQ(set->images.size(), 10000u * 28 * 28);
  ASSERT_EQ(set->labels.size(), 10000u);
  EXPECT_EQ(set->labels[0], 9);  // the first test image is an ankle boot
  // The test set is balanced: every class 0..9 appears.
  EXPECT_EQ(std::set<uint8_t>(set->labels.begin(), set->labels.end()).size(), 10u);
}

}  // namespace
}  // namespace vc
