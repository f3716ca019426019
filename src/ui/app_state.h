// AppState: everything mutable in the lab, grouped by concern. Panels read and change it; nothing else
// holds state. Later views add their own sub-struct (e.g. ModelsState, JobsState) next to these.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/idx.h"
#include "ui/lab.h"
#include "ui/text.h"

namespace vc {

constexpr int kInputSide = 28;
constexpr int kInputPixels = kInputSide * kInputSide;
using InputImage = std::array<float, kInputPixels>;  // row-major, values in [0, 1]

// The lab's views, in tab order (keys 1..6).
enum class Tab { Input, Predictions, Attention, ReceptiveField, Representations, Compare, Count };

struct BrushSettings {
  float radius = 1.5f;     // in input pixels
  float softness = 0.5f;   // fraction of the radius that fades out (0 = hard disc)
  bool erase = false;      // left button erases instead of drawing
};

enum class InputSource { Blank, Gallery, File };

struct InputState {
  InputImage image{};        // the current model input
  InputImage reset_image{};  // what Reset restores: the last gallery image chosen (blank before any)
  int gallery_index = -1;    // test-set index and label of that image (-1: none chosen yet)
  int gallery_label = -1;
  InputSource source = InputSource::Blank;  // where the current image came from
  std::string source_name;   // file name when source == File
  bool edited = false;       // drawn on, shifted or cleared since the source was chosen
  uint64_t version = 0;      // bumped on every change: views key their caches on it
  BrushSettings brush;
  bool stroke_active = false;  // a drag on the canvas is under way
  float stroke_x = 0, stroke_y = 0;  // last brush position of the stroke, in input pixels
};

// One asynchronous Platform::fetch: the callback fills it, lab_frame consumes it. Shared with the callback,
// so a late answer never writes into a destroyed AppState.
struct FetchSlot {
  bool done = false;
  std::vector<uint8_t> bytes;
  std::string error;
};

struct GalleryState {
  enum class Status { Loading, Ready, Failed };
  Status status = Status::Loading;
  std::shared_ptr<FetchSlot> images_fetch, labels_fetch;
  LabeledImages test_set;          // the parsed t10k split: later views evaluate on its first images
  std::vector<int> thumbnails;     // test-set indices shown: the first few of each class, in class order
  std::string error;
};

struct UiState {
  Language language = Language::En;
  Tab tab = Tab::Input;            // the tab drawn last frame
  Tab requested_tab = Tab::Count;  // a tab to select programmatically next frame (Count: none)
  std::string message;             // one status line under the menu bar
  bool message_is_error = false;
  bool ready = false;              // a frame was drawn with the gallery data
  // Screen rectangles [x, y, w, h] of named widgets in the last frame, for tests and scripted clicks.
  std::map<std::string, std::array<float, 4>> rects;
};

struct AppState {
  Platform platform;
  UiState ui;
  InputState input;
  GalleryState gallery;
};

}  // namespace vc
