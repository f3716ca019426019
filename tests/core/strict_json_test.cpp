#include "core/strict_json.h"

#include <gtest/gtest.h>

#include <string>

namespace vc {
namespace {

std::string error_of(const std::string& text) {
  Result<nlohmann::json> r = parse_strict_json(text, "t");
  EXPECT_FALSE(r.ok()) << text.substr(0, 80);
  return r.ok() ? std::string() : r.error().message;
}

TEST(StrictJson, AcceptsNestingUpToTheLimit) {
  const std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  ASSERT_TRUE(parse_strict_json(ok, "t").ok());
  const std::string deep = "[" + ok + "]";
  EXPECT_EQ("t nests arrays/objects deeper than 16 levels", error_of(deep));
  EXPECT_EQ("t nests arrays/objects deeper than 16 levels", error_of(std::string(1000000, '{')));
}

TEST(StrictJson, BracketsInsideStringsDoNotCount) {
  // 40 '[' and an escaped quote inside a string: one level of nesting.
  const std::string text = "{\"name\": \"a \\\"" + std::string(40, '[') + " b\"}";
  Result<nlohmann::json> r = parse_strict_json(text, "t");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(45u, (*r)["name"].get<std::string>().size());
}

TEST(StrictJson, DuplicateKeys) {
  EXPECT_EQ("t has the key \"a\" twice in one object", error_of(R"({"a": 1, "b": {"a": 2}, "a": 3})"));
  EXPECT_EQ("t has the key \"k\" twice in one object", error_of(R"({"x": [{"k": 1, "k": 1}]})"));
  // The same key in sibling objects is fine.
  EXPECT_TRUE(parse_strict_json(R"([{"k": 1}, {"k": 2}])", "t").ok());
}

TEST(StrictJson, InvalidJson) {
  EXPECT_EQ("t is not valid JSON", error_of("{\"a\": "));
  EXPECT_EQ("t is not valid JSON", error_of(""));
  EXPECT_EQ("t is not valid JSON", error_of("]]]]"));
}

}  // namespace
}  // namespace vc
