// The web lab: the emscripten main loop and the JavaScript interop. web/lab.js owns the page (loading bar,
// canvas size, drops, the file picker); this file installs Module.lab* functions for it and calls back into it
// through Module.onLab* hooks. Assets are fetched from assets/<path> relative to the page.
#include <emscripten.h>
#include <emscripten/heap.h>
#include <emscripten/html5.h>
#include <malloc.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "kernels/parallel.h"
#include "platform/options.h"
#include "platform/shell.h"

namespace vc {
namespace {

// The page's single instance: emscripten's main loop and JS callbacks reach it through this pointer.
struct WebLab {
  Shell shell;
  GLFWwindow* window = nullptr;
  int next_fetch_id = 1;
  std::map<int, std::function<void(std::vector<uint8_t>, std::string)>> fetches;
  std::string view_state;
  std::string query_answer;  // keeps the last lab_query answer alive for JS to read
  bool announced_shown = false;
  bool announced_ready = false;
  bool announced_error = false;
  bool paused = false;  // the main loop stopped while nothing can change (Shell::wants_frame); a wake resumes it
};
WebLab* g_lab = nullptr;

// clang-format off
EM_JS(void, js_install, (), {
  Module.labOpenFile = function(bytes, name) {
    var ptr = _malloc(Math.max(bytes.length, 1));
    HEAPU8.set(bytes, ptr);
    var nameLen = lengthBytesUTF8(name) + 1, namePtr = _malloc(nameLen);
    stringToUTF8(name, namePtr, nameLen);
    _vc_open_file(ptr, bytes.length, namePtr);
    _free(namePtr);
    _free(ptr);
  };
  Module.labQuery = function(what) {
    var len = lengthBytesUTF8(what) + 1, ptr = _malloc(len);
    stringToUTF8(what, ptr, len);
    var answer = UTF8ToString(_vc_query(ptr));
    _free(ptr);
    return answer;
  };
  Module.labApplyView = function(view) {
    var len = lengthBytesUTF8(view) + 1, ptr = _malloc(len);
    stringToUTF8(view, ptr, len);
    _vc_apply_view(ptr);
    _free(ptr);
  };
  Module.labOpenLink = function(view) {
    var len = lengthBytesUTF8(view) + 1, ptr = _malloc(len);
    stringToUTF8(view, ptr, len);
    _vc_open_link(ptr);
    _free(ptr);
  };
  Module.labLinkCopyFailed = function(reason) {
    var len = lengthBytesUTF8(reason) + 1, ptr = _malloc(len);
    stringToUTF8(reason, ptr, len);
    _vc_link_copy_failed(ptr);
    _free(ptr);
  };
  Module.labForgetResults = function() { _vc_forget_results(); };
  Module.labDeliver = function(id, bytes, error) {
    var ptr = _malloc(Math.max(bytes.length, 1));
    HEAPU8.set(bytes, ptr);
    var errLen = lengthBytesUTF8(error) + 1, errPtr = _malloc(errLen);
    stringToUTF8(error, errPtr, errLen);
    _vc_fetch_done(id, ptr, bytes.length, errPtr);
    _free(errPtr);
    _free(ptr);
  };
});
EM_JS(void, js_fetch, (int id, const char* path), { Module.labFetch(id, UTF8ToString(path)); });
EM_JS(void, js_pick_file, (), { Module.labPickFile(); });
EM_JS(void, js_save_file, (const char* name, const uint8_t* bytes, int length), {
  Module.labSaveFile(UTF8ToString(name), HEAPU8.slice(bytes, bytes + length));
});
EM_JS(void, js_shown, (), { Module.onLabShown(); });
// The page's link for a view state (web/lab.js labShareLink, which also puts it on the clipboard), malloc'd; an
// empty string when the page has no clipboard. The clipboard answers later: a refusal comes back through
// Module.labLinkCopyFailed.
EM_JS(char*, js_share_link, (const char* state), {
  var link = Module.labShareLink(UTF8ToString(state));
  var len = lengthBytesUTF8(link) + 1, ptr = _malloc(len);
  stringToUTF8(link, ptr, len);
  return ptr;
});
EM_JS(void, js_ready, (), { Module.onLabReady(); });
EM_JS(void, js_fatal, (const char* message), { Module.onLabError(UTF8ToString(message)); });
// The lab's settings in localStorage under "vitcnn.<key>"; a browser that refuses storage (a privacy mode) forgets.
EM_JS(char*, js_setting_get, (const char* key), {
  var value = '';
  try {
    value = window.localStorage.getItem('vitcnn.' + UTF8ToString(key)) || '';
  } catch (e) {
  }
  var len = lengthBytesUTF8(value) + 1, ptr = _malloc(len);
  stringToUTF8(value, ptr, len);
  return ptr;
});
EM_JS(void, js_setting_set, (const char* key, const char* value), {
  try {
    window.localStorage.setItem('vitcnn.' + UTF8ToString(key), UTF8ToString(value));
  } catch (e) {
  }
});
EM_JS(void, js_set_view_state, (const char* state), { Module.onLabViewState(UTF8ToString(state)); });
// clang-format on

// The canvas follows the window (CSS size) and devicePixelRatio: its backing store is resized to match, and
// GLFW's cursor, which emscripten reports in backing-store pixels, is scaled back to CSS pixels.
FrameGeometry canvas_geometry() {
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  const double ratio = emscripten_get_device_pixel_ratio();
  const int fb_w = static_cast<int>(std::lround(css_w * ratio)), fb_h = static_cast<int>(std::lround(css_h * ratio));
  int cur_w = 0, cur_h = 0;
  emscripten_get_canvas_element_size("#canvas", &cur_w, &cur_h);
  if (fb_w > 0 && fb_h > 0 && (cur_w != fb_w || cur_h != fb_h)) {
    emscripten_set_canvas_element_size("#canvas", fb_w, fb_h);
  }
  FrameGeometry g;
  g.logical_w = static_cast<float>(css_w);
  g.logical_h = static_cast<float>(css_h);
  g.pixel_ratio = static_cast<float>(ratio);
  g.cursor_scale = fb_w > 0 ? static_cast<float>(css_w / fb_w) : 1.0f;
  g.fb_w = fb_w;
  g.fb_h = fb_h;
  return g;
}

// One animation frame. When none is due the main loop pauses (no requestAnimationFrame at all: an empty one still
// costs the page ~5 % of a core) until Shell::wake resumes it: input, a resize, a fetch answer, a link, a file.
void frame(void*) {
  WebLab& lab = *g_lab;
  const FrameGeometry geometry = canvas_geometry();
  const double now_s = glfwGetTime();
  if (!lab.shell.wants_frame(geometry, now_s)) {
    if (lab.shell.holding(now_s)) return;  // a frame is due soon without a wake: the loop goes on
    lab.paused = true;
    emscripten_pause_main_loop();
    return;
  }
  lab.shell.frame(geometry, now_s);
  if (!lab.shell.error().empty() && !lab.announced_error) {
    lab.announced_error = true;
    js_fatal(lab.shell.error().c_str());
  }
  if (lab.shell.shown() && !lab.announced_shown) {
    lab.announced_shown = true;
    js_shown();
  }
  if (lab.shell.ready() && !lab.announced_ready) {
    lab.announced_ready = true;
    js_ready();
  }
  // Mirror the view state into the URL hash, so a copied link opens this view.
  if (std::string state = lab.shell.view_state(); state != lab.view_state) {
    lab.view_state = state;
    js_set_view_state(state.c_str());
  }
}

}  // namespace
}  // namespace vc

