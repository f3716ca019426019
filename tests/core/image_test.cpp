#include "core/image.h"

#include <gtest/gtest.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb/stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <iterator>
#include <utility>

namespace vc {
namespace {

// Encodes w x h pixels of `comp` channels (1 gray, 2 gray+alpha) to PNG bytes in memory.
std::vector<uint8_t> encode_png(int w, int h, int comp, const std::vector<uint8_t>& px) {
  std::vector<uint8_t> out;
  auto append = [](void* ctx, void* data, int size) {
    auto* v = static_cast<std::vector<uint8_t>*>(ctx);
    v->insert(v->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
  };
  stbi_write_png_to_func(append, &out, w, h, comp, px.data(), w * comp);
  return out;
}

std::vector<uint8_t> gray_pixels(int w, int h, const std::function<uint8_t(int, int)>& f) {
  std::vector<uint8_t> px(static_cast<size_t>(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) px[static_cast<size_t>(y) * w + x] = f(x, y);
  return px;
}

// A PNG header (signature + IHDR) declaring w x h 8-bit gray; stb_image does not check chunk CRCs.
std::vector<uint8_t> png_header_only(uint32_t w, uint32_t h) {
  std::vector<uint8_t> b = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  for (uint32_t v : {w, h})
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
  b.insert(b.end(), {8, 0, 0, 0, 0, 0, 0, 0, 0});
  return b;
}

TEST(Image, PngRoundTripKeepsPixels) {
  const auto px = gray_pixels(28, 28, [](int x, int y) { return static_cast<uint8_t>((x * 9 + y * 3) % 256); });
  auto img = decode_image(encode_png(28, 28, 1, px));
  ASSERT_TRUE(img.ok()) << img.error().message;
  ASSERT_EQ(img->width, 28);
  ASSERT_EQ(img->height, 28);
  for (size_t i = 0; i < px.size(); ++i) ASSERT_FLOAT_EQ(img->pixels[i], px[i] / 255.0f) << "pixel " << i;
  // A dark-background 28x28 image passes through to_digit_style unchanged (scale 1, no inversion).
  const GrayImage digit = to_digit_style(img.value());
  for (size_t i = 0; i < px.size(); ++i) ASSERT_NEAR(digit.pixels[i], img->pixels[i], 1e-6f) << "pixel " << i;
}

TEST(Image, LightBackgroundIsInvertedAndDownsampled) {
  // 56x56 white page with a black 20x20 square at (18..37): a dark object on paper.
  const auto px = gray_pixels(56, 56, [](int x, int y) {
    return static_cast<uint8_t>(x >= 18 && x < 38 && y >= 18 && y < 38 ? 0 : 255);
  });
  auto img = decode_image(encode_png(56, 56, 1, px));
  ASSERT_TRUE(img.ok()) << img.error().message;
  const GrayImage d = to_digit_style(img.value());
  ASSERT_EQ(d.width, 28);
  ASSERT_EQ(d.height, 28);
  EXPECT_NEAR(d.pixels[0], 0.0f, 1e-6f);             // background -> black
  EXPECT_NEAR(d.pixels[14 * 28 + 14], 1.0f, 1e-6f);  // object -> white
  // Output pixel 9 covers input pixels 18 and 19: fully inside the square.
  EXPECT_NEAR(d.pixels[9 * 28 + 9], 1.0f, 1e-6f);
  EXPECT_NEAR(d.pixels[8 * 28 + 8], 0.0f, 1e-6f);
}

TEST(Image, AreaResampleAveragesBlocks) {
  // A one-pixel checkerboard of 0 and 1 averages to exactly 0.5 over each 2x2 block.
  const auto px = gray_pixels(56, 56, [](int x, int y) { return static_cast<uint8_t>((x + y) % 2 ? 255 : 0); });
  auto img = decode_image(encode_png(56, 56, 1, px));
  ASSERT_TRUE(img.ok()) << img.error().message;
  const GrayImage d = to_digit_style(img.value());
  for (float v : d.pixels) ASSERT_NEAR(v, 0.5f, 1e-6f);
}

TEST(Image, WideImageIsLetterboxed) {
  // 56x28 dark image, bright everywhere: padded to 56x56 with the (dark) border level, then halved.
  const auto px = gray_pixels(56, 28, [](int x, int y) {
    return static_cast<uint8_t>(x == 0 || y == 0 || x == 55 || y == 27 ? 0 : 200);
  });
  auto img = decode_image(encode_png(56, 28, 1, px));
  ASSERT_TRUE(img.ok()) << img.error().message;
  const GrayImage d = to_digit_style(img.value());
  EXPECT_LT(d.pixels[2 * 28 + 14], 0.2f);   // top band: padding
  EXPECT_GT(d.pixels[14 * 28 + 14], 0.7f);  // middle band: the image
  EXPECT_LT(d.pixels[26 * 28 + 14], 0.2f);  // bottom band: padding
}

// The letterboxed square of an image with a dark (0) border: what to_digit_style pads it to.
GrayImage padded_square(const GrayImage& img) {
  const int side = std::max(img.width, img.height);
  const int ox = (side - img.width) / 2, oy = (side - img.height) / 2;
  GrayImage sq{side, side, std::vector<float>(static_cast<size_t>(side) * side, 0.0f)};
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x)
      sq.pixels[static_cast<size_t>(y + oy) * side + x + ox] = img.pixels[static_cast<size_t>(y) * img.width + x];
  return sq;
}

TEST(Image, LetterboxEqualsResamplingThePaddedSquare) {
  // Wide and tall images with a dark border and a gradient inside give exactly what the padded square gives.
  for (const auto& [w, h] : {std::pair{57, 23}, std::pair{23, 57}, std::pair{100, 3}, std::pair{5, 90}}) {
    GrayImage img{w, h, std::vector<float>(static_cast<size_t>(w) * h, 0.0f)};
    for (int y = 1; y + 1 < h; ++y)
      for (int x = 1; x + 1 < w; ++x) img.pixels[static_cast<size_t>(y) * w + x] = static_cast<float>((x * 7 + y * 3) % 11) / 10;
    const GrayImage got = to_digit_style(img), want = to_digit_style(padded_square(img));
    for (size_t i = 0; i < want.pixels.size(); ++i)
      ASSERT_EQ(got.pixels[i], want.pixels[i]) << w << "x" << h << " pixel " << i;
  }
}

TEST(Image, ThinImageNeedsNoSquareBuffer) {
  // 16384 x 1 and 1 x 16384 (allowed sizes): the letterboxed square would be 1 GiB of floats, and building it took
  // seconds. A one-line image is all border, so its level fills the whole digit.
  for (const bool wide : {true, false}) {
    const GrayImage img{wide ? 16384 : 1, wide ? 1 : 16384, std::vector<float>(16384, 0.2f)};
    const GrayImage d = to_digit_style(img);
    ASSERT_EQ(d.pixels.size(), 28u * 28);
    for (float v : d.pixels) ASSERT_NEAR(v, 0.2f, 1e-5f);
  }
}

TEST(Image, TransparentBackgroundCountsAsPaper) {
  // Gray+alpha: fully transparent black background, opaque black stroke in the middle column band.
  std::vector<uint8_t> px;
  for (int y = 0; y < 28; ++y)
    for (int x = 0; x < 28; ++x) px.insert(px.end(), {0, static_cast<uint8_t>(x >= 10 && x < 18 ? 255 : 0)});
  auto img = decode_image(encode_png(28, 28, 2, px));
  ASSERT_TRUE(img.ok()) << img.error().message;
  EXPECT_FLOAT_EQ(img->pixels[0], 1.0f);
  EXPECT_FLOAT_EQ(img->pixels[14], 0.0f);
  const GrayImage d = to_digit_style(img.value());
  EXPECT_NEAR(d.pixels[14 * 28 + 2], 0.0f, 1e-6f);
  EXPECT_NEAR(d.pixels[14 * 28 + 14], 1.0f, 1e-6f);
}

TEST(Image, RejectsEmptyCorruptAndTruncated) {
  auto empty = decode_image({});
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("empty"), std::string::npos);

  const std::vector<uint8_t> junk = {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'};
  auto bad = decode_image(junk);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("not a readable"), std::string::npos) << bad.error().message;

  auto png = encode_png(28, 28, 1, gray_pixels(28, 28, [](int x, int y) { return static_cast<uint8_t>(x * y); }));
  png.resize(png.size() / 2);
  auto cut = decode_image(png);
  ASSERT_FALSE(cut.ok());
  EXPECT_FALSE(cut.error().message.empty());
}

TEST(Image, RejectsHugeDeclaredSizeBeforeDecoding) {
  auto wide = decode_image(png_header_only(20000, 100));
  ASSERT_FALSE(wide.ok());
  EXPECT_NE(wide.error().message.find("too large"), std::string::npos) << wide.error().message;
  auto big = decode_image(png_header_only(9000, 9000));
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message.find("too large"), std::string::npos) << big.error().message;
}

// A small valid PNG whose IDAT length gets `length_top` as its top byte (0x41: ~1.1 GB), then cut to `keep` bytes
// (0: whole): decode_image must refuse it as a chunk running past the end, before stb_image grows a buffer to it.
void expect_forged_idat_refused(uint8_t length_top, size_t keep) {
  auto png = encode_png(12, 3, 1, gray_pixels(12, 3, [](int x, int) { return static_cast<uint8_t>(x * 20); }));
  const size_t idat = 33;  // signature (8) + IHDR chunk (25)
  ASSERT_TRUE(std::equal(&png[idat + 4], &png[idat + 8], "IDAT"));
  png[idat] = length_top;
  if (keep) png.resize(keep);
  auto bad = decode_image(png);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("runs past the end"), std::string::npos) << bad.error().message;
}

