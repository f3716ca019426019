// Strings of the menu bar's presenting controls (lab.cpp): the presenter scale and "Copy link". Add an id here and
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
  Count
};

const char* tr(Language lang, MenuText id);
std::span<const TextPair> menu_texts();

}  // namespace vc
