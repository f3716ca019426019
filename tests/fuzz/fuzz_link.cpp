// libFuzzer target: the link parser (the URL hash of a shared link, the desktop app's --view), as lab_create
// applies it (apply_view_state: "tab" and every view's read_link), then each view's write_link (lab_view_state).
// The Platform's fetch never answers, so no asset is read and no model loads. A link written from a parsed state
// must parse back to the same state: writing it again gives the same text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ui/app_state.h"
#include "ui/lab.h"

namespace {

vc::Platform silent_platform() {
  vc::Platform p;
  p.fetch = [](const std::string&, std::function<void(std::vector<uint8_t>, std::string)>) {};
  p.now_ms = [] { return 0.0; };
  return p;
}

// The view settings of a link: lab_view_state without its leading "tab=<key>" (the tab a link asks for is
// applied by the next frame, which this target does not draw).
std::string view_settings(const vc::AppState& app) {
  const std::string state = vc::lab_view_state(app);
  const size_t amp = state.find('&');
  return amp == std::string::npos ? "" : state.substr(amp);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string link(reinterpret_cast<const char*>(data), size);
  const auto app = vc::lab_create(silent_platform(), vc::LabOptions{"en", link});
  const std::string written = view_settings(*app);
  const auto again = vc::lab_create(silent_platform(), vc::LabOptions{"en", written});
  if (view_settings(*again) != written) std::abort();
  return 0;
}