extern "C" {

EMSCRIPTEN_KEEPALIVE void vc_fetch_done(int id, const uint8_t* bytes, int length, const char* error) {
  auto& fetches = vc::g_lab->fetches;
  auto it = fetches.find(id);
  if (it == fetches.end()) return;
  auto done = std::move(it->second);
  fetches.erase(it);
  done(std::vector<uint8_t>(bytes, bytes + length), error);
  vc::g_lab->shell.wake();
}

EMSCRIPTEN_KEEPALIVE void vc_open_file(const uint8_t* bytes, int length, const char* name) {
  vc::g_lab->shell.open_file(std::span<const uint8_t>(bytes, static_cast<size_t>(length)), name);
}

EMSCRIPTEN_KEEPALIVE void vc_apply_view(const char* view) { vc::g_lab->shell.apply_view_state(view); }

EMSCRIPTEN_KEEPALIVE void vc_open_link(const char* view) { vc::g_lab->shell.open_link(view); }

EMSCRIPTEN_KEEPALIVE void vc_link_copy_failed(const char* reason) { vc::g_lab->shell.link_copy_failed(reason); }

EMSCRIPTEN_KEEPALIVE void vc_forget_results() { vc::g_lab->shell.forget_results(); }

EMSCRIPTEN_KEEPALIVE const char* vc_query(const char* what) {
  vc::g_lab->query_answer = vc::g_lab->shell.query(what);
  return vc::g_lab->query_answer.c_str();
}

}  // extern "C"

