#include "core/strict_json.h"

#include <algorithm>
#include <set>
#include <vector>

namespace vc {

namespace {

// The deepest nesting of [ and { outside strings, stopping as soon as it passes `limit`.
int nesting_depth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) break;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

Result<nlohmann::json> parse_strict_json(std::string_view text, const std::string& what) {
  if (nesting_depth(text, kMaxJsonDepth) > kMaxJsonDepth)
    return Error{what + " nests arrays/objects deeper than " + std::to_string(kMaxJsonDepth) + " levels"};
  // The keys seen so far in each open object, innermost last.
  std::vector<std::set<std::string>> keys;
  std::string duplicate;
  const auto on_event = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& value) {
    using E = nlohmann::json::parse_event_t;
    if (event == E::object_start) {
      keys.emplace_back();
    } else if (event == E::object_end) {
      keys.pop_back();
    } else if (event == E::key && !keys.back().insert(value.get<std::string>()).second && duplicate.empty()) {
      duplicate = value.get<std::string>();
    }
    return true;
  };
  nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), on_event, false);
  if (j.is_discarded()) return Error{what + " is not valid JSON"};
  if (!duplicate.empty()) return Error{what + " has the key \"" + duplicate + "\" twice in one object"};
  return j;
}

}  // namespace vc
