// The desktop lab: the same UI as the web page in a GLFW window (OpenGL 3.3 core). Files dropped on the
// window open as input images. --frames N and --screenshot out.png make it scriptable, e.g. under xvfb-run.
#include <malloc.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kernels/parallel.h"
#include "platform/options.h"
#include "platform/shell.h"
#include "platform/native_malloc.h"

namespace vc {
namespace {

// Native asset rule (the web serves the same relative paths under assets/): with --assets DIR every path
// resolves under DIR; otherwise by its first folder: models/ and anything else under the repository's
// assets/, data/ under Debian's Fashion-MNIST folder, fonts/ under the build tree's fonts/ (Debian's fonts subset at
// build time: cmake/platform.cmake).
std::string resolve_asset(const std::string& root, const std::string& path) {
  if (!root.empty()) return root + "/" + path;
  const auto under = [&](const std::string& folder, const std::string& dir) -> std::string {
    return path.rfind(folder, 0) == 0 ? dir + path.substr(folder.size()) : std::string();
  };
  if (auto p = under("data/", "/usr/share/datasets/fashion-mnist/"); !p.empty()) return p;
  if (auto p = under("fonts/", VITCNN_FONTS_DIR "/"); !p.empty()) return p;
  return std::string(VITCNN_SOURCE_DIR) + "/assets/" + path;
}

Result<std::vector<uint8_t>> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot open " + path};
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Error{"cannot read " + path};
  return bytes;
}

// An exported file goes into the current folder under its own name (no folders in the name).
std::string save_in_current_folder(const std::string& name, std::span<const uint8_t> bytes) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
    return "bad file name '" + name + "'";
  }
  std::ofstream out(name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) return "cannot write " + name;
  std::printf("vitcnn-lab: saved %s\n", name.c_str());
  return {};
}

// The back buffer as a PNG file.
Status write_screenshot(const std::string& path, int width, int height) {
  Result<std::vector<uint8_t>> png = framebuffer_png(0, 0, width, height, height);
  if (!png) return Error{"cannot write " + path + ": " + png.error().message};
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(png->data()), static_cast<std::streamsize>(png->size()));
  if (!out) return Error{"cannot write " + path};
  return {};
}

// Sizes from GLFW: ImGui's logical units are framebuffer pixels divided by the monitor's content scale.
FrameGeometry window_geometry(GLFWwindow* window) {
  FrameGeometry g;
  int window_w = 0, window_h = 0;
  float scale_x = 1, scale_y = 1;
  glfwGetWindowSize(window, &window_w, &window_h);
  glfwGetFramebufferSize(window, &g.fb_w, &g.fb_h);
  glfwGetWindowContentScale(window, &scale_x, &scale_y);
  g.pixel_ratio = scale_x > 0 ? scale_x : 1.0f;
  g.logical_w = g.fb_w / g.pixel_ratio;
  g.logical_h = g.fb_h / g.pixel_ratio;
  g.cursor_scale = window_w > 0 ? static_cast<float>(g.fb_w) / window_w / g.pixel_ratio : 1.0f;
  return g;
}

