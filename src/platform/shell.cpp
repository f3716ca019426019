#include "platform/shell.h"

#include <algorithm>

#include "imgui.h"
#include "ui/app_state.h"

namespace vc {
namespace {

// Logical font size in pixels; the atlas is rasterized at this size times the pixel ratio.
constexpr float kFontSize = 15.0f;
// Above this pixel ratio the atlas (every Hangul syllable) grows past 32 MB: scale up a 2x atlas instead.
constexpr float kMaxFontRatio = 2.0f;

// Font files, as asset paths; the second one is merged into the first for Hangul.
constexpr const char* kTextFont = "fonts/dejavu/DejaVuSans.ttf";
constexpr const char* kHangulFont = "fonts/nanum/NanumGothic.ttf";

// Latin, Greek, punctuation, super/subscripts, arrows, math operators and geometric shapes (formulas, UI marks).
constexpr ImWchar kTextRanges[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x2000, 0x209F, 0x2190, 0x22FF,
                                   0x25A0, 0x25FF, 0};
// Hangul compatibility jamo and every precomposed syllable.
constexpr ImWchar kHangulRanges[] = {0x3131, 0x3163, 0xAC00, 0xD7A3, 0};

}  // namespace

// One font file's fetch; shared with the fetch callback so a late answer never touches a destroyed Shell.
struct Shell::FontFile {
  const char* path;
  bool done = false;
  std::vector<uint8_t> bytes;
  std::string error;
};

Shell::Shell() {
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  // The lab keeps its own view state (URL hash, --view): no imgui.ini next to the program.
  ImGui::GetIO().IniFilename = nullptr;
}

Shell::~Shell() {
  app_.reset();
  backend_.shutdown();
  ImGui::DestroyContext();
}

Status Shell::start(GLFWwindow* window, Platform platform, const LabOptions& options) {
  std::string error;
  if (!backend_.init(window, &error)) return Error{error};
  platform.now_ms = [] { return glfwGetTime() * 1000.0; };
  for (const char* path : {kTextFont, kHangulFont}) {
    auto font = std::make_shared<FontFile>();
    font->path = path;
    fonts_.push_back(font);
    platform.fetch(path, [font](std::vector<uint8_t> bytes, std::string fetch_error) {
      font->bytes = std::move(bytes);
      font->error = std::move(fetch_error);
      font->done = true;
    });
  }
  app_ = lab_create(std::move(platform), options);
  return {};
}

void Shell::build_fonts(float pixel_ratio) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const float size = kFontSize * pixel_ratio;
  ImFontConfig text;
  text.FontDataOwnedByAtlas = false;
  io.Fonts->AddFontFromMemoryTTF(fonts_[0]->bytes.data(), static_cast<int>(fonts_[0]->bytes.size()), size, &text,
                                 kTextRanges);
  ImFontConfig hangul;
  hangul.FontDataOwnedByAtlas = false;
  hangul.MergeMode = true;
  // Thousands of CJK glyphs: no horizontal oversampling keeps the atlas a quarter the size.
  hangul.OversampleH = 1;
  hangul.PixelSnapH = true;
  io.Fonts->AddFontFromMemoryTTF(fonts_[1]->bytes.data(), static_cast<int>(fonts_[1]->bytes.size()), size, &hangul,
                                 kHangulRanges);
  // Glyphs are rasterized for device pixels and drawn at logical size.
  io.FontGlobalScale = 1.0f / pixel_ratio;
  backend_.upload_fonts();
  font_ratio_ = pixel_ratio;
}

void Shell::frame(const FrameGeometry& geometry, double now_s) {
  const float font_ratio = std::clamp(geometry.pixel_ratio, 1.0f, kMaxFontRatio);
  if (font_ratio_ == 0 && error_.empty()) {
    const bool all_done = std::all_of(fonts_.begin(), fonts_.end(), [](const auto& f) { return f->done; });
    for (const auto& font : fonts_) {
      if (font->done && (!font->error.empty() || font->bytes.empty())) {
        const std::string reason = font->error.empty() ? "empty file" : font->error;
        error_ = std::string("cannot load font ") + font->path + ": " + reason;
      }
    }
    if (all_done && error_.empty()) build_fonts(font_ratio);
  } else if (font_ratio_ != font_ratio) {
    build_fonts(font_ratio);
  }

  glViewport(0, 0, geometry.fb_w, geometry.fb_h);
  glClearColor(0.08f, 0.08f, 0.09f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  if (font_ratio_ == 0) return;

  backend_.new_frame(geometry, now_s);
  ImGui::NewFrame();
  lab_frame(*app_);
  ImGui::Render();
  backend_.render(*ImGui::GetDrawData(), geometry);
  ready_ = ready_ || lab_ready(*app_);
}

void Shell::open_image(std::span<const uint8_t> bytes, const std::string& name) {
  if (app_) lab_open_image(*app_, bytes, name);
}

std::string Shell::query(const std::string& what) const {
  return app_ ? lab_query(*app_, what) : R"({"error": "the lab has not started"})";
}

std::string Shell::view_state() const { return app_ ? lab_view_state(*app_) : std::string(); }

}  // namespace vc
