// Command-line options of the lab programs. The desktop app reads its argv; the web page passes the
// language and the URL hash through the same flags (Module.arguments), so both share one parser.
#pragma once
#include <string>
#include <vector>

#include "core/error.h"
#include "ui/lab.h"

namespace vc {

struct ShellOptions {
  LabOptions lab;
  int frames = 0;           // quit after this many frames (0: run until the window closes)
  std::string screenshot;   // PNG of the last frame, written before quitting (desktop)
  std::string assets;       // one assets root replacing the default per-folder rule (desktop)
  int width = 1280, height = 800;  // initial window size in logical units (desktop)
  int threads = 0;          // kernel threads of the lab's jobs (kernels/parallel.h); 0: the hardware's
  bool help = false;
};

// Parses the arguments after the program name. Unknown flags and bad values give an Error naming them.
Result<ShellOptions> parse_shell_options(const std::vector<std::string>& args);
// The --help text.
std::string shell_usage();

}  // namespace vc
