// Every UI string table (the shared one, each view's own, the tab labels of the registry): English and Korean
// use the same printf conversions, in the same order, so format_text never reads an argument of another type.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "ui/text.h"
#include "ui/tour.h"
#include "ui/text_menu.h"
#include "ui/view.h"

namespace vc {
namespace {

// The conversion specifications of a printf format, e.g. "%d x %.2f %% %s" -> {"%d", "%.2f", "%%", "%s"}.
// The strings never use the space flag, so prose such as "1 % of the data" (a string not used as a format) is
// not read as the conversion "% o".
std::vector<std::string> conversions(const char* format) {
  static const std::regex spec(R"(%[-+#0]*(\*|[0-9]+)?(\.(\*|[0-9]+))?(hh|h|ll|l|L|z|j|t)?[diouxXeEfFgGaAcsp%])");
  std::vector<std::string> out;
  const std::string s(format);
  for (auto it = std::sregex_iterator(s.begin(), s.end(), spec); it != std::sregex_iterator(); ++it)
    out.push_back(it->str());
  return out;
}

// Fails for every row whose two languages disagree; `table` names it in the message.
void expect_same_conversions(std::span<const TextPair> rows, const std::string& table) {
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_NE(rows[i].en, nullptr) << table << " row " << i;
    ASSERT_NE(rows[i].ko, nullptr) << table << " row " << i;
    EXPECT_EQ(conversions(rows[i].en), conversions(rows[i].ko))
        << table << " row " << i << ":\n  en: " << rows[i].en << "\n  ko: " << rows[i].ko;
  }
}

TEST(Text, ConversionsAreFoundInOrder) {
  EXPECT_EQ(conversions("%d x %.2f px, %s: 100 %% of %-3d, %g"),
            (std::vector<std::string>{"%d", "%.2f", "%s", "%%", "%-3d", "%g"}));
  EXPECT_TRUE(conversions("no placeholders").empty());
  EXPECT_TRUE(conversions("1 % of the data").empty());
  EXPECT_NE(conversions("%d then %s"), conversions("%s then %d"));
}

TEST(Text, EnglishAndKoreanHaveTheSamePlaceholdersInEveryTable) {
  expect_same_conversions(common_texts(), "common (ui/text.cpp)");
  expect_same_conversions(tour_texts(), "tour (ui/tour.cpp)");
  expect_same_conversions(menu_texts(), "menu (ui/text_menu.cpp)");
  for (const ViewSpec& v : lab_views()) {
    expect_same_conversions(std::span<const TextPair>(&v.label, 1), std::string("tab label of ") + v.key);
    ASSERT_NE(v.texts, nullptr) << v.key;
    expect_same_conversions(v.texts(), std::string("strings of view ") + v.key);
    EXPECT_FALSE(v.texts().empty()) << v.key;
  }
}

// A tour step's answer is filled with its numbers, one %s each, in both languages; its other strings are shown as
// they are (no conversions).
TEST(Text, TourAnswersHaveOneStringPerNumber) {
  for (const TourStep& step : tour_steps()) {
    const std::vector<std::string> expected(tour_numbers(step).size(), "%s");
    std::vector<std::string> en;
    for (const std::string& c : conversions(step.reveal.en))
      if (c != "%%") en.push_back(c);
    EXPECT_EQ(en, expected) << step.reveal.en;
    for (const TextPair& plain : {step.text, step.question}) {
      EXPECT_TRUE(conversions(plain.en).empty()) << plain.en;
      EXPECT_TRUE(conversions(plain.ko).empty()) << plain.ko;
    }
  }
}

// Whether an explanation leads with plain words: its first sentence (up to the first ". ", "? " or line break) has
// no equation, softmax, power or root. `why` gets that sentence otherwise.
bool plain_words_first(const char* text, std::string* why) {
  const std::string s(text);
  size_t end = s.size();
  for (const char* stop : {". ", "? ", "\n"}) end = std::min(end, s.find(stop));
  const std::string first = s.substr(0, end);
  for (const char* sign : {"=", "softmax", "^", "sqrt"})
    if (first.find(sign) != std::string::npos) {
      *why = "\"" + first + "\"";
      return false;
    }
  return true;
}

void expect_plain_words_first(std::span<const TextPair> rows, const std::string& table) {
  for (size_t i = 0; i < rows.size(); ++i) {
    // Explanations: the (?) texts and the other paragraphs; short labels may show a value as "r50 = 8.6 px".
    for (const char* text : {rows[i].en, rows[i].ko}) {
      std::string why;
      if (std::string(text).size() >= 200) EXPECT_TRUE(plain_words_first(text, &why)) << table << " row " << i << ": " << why;
    }
  }
}

// The (?) texts and other explanations open with a sentence in plain words; formulas come after it (most on their
// own "Formula:" line).
TEST(Text, ExplanationsLeadWithPlainWordsAndTheFormulaComesSecond) {
  expect_plain_words_first(common_texts(), "common (ui/text.cpp)");
  expect_plain_words_first(menu_texts(), "menu (ui/text_menu.cpp)");
  for (const ViewSpec& v : lab_views()) expect_plain_words_first(v.texts(), std::string("strings of view ") + v.key);
  std::string why;
  EXPECT_FALSE(plain_words_first("Nothing in softmax(q . k) prefers neighbours.", &why));
  EXPECT_TRUE(plain_words_first("Neighbours get alike vectors.\nFormula: cos(a, b) = a . b / (|a| |b|)", &why));
  EXPECT_FALSE(plain_words_first("d = sum_ij A_ij |i - j|. The mean distance.", &why));
}

TEST(Text, AMismatchIsCaught) {
  static const TextPair bad[] = {{"%d layers, %s", "%s, %d 층"}};
  EXPECT_NONFATAL_FAILURE(expect_same_conversions(bad, "bad"), "bad row 0");
}

}  // namespace
}  // namespace vc
