// The lab's entry points, called by the platform layer (src/platform) once per event or frame.
// The UI reads AppState and turns user actions into state changes; it makes no GL or platform calls.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "figures/figure.h"

namespace vc {

struct AppState;  // defined in ui/app_state.h; owns everything mutable (no other global state)

// The allocator's figures, for lab_query("memory").
struct MemoryUse {
  int64_t heap_in_use = 0;  // bytes malloc'd and not yet freed
  int64_t heap_size = 0;    // bytes the process holds for its heap (the page: the wasm memory's size)
};

// Services supplied by the platform layer.
struct Platform {
  // Asset access: paths are relative to the assets root ("data/t10k-images-idx3-ubyte.gz",
  // "models/vit_p100.safetensors"). Both platforms answer later, never inside the call: the web when the
  // download ends, native at the start of the next frame. `done` gets the bytes, or an empty vector and an
  // error message.
  std::function<void(const std::string& path,
                     std::function<void(std::vector<uint8_t> bytes, std::string error)> done)>
      fetch;
  // Opens the browser's / desktop's file picker (images and .safetensors checkpoints); the chosen file arrives
  // through lab_open_file.
  // May be empty (no picker available): the UI then hides its button.
  std::function<void()> pick_image_file;
  // Hands an exported file (PNG figure, CSV table) to the user: the browser downloads it, the desktop app
  // writes it into the current folder. Returns an error message, empty on success. May be empty (no export).
  std::function<std::string(const std::string& file_name, std::span<const uint8_t> bytes)> save_file;
  // Monotonic milliseconds, for latency figures and time-sliced jobs.
  std::function<double()> now_ms;
  // The allocator's figures now. May be empty: lab_query("memory") then answers an error.
  std::function<MemoryUse()> memory_use;
  // A small store of the lab's own settings that outlives the page (e.g. "start_card_seen" = "1"): the browser's
  // localStorage, memory only in the desktop app. get answers "" for a key never set. Both may be empty: then
  // nothing is remembered beyond this run.
  std::function<std::string(const std::string& key)> setting_get;
  std::function<void(const std::string& key, const std::string& value)> setting_set;
  // "Copy link": turns a view state (lab_view_state) into the platform's link, the page's URL with the state in its
  // hash or the desktop app's command line with --view, and hands it to the user (the clipboard; the desktop app
  // also prints it). Returns the link, or an error message in `error`. May be empty: the button is then hidden.
  std::function<std::string(const std::string& view_state, std::string* error)> share_link;
  // The page's single-thread module, which runs where the browser gives the page no threads (it is not cross-origin
  // isolated): Help -> About says so and why. The kernels' thread count itself is kernel_threads() (kernels/parallel.h).
  bool threads_need_isolation = false;
  // Run the jobs' steps on a thread of their own (ui/job_thread.h), the UI thread only drawing; where false (or the
  // build has no threads) they run on the UI thread in time slices (ui/jobs.h).
  bool job_thread = false;
};

struct LabOptions {
  std::string language = "en";  // "en" | "ko"
  std::string view_state;        // URL hash / --view string to restore, empty for defaults
  float scale = 0.0f;            // presenter scale (--scale, the page's ?scale=); 0: automatic (ui/scale.h)
};

std::unique_ptr<AppState> lab_create(Platform platform, const LabOptions& options);
// Between ImGui::NewFrame() and ImGui::Render(): draws the whole lab, runs time-sliced jobs (or collects the job
// thread's results).
void lab_frame(AppState& app);
// After a frame: the UI thread's time for it (ms: lab_frame and rendering), kept while jobs run for
// lab_query("state")'s busy_frames (the frame-time goal of docs/threads.md); the job thread gets the frame's jobs.
void lab_frame_drawn(AppState& app, double ms);
// A file the user picked or dropped: a safetensors checkpoint (by its header, or a ".safetensors" name) goes to
// lab_open_checkpoint, anything else to lab_open_image. Both platforms call this one.
void lab_open_file(AppState& app, std::span<const uint8_t> bytes, const std::string& name);
// An image (PNG/JPEG...) becomes the input; a bad file sets a visible message, nothing more.
void lab_open_image(AppState& app, std::span<const uint8_t> bytes, const std::string& name);
// A view state ("tab=attention&att.layer=2", the URL hash / --view format) applied to the running lab: the keys it
// names change, the others stay; unknown keys and bad values are ignored.
void lab_apply_view_state(AppState& app, const std::string& view);
// A link from outside (pasted into the running page's address): the lab shows exactly its state, as a page opened
// with it would. Links leave the defaults out, so everything a link can hold first returns to its default
// (reset_link_state, ui/link.h), then the link applies. The page's own hash updates never come here.
void lab_open_link(AppState& app, const std::string& view);
// A checkpoint exported by tools/train joins its family's checkpoint choices in every view under its file name
// (ui/model_store.h add_user_checkpoint) and becomes that family's model in the Predictions view; a file the engine
// cannot use sets a visible message naming the file and the reason, nothing more.
void lab_open_checkpoint(AppState& app, std::span<const uint8_t> bytes, const std::string& name);
// The interface language now, "en" | "ko" (the platform fetches the Hangul font once it is "ko").
std::string lab_language(const AppState& app);
// A problem of the platform's own that the lab survives (a font that did not load), shown on the status line.
void lab_show_error(AppState& app, const std::string& message);
// "Copy link" did not reach the clipboard (the page learns it after share_link answered): the status line says why.
void lab_link_copy_failed(AppState& app, const std::string& reason);
// Memory measurement hook: frees the job cache (ui/jobs.h jobs_forget_finished); the views compute again what they
// show. The heap it frees is the bytes the cached results held (tests/browser/long_use.mjs).
void lab_forget_results(AppState& app);
// True once the first frame with its data (gallery + default models) has been drawn.
bool lab_ready(const AppState& app);
// True while the frames to come have work without any input: a running job, a view switch asked for (until the tab
// bar shows it), a figure capture not yet taken. The platform keeps drawing while it holds (platform/frame_pacer.h);
// otherwise it draws only after input, a fetch answer, a link or a file.
bool lab_wants_frame(const AppState& app);
// How long the next frame may wait (seconds, FramePacer's hold): kProgressFrameS while the only work is the job
// thread's (its progress is all that changes) and nobody has used the lab for kInteractiveMs; else 0.
double lab_frame_hold_s(const AppState& app);
// The current 28x28 input image in [0,1], row-major (tests read it back through the platform).
std::vector<float> lab_input_image(const AppState& app);
// Serialized view state for the URL hash: "tab=<view>", the lab-wide keys (ui/link.h: input image, language,
// scale, tour step), then every view's settings that differ from their defaults.
std::string lab_view_state(const AppState& app);
// PNG export of a figure: an export button (ui/widgets.h export_buttons) hands over the slide figure (figures/
// figure.h), which the platform draws with figures/render.h and the lab's fonts once the frame is drawn, as
// `vitcnn figures` does.
struct FigureCapture {
  std::string file_name;  // "receptive_field_map.png"
  Figure figure;
};
// The capture asked for in the last frame, if any; the call clears it.
std::optional<FigureCapture> lab_take_capture(AppState& app);
// Hands the capture's PNG to Platform::save_file, or reports `error` (the drawing failed), on the status line.
void lab_save_capture(AppState& app, const FigureCapture& capture, std::span<const uint8_t> png,
                      const std::string& error);
// Test and scripting hook: JSON answers about the current state, e.g. "input" (the 28x28 image), "state" (view,
// language, message, input version, readiness, "frames": how many frames lab_frame has drawn, "job_budget_ms": the
// jobs' time budget of the last frame that ran any, ui/jobs.h),
// "rects" (screen rectangles of named widgets, so browser tests can click them), and whatever later
// views add ("predictions", ...), "memory" (Platform::memory_use's figures, the model store's loaded models and their weight bytes,
// the bytes of Dear ImGui's draw buffers, the jobs cached and running),
// "tour" (the start card and the guided tour's step, ui/tour.h).
// Unknown queries answer {"error": "..."}.
std::string lab_query(const AppState& app, const std::string& what);

}  // namespace vc
