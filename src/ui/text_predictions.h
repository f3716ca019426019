// Strings of Predictions view (panel_predictions.cpp): top-3 classes, forward times, accuracy runs.
// Only the view's own files include this header, so adding a string rebuilds them alone. Add an id here and a
// row in text_predictions.cpp (same order: a compile-time check); keep the printf placeholders of both languages equal
// (tests/ui/text_test.cpp checks them).
#pragma once
#include "ui/text.h"

namespace vc {

enum class PredictionsText {
  Title,
  TitleAll,
  AllClasses,
  Help,
  SmoothingHelp,
  SmoothingLine,
  Notice,
  ScaleOption,
  Computing,
  Failed,
  ForwardMs,
  TrueClass,
  Backend,
  BackendHelp,
  AccTitle,
  AccHelp,
  AccNotice,
  AccStart,
  AccCancel,
  AccRecorded,
  AccMeasured,
  Count
};

const char* tr(Language lang, PredictionsText id);

}  // namespace vc