int run(const ShellOptions& options) {
  glfwSetErrorCallback([](int code, const char* text) {
    std::fprintf(stderr, "vitcnn-lab: GLFW %d: %s\n", code, text);
  });
  if (!glfwInit()) {
    std::fprintf(stderr, "vitcnn-lab: cannot start GLFW (no display? headless runs need xvfb-run)\n");
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
  GLFWwindow* window = glfwCreateWindow(options.width, options.height, "ViT vs CNN Lab", nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "vitcnn-lab: cannot create an OpenGL 3.3 window\n");
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);

  int status = 0;
  {
    // Fetch answers wait for the next frame, as on the web: the lab never sees a callback inside its own call.
    std::vector<std::function<void()>> answers;
    Platform platform;
    platform.fetch = [&answers, root = options.assets](const std::string& path, auto done) {
      auto bytes = path.find("..") == std::string::npos
                       ? read_file(resolve_asset(root, path))
                       : Result<std::vector<uint8_t>>(Error{"bad asset path " + path});
      answers.push_back([done = std::move(done), bytes = std::move(bytes)]() mutable {
        if (bytes) {
          done(std::move(bytes).value(), {});
        } else {
          done({}, bytes.error().message);
        }
      });
    };
    platform.save_file = save_in_current_folder;
    // "Copy link": the command line that opens this view, on the clipboard and printed.
    platform.share_link = [window](const std::string& state, std::string*) {
      std::string quoted;  // inside single quotes for a POSIX shell: ' becomes '\''
      for (char c : state) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
      const std::string link = "vitcnn-lab --view '" + quoted + "'";
      glfwSetClipboardString(window, link.c_str());
      std::printf("vitcnn-lab: link: %s\n", link.c_str());
      std::fflush(stdout);
      return link;
    };
    // glibc's bytes in use (mmapped blocks included), and what it holds from the system.
    platform.memory_use = [] {
      const struct mallinfo2 m = mallinfo2();
      return MemoryUse{static_cast<int64_t>(m.uordblks + m.hblkhd), static_cast<int64_t>(m.arena + m.hblkhd)};
    };
    // The lab's settings live for this run only: every start of the desktop app is a first visit.
    auto settings = std::make_shared<std::map<std::string, std::string>>();
    platform.setting_get = [settings](const std::string& key) {
      const auto it = settings->find(key);
      return it == settings->end() ? std::string() : it->second;
    };
    platform.setting_set = [settings](const std::string& key, const std::string& value) { (*settings)[key] = value; };
    // Interactive runs compute on the job thread; scripted runs (--frames N) step jobs within their frames, so that
    // the Nth frame shows the same progress on any machine load.
    platform.job_thread = options.frames == 0;
    Shell shell;
    shell.backend().on_drop = [&shell](const std::vector<std::string>& paths) {
      for (const std::string& path : paths) {
        // An unreadable file arrives empty: the lab reports it like any undecodable image. A .safetensors file
        // becomes one of the user's own checkpoints (lab_open_file).
        auto bytes = read_file(path);
        shell.open_file(bytes ? *bytes : std::vector<uint8_t>(), path.substr(path.find_last_of('/') + 1));
      }
    };
    if (Status started = shell.start(window, std::move(platform), options.lab); !started) {
      std::fprintf(stderr, "vitcnn-lab: %s\n", started.error().message.c_str());
      status = 1;
    }
    // Frames are drawn while Shell::wants_frame says so; in between the loop sleeps until the next event (input,
    // a resize, a redraw request). Scripted runs (--frames N) draw N frames back to back.
    for (int frame = 1; status == 0 && !glfwWindowShouldClose(window);) {
      glfwPollEvents();
      std::vector<std::function<void()>> due;
      due.swap(answers);
      for (auto& answer : due) answer();
      if (!due.empty()) shell.wake();
      const FrameGeometry geometry = window_geometry(window);
      const double now_s = glfwGetTime();
      if (options.frames == 0 && !shell.wants_frame(geometry, now_s)) {
        if (shell.holding(now_s))
          glfwWaitEventsTimeout(shell.hold_until_s() - now_s);  // a frame is due then without a wake
        else
          glfwWaitEvents();
        continue;
      }
      shell.frame(geometry, now_s);
      if (!shell.error().empty()) {
        std::fprintf(stderr, "vitcnn-lab: %s\n", shell.error().c_str());
        status = 1;
        break;
      }
      const bool last = options.frames > 0 && frame >= options.frames;
      if (last && !options.screenshot.empty()) {
        if (Status written = write_screenshot(options.screenshot, geometry.fb_w, geometry.fb_h); !written) {
          std::fprintf(stderr, "vitcnn-lab: %s\n", written.error().message.c_str());
          status = 1;
        }
      }
      glfwSwapBuffers(window);
      if (last) break;
      ++frame;
    }
    if (status == 0 && options.frames > 0 && !shell.ready()) {
      std::fprintf(stderr, "vitcnn-lab: warning: the lab was not ready after %d frames\n", options.frames);
    }
  }
  glfwDestroyWindow(window);
  glfwTerminate();
  return status;
}

}  // namespace
}  // namespace vc

int main(int argc, char** argv) {
  vc::keep_freed_memory_mapped();
  auto options = vc::parse_shell_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!options) {
    std::fprintf(stderr, "vitcnn-lab: %s\n", options.error().message.c_str());
    return 2;
  }
  if (options->help) {
    std::fputs(vc::shell_usage().c_str(), stdout);
    return 0;
  }
  vc::set_kernel_threads(options->threads ? options->threads : vc::kernel_threads_available());
  return vc::run(*options);
}
