// The lab's Dear ImGui backend: GLFW input and an OpenGL 3.3 core / WebGL2 renderer (one shader body,
// GLSL "#version 330 core" natively, "#version 300 es" on the web). Uses only API common to Dear ImGui 1.80
// (the npm fork) and 1.86 (Debian), so the lab builds against both.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "platform/gl.h"

struct ImDrawData;

namespace vc {

// One frame's sizes. ImGui works in logical units (CSS pixels on the web, screen coordinates / content scale
// natively); the framebuffer has `pixel_ratio` device pixels per logical unit.
struct FrameGeometry {
  float logical_w = 0, logical_h = 0;
  float pixel_ratio = 1;
  float cursor_scale = 1;  // logical units per GLFW cursor unit
  int fb_w = 0, fb_h = 0;
};

class ImguiBackend {
 public:
  // Needs a current GL context and an ImGui context. Installs the GLFW input callbacks.
  bool init(GLFWwindow* window, std::string* error);
  void shutdown();
  // (Re)uploads the font atlas texture; call after every atlas build.
  void upload_fonts();
  // Hands size, time and queued input to ImGui; call before ImGui::NewFrame().
  void new_frame(const FrameGeometry& geometry, double now_s);
  void render(const ImDrawData& draw_data, const FrameGeometry& geometry);

  // Files dropped on the window (native GLFW; the web page handles drops in JavaScript).
  std::function<void(const std::vector<std::string>& paths)> on_drop;
  // Called on every input event (mouse move, enter or leave, button, wheel, key, text, drop) and when the window
  // needs redrawing: the shell's FramePacer wakes.
  std::function<void()> on_input;
  // A press or release not yet handed to ImGui (new_frame hands over at most one change per button or key).
  bool has_pending_input() const { return !mouse_queue_.empty() || !key_queue_.empty(); }

  // GLFW callbacks, reached through the window's user pointer. Each calls on_input.
  void input_event();
  void mouse_button_event(int button, int action);
  void key_event(int key, int action);
  void char_event(unsigned int codepoint);
  void scroll_event(double dx, double dy);

 private:
  // A press or release, queued until the next frame.
  struct ButtonEvent {
    int index;
    bool down;
    float cursor_x, cursor_y;  // GLFW cursor position when it happened
  };
  // Applies queued events in order, at most one change per button or key per frame, so a press and a
  // release that both land between two frames still give ImGui one frame of "down" (a click).
  // The last applied event's cursor position lands in cursor (left as is when none applied).
  static void apply_queued(std::vector<ButtonEvent>& queue, bool* down, int count, float* cursor);
  void setup_render_state(const ImDrawData& draw_data, const FrameGeometry& geometry);

  GLFWwindow* window_ = nullptr;
  std::vector<ButtonEvent> mouse_queue_, key_queue_;
  float wheel_x_ = 0, wheel_y_ = 0;
  double last_time_s_ = 0;
  GLuint program_ = 0, vao_ = 0, vbo_ = 0, ebo_ = 0, font_texture_ = 0;
  GLint loc_projection_ = -1, loc_texture_ = -1;
};

}  // namespace vc
