// Strings of the menu bar (lab.cpp): the presenter scale, "Copy link" and Help -> About. Add an id here and
// a row in text_menu.cpp (same order: a compile-time check); keep the printf placeholders of both languages equal
// (tests/ui/text_test.cpp checks them).
#pragma once
#include <span>

#include "ui/text.h"

namespace vc {

enum class MenuText {
  ScaleDown,
  ScaleUp,
  ScaleHelp,
  CopyLink,
  CopyLinkHelp,
  LinkCopied,
  LinkCopyFailed,
  About,
  ComputeOneThread,
  ComputeThreads,
  ComputeJobThread,
  ComputeNotIsolated,
  ComputeHelp,
  Count
};

const char* tr(Language lang, MenuText id);
std::span<const TextPair> menu_texts();

}  // namespace vc
