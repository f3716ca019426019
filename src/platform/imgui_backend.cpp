#include "platform/imgui_backend.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "imgui.h"

namespace vc {
namespace {

constexpr const char* kVertexShader = R"(
uniform mat4 u_projection;
in vec2 a_position;
in vec2 a_uv;
in vec4 a_color;
out vec2 v_uv;
out vec4 v_color;
void main() {
  v_uv = a_uv;
  v_color = a_color;
  gl_Position = u_projection * vec4(a_position, 0.0, 1.0);
}
)";

constexpr const char* kFragmentShader = R"(
uniform sampler2D u_texture;
in vec2 v_uv;
in vec4 v_color;
out vec4 o_color;
void main() { o_color = v_color * texture(u_texture, v_uv); }
)";

enum Attribute : GLuint { kPosition = 0, kUv = 1, kColor = 2 };

ImguiBackend& backend_of(GLFWwindow* window) {
  return *static_cast<ImguiBackend*>(glfwGetWindowUserPointer(window));
}

bool compile_shader(GLuint shader, const char* body, std::string* error) {
  const char* sources[] = {VC_GLSL_VERSION, body};
  glShaderSource(shader, 2, sources, nullptr);
  glCompileShader(shader);
  GLint ok = GL_FALSE;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (ok) return true;
  char log[1024] = {};
  glGetShaderInfoLog(shader, sizeof log, nullptr, log);
  *error = std::string("shader compile failed: ") + log;
  return false;
}

#ifndef __EMSCRIPTEN__
const char* get_clipboard(void* window) { return glfwGetClipboardString(static_cast<GLFWwindow*>(window)); }
void set_clipboard(void* window, const char* text) {
  glfwSetClipboardString(static_cast<GLFWwindow*>(window), text);
}
#endif

}  // namespace

