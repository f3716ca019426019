// Strings of Input view (panel_input.cpp): canvas, brush, shifts, file loading, gallery, input strip.
// Only the view's own files include this header, so adding a string rebuilds them alone. Add an id here and a
// row in text_input.cpp (same order: a compile-time check); keep the printf placeholders of both languages equal
// (tests/ui/text_test.cpp checks them).
#pragma once
#include "ui/text.h"

namespace vc {

enum class InputText {
  CanvasTitle,
  CanvasHelp,
  CanvasNotice,
  MouseHint,
  Erase,
  BrushRadius,
  BrushSoftness,
  BrushHelp,
  Reset,
  Clear,
  Shift,
  ShiftNote,
  LoadImage,
  DropNote,
  SourceNone,
  SourceGallery,
  SourceFile,
  SourceEdited,
  PixelValue,
  GalleryTitle,
  GalleryHelp,
  GalleryNotice,
  GalleryFailed,
  StripTitle,
  StripHint,
  StripErase,
  Count
};

const char* tr(Language lang, InputText id);

}  // namespace vc
