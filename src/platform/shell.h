// What the desktop app and the web page share: the ImGui context, the backend, the fonts and the lab itself.
// The platform mains own the window and the event loop and supply the Platform services.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
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

  // Needs the window's GL context current. Creates the lab and starts fetching the fonts through
  // platform.fetch (platform.now_ms is filled in here).
  Status start(GLFWwindow* window, Platform platform, const LabOptions& options);
  // Draws one frame; until the fonts have arrived it only clears the window. A figure export asked for in the frame
  // (lab_take_capture) is read back from the framebuffer and saved.
  void frame(const FrameGeometry& geometry, double now_s);
  // lab_ready() held after a drawn frame.
  bool ready() const { return ready_; }
  // A start-up failure the lab cannot show itself (fonts missing); empty while all is well.
  const std::string& error() const { return error_; }

  void open_file(std::span<const uint8_t> bytes, const std::string& name);
  void apply_view_state(const std::string& view);
  std::string query(const std::string& what) const;
  std::string view_state() const;

  ImguiBackend& backend() { return backend_; }

 private:
  struct FontFile;
  void build_fonts(float pixel_ratio);

  ImguiBackend backend_;
  std::unique_ptr<AppState> app_;
  std::vector<std::shared_ptr<FontFile>> fonts_;
  float font_ratio_ = 0;  // pixel ratio the atlas was rasterized for (0: not built)
  bool ready_ = false;
  std::string error_;
};

}  // namespace vc