bool ImguiBackend::init(GLFWwindow* window, std::string* error) {
  window_ = window;
  ImGuiIO& io = ImGui::GetIO();
  io.BackendPlatformName = "vitcnn_glfw";
  io.BackendRendererName = "vitcnn_gl3";
#ifndef __EMSCRIPTEN__
  // Desktop GL 3.2+ draws with a base vertex, so 16-bit index builds (Debian's 1.86) handle big meshes.
  io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
  io.SetClipboardTextFn = set_clipboard;
  io.GetClipboardTextFn = get_clipboard;
  io.ClipboardUserData = window;
#endif
  const std::pair<int, int> keys[] = {
      {ImGuiKey_Tab, GLFW_KEY_TAB},         {ImGuiKey_LeftArrow, GLFW_KEY_LEFT},
      {ImGuiKey_RightArrow, GLFW_KEY_RIGHT}, {ImGuiKey_UpArrow, GLFW_KEY_UP},
      {ImGuiKey_DownArrow, GLFW_KEY_DOWN},   {ImGuiKey_PageUp, GLFW_KEY_PAGE_UP},
      {ImGuiKey_PageDown, GLFW_KEY_PAGE_DOWN}, {ImGuiKey_Home, GLFW_KEY_HOME},
      {ImGuiKey_End, GLFW_KEY_END},         {ImGuiKey_Insert, GLFW_KEY_INSERT},
      {ImGuiKey_Delete, GLFW_KEY_DELETE},   {ImGuiKey_Backspace, GLFW_KEY_BACKSPACE},
      {ImGuiKey_Space, GLFW_KEY_SPACE},     {ImGuiKey_Enter, GLFW_KEY_ENTER},
      {ImGuiKey_Escape, GLFW_KEY_ESCAPE},   {ImGuiKey_KeyPadEnter, GLFW_KEY_KP_ENTER},
      {ImGuiKey_A, GLFW_KEY_A},             {ImGuiKey_C, GLFW_KEY_C},
      {ImGuiKey_V, GLFW_KEY_V},             {ImGuiKey_X, GLFW_KEY_X},
      {ImGuiKey_Y, GLFW_KEY_Y},             {ImGuiKey_Z, GLFW_KEY_Z}};
  for (const auto& [imgui_key, glfw_key] : keys) io.KeyMap[imgui_key] = glfw_key;

  glfwSetWindowUserPointer(window, this);
  glfwSetMouseButtonCallback(window, [](GLFWwindow* w, int button, int action, int) {
    backend_of(w).mouse_button_event(button, action);
  });
  glfwSetKeyCallback(window, [](GLFWwindow* w, int key, int, int action, int) {
    backend_of(w).key_event(key, action);
  });
  glfwSetCharCallback(window, [](GLFWwindow* w, unsigned int c) { backend_of(w).char_event(c); });
  glfwSetScrollCallback(window, [](GLFWwindow* w, double dx, double dy) { backend_of(w).scroll_event(dx, dy); });
  // The cursor's position is read each frame (new_frame); its moves only wake the pacer.
  glfwSetCursorPosCallback(window, [](GLFWwindow* w, double, double) { backend_of(w).input_event(); });
  glfwSetCursorEnterCallback(window, [](GLFWwindow* w, int) { backend_of(w).input_event(); });
  glfwSetWindowRefreshCallback(window, [](GLFWwindow* w) { backend_of(w).input_event(); });
#ifndef __EMSCRIPTEN__
  glfwSetDropCallback(window, [](GLFWwindow* w, int count, const char** paths) {
    ImguiBackend& self = backend_of(w);
    self.input_event();
    if (self.on_drop) self.on_drop(std::vector<std::string>(paths, paths + count));
  });
#endif

  GLuint vs = glCreateShader(GL_VERTEX_SHADER), fs = glCreateShader(GL_FRAGMENT_SHADER);
  bool ok = compile_shader(vs, kVertexShader, error) && compile_shader(fs, kFragmentShader, error);
  if (ok) {
    program_ = glCreateProgram();
    glAttachShader(program_, vs);
    glAttachShader(program_, fs);
    glBindAttribLocation(program_, kPosition, "a_position");
    glBindAttribLocation(program_, kUv, "a_uv");
    glBindAttribLocation(program_, kColor, "a_color");
    glLinkProgram(program_);
    GLint linked = GL_FALSE;
    glGetProgramiv(program_, GL_LINK_STATUS, &linked);
    if (!linked) {
      *error = "shader link failed";
      ok = false;
    }
  }
  glDeleteShader(vs);
  glDeleteShader(fs);
  if (!ok) return false;
  loc_projection_ = glGetUniformLocation(program_, "u_projection");
  loc_texture_ = glGetUniformLocation(program_, "u_texture");

  glGenVertexArrays(1, &vao_);
  glGenBuffers(1, &vbo_);
  glGenBuffers(1, &ebo_);
  glBindVertexArray(vao_);
  glBindBuffer(GL_ARRAY_BUFFER, vbo_);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, ebo_);
  glEnableVertexAttribArray(kPosition);
  glEnableVertexAttribArray(kUv);
  glEnableVertexAttribArray(kColor);
  const auto offset = [](size_t bytes) { return reinterpret_cast<const void*>(bytes); };
  glVertexAttribPointer(kPosition, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), offset(offsetof(ImDrawVert, pos)));
  glVertexAttribPointer(kUv, 2, GL_FLOAT, GL_FALSE, sizeof(ImDrawVert), offset(offsetof(ImDrawVert, uv)));
  glVertexAttribPointer(kColor, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(ImDrawVert), offset(offsetof(ImDrawVert, col)));
  glBindVertexArray(0);
  return true;
}

void ImguiBackend::shutdown() {
  if (window_) glfwSetWindowUserPointer(window_, nullptr);
  glDeleteTextures(1, &font_texture_);
  glDeleteBuffers(1, &vbo_);
  glDeleteBuffers(1, &ebo_);
  glDeleteVertexArrays(1, &vao_);
  glDeleteProgram(program_);
  font_texture_ = vbo_ = ebo_ = vao_ = program_ = 0;
  window_ = nullptr;
}

