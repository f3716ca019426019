// Strings of Attention view (panel_attention.cpp): maps, rollout, mean attention distance.
// Only the view's own files include this header, so adding a string rebuilds them alone. Add an id here and a
// row in text_attention.cpp (same order: a compile-time check); keep the printf placeholders of both languages equal
// (tests/ui/text_test.cpp checks them).
#pragma once
#include "ui/text.h"

namespace vc {

enum class AttentionText {
  Model,
  Checkpoint,
  None,
  Tokens,
  TokensHelpVit,
  TokensHelpHybrid,
  GridTitle,
  GridTitlePatch,
  GridHelp,
  GridNotice,
  LayerHead,
  LayerMean,
  DistanceValue,
  RolloutTitle,
  ShowingCls,
  ShowingPatch,
  Opacity,
  Rollout,
  RolloutHelp,
  SharedScale,
  SharedScaleHelp,
  SharedScaleLegend,
  MapNotice,
  RolloutNotice,
  DistanceTitle,
  DistanceHelp,
  ThisImage,
  TestImages,
  Compare,
  Averaging,
  SeriesData,
  SeriesUniform,
  SeriesLocal,
  LocalCount,
  LocalHeads,
  AxisLayer,
  AxisDistance,
  DistanceNotice,
  CnnNote,
  CnnToReceptiveField,
  Computing,
  Failed,
  Control,
  SeriesControl,
  KernelLine,
  KernelExport,
  KernelHelp,
  KernelTooltip,
  LocalityTitle,
  LocalityHelp,
  LocalityLine,
  LocalityPending,
  LocalityQuestion,
  PosSimTitle,
  PosSimHelp,
  PosSimNotice,
  Count
};

const char* tr(Language lang, AttentionText id);

}  // namespace vc