TEST(Image, RejectsPngChunkPastTheEnd) {
  // A valid PNG whose IDAT declares 1 GB (the first fuzz run's find).
  expect_forged_idat_refused(0x41, 0);
}

TEST(Image, RejectsPngEndingAfterAChunksLengthAndType) {
  // The 10-minute fuzz run's find: the file ends right after an IDAT's length (1.46 GB) and type, before its data and
  // CRC; stb_image reads those 8 bytes and grows its buffer to the length.
  expect_forged_idat_refused(0x57, 33 + 8);
}

// A regression input of the fuzz corpus (tests/fuzz/corpus/fuzz_image/<name>), which decode_image must refuse with a
// message containing `reason`.
void expect_corpus_image_refused(const std::string& name, size_t size, const std::string& reason) {
  std::ifstream f(std::string(VITCNN_SOURCE_DIR) + "/tests/fuzz/corpus/fuzz_image/" + name, std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  ASSERT_EQ(bytes.size(), size) << name;
  auto bad = decode_image(bytes);
  ASSERT_FALSE(bad.ok()) << name;
  EXPECT_NE(bad.error().message.find(reason), std::string::npos) << name << ": " << bad.error().message;
}

TEST(Image, RejectsJpegHuffmanCountsPast256) {
  // The fuzzer's find: a JPEG whose Huffman table (DHT) has 16 code counts summing past 256. Debian's stb_image 2.27
  // wrote past the end of the table; the build's copy checks the sum (cmake/stb.cmake, fix "dht").
  expect_corpus_image_refused("regression_jpeg_dht_counts.jpg", 292, "bad DHT header");
}

TEST(Image, RejectsJpegDcValueOutOfRange) {
  // The fuzzer's finds: JPEGs whose running DC value times the quantizer overflowed int in stb_image 2.27 (UBSan);
  // the build's copy refuses a DC value outside the 16-bit range (cmake/stb.cmake, fix "dc").
  expect_corpus_image_refused("regression_jpeg_dc_overflow_1.jpg", 345, "bad DC value");
  expect_corpus_image_refused("regression_jpeg_dc_overflow_2.jpg", 216, "bad DC value");
}

TEST(Image, RejectsJpegSymbolPastItsTable) {
  // The 10-minute fuzz run's find: a JPEG whose Huffman table sends a code to a symbol index past the table's 256
  // entries (stb_image 2.27 read past the end of the table); the build's copy refuses it (cmake/stb.cmake, "symbol").
  expect_corpus_image_refused("regression_jpeg_symbol_past_table.jpg", 490, "bad huffman code");
}

TEST(Image, RejectsPngWithAnEmptyIdatAndNoEnd) {
  // The 10-minute fuzz run's find: an empty IDAT chunk made stb_image 2.27 copy 0 bytes to a null buffer (UBSan;
  // cmake/stb.cmake, fix "getn"); the file then ends, and the zero bytes read past it make a chunk of type 0, whose
  // message from stb is an empty string.
  expect_corpus_image_refused("regression_png_empty_idat.png", 45, "(an unknown PNG chunk type, or no reason given)");
}

TEST(Image, EmptyImageGivesBlankDigit) {
  const GrayImage d = to_digit_style(GrayImage{});
  ASSERT_EQ(d.pixels.size(), 28u * 28);
  for (float v : d.pixels) EXPECT_EQ(v, 0.0f);
}

TEST(Image, MakeInputPadsThenNormalizes) {
  std::vector<float> images(2 * 28 * 28, 0.0f);
  images[0] = 1.0f;                  // image 0, pixel (0, 0)
  images[28 * 28 + 27 * 28 + 27] = 0.75f;  // image 1, pixel (27, 27)
  const InputSpec spec{32, 2, 0.5f, 0.25f};
  const Tensor x = make_input(images, 2, spec);
  ASSERT_EQ(x.shape, (std::vector<int64_t>{2, 1, 32, 32}));
  EXPECT_FLOAT_EQ(x.data[0], (0.0f - 0.5f) / 0.25f);           // padding
  EXPECT_FLOAT_EQ(x.data[2 * 32 + 2], (1.0f - 0.5f) / 0.25f);  // image 0 pixel (0, 0)
  EXPECT_FLOAT_EQ(x.data[2 * 32 + 3], (0.0f - 0.5f) / 0.25f);
  EXPECT_FLOAT_EQ(x.data[32 * 32 + 29 * 32 + 29], (0.75f - 0.5f) / 0.25f);  // image 1 pixel (27, 27)
  EXPECT_FLOAT_EQ(x.data[32 * 32 + 31 * 32 + 31], (0.0f - 0.5f) / 0.25f);
}

}  // namespace
}  // namespace vc