void ImguiBackend::upload_fonts() {
  ImGuiIO& io = ImGui::GetIO();
  unsigned char* pixels = nullptr;
  int width = 0, height = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
  if (!font_texture_) glGenTextures(1, &font_texture_);
  glBindTexture(GL_TEXTURE_2D, font_texture_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
  io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(font_texture_)));
  // The atlas pixels live on the GPU now; keep only the glyph tables.
  io.Fonts->ClearTexData();
}

void ImguiBackend::input_event() {
  if (on_input) on_input();
}

void ImguiBackend::mouse_button_event(int button, int action) {
  input_event();
  double x = 0, y = 0;
  glfwGetCursorPos(window_, &x, &y);
  mouse_queue_.push_back({button, action == GLFW_PRESS, static_cast<float>(x), static_cast<float>(y)});
}

void ImguiBackend::key_event(int key, int action) {
  input_event();
  // Key repeats keep the key down; ImGui derives its own repeat rate.
  if (action == GLFW_REPEAT) return;
  key_queue_.push_back({key, action == GLFW_PRESS, 0, 0});
}

void ImguiBackend::char_event(unsigned int codepoint) {
  input_event();
  ImGui::GetIO().AddInputCharacter(codepoint);
}

void ImguiBackend::scroll_event(double dx, double dy) {
  input_event();
  wheel_x_ += static_cast<float>(dx);
  wheel_y_ += static_cast<float>(dy);
}

void ImguiBackend::apply_queued(std::vector<ButtonEvent>& queue, bool* down, int count, float* cursor) {
  std::vector<ButtonEvent> later;
  std::vector<int> changed;
  for (const ButtonEvent& e : queue) {
    if (e.index < 0 || e.index >= count) continue;
    // Once an index changed this frame, its later events (and their order) wait for the next frame.
    if (std::find(changed.begin(), changed.end(), e.index) != changed.end()) {
      later.push_back(e);
      continue;
    }
    changed.push_back(e.index);
    down[e.index] = e.down;
    cursor[0] = e.cursor_x;
    cursor[1] = e.cursor_y;
  }
  queue.swap(later);
}

void ImguiBackend::new_frame(const FrameGeometry& g, double now_s) {
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(g.logical_w, g.logical_h);
  io.DisplayFramebufferScale = ImVec2(g.pixel_ratio, g.pixel_ratio);
  io.DeltaTime = last_time_s_ > 0 ? static_cast<float>(std::max(now_s - last_time_s_, 1e-4)) : 1.0f / 60.0f;
  last_time_s_ = now_s;

  double x = 0, y = 0;
  glfwGetCursorPos(window_, &x, &y);
  float cursor[2] = {static_cast<float>(x), static_cast<float>(y)};
  // A queued press or release applies only once the mouse stood at its position for a frame: tabs and other
  // overlapping items take a click only where the mouse hovered the frame before, and scripted clicks jump.
  if (!mouse_queue_.empty()) {
    const ButtonEvent& next = mouse_queue_.front();
    const bool arrived =
        next.cursor_x * g.cursor_scale == io.MousePos.x && next.cursor_y * g.cursor_scale == io.MousePos.y;
    cursor[0] = next.cursor_x;
    cursor[1] = next.cursor_y;
    if (arrived) apply_queued(mouse_queue_, io.MouseDown, IM_ARRAYSIZE(io.MouseDown), cursor);
  }
  io.MousePos = ImVec2(cursor[0] * g.cursor_scale, cursor[1] * g.cursor_scale);

  float unused_cursor[2];
  apply_queued(key_queue_, io.KeysDown, IM_ARRAYSIZE(io.KeysDown), unused_cursor);
  io.KeyCtrl = io.KeysDown[GLFW_KEY_LEFT_CONTROL] || io.KeysDown[GLFW_KEY_RIGHT_CONTROL];
  io.KeyShift = io.KeysDown[GLFW_KEY_LEFT_SHIFT] || io.KeysDown[GLFW_KEY_RIGHT_SHIFT];
  io.KeyAlt = io.KeysDown[GLFW_KEY_LEFT_ALT] || io.KeysDown[GLFW_KEY_RIGHT_ALT];
  io.KeySuper = io.KeysDown[GLFW_KEY_LEFT_SUPER] || io.KeysDown[GLFW_KEY_RIGHT_SUPER];

  io.MouseWheel += wheel_y_;
  io.MouseWheelH += wheel_x_;
  wheel_x_ = wheel_y_ = 0;
}

