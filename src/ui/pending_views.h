// The views not built yet (panel_pending.cpp): each is a tab of its own (its own registration row, draw function,
// strings and anchor) whose body says what it will show, with the formula behind it.
#pragma once
#include <span>

#include "ui/view.h"

namespace vc {

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
