// Every UI string in English and Korean. Add an id to TextId and a row to the table in text.cpp (same
// order; a static_assert checks it). Strings are UTF-8; the platform merges a Hangul font into the atlas.
#pragma once

namespace vc {

enum class Language { En, Ko };

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
  TabInput,
  TabPredictions,
  TabAttention,
  TabReceptiveField,
  TabRepresentations,
  TabCompare,
  Dismiss,
  NotBuiltYet,
  WhatToNotice,
  // Input view
  InputCanvasTitle,
  InputCanvasHelp,
  InputCanvasNotice,
  InputMouseHint,
  InputErase,
  InputBrushRadius,
  InputBrushSoftness,
  InputBrushHelp,
  InputReset,
  InputClear,
  InputShift,
  InputShiftNote,
  InputLoadImage,
  InputDropNote,
  InputSourceNone,
  InputSourceGallery,
  InputSourceFile,
  InputSourceEdited,
  InputPixelValue,
  InputLoaded,
  InputLoadFailed,
  GalleryTitle,
  GalleryHelp,
  GalleryNotice,
  GalleryLoading,
  GalleryFailed,
  StripTitle,
  StripHint,
  // Model store
  ModelLoading,
  // Views not built yet
  PredictionsWill,
  PredictionsHelp,
  AttentionWill,
  AttentionHelp,
  ReceptiveFieldWill,
  ReceptiveFieldHelp,
  RepresentationsWill,
  RepresentationsHelp,
  CompareWill,
  CompareHelp,
  // Fashion-MNIST classes 0..9
  Class0,
  Class1,
  Class2,
  Class3,
  Class4,
  Class5,
  Class6,
  Class7,
  Class8,
  Class9,
  Count
};

const char* tr(Language lang, TextId id);
// Name of Fashion-MNIST class 0..9 ("?" outside).
const char* class_name(Language lang, int label);
const char* language_code(Language lang);  // "en" | "ko"
const char* language_name(Language lang);  // "English" | "한국어" (always in its own language)

}  // namespace vc