void ImguiBackend::setup_render_state(const ImDrawData& draw_data, const FrameGeometry& g) {
  glViewport(0, 0, g.fb_w, g.fb_h);
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_CULL_FACE);
  glDisable(GL_DEPTH_TEST);
  glEnable(GL_SCISSOR_TEST);
  // Orthographic projection of the logical display rectangle onto clip space (y down).
  const float l = draw_data.DisplayPos.x, r = l + draw_data.DisplaySize.x;
  const float t = draw_data.DisplayPos.y, b = t + draw_data.DisplaySize.y;
  const float projection[16] = {2 / (r - l), 0, 0, 0,  0, 2 / (t - b), 0, 0,  0, 0, -1, 0,
                                (r + l) / (l - r), (t + b) / (b - t), 0, 1};
  glUseProgram(program_);
  glUniformMatrix4fv(loc_projection_, 1, GL_FALSE, projection);
  glUniform1i(loc_texture_, 0);
  glActiveTexture(GL_TEXTURE0);
  glBindVertexArray(vao_);
  glBindBuffer(GL_ARRAY_BUFFER, vbo_);
}

void ImguiBackend::render(const ImDrawData& draw_data, const FrameGeometry& g) {
  if (g.fb_w <= 0 || g.fb_h <= 0) return;
  setup_render_state(draw_data, g);
  const ImVec2 origin = draw_data.DisplayPos, scale = draw_data.FramebufferScale;
  const GLenum index_type = sizeof(ImDrawIdx) == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT;
  for (int n = 0; n < draw_data.CmdListsCount; ++n) {
    const ImDrawList& list = *draw_data.CmdLists[n];
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(list.VtxBuffer.Size) * sizeof(ImDrawVert),
                 list.VtxBuffer.Data, GL_STREAM_DRAW);
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, static_cast<GLsizeiptr>(list.IdxBuffer.Size) * sizeof(ImDrawIdx),
                 list.IdxBuffer.Data, GL_STREAM_DRAW);
    for (const ImDrawCmd& cmd : list.CmdBuffer) {
      if (cmd.UserCallback) {
        if (cmd.UserCallback == ImDrawCallback_ResetRenderState) {
          setup_render_state(draw_data, g);
        } else {
          cmd.UserCallback(&list, &cmd);
        }
        continue;
      }
      // Clip rectangle from logical units to framebuffer pixels (GL's scissor origin is bottom-left).
      const float x0 = (cmd.ClipRect.x - origin.x) * scale.x, y0 = (cmd.ClipRect.y - origin.y) * scale.y;
      const float x1 = (cmd.ClipRect.z - origin.x) * scale.x, y1 = (cmd.ClipRect.w - origin.y) * scale.y;
      if (x1 <= x0 || y1 <= y0 || x0 >= g.fb_w || y0 >= g.fb_h) continue;
      glScissor(static_cast<GLint>(x0), static_cast<GLint>(g.fb_h - y1), static_cast<GLsizei>(x1 - x0),
                static_cast<GLsizei>(y1 - y0));
      glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(reinterpret_cast<intptr_t>(cmd.TextureId)));
      const void* first = reinterpret_cast<const void*>(cmd.IdxOffset * sizeof(ImDrawIdx));
#ifdef __EMSCRIPTEN__
      glDrawElements(GL_TRIANGLES, static_cast<GLsizei>(cmd.ElemCount), index_type, first);
#else
      glDrawElementsBaseVertex(GL_TRIANGLES, static_cast<GLsizei>(cmd.ElemCount), index_type, first,
                               static_cast<GLint>(cmd.VtxOffset));
#endif
    }
  }
  glDisable(GL_SCISSOR_TEST);
  glBindVertexArray(0);
}

}  // namespace vc
