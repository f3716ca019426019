// What the desktop app and the web page share: the ImGui context, the backend, the fonts and the lab itself.
// The platform mains own the window and the event loop and supply the Platform services.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "figures/render.h"
#include "imgui.h"
#include "platform/frame_pacer.h"
#include "platform/imgui_backend.h"
#include "ui/lab.h"

namespace vc {

// The framebuffer's pixels [x, x + w) x [y, y + h) (device pixels, y down from the top of a framebuffer fb_h tall)
// as a PNG, read back with glReadPixels: call after drawing, with the GL context current. An error when the
// rectangle is empty or the encoder fails.
Result<std::vector<uint8_t>> framebuffer_png(int x, int y, int w, int h, int fb_h);

class Shell {
 public:
  Shell();
  ~Shell();
  Shell(const Shell&) = delete;
  Shell& operator=(const Shell&) = delete;

  // Needs the window's GL context current. Starts fetching the fonts through platform.fetch (platform.now_ms is
  // filled in here); the lab is created once they have arrived, the Hangul font fetched once Korean is shown.
  Status start(GLFWwindow* window, Platform platform, const LabOptions& options);
  // Whether a frame is due at now_s (the clock frame() gets): the FramePacer says so (input, a wake, the lab still
  // busy, the settle period after them), or the geometry differs from the last drawn frame's. When it is not, the
  // platform draws nothing: no ImGui frame, no GL call.
  bool wants_frame(const FrameGeometry& geometry, double now_s) const;
  // When no frame is due: whether one will be without a wake (FramePacer's hold), and when.
  bool holding(double now_s) const { return pacer_.holding(now_s); }
  double hold_until_s() const { return pacer_.hold_until_s(); }
  // Draws one frame; until the fonts have arrived it only clears the window. A figure export asked for in the frame
  // (lab_take_capture) is drawn by figures/render.h and saved.
  void frame(const FrameGeometry& geometry, double now_s);
  // Something outside the window's input may change what is shown (a fetch answer, a resize): frames are due again.
  // Input events, open_file, apply_view_state and open_link wake it themselves. Calls on_wake.
  void wake();
  // Hears every wake (the web page resumes its paused main loop).
  std::function<void()> on_wake;
  // A frame of the lab has been drawn: it takes input while its data and models may still be loading.
  bool shown() const { return font_ratio_ > 0; }
  // lab_ready() held after a drawn frame.
  bool ready() const { return ready_; }
  // A start-up failure the lab cannot show itself (fonts missing); empty while all is well.
  const std::string& error() const { return error_; }

  void open_file(std::span<const uint8_t> bytes, const std::string& name);
  // A view state from the page's scripts, merged into the current one (lab_apply_view_state).
  void apply_view_state(const std::string& view);
  // A link pasted into the page's address: exactly its state (lab_open_link).
  void open_link(const std::string& view);
  // The clipboard refused a link that share_link handed over (lab_link_copy_failed).
  void link_copy_failed(const std::string& reason);
  // Frees the job cache (lab_forget_results): the memory figures before and after tell what it held.
  void forget_results();
  // lab_query's answers, and "fonts": the atlas's glyph count, the Hangul font merged into it (its asset path, empty
  // before the first atlas) and the pixel ratio it was rasterized for.
  std::string query(const std::string& what) const;
  std::string view_state() const;

  ImguiBackend& backend() { return backend_; }

 private:
  struct FontFile;
  std::shared_ptr<FontFile> fetch_font(const char* path);
  // Fetches the Hangul font once Korean is shown; (re)builds the atlas when the pixel ratio or its Hangul font changes.
  void update_fonts(const FrameGeometry& geometry);
  void build_fonts(float pixel_ratio, FontFile& hangul_font);
  std::string fonts_json() const;
  // The fonts of the slide figures (figures/render.h): the text font, and the Hangul font merged into the atlas.
  FigureFonts figure_fonts() const;

  ImguiBackend backend_;
  FramePacer pacer_;
  FrameGeometry drawn_geometry_;  // of the last drawn frame
  std::unique_ptr<AppState> app_;  // null until the fonts have arrived
  Platform platform_;              // for lab_create, until then
  LabOptions options_;
  decltype(Platform::fetch) fetch_;
  std::shared_ptr<FontFile> text_font_, names_font_;
  std::shared_ptr<FontFile> hangul_font_;  // null until Korean is shown (again after a failed fetch)
  float font_ratio_ = 0;  // pixel ratio x presenter scale the atlas was rasterized for (0: not built)
  const FontFile* atlas_hangul_ = nullptr;  // the Hangul font merged into the atlas
  ImGuiStyle base_style_;  // ImGui's style at scale 1
  float style_scale_ = 0;  // the scale ImGui's style has now (0: not scaled yet)
  bool ready_ = false;
  std::string error_;
};

}  // namespace vc
