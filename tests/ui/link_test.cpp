// The link's compact image code (ui/link.h encode_pixels / decode_pixels) and the presenter scale's rules
// (ui/scale.h): exact round trips, the documented sizes, and every malformed text refused.
#include "ui/link.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "ui/scale.h"

namespace vc {
namespace {

// Every value a multiple of 1/255: what a link can carry exactly.
InputImage random_bytes_image(uint32_t seed, float zero_share) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::uniform_int_distribution<int> byte(1, 255);
  InputImage img{};
  for (float& v : img) v = u(rng) < zero_share ? 0.0f : byte(rng) / 255.0f;
  return img;
}

TEST(LinkItems, SplitsAtEveryAmpersandAndTheFirstEquals) {
  const std::vector<ViewItem> items = split_view_state("tab=attention&attn.cell=1.2&&flag&px=a=b&");
  ASSERT_EQ(items.size(), 6u);
  const std::vector<std::tuple<std::string, std::string, bool>> want = {
      {"tab", "attention", true}, {"attn.cell", "1.2", true}, {"", "", false},
      {"flag", "", false},        {"px", "a=b", true},        {"", "", false}};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(items[i].key, std::get<0>(want[i])) << i;
    EXPECT_EQ(items[i].value, std::get<1>(want[i])) << i;
    EXPECT_EQ(items[i].has_value, std::get<2>(want[i])) << i;
  }
  ASSERT_EQ(split_view_state("").size(), 1u);
  EXPECT_FALSE(split_view_state("")[0].has_value);
}

TEST(LinkPixels, RoundTripIsExactForByteValuedImages) {
  for (float zeros : {0.0f, 0.3f, 0.6f, 0.95f, 1.0f}) {
    for (uint32_t seed = 1; seed <= 5; ++seed) {
      const InputImage img = random_bytes_image(seed, zeros);
      const std::string text = encode_pixels(img);
      const std::optional<InputImage> back = decode_pixels(text);
      ASSERT_TRUE(back.has_value()) << text;
      for (int i = 0; i < kInputPixels; ++i) EXPECT_EQ((*back)[i], img[i]) << i;
      EXPECT_EQ(encode_pixels(*back), text);  // the text of a decoded image is the same text
    }
  }
}

TEST(LinkPixels, TheDocumentedSizes) {
  EXPECT_EQ(encode_pixels(InputImage{}).size(), 11u);  // 784 zeros: runs 255, 255, 255, 19 = 8 bytes
  InputImage full;
  full.fill(1.0f);
  EXPECT_EQ(encode_pixels(full).size(), 1046u);  // 784 bytes, ceil(784 * 4 / 3)
  // The longest: every other pixel zero, each zero a run of one (2 bytes): 392 + 784 bytes, ceil(1176 * 4 / 3).
  InputImage alternating{};
  for (size_t i = 0; i < alternating.size(); i += 2) alternating[i] = 1.0f;
  EXPECT_EQ(encode_pixels(alternating).size(), 1568u);
  // Only base64url characters: a link needs no escaping.
  for (char c : encode_pixels(random_bytes_image(7, 0.5f)))
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << c;
}

TEST(LinkPixels, ValuesAreRoundedToBytesAndClamped) {
  InputImage img{};
  img[0] = 0.5f;     // 127.5 -> 128
  img[1] = 1e-3f;    // 0.255 -> 0: part of a zero run
  img[2] = 2.0f;     // clamped to 1
  img[3] = -1.0f;    // clamped to 0
  const std::optional<InputImage> back = decode_pixels(encode_pixels(img));
  ASSERT_TRUE(back.has_value());
  EXPECT_FLOAT_EQ((*back)[0], 128.0f / 255.0f);
  EXPECT_EQ((*back)[1], 0.0f);
  EXPECT_EQ((*back)[2], 1.0f);
  EXPECT_EQ((*back)[3], 0.0f);
}

TEST(LinkPixels, MalformedTextIsRefused) {
  const std::string good = encode_pixels(random_bytes_image(3, 0.5f));
  EXPECT_FALSE(decode_pixels(""));
  EXPECT_FALSE(decode_pixels(good.substr(0, good.size() - 4)));  // too few pixels
  EXPECT_FALSE(decode_pixels(good + "AQID"));                   // too many (bytes 1, 2, 3 after the image)
  EXPECT_FALSE(decode_pixels(good + "A"));                      // 4k + 1 characters: no byte count
  std::string foreign = good;
  foreign[5] = '+';  // standard base64, not base64url
  EXPECT_FALSE(decode_pixels(foreign));
  foreign[5] = '=';
  EXPECT_FALSE(decode_pixels(foreign));
  EXPECT_FALSE(decode_pixels(std::string(1046, '%')));
  EXPECT_FALSE(decode_pixels("AAA"));       // bytes 0, 0: a zero run of length 0
  EXPECT_FALSE(decode_pixels("AA"));        // byte 0 without its run length
  EXPECT_FALSE(decode_pixels("AP8AAB"));    // non-zero left-over bits ("AB" ends in bits 0001)
  EXPECT_FALSE(decode_pixels("AP8A_wD_AP8"));  // 1020 zeros: more than 784
  EXPECT_TRUE(decode_pixels("AP8A_wD_ABM"));   // 255 + 255 + 255 + 19 = 784 zeros
}

TEST(PresenterScale, AutomaticRuleStepsAndParsing) {
  EXPECT_EQ(auto_scale(1280.0f), 1.0f);
  EXPECT_EQ(auto_scale(1599.0f), 1.0f);
  EXPECT_EQ(auto_scale(1600.0f), 1.25f);
  EXPECT_EQ(auto_scale(1899.0f), 1.25f);
  EXPECT_EQ(auto_scale(1920.0f), 1.5f);
  EXPECT_EQ(next_scale(1.0f, 1), 1.25f);
  EXPECT_EQ(next_scale(1.0f, -1), 0.75f);
  EXPECT_EQ(next_scale(1.1f, 1), 1.25f);   // a scale between steps goes to the next step
  EXPECT_EQ(next_scale(1.1f, -1), 1.0f);
  EXPECT_EQ(next_scale(3.0f, 1), 3.0f);    // the ends stay
  EXPECT_EQ(next_scale(0.75f, -1), 0.75f);
  EXPECT_EQ(parse_scale("1.5"), 1.5f);
  EXPECT_EQ(parse_scale("2"), 2.0f);
  EXPECT_EQ(parse_scale("1.254"), 1.25f);
  for (const char* bad : {"", "0", "0.4", "3.01", "-1", "+1", "1e0", "nan", "inf", "1.5x", " 1.5", "1,5", "..",
                          "99999999999999999999999"})
    EXPECT_FALSE(parse_scale(bad)) << bad;
}

}  // namespace
}  // namespace vc
