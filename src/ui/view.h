// One registration row per tab of the lab (ViewSpec), and the registry: the table of rows in tab order
// (ui/views.cpp). lab.cpp draws the tabs, reads and writes links, and answers lab_query from the table alone,
// so a new view is its own files plus one row. The recipe: docs/architecture.md, "Add a view".
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>

#include "ui/app_state.h"
#include "ui/text.h"

namespace vc {

// One lab_query(name) answer a view owns.
struct ViewQuery {
  const char* name;
  nlohmann::json (*answer)(const AppState& app);
};

struct ViewSpec {
  // Stable id: the link's "tab=<key>", the tab's rect name "tab.<key>", the ImGui id. Never renamed.
  const char* key;
  TextPair label;                // the tab's label, English and Korean
  void (*draw)(AppState& app);   // the tab's body
  bool input_strip;              // the input strip on the left of the body (every view but Input)
  // The view's settings in a link, only those that differ from the defaults, each "&<prefix>.<name>=<value>"
  // with a prefix of the view's own; nullptr: the view keeps nothing in links.
  std::string (*write_link)(const AppState& app);
  // Applies one key=value of a link; false when the key is not the view's. A bad value is ignored (old and
  // hand-edited links keep working). nullptr with write_link.
  bool (*read_link)(AppState& app, const std::string& key, const std::string& value);
  std::span<const ViewQuery> queries;  // lab_query names the view answers
  // Rect names (lab_query("rects")) of the view's main figures and controls, first the main figure: what help
  // and the guided tour point at. Each is recorded every frame the view is drawn in its ready state.
  std::span<const char* const> anchors;
  std::span<const TextPair> (*texts)();  // the view's own strings (ui/text.h), for the placeholder test
};

// A link value that counts something: a whole-string non-negative decimal integer, or -1.
int parse_count(const std::string& s);

// Every view, in tab order (keys 1..9 select them).
std::span<const ViewSpec> lab_views();
// Index of the view with this key in lab_views(), or -1.
int view_index(const std::string& key);

}  // namespace vc
