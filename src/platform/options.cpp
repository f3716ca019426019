#include "platform/options.h"

#include <charconv>
#include <optional>

#include "kernels/parallel.h"
#include "ui/scale.h"

namespace vc {
namespace {

// Reads a positive integer flag value in [lo, hi].
Result<int> parse_int(const std::string& flag, const std::string& text, int lo, int hi) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < lo || value > hi) {
    return Error{flag + " wants a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                 ", not '" + text + "'"};
  }
  return value;
}

}  // namespace

std::string shell_usage() {
  return "usage: vitcnn-lab [options]\n"
         "  --lang en|ko        interface language (default en)\n"
         "  --view STATE        view state to open (the part after '#' in a shared lab link)\n"
         "  --scale S           presenter scale, 0.5 to 3 (default: automatic, 1.25 from 1600 and 1.5 from\n"
         "                      1900 logical pixels wide; A- / A+ in the menu bar change it)\n"
         "  --frames N          quit after N frames (for scripted and headless runs)\n"
         "  --screenshot FILE   write the last frame as PNG before quitting\n"
         "  --assets DIR        read every asset under DIR (e.g. build-wasm/web/assets) instead of\n"
         "                      models/ -> <repo>/assets/models, data/ -> /usr/share/datasets/fashion-mnist,\n"
         "                      fonts/ -> the build tree's fonts/\n"
         "  --size WxH          window size (default 1280x800)\n"
         "  --threads N         kernel threads for the lab's jobs, 1 to 16 (default: this machine's; the page:\n"
         "                      ?threads=N, where it runs its threaded module)\n"
         "  --help              this text\n";
}

Result<ShellOptions> parse_shell_options(const std::vector<std::string>& args) {
  ShellOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "--help" || flag == "-h") {
      options.help = true;
      continue;
    }
    const bool takes_value = flag == "--lang" || flag == "--view" || flag == "--scale" || flag == "--frames" ||
                             flag == "--screenshot" || flag == "--assets" || flag == "--size" || flag == "--threads";
    if (!takes_value) return Error{"unknown option '" + flag + "' (see --help)"};
    if (i + 1 >= args.size()) return Error{flag + " needs a value (see --help)"};
    const std::string& value = args[++i];
    if (flag == "--lang") {
      if (value != "en" && value != "ko") return Error{"--lang wants en or ko, not '" + value + "'"};
      options.lab.language = value;
    } else if (flag == "--view") {
      options.lab.view_state = value;
    } else if (flag == "--scale") {
      const std::optional<float> scale = parse_scale(value);
      if (!scale) return Error{"--scale wants a number from 0.5 to 3, not '" + value + "'"};
      options.lab.scale = *scale;
    } else if (flag == "--frames") {
      auto frames = parse_int(flag, value, 1, 1000000);
      if (!frames) return frames.error();
      options.frames = *frames;
    } else if (flag == "--screenshot") {
      options.screenshot = value;
    } else if (flag == "--assets") {
      options.assets = value;
    } else if (flag == "--threads") {
      auto threads = parse_int(flag, value, 1, kMaxKernelThreads);
      if (!threads) return threads.error();
      options.threads = *threads;
    } else {
      const size_t x = value.find('x');
      if (x == std::string::npos) return Error{"--size wants WxH, e.g. 1280x800, not '" + value + "'"};
      auto w = parse_int(flag, value.substr(0, x), 320, 8192);
      if (!w) return w.error();
      auto h = parse_int(flag, value.substr(x + 1), 240, 8192);
      if (!h) return h.error();
      options.width = *w;
      options.height = *h;
    }
  }
  return options;
}

}  // namespace vc
