// AppState: everything mutable in the lab, grouped by concern. Panels read and change it; nothing else
// holds state. Later views add their own sub-struct (e.g. ModelsState, JobsState) next to these.
#pragma once
#include <any>
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/checkpoints.h"
#include "analysis/predictions.h"
#include "analysis/receptive_field.h"
#include "core/idx.h"
#include "models/model.h"
#include "ui/lab.h"
#include "ui/text.h"

namespace vc {

constexpr int kInputSide = 28;
constexpr int kInputPixels = kInputSide * kInputSide;
constexpr int kClassCount = 10;  // Fashion-MNIST's classes: every model the lab shows predicts these
using InputImage = std::array<float, kInputPixels>;  // row-major, values in [0, 1]

struct BrushSettings {
  float radius = 1.5f;     // in input pixels
  float softness = 0.5f;   // fraction of the radius that fades out (0 = hard disc)
  bool erase = false;      // left button erases instead of drawing
};

enum class InputSource { Blank, Gallery, File };

// The input a link names (keys img= and px=, ui/link.h). At namespace scope: clang 14 does not see a nested struct
// with default member initializers as default-constructible inside its enclosing class (std::optional::emplace).
struct LinkInput {
  int gallery_index = -1;           // img=: a test-set index, -1: none
  std::optional<InputImage> image;  // px=: the image itself
};

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
  // The input a link named (keys img= and px=, ui/link.h), held until the test set has arrived.
  std::optional<LinkInput> link;
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
  int tab = 0;                 // the view drawn last frame: index into lab_views() (ui/view.h)
  int requested_tab = -1;      // a view to select programmatically next frame (-1: none)
  bool switching_tab = false;  // a view was selected programmatically last frame: the tab bar shows it this one
  std::string message;             // one status line under the menu bar
  bool message_is_error = false;
  // The presenter scale chosen with A- / A+, a link's scale= or --scale; 0: the automatic rule (ui/scale.h).
  float scale = 0.0f;
  float drawn_scale = 1.0f;        // the scale of the last frame (the chosen one or the automatic rule's)
  // The guided tour's step, an index into tour_steps() (ui/tour.h; link key tour=<n>, ui/link.h); -1: no tour shown.
  // The tour treats a step past its last one as -1.
  int tour_step = -1;
  std::string shared_link;         // the last link "Copy link" gave the platform
  bool ready = false;              // a frame was drawn with the gallery data
  int64_t frames = 0;              // frames drawn (lab_frame calls)
  // Screen rectangles [x, y, w, h] of named widgets in the last frame, for tests and scripted clicks.
  std::map<std::string, std::array<float, 4>> rects;
  std::optional<FigureCapture> capture;  // a figure to save as PNG after this frame (lab_take_capture)
  bool start_card = false;   // the start card is shown (a first visit, or Help -> Tour; ui/tour.h)
  bool tour_reveal = false;  // the current tour step's answer is shown
  bool tour_scroll = false;  // the view scrolls the tour step's widget into sight once it is drawn
};

// One checkpoint in the model store (ui/model_store.h), by name: "<arch>_p<NNN>", or a user's file name.
struct ModelEntry {
  enum class Status { Loading, Ready, Failed };
  Status status = Status::Loading;
  std::shared_ptr<FetchSlot> fetch;
  std::unique_ptr<Model> model;    // set once Ready; never replaced, so a const Model* stays valid
  // The label smoothing the file records (analysis/predictions.h), read once when Ready; none if it records none.
  std::optional<LabelSmoothing> label_smoothing;
  std::string error;               // when Failed: what went wrong, with the asset path
  std::vector<double> forward_ms;  // recent batch-1 forward times (a short window for a running median)
};

struct ModelsState {
  std::map<std::string, ModelEntry> entries;
  // The user's own checkpoints (add_user_checkpoint), per family (kFamilies) in the order opened: their entry names.
  std::array<std::vector<std::string>, kFamilyCount> user;
  std::string backend = "simd";  // kernel table of every model: a name of kernel_tables()
};

// One time-sliced job (ui/jobs.h).
struct AppState;

struct Job {
  // Does one bounded piece of work, updates progress and result; returns true when finished (also on error).
  using Step = std::function<bool(Job&)>;
  std::string slot;             // who asked (one running job per slot), e.g. "accuracy.vit"
  std::string key;              // what it computes from, e.g. "accuracy/vit_p100/1000"; the cache key
  Step step;
  float progress = 0.0f;        // [0, 1], set by the step
  bool done = false;
  std::string error;            // set by a step that failed
  std::any result;              // partial, then final result; the step decides its type
  double busy_ms = 0.0;         // time spent in its steps
  double last_step_ms = 0.0;    // its latest step's time
  int64_t input_version = -1;   // >= 0: cancelled as soon as the input's version differs
  // Runs on the UI thread when the job finishes, for what it changes in the lab's state: a step may run on the job
  // thread (ui/job_thread.h) and touches nothing but its job. May be empty.
  using OnFinish = std::function<void(AppState& app, const Job& job)>;
  OnFinish on_finish;
};

class JobThread;  // ui/job_thread.h

