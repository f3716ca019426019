// The views not built yet: each is a tab of its own (its own .cpp, strings and registration row) whose body says
// what it will show, with the formula behind it. A view that gets built replaces its stub's file.
#pragma once
#include <span>

#include "ui/view.h"

namespace vc {

// The body of a pending view; `anchor` names the rect of its text (lab_query("rects")).
void panel_pending_view(AppState& app, const TextPair& will_show, const TextPair& help, const char* anchor);

void panel_receptive_field(AppState& app);
inline constexpr const char* kReceptiveFieldAnchors[] = {"receptive_field.pending"};
std::span<const TextPair> receptive_field_texts();

void panel_representations(AppState& app);
inline constexpr const char* kRepresentationsAnchors[] = {"representations.pending"};
std::span<const TextPair> representations_texts();

void panel_compare(AppState& app);
inline constexpr const char* kCompareAnchors[] = {"compare.pending"};
std::span<const TextPair> compare_texts();

}  // namespace vc
