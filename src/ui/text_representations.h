// Strings of the Representations view (panel_representations.cpp): the CKA heatmap, the skip-ratio plot, the
// equivariance plot. Only the view's own files include this header. Add an id here and a row in
// text_representations.cpp (same order: a compile-time check); keep the printf placeholders of both languages equal
// (tests/ui/text_test.cpp checks them).
#pragma once
#include "ui/text.h"

namespace vc {

enum class ReprText {
  Intro,
  Images,
  Computing,
  Failed,
  Progress,
  // CKA
  CkaTitle,
  CkaHelp,
  CkaHow,
  ModelA,
  ModelB,
  Presets,
  PresetVitVit,
  PresetCnnCnn,
  PresetVitCnn,
  PresetVitData,
  CkaHover,
  CkaAxisA,
  CkaAxisB,
  CkaEstimate,
  CkaSelfQuestion,
  CkaSelfOne,
  CkaSelfBoth,
  CkaSelfYes,
  CkaSelfNo,
  CkaSelfEqual,
  CkaSelfMixed,
  CkaSelfMissing,
  CkaCrossQuestion,
  CkaCrossAnswer,
  LikeAlike,
  LikePartly,
  LikeUnlike,
  CkaNotice,
  CkaCompute,
  CkaNotStarted,
  // Skip ratio
  SkipTitle,
  SkipHelp,
  SkipHow,
  SkipModel,
  SkipHover,
  SkipCurves,
  SeriesCls,
  SeriesSpatial,
  AxisBranch,
  AxisRatio,
  SkipQuestion,
  SkipAnswerCls,
  TransitionAsSeed,
  TransitionSpatial,
  TransitionCls,
  TransitionReverse,
  SkipAnswerNoCls,
  SkipNotice,
  SkipCompute,
  SkipNotStarted,
  // Equivariance
  EqTitle,
  EqHelp,
  EqHow,
  EqShift,
  EqMeasure,
  EqNotStarted,
  AxisLayer,
  AxisError,
  EqQuestion,
  EqAnswer,
  EqAnswerNone,
  EqNotice,
  Count
};

const char* tr(Language lang, ReprText id);

}  // namespace vc
