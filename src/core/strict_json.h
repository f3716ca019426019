// JSON from untrusted files (a weight file's header and its "vitcnn" metadata), parsed without the weak spots
// of a plain nlohmann::json::parse: deep nesting is refused by a scan BEFORE parsing (nlohmann's value
// destructor and dump() recurse once per level: 100000 '[' would overflow the stack), and an object that
// names a key twice is an error (nlohmann would silently keep the last value: two readers could disagree).
#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace vc {

// Deepest nesting of arrays and objects accepted. The shipped headers nest 3 levels, their metadata 4.
inline constexpr int kMaxJsonDepth = 16;

// Parses `text`; `what` names it in the messages ("safetensors header", ...).
Result<nlohmann::json> parse_strict_json(std::string_view text, const std::string& what);

}  // namespace vc
