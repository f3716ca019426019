// UI strings in English and Korean. The strings shared by the whole lab (menu, messages, model families, class
// names) are TextId below, with their table in text.cpp; each view has its own enum and table
// (text_<view>.h/.cpp, or a few rows in the view's .cpp), included only by that view's files, so adding a string
// rebuilds that view alone. Tab labels are in the view's registration row (ui/views.cpp).
// Strings are UTF-8 (the platform merges a Hangul font into the atlas); the printf placeholders of a row are
// the same, in the same order, in both languages (tests/ui/text_test.cpp checks every table).
// Layers and heads are numbered from 1 in every string a person reads.
#pragma once
#include <array>
#include <cstddef>
#include <span>

#include "figures/language.h"

namespace vc {

// One string in both languages.
struct TextPair {
  const char* en;
  const char* ko;
};

// A table row as written in the sources: the id, then English, then Korean.
template <class Id>
struct TextRow {
  Id id;
  TextPair text;
};

// Not constexpr: reached only when a table's rows do not follow its enum, which stops the compilation there.
void text_rows_must_follow_the_enum();

// The rows of a table, checked at compile time to list every id of Id once, in enum order (Id::Count rows),
// as the TextPair array the lookups index.
template <class Id, size_t N>
consteval std::array<TextPair, N> text_table(const TextRow<Id> (&rows)[N]) {
  if (N != static_cast<size_t>(Id::Count)) text_rows_must_follow_the_enum();
  std::array<TextPair, N> out{};
  for (size_t i = 0; i < N; ++i) {
    if (static_cast<size_t>(rows[i].id) != i) text_rows_must_follow_the_enum();
    out[i] = rows[i].text;
  }
  return out;
}

// The string of row i in `lang` ("?" outside the table).
inline const char* text_of(std::span<const TextPair> table, Language lang, size_t i) {
  if (i >= table.size()) return "?";
  return lang == Language::Ko ? table[i].ko : table[i].en;
}
inline const char* text_of(const TextPair& text, Language lang) { return lang == Language::Ko ? text.ko : text.en; }

enum class TextId {
  AppTitle,
  MenuLanguage,
  MenuHelp,
  HelpShortcuts,
  ShortcutTabs,
  ShortcutArrows,
  ShortcutReset,
  ShortcutClear,
  ShortcutsInactiveInText,
  Dismiss,
  WhatToNotice,
  // Opening a file (lab_open_image), loading data and models: shown from any view
  InputLoaded,
  InputLoadFailed,
  GalleryLoading,
  ModelLoading,
  CheckpointOpened,
  CheckpointOpenFailed,
  // Exporting figures (widgets.h export_buttons)
  ExportPng,
  ExportPngHelp,
  ExportCsv,
  ExportCsvHelp,
  ExportTableCsvHelp,
  ExportMarkdown,
  ExportMarkdownHelp,
  Saved,
  SaveFailed,
  Count
};

const char* tr(Language lang, TextId id);
// The shared table, for tests.
std::span<const TextPair> common_texts();
// Name of Fashion-MNIST class 0..9 ("?" outside): figures/words.h class_words.
const char* class_name(Language lang, int label);
const char* language_code(Language lang);  // "en" | "ko"
const char* language_name(Language lang);  // "English" | "한국어" (always in its own language)

}  // namespace vc