int main(int argc, char** argv) {
  using namespace vc;
  js_install();
  auto options = parse_shell_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!options) {
    js_fatal(options.error().message.c_str());
    return 1;
  }
  // The threaded module (-pthread, built in build-wasm-mt: docs/threads.md) computes on every core the browser reports,
  // up to kMaxKernelThreads, or on ?threads=N; the single-thread module on one.
  set_kernel_threads(options->threads ? options->threads : kernel_threads_available());
  if (!glfwInit()) {
    js_fatal("cannot start GLFW");
    return 1;
  }
  const FrameGeometry start = canvas_geometry();
  g_lab = new WebLab();
  g_lab->window = glfwCreateWindow(start.fb_w, start.fb_h, "ViT vs CNN Lab", nullptr, nullptr);
  if (!g_lab->window) {
    js_fatal("cannot create a WebGL2 context");
    return 1;
  }
  glfwMakeContextCurrent(g_lab->window);

  Platform platform;
  platform.fetch = [](const std::string& path, auto done) {
    const int id = g_lab->next_fetch_id++;
    g_lab->fetches.emplace(id, std::move(done));
    js_fetch(id, path.c_str());
  };
  platform.pick_image_file = [] { js_pick_file(); };
  platform.save_file = [](const std::string& name, std::span<const uint8_t> bytes) {
    js_save_file(name.c_str(), bytes.data(), static_cast<int>(bytes.size()));
    return std::string();
  };
  platform.share_link = [](const std::string& state, std::string* error) {
    char* answer = js_share_link(state.c_str());
    std::string link = answer;
    std::free(answer);
    if (link.empty()) *error = "this page has no clipboard access (the address bar holds the same link)";
    return link;
  };
  // dlmalloc's bytes in use, and the wasm memory (it only grows).
  platform.memory_use = [] {
    return MemoryUse{static_cast<int64_t>(mallinfo().uordblks), static_cast<int64_t>(emscripten_get_heap_size())};
  };
#ifdef __EMSCRIPTEN_PTHREADS__
  platform.job_thread = true;
#else
  platform.threads_need_isolation = true;  // web/lab.js loads this module where the page is not cross-origin isolated
#endif
  platform.setting_get = [](const std::string& key) {
    char* value = js_setting_get(key.c_str());
    std::string out(value);
    std::free(value);
    return out;
  };
  platform.setting_set = [](const std::string& key, const std::string& value) {
    js_setting_set(key.c_str(), value.c_str());
  };
  if (Status started = g_lab->shell.start(g_lab->window, std::move(platform), options->lab); !started) {
    js_fatal(started.error().message.c_str());
    return 1;
  }
  g_lab->shell.on_wake = [] {
    if (!g_lab->paused) return;
    g_lab->paused = false;
    emscripten_resume_main_loop();
  };
  // The canvas follows the window: a resize (or a zoom, which changes devicePixelRatio) needs a frame.
  emscripten_set_resize_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, nullptr, false,
                                 [](int, const EmscriptenUiEvent*, void*) -> EM_BOOL {
                                   g_lab->shell.wake();
                                   return EM_FALSE;
                                 });
  // The page lives as long as the tab: WebLab is never destroyed.
  emscripten_set_main_loop_arg(frame, nullptr, 0, false);
  return 0;
}