struct JobsState {
  std::map<std::string, Job> running;       // by slot
  std::map<std::string, Job> finished;      // by key
  std::vector<std::string> finished_order;  // oldest first, to bound the cache per slot
  std::string last_slot;                    // round-robin position
  double budget_ms = 8.0;                   // per frame, at least (jobs_run grows it: ui/jobs.h)
  // The frame budget jobs_run used last (budget_ms or more), and what it measures to size it: the time between two
  // frames that ran steps spent outside them (drawing, the browser, waiting for the display), smoothed.
  double frame_budget_ms = 8.0;
  double outside_ms = 0.0;
  double last_run_start_ms = -1.0;  // when the previous frame's steps started (-1: it ran none)
  double last_run_ms = 0.0;         // how long they took
  double input_ms = -1e300;         // when the user last moved, clicked, scrolled or typed (lab_frame notes it)
  // Where the platform has threads (Platform::job_thread): the thread that runs the steps (ui/job_thread.h), and the
  // UI thread's frame times while jobs ran (ms, the latest kFrameTimesKept: lab_query("state") reports them).
  std::shared_ptr<JobThread> thread;
  std::vector<double> busy_frame_ms;
};

// The Predictions view: checkpoint per family (a slot, ui/model_store.h family_checkpoint) and the accuracy run.
struct PredictionsState {
  std::array<int, 4> scale = {4, 4, 4, 4};  // vit, cnn, hybrid, rvit (kFamilies)
  int accuracy_images = 1000;  // the first N images of the test set
  bool accuracy_requested = false;
  bool all_classes = false;    // every class's probability instead of the top 3
};

// The Attention view: which checkpoint, the enlarged cell, display settings, and the patch under the mouse.
struct AttentionViewState {
  int family = 0;            // index into kFamilies (ui/model_store.h): vit, cnn, hybrid, rvit
  int scale = 4;             // checkpoint of the maps: a slot (ui/model_store.h family_checkpoint), 4 = p100
  int compare_scale = 0;     // checkpoint (slot) overlaid in the distance plot (p001); -1: none
  int control_scale = -1;    // rvit: its control (tables started at zero) overlaid, one of kControlScales; -1: none
  int layer = 0, head = 0;   // the enlarged cell of the layers x heads grid
  bool rollout = false;      // show the attention rollout instead of single heads
  float opacity = 0.65f;     // of the map over the image
  bool average = false;      // distance plot: the first average_images test images instead of this image
  int average_images = 100;
  int hover_patch = -1;      // patch under the mouse in the last frame, -1: none
  bool shared_scale = false; // every map on one colour scale (0 .. the largest value of all maps shown)
};

// The Receptive field view: the model, the layer and unit whose ERF is shown, the averaging, the calculator.
struct ReceptiveFieldViewState {
  int family = 1;             // index into kFamilies (ui/model_store.h): the cnn
  int scale = 4;              // checkpoint: a slot (ui/model_store.h family_checkpoint), 4 = p100
  bool untrained = false;     // an untrained model of the family's config instead of the checkpoint
  std::string layer;          // an analysis layer of the model; "" (or a name the model lacks): its last layer
  std::optional<RfUnit> unit; // chosen on `layer`; none (or one outside its grid): the grid centre
  std::optional<RfUnit> hover;  // the unit under the mouse in the last frame: shown instead while there
  bool average = false;       // maps and growth plot from the first average_images test images, not this image
  int average_images = 100;
  bool others = false;        // the growth plot also shows the other families' ERF radii (their own jobs)
  float opacity = 0.75f;      // of the map over the image
  // The calculator: its stack of convs (kernel, stride, dilation; "same" padding), empty until seeded from the cnn;
  // edited: it differs from the cnn's (then it goes into links); row: the one whose box is drawn (-1: the last).
  std::vector<ConvGeometry> calc;
  bool calc_edited = false;
  int calc_row = -1;
};

// The Compare view: whether table (b) is measured, the data-scale points re-measured in the page, and the concept
// table's link to the plot.
struct CompareViewState {
  bool measure = false;         // table (b) is measured in the page (its jobs run)
  int accuracy_images = 0;      // > 0: re-measure every checkpoint's accuracy on the first N test images
  bool scroll_to_plot = false;  // the next frame scrolls the data-scale plot into view
};

// The Representations view: the two models of the CKA heatmap (A: rows, B: columns), the model of the skip-ratio
// plot, the shift of the equivariance plot, and how many test images each uses (indices into kFamilies and checkpoint
// slots, ui/model_store.h family_checkpoint).
struct RepresentationsViewState {
  int a_family = 0, a_scale = 4;  // vit_p100
  int b_family = 1, b_scale = 4;  // cnn_p100
  int cka_images = 1000;          // the first N test images, a multiple of kCkaBatch (analysis/representations.h)
  int skip_family = 0, skip_scale = 4;
  int skip_images = 100;
  int shift = 4;                  // equivariance: k px, 1..kMaxShift
  int eq_images = 100;
  // Each figure computes once asked for (its button, or a link), then follows its settings: the jobs take seconds
  // of full CPU, not spent on a tab merely passed through.
  bool cka_requested = false, skip_requested = false, eq_requested = false;
};

struct AppState {
  Platform platform;
  UiState ui;
  InputState input;
  GalleryState gallery;
  ModelsState models;
  JobsState jobs;
  PredictionsState predictions;
  AttentionViewState attention;
  ReceptiveFieldViewState receptive_field;
  CompareViewState compare;
  RepresentationsViewState representations;
};

}  // namespace vc
