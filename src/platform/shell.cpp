#include "platform/shell.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

#include "figures/render.h"
#include "imgui.h"
#include "ui/app_state.h"
#include "ui/scale.h"

namespace vc {
namespace {

// Logical font size in pixels at presenter scale 1; the atlas is rasterized at this size times the pixel ratio
// times the presenter scale (ui/scale.h), so text is crisp at every scale.
constexpr float kFontSize = 15.0f;
// Above this ratio (pixel ratio x scale) the atlas (every Hangul syllable) grows past 32 MB: scale up a 2x atlas
// instead (a 1080p projector at scale 1.5 stays at 1.5: crisp).
constexpr float kMaxFontRatio = 2.0f;
// A window unused this long (a tab not shown) gives back its draw buffers, which grow to the largest frame it drew
// (a view of heatmaps drawn cell by cell: a few MB). Dear ImGui's default is 60 s.
constexpr float kCompactUnusedWindowsS = 5.0f;

// Font files, as asset paths (cmake/platform.cmake subsets them at build time). The text font is the base; one of the
// Hangul fonts is merged into it: the language names' few glyphs until Korean is shown, then every syllable.
constexpr const char* kTextFont = "fonts/dejavu/DejaVuSans.ttf";
constexpr const char* kLanguageNamesFont = "fonts/nanum/NanumGothic-names.ttf";
constexpr const char* kHangulFont = "fonts/nanum/NanumGothic.ttf";

// The characters of the atlas, the same ranges the font files were subset to (cmake/platform.cmake lab_*_ranges).
constexpr ImWchar kTextRanges[] = {VITCNN_TEXT_RANGES, 0};
constexpr ImWchar kHangulRanges[] = {VITCNN_HANGUL_RANGES, 0};

}  // namespace

Result<std::vector<uint8_t>> framebuffer_png(int x, int y, int w, int h, int fb_h) {
  if (w <= 0 || h <= 0) return Error{"the figure is not on screen"};
  std::vector<uint8_t> pixels(static_cast<size_t>(w) * h * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  // GL rows run bottom-up; PNG rows top-down: write from the last row with a negative stride.
  glReadPixels(x, fb_h - y - h, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  for (size_t i = 3; i < pixels.size(); i += 4) pixels[i] = 255;  // an opaque image whatever the canvas alpha
  std::vector<uint8_t> png;
  const auto append = [](void* out, void* data, int size) {
    auto* v = static_cast<std::vector<uint8_t>*>(out);
    v->insert(v->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
  };
  const int stride = w * 4;
  if (!stbi_write_png_to_func(append, &png, w, h, 4, pixels.data() + static_cast<size_t>(h - 1) * stride, -stride))
    return Error{"the PNG encoder failed"};
  return png;
}

// One font file's fetch; shared with the fetch callback so a late answer never touches a destroyed Shell.
struct Shell::FontFile {
  const char* path;
  bool done = false;
  std::vector<uint8_t> bytes;
  std::string error;
  bool reported = false;  // a failure was shown on the lab's status line

  bool loaded() const { return done && error.empty() && !bytes.empty(); }
  // The platform's message ("cannot load <path>: <reason>"), or one for an empty file.
  std::string problem() const { return error.empty() ? std::string("cannot load ") + path + ": empty file" : error; }
};

Shell::Shell() {
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  // The lab keeps its own view state (URL hash, --view): no imgui.ini next to the program.
  ImGui::GetIO().IniFilename = nullptr;
  ImGui::GetIO().ConfigMemoryCompactTimer = kCompactUnusedWindowsS;
  base_style_ = ImGui::GetStyle();
}

Shell::~Shell() {
  app_.reset();
  backend_.shutdown();
  ImGui::DestroyContext();
}

Status Shell::start(GLFWwindow* window, Platform platform, const LabOptions& options) {
  std::string error;
  if (!backend_.init(window, &error)) return Error{error};
  backend_.on_input = [this] { wake(); };
  platform.now_ms = [] { return glfwGetTime() * 1000.0; };
  fetch_ = platform.fetch;
  platform_ = std::move(platform);
  options_ = options;
  text_font_ = fetch_font(kTextFont);
  names_font_ = fetch_font(kLanguageNamesFont);
  return {};
}

std::shared_ptr<Shell::FontFile> Shell::fetch_font(const char* path) {
  auto font = std::make_shared<FontFile>();
  font->path = path;
  fetch_(path, [font](std::vector<uint8_t> bytes, std::string fetch_error) {
    font->bytes = std::move(bytes);
    font->error = std::move(fetch_error);
    font->done = true;
  });
  return font;
}

void Shell::update_fonts(const FrameGeometry& geometry) {
  const bool korean = (app_ ? lab_language(*app_) : options_.language) == "ko";
  if (!korean && hangul_font_ && hangul_font_->done && !hangul_font_->loaded()) {
    hangul_font_.reset();  // the next switch to Korean asks again
  }
  if (korean && !hangul_font_) hangul_font_ = fetch_font(kHangulFont);
  for (const FontFile* font : {text_font_.get(), names_font_.get()}) {
    if (font->done && !font->loaded()) error_ = font->problem();
  }
  if (!error_.empty() || !text_font_->done || !names_font_->done) return;
  // A Korean page waits for its font before the first frame; a switch to Korean later shows the old atlas meanwhile.
  if (!app_ && hangul_font_ && !hangul_font_->done) return;
  // The lab, and with it the downloads of its test set and models, starts once its first frame can be drawn: the
  // fonts have had the network to themselves, and the lab is usable while the rest arrives.
  if (!app_) app_ = lab_create(std::move(platform_), options_);
  if (hangul_font_ && hangul_font_->done && !hangul_font_->loaded() && !hangul_font_->reported) {
    // The lab goes on, its Korean text drawn as '?' meanwhile.
    lab_show_error(*app_, hangul_font_->problem() + " (the Korean font)");
    hangul_font_->reported = true;
  }
  FontFile& hangul = hangul_font_ && hangul_font_->loaded() ? *hangul_font_ : *names_font_;
  const float ratio = std::clamp(geometry.pixel_ratio * lab_scale(*app_, geometry.logical_w), kMinScale, kMaxFontRatio);
  if (font_ratio_ != ratio || atlas_hangul_ != &hangul) build_fonts(ratio, hangul);
}

void Shell::build_fonts(float pixel_ratio, FontFile& hangul_font) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const float size = kFontSize * pixel_ratio;
  ImFontConfig text;
  text.FontDataOwnedByAtlas = false;
  io.Fonts->AddFontFromMemoryTTF(text_font_->bytes.data(), static_cast<int>(text_font_->bytes.size()), size, &text,
                                 kTextRanges);
  ImFontConfig hangul;
  hangul.FontDataOwnedByAtlas = false;
  hangul.MergeMode = true;
  // Thousands of CJK glyphs: no horizontal oversampling keeps the atlas a quarter the size.
  hangul.OversampleH = 1;
  hangul.PixelSnapH = true;
  // Codepoints the file lacks (the names font has three syllables) are skipped by the atlas builder.
  io.Fonts->AddFontFromMemoryTTF(hangul_font.bytes.data(), static_cast<int>(hangul_font.bytes.size()), size, &hangul,
                                 kHangulRanges);
  backend_.upload_fonts();
  font_ratio_ = pixel_ratio;
  atlas_hangul_ = &hangul_font;
}

FigureFonts Shell::figure_fonts() const {
  const FontFile* hangul = hangul_font_ && hangul_font_->loaded() ? hangul_font_.get() : names_font_.get();
  return {text_font_->bytes, hangul->bytes};
}

bool Shell::wants_frame(const FrameGeometry& g, double now_s) const {
  const FrameGeometry& d = drawn_geometry_;
  const bool same_geometry = g.logical_w == d.logical_w && g.logical_h == d.logical_h &&
                             g.pixel_ratio == d.pixel_ratio && g.fb_w == d.fb_w && g.fb_h == d.fb_h;
  return !same_geometry || pacer_.should_draw(now_s);
}

void Shell::wake() {
  pacer_.wake();
  if (on_wake) on_wake();
}

void Shell::frame(const FrameGeometry& geometry, double now_s) {
  const auto started = std::chrono::steady_clock::now();
  drawn_geometry_ = geometry;
  if (error_.empty()) update_fonts(geometry);

  glViewport(0, 0, geometry.fb_w, geometry.fb_h);
  glClearColor(0.08f, 0.08f, 0.09f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  if (font_ratio_ == 0) {
    pacer_.drawn(now_s, false);  // the fonts' fetch answers wake it
    return;
  }

  // Glyphs are rasterized for device pixels at the presenter scale and drawn at logical size; paddings, spacings
  // and roundings follow the scale too.
  const float scale = lab_scale(*app_, geometry.logical_w);
  ImGui::GetIO().FontGlobalScale = scale / font_ratio_;
  if (style_scale_ != scale) {
    ImGui::GetStyle() = base_style_;
    ImGui::GetStyle().ScaleAllSizes(scale);
    style_scale_ = scale;
  }
  backend_.new_frame(geometry, now_s);
  ImGui::NewFrame();
  lab_frame(*app_);
  ImGui::Render();
  backend_.render(*ImGui::GetDrawData(), geometry);
  if (const std::optional<FigureCapture> capture = lab_take_capture(*app_)) {
    Result<std::vector<uint8_t>> png = render_png(capture->figure, figure_fonts());
    lab_save_capture(*app_, *capture, png ? *png : std::vector<uint8_t>(), png ? "" : png.error().message);
  }
  ready_ = ready_ || lab_ready(*app_);
  const bool input = backend_.has_pending_input();
  pacer_.drawn(now_s, lab_wants_frame(*app_) || input, input ? 0.0 : lab_frame_hold_s(*app_));
  lab_frame_drawn(*app_, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
}

void Shell::open_file(std::span<const uint8_t> bytes, const std::string& name) {
  if (!app_) return;
  lab_open_file(*app_, bytes, name);
  wake();
}

void Shell::link_copy_failed(const std::string& reason) {
  if (!app_) return;
  lab_link_copy_failed(*app_, reason);
  wake();
}

void Shell::forget_results() {
  if (!app_) return;
  lab_forget_results(*app_);
  wake();
}

void Shell::apply_view_state(const std::string& view) {
  if (!app_) return;
  lab_apply_view_state(*app_, view);
  wake();
}

void Shell::open_link(const std::string& view) {
  if (!app_) return;
  lab_open_link(*app_, view);
  wake();
}

std::string Shell::query(const std::string& what) const {
  if (what == "fonts") return fonts_json();
  return app_ ? lab_query(*app_, what) : R"({"error": "the lab has not started"})";
}

std::string Shell::fonts_json() const {
  const ImGuiIO& io = ImGui::GetIO();
  const int glyphs = font_ratio_ > 0 && !io.Fonts->Fonts.empty() ? io.Fonts->Fonts[0]->Glyphs.Size : 0;
  const std::string hangul = atlas_hangul_ ? atlas_hangul_->path : "";
  return R"({"glyphs": )" + std::to_string(glyphs) + R"(, "hangul_font": ")" + hangul + R"(", "pixel_ratio": )" +
         std::to_string(font_ratio_) + "}";
}

std::string Shell::view_state() const { return app_ ? lab_view_state(*app_) : std::string(); }

}  // namespace vc
