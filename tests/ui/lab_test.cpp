// The lab driven frame by frame with Dear ImGui's null renderer (no GL): every view in every input state,
// simulated mouse and keyboard input, and Begin/End balance checked after every frame.
#include "figures/representation_figures.h"
#include "ui/lab.h"

#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb/stb_image_write.h>

#include <algorithm>
#include <array>
#include <limits>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "analysis/predictions.h"
#include "analysis/attention.h"
#include "analysis/compare.h"
#include "analysis/position.h"
#include "analysis/receptive_field.h"
#include "analysis/representations.h"
#include "analysis/representations_json.h"
#include "core/idx.h"
#include "core/safetensors.h"
#include "ui/app_state.h"
#include "ui/attention_view.h"
#include "ui/input_edit.h"
#include "ui/link.h"
#include "ui/model_store.h"
#include "ui/receptive_field_view.h"
#include "ui/representations_view.h"
#include "ui/tour.h"
#include "ui/view.h"
#include "ui/widgets.h"

namespace vc {
namespace {

using nlohmann::json;

// The views' keys in tab order: links and rect names depend on them (a new view adds its key here).
const char* const kTabKeys[] = {"input", "predictions", "attention", "receptive_field", "representations", "compare"};

std::vector<uint8_t> read_file(const std::string& path, std::string* error) {
  std::vector<uint8_t> bytes;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    *error = "cannot open " + path;
    return bytes;
  }
  uint8_t chunk[1 << 16];
  size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  std::fclose(f);
  return bytes;
}

bool debian_data_present() {
  std::string error;
  read_file(std::string(kDefaultFashionMnistDir) + "/t10k-labels-idx1-ubyte.gz", &error);
  return error.empty();
}

using FetchDone = std::function<void(std::vector<uint8_t>, std::string)>;

// Fetches answered at once from the Debian files ("data/x" -> <fashion-mnist dir>/x) and the repository's
// checkpoints ("models/x" -> assets/models/x), or held back until
// deliver() (the web's asynchronous fetch, and the "gallery not loaded yet" state).
struct FakeAssets {
  bool deferred = false;
  std::vector<std::pair<std::string, FetchDone>> pending;
  int picker_calls = 0;

  static void answer(const std::string& path, const FetchDone& done) {
    const std::string prefix = "data/";
    std::string error;
    std::vector<uint8_t> bytes;
    if (path.rfind(prefix, 0) == 0)
      bytes = read_file(std::string(kDefaultFashionMnistDir) + "/" + path.substr(prefix.size()), &error);
    else if (path.rfind("models/", 0) == 0)
      bytes = read_file(std::string(VITCNN_SOURCE_DIR) + "/assets/" + path, &error);
    else
      error = "no such asset " + path;
    done(std::move(bytes), error);
  }
  void deliver() {
    for (auto& [path, done] : pending) answer(path, done);
    pending.clear();
  }
  Platform platform() {
    Platform p;
    p.fetch = [this](const std::string& path, FetchDone done) {
      if (deferred)
        pending.emplace_back(path, std::move(done));
      else
        answer(path, done);
    };
    p.pick_image_file = [this] { ++picker_calls; };
    p.now_ms = [] { return 0.0; };
    // A returning visitor: no start card above the views (TourTest gives the lab a store of its own).
    p.setting_get = [](const std::string& key) { return std::string(key == kStartCardSeenKey ? "1" : ""); };
    return p;
  }
};

// Records what ErrorCheckEndFrameRecover had to repair: any entry is a Begin/End (Push/Pop) mismatch.
void log_recovery(void* user, const char* fmt, ...) {
  char buf[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  static_cast<std::vector<std::string>*>(user)->push_back(buf);
}

class LabTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!debian_data_present()) GTEST_SKIP() << "apt package dataset-fashion-mnist not installed";
    ctx_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(1280.0f, 800.0f);
    io.DeltaTime = 1.0f / 60.0f;
    io.IniFilename = nullptr;
    // As both real renderers: the desktop backend draws with vertex offsets (platform/imgui_backend.cpp), the
    // page's indices are 32-bit (cmake/imgui/imconfig.h). Without it 16-bit builds (Debian's 1.86) assert at 64k.
    io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    // Key indices as a backend would map them (1.80 API: io.KeyMap / io.KeysDown).
    for (int k = 0; k < ImGuiKey_COUNT; ++k) io.KeyMap[k] = k;
  }
  void TearDown() override {
    if (ctx_) ImGui::DestroyContext(ctx_);
  }

  void create(const std::string& language = "en", const std::string& view = "") {
    app_ = lab_create(assets_.platform(), LabOptions{language, view});
  }
  // Creates the lab (English) with a platform whose save_file keeps the files in saved_files_.
  void create_saving() {
    Platform p = assets_.platform();
    p.save_file = [this](const std::string& name, std::span<const uint8_t> bytes) {
      saved_files_[name] = std::vector<uint8_t>(bytes.begin(), bytes.end());
      return std::string();
    };
    app_ = lab_create(p, LabOptions{});
  }
  std::map<std::string, std::vector<uint8_t>> saved_files_;

  // One frame; fails the test if any Begin/End, Push/Pop or group was left unbalanced.
  void frame() {
    ImGui::NewFrame();
    lab_frame(*app_);
    std::vector<std::string> repaired;
    ImGui::ErrorCheckEndFrameRecover(log_recovery, &repaired);
    for (const std::string& r : repaired) ADD_FAILURE() << r;
    const ImGuiContext& g = *ImGui::GetCurrentContext();
    EXPECT_EQ(g.CurrentWindowStack.Size, 1) << "End() without Begin() (or the reverse)";
    EXPECT_EQ(g.GroupStack.Size, 0);
    EXPECT_EQ(g.ColorStack.Size, 0);
    ImGui::Render();
  }
  void frames(int n) {
    for (int i = 0; i < n; ++i) frame();
  }

  json query(const std::string& what) {
    json j = json::parse(lab_query(*app_, what), nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << what;
    return j;
  }
  // Centre of a recorded widget rectangle; fails when the widget was not drawn last frame.
  ImVec2 centre(const std::string& id) {
    const json rects = query("rects");
    if (!rects.contains(id)) {
      ADD_FAILURE() << "no rect named " << id;
      return ImVec2(-1.0f, -1.0f);
    }
    const json& r = rects[id];
    return ImVec2(r[0].get<float>() + r[2].get<float>() * 0.5f, r[1].get<float>() + r[3].get<float>() * 0.5f);
  }
  // Hover, press and release one mouse button at `pos` (three frames, as a real click spans frames).
  void click(const ImVec2& pos, int button = 0) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = pos;
    frame();
    io.MouseDown[button] = true;
    frame();
    io.MouseDown[button] = false;
    frame();
  }
  void click(const std::string& id) { click(centre(id)); }
  void drag(const ImVec2& from, const ImVec2& to, int button) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = from;
    frame();
    io.MouseDown[button] = true;
    frame();
    for (int i = 1; i <= 8; ++i) {
      io.MousePos = ImVec2(from.x + (to.x - from.x) * i / 8.0f, from.y + (to.y - from.y) * i / 8.0f);
      frame();
    }
    io.MouseDown[button] = false;
    frame();
  }
  void type(char c) {
    ImGui::GetIO().AddInputCharacter(static_cast<unsigned>(c));
    frame();
  }
  void press_key(ImGuiKey key) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeysDown[io.KeyMap[key]] = true;
    frame();
    io.KeysDown[io.KeyMap[key]] = false;
    frame();
  }
  std::string tab() { return query("state")["tab"].get<std::string>(); }
  // lab_view_state without the lab-wide keys of ui/link.h (input image, language, scale, tour step): the tab and the
  // views' settings.
  std::string view_link() {
    std::string out;
    for (const ViewItem& item : split_view_state(lab_view_state(*app_)))
      if (item.key != "img" && item.key != "px" && item.key != "lang" && item.key != "scale" && item.key != "tour")
        out += (out.empty() ? "" : "&") + item.key + "=" + item.value;
    return out;
  }
  // Scrolls the view with the mouse wheel until the widget `id` lies inside the window (a view taller than the
  // window scrolls, as in a browser).
  void scroll_into_view(const std::string& id) {
    ImGuiIO& io = ImGui::GetIO();
    for (int i = 0; i < 40; ++i) {
      const json r = query("rects")[id];
      if (r[1].get<float>() >= 0.0f && r[1].get<float>() + r[3].get<float>() <= io.DisplaySize.y) return;
      io.MousePos = ImVec2(io.DisplaySize.x * 0.6f, io.DisplaySize.y * 0.5f);
      io.MouseWheel = r[1].get<float>() < 0.0f ? 1.0f : -1.0f;
      frame();
    }
    ADD_FAILURE() << id << " stays outside the window";
  }
  float input_sum() {
    float s = 0.0f;
    for (float v : lab_input_image(*app_)) s += v;
    return s;
  }

  ImGuiContext* ctx_ = nullptr;
  FakeAssets assets_;
  std::unique_ptr<AppState> app_;
};

std::vector<uint8_t> encode_png(int w, int h, const std::vector<uint8_t>& gray) {
  std::vector<uint8_t> out;
  auto append = [](void* ctx, void* data, int size) {
    auto* v = static_cast<std::vector<uint8_t>*>(ctx);
    v->insert(v->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
  };
  stbi_write_png_to_func(append, &out, w, h, 1, gray.data(), w);
  return out;
}

TEST_F(LabTest, EveryViewInEveryStateKeepsBeginEndBalanced) {
  for (const char* language : {"en", "ko"}) {
    for (bool loaded : {false, true}) {
      assets_.deferred = !loaded;
      assets_.pending.clear();
      create(language);
      frames(2);
      ASSERT_EQ(lab_ready(*app_), loaded);
      EXPECT_EQ(query("state")["language"], language);
      // Input states: as created, blank, drawn on, and with an error message showing.
      for (int state = 0; state < 4; ++state) {
        if (state == 1) clear_input(*app_);
        if (state == 2) stamp_brush(app_->input.image, 14.0f, 14.0f, BrushSettings{}, false);
        if (state == 3) lab_open_image(*app_, std::vector<uint8_t>{1, 2, 3}, "broken.png");
        for (int t = 0; t < static_cast<int>(std::size(kTabKeys)); ++t) {
          type(static_cast<char>('1' + t));  // shortcut: switch view
          frames(2);
          EXPECT_EQ(tab(), kTabKeys[t]) << language << " loaded=" << loaded << " state=" << state;
        }
      }
    }
  }
}

TEST_F(LabTest, GalleryArrivesLaterThenLabIsReady) {
  assets_.deferred = true;
  create();
  frames(3);
  EXPECT_FALSE(lab_ready(*app_));
  EXPECT_EQ(query("gallery")["status"], "loading");
  EXPECT_EQ(input_sum(), 0.0f);
  assets_.deliver();
  EXPECT_FALSE(lab_ready(*app_));  // data arrived, but no frame has drawn it yet
  frame();
  EXPECT_TRUE(lab_ready(*app_));
  const json gallery = query("gallery");
  ASSERT_EQ(gallery["indices"].size(), 30u);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(gallery["labels"][i].get<int>(), i / 3) << i;
  // The first thumbnail became the input, and its thumbnail is on screen.
  EXPECT_GT(input_sum(), 0.0f);
  EXPECT_TRUE(query("rects").contains("gallery.29"));
}

// A clipboard that refused the link (the page hears it after "Copy link" answered): an error on the status line
// with the reason, in the lab's language.
TEST_F(LabTest, RefusedLinkCopyIsAnErrorWithItsReason) {
  create();
  frames(2);
  lab_link_copy_failed(*app_, "no permission");
  json state = query("state");
  EXPECT_TRUE(state["message_is_error"].get<bool>());
  EXPECT_EQ(state["message"], "Could not copy the link: no permission");
  lab_apply_view_state(*app_, "lang=ko");
  frame();
  lab_link_copy_failed(*app_, "no permission");
  state = query("state");
  EXPECT_TRUE(state["message_is_error"].get<bool>());
  EXPECT_EQ(state["message"], "링크를 복사하지 못했습니다: no permission");
}

TEST_F(LabTest, FailedFetchShowsErrorAndKeepsRunning) {
  Platform p = assets_.platform();
  p.fetch = [](const std::string& path, FetchDone done) { done({}, "HTTP 404 for " + path); };
  app_ = lab_create(p, LabOptions{});
  for (int t = 0; t < static_cast<int>(std::size(kTabKeys)); ++t) type(static_cast<char>('1' + t));
  EXPECT_FALSE(lab_ready(*app_));
  const json gallery = query("gallery");
  EXPECT_EQ(gallery["status"], "failed");
  EXPECT_NE(gallery["error"].get<std::string>().find("404"), std::string::npos);
}

TEST_F(LabTest, CorruptGalleryFileIsAnErrorNotACrash) {
  Platform p = assets_.platform();
  p.fetch = [](const std::string&, FetchDone done) { done({0x1f, 0x8b, 8, 0, 0, 0}, ""); };
  app_ = lab_create(p, LabOptions{});
  frames(2);
  EXPECT_EQ(query("gallery")["status"], "failed");
}

TEST_F(LabTest, DrawingAndErasingOnTheCanvas) {
  create();
  frames(2);
  type('c');
  ASSERT_EQ(input_sum(), 0.0f);
  const json r = query("rects")["canvas"];
  const float x = r[0], y = r[1], w = r[2], h = r[3];
  // Left drag across the middle row draws a horizontal line.
  drag(ImVec2(x + w * 0.2f, y + h * 0.5f), ImVec2(x + w * 0.8f, y + h * 0.5f), 0);
  std::vector<float> img = lab_input_image(*app_);
  EXPECT_GT(img[14 * 28 + 14], 0.9f);
  EXPECT_EQ(img[2 * 28 + 14], 0.0f);
  const float drawn = input_sum();
  EXPECT_GT(drawn, 10.0f);
  // Right drag over the left half erases that half of the line.
  drag(ImVec2(x + w * 0.1f, y + h * 0.5f), ImVec2(x + w * 0.5f, y + h * 0.5f), 1);
  img = lab_input_image(*app_);
  EXPECT_EQ(img[14 * 28 + 8], 0.0f);
  EXPECT_GT(img[14 * 28 + 20], 0.9f);
  EXPECT_LT(input_sum(), drawn);
  EXPECT_TRUE(app_->input.edited);
}

TEST_F(LabTest, ClickingThumbnailsChangesTheInputFromAnyView) {
  create();
  frames(2);
  const LabeledImages& set = app_->gallery.test_set;
  const json indices = query("gallery")["indices"];
  for (const char* tab_key : {"input", "attention"}) {
    click("tab." + std::string(tab_key));
    ASSERT_EQ(tab(), tab_key);
    for (int i : {4, 17}) {
      click("gallery." + std::to_string(i));
      const int index = indices[i];
      const std::vector<float> img = lab_input_image(*app_);
      for (int p = 0; p < 784; ++p) ASSERT_EQ(img[p], set.images[size_t(index) * 784 + p] / 255.0f) << tab_key;
      EXPECT_EQ(app_->input.gallery_label, i / 3);
    }
  }
}

TEST_F(LabTest, ButtonsAndShortcutsEditTheInput) {
  create();
  frames(2);
  const std::vector<float> original = lab_input_image(*app_);
  // Arrow key: shift right by one pixel, zeros enter on the left.
  press_key(ImGuiKey_RightArrow);
  std::vector<float> img = lab_input_image(*app_);
  for (int y = 0; y < 28; ++y) {
    EXPECT_EQ(img[y * 28], 0.0f);
    for (int x = 1; x < 28; ++x) ASSERT_EQ(img[y * 28 + x], original[y * 28 + x - 1]);
  }
  // The shift buttons on the Input view undo it.
  click("button.shift_left");
  img = lab_input_image(*app_);
  for (int y = 0; y < 28; ++y)
    for (int x = 0; x < 27; ++x) ASSERT_EQ(img[y * 28 + x], original[y * 28 + x]);
  click("button.clear");
  EXPECT_EQ(input_sum(), 0.0f);
  type('r');
  EXPECT_EQ(lab_input_image(*app_), original);
  type('c');
  EXPECT_EQ(input_sum(), 0.0f);
  click("button.reset");
  EXPECT_EQ(lab_input_image(*app_), original);
  click("button.load");
  EXPECT_EQ(assets_.picker_calls, 1);
}

TEST_F(LabTest, TabsAndLanguageSwitchWithTheMouse) {
  create();
  frames(2);
  for (const char* key : kTabKeys) {
    click(std::string("tab.") + key);
    EXPECT_EQ(tab(), key);
    EXPECT_EQ(view_link(), std::string("tab=") + key);
  }
  click("language.ko");
  EXPECT_EQ(query("state")["language"], "ko");
  EXPECT_EQ(tab(), "compare");  // the view survives the language change
  frames(1);  // the Korean labels move the items: take their new places
  click("language.en");
  EXPECT_EQ(query("state")["language"], "en");
}

TEST_F(LabTest, ViewStateRestoresTheTab) {
  create("ko", "tab=receptive_field&unknown=1");
  frames(2);
  EXPECT_EQ(tab(), "receptive_field");
  EXPECT_EQ(query("state")["language"], "ko");
  create("en", "tab=nonsense");
  frames(2);
  EXPECT_EQ(tab(), "input");
}

// Links (ui/link.h): a link reopens the same input, language, scale, tour step, checkpoints and view; the state
// written again is the same text; a drawing travels as its pixels.
TEST_F(LabTest, ALinkReopensTheSameStateAndWritesTheSameLink) {
  create("en", "tab=predictions&img=17&lang=ko&scale=1.5&tour=3&pred.vit=p010&pred.rvit=p001");
  frames(3);
  json s = query("state");
  EXPECT_EQ(s["tab"], "predictions");
  EXPECT_EQ(s["gallery_index"], 17);
  EXPECT_FALSE(s["input_edited"].get<bool>());
  EXPECT_EQ(s["language"], "ko");
  EXPECT_EQ(s["scale"], 1.5);
  EXPECT_EQ(s["scale_chosen"], 1.5);
  EXPECT_EQ(s["tour_step"], 3);
  EXPECT_EQ(app_->predictions.scale[0], 2);  // p010
  EXPECT_EQ(app_->predictions.scale[3], 0);  // p001
  const std::string link = lab_view_state(*app_);
  EXPECT_EQ(link, "tab=predictions&img=17&lang=ko&scale=1.5&tour=3&pred.vit=p010&pred.rvit=p001");
  const std::vector<float> image = lab_input_image(*app_);
  // A drawing on that image: the link carries the pixels too, and Reset still returns to test image 17.
  stamp_brush(app_->input.image, 10.3f, 12.7f, BrushSettings{2.5f, 0.5f, false}, false);
  mark_input_edited(app_->input);
  frames(1);
  const std::string drawn = lab_view_state(*app_);
  EXPECT_NE(drawn.find("&img=17&px="), std::string::npos) << drawn;
  const std::vector<float> drawn_image = lab_input_image(*app_);
  create("en", drawn);
  frames(3);
  s = query("state");
  EXPECT_EQ(s["gallery_index"], 17);
  EXPECT_TRUE(s["input_edited"].get<bool>());
  EXPECT_EQ(lab_view_state(*app_), drawn);
  EXPECT_EQ(s["view_state"], drawn);
  const std::vector<float> reopened = lab_input_image(*app_);
  // Each pixel rounded to a byte: within half a grey level.
  for (int i = 0; i < kInputPixels; ++i) EXPECT_NEAR(reopened[i], drawn_image[i], 0.5f / 255.0f + 1e-6f) << i;
  click("button.reset");
  EXPECT_EQ(lab_input_image(*app_), image);
  // An image without a gallery source (a file, a cleared canvas drawn on) travels as pixels alone.
  clear_input(*app_);
  stamp_brush(app_->input.image, 14.0f, 14.0f, BrushSettings{}, false);
  frames(1);
  const std::string blank_drawn = lab_view_state(*app_);
  EXPECT_NE(blank_drawn.find("&img=17&px="), std::string::npos);  // still test image 17's reset target
  lab_open_image(*app_, encode_png(2, 2, {0, 255, 255, 0}), "tiny.png");
  frames(1);
  const std::string file_link = lab_view_state(*app_);
  EXPECT_EQ(file_link.find("img="), std::string::npos) << file_link;
  create("en", file_link);
  frames(3);
  EXPECT_EQ(lab_view_state(*app_), file_link);
  EXPECT_EQ(query("state")["gallery_index"], -1);
}

TEST_F(LabTest, MalformedLinksFallBackToTheDefaults) {
  create("en");
  frames(3);
  const std::string defaults = lab_view_state(*app_);
  const std::vector<float> first = lab_input_image(*app_);
  for (const char* bad : {"img=abc", "img=-1", "img=99999999", "img=1e3", "px=!!!!", "px=AAAA", "px=", "px=A",
                          "scale=9", "scale=0", "scale=-1.5", "scale=abc", "scale=nan", "tour=-3", "tour=x",
                          "tour=99999999999999", "lang=xx", "lang=", "pred.vit=p999", "pred.zzz=p010", "pred.=",
                          "unknown=1", "img", "px", "&&&", "=&=", "tab=input&img=%41"}) {
    create("en", bad);
    frames(3);
    EXPECT_EQ(lab_view_state(*app_), defaults) << bad;
    EXPECT_EQ(lab_input_image(*app_), first) << bad;
    EXPECT_EQ(query("state")["message"], "") << bad;
  }
  // A valid image next to bad keys still arrives.
  InputImage drawn{};
  drawn[14 * kInputSide + 14] = 1.0f;
  create("en", "scale=77&px=" + encode_pixels(drawn) + "&img=424242424");
  frames(3);
  EXPECT_EQ(lab_input_image(*app_), std::vector<float>(drawn.begin(), drawn.end()));
  EXPECT_EQ(query("state")["gallery_index"], -1);
  EXPECT_EQ(query("state")["scale_chosen"], 0.0);
}

// A link pasted into a page that shows something else (lab_open_link, the page's hashchange) gives exactly the state
// of a page opened fresh with it: what the link leaves out (the defaults) does not survive from before, neither the
// input nor the checkpoints, the scale, the tour step or any view's settings. lab_apply_view_state still merges.
TEST_F(LabTest, AnOutsideLinkGivesTheStateOfAFreshPageWithIt) {
  const std::string elsewhere =
      "tab=receptive_field&img=9&scale=1.5&tour=4&pred.vit=p001&pred.cnn=p010&pred.all=1&attn.model=rvit"
      "&attn.cell=1.0&attn.avg=20&attn.shared=1&rf.model=vit&rf.avg=20&rf.others=1&repr.a=cnn_p010&repr.k=2"
      "&cmp.acc=100";
  InputImage drawn{};
  drawn[14 * kInputSide + 14] = 1.0f;
  for (const std::string& link :
       {std::string("tab=predictions&lang=en"), std::string("tab=attention&img=5&lang=en&attn.data=p010"),
        "tab=input&img=3&px=" + encode_pixels(drawn) + "&lang=en&pred.rvit=p001", std::string("lang=en")}) {
    create("en", link);
    frames(3);
    const std::string fresh = lab_view_state(*app_);
    const std::vector<float> fresh_image = lab_input_image(*app_);
    const json fresh_state = query("state");
    create("en", elsewhere);
    frames(3);
    stamp_brush(app_->input.image, 5.0f, 5.0f, BrushSettings{}, false);
    mark_input_edited(app_->input);
    frames(1);
    ASSERT_NE(lab_view_state(*app_), fresh);
    lab_open_link(*app_, link);
    frames(3);
    EXPECT_EQ(lab_view_state(*app_), fresh) << link;
    EXPECT_EQ(lab_input_image(*app_), fresh_image) << link;
    const json s = query("state");
    for (const char* key : {"tab", "gallery_index", "gallery_label", "input_edited", "scale_chosen", "tour_step"})
      EXPECT_EQ(s[key], fresh_state[key]) << link << " " << key;
  }
  // The page's scripts merge: a view state of one key changes that key alone.
  create("en", elsewhere);
  frames(3);
  const std::string before = lab_view_state(*app_);
  ASSERT_EQ(before.rfind("tab=receptive_field&img=9&lang=en&scale=1.5&tour=4&pred.vit=p001", 0), 0u) << before;
  lab_apply_view_state(*app_, "tab=predictions");
  frames(2);
  EXPECT_EQ(lab_view_state(*app_), "tab=predictions" + before.substr(before.find('&')));
}

// The settings' defaults have values of their own, read but never written (a tour step names them); pred.all keeps
// "All 10 classes".
TEST_F(LabTest, DefaultValuesAndAllClassesRoundTrip) {
  create("en", "tab=predictions&pred.all=1");
  frames(3);
  EXPECT_TRUE(app_->predictions.all_classes);
  EXPECT_TRUE(query("predictions")["all_classes"].get<bool>());
  EXPECT_EQ(lab_view_state(*app_), "tab=predictions&img=" + std::to_string(app_->input.gallery_index) +
                                       "&lang=en&pred.all=1");
  const std::string with_all = lab_view_state(*app_);
  create("en", with_all);
  frames(3);
  EXPECT_EQ(lab_view_state(*app_), with_all);
  lab_apply_view_state(*app_, "pred.all=yes");
  EXPECT_TRUE(app_->predictions.all_classes);  // a bad value is ignored
  lab_apply_view_state(*app_, "pred.all=0");
  EXPECT_FALSE(app_->predictions.all_classes);
  frames(2);
  EXPECT_EQ(lab_view_state(*app_).find("pred.all"), std::string::npos);
  // Every view away from its defaults, then the defaults' own values: the state of a fresh page.
  create("en", "tab=input");
  frames(3);
  const std::string defaults = lab_view_state(*app_);
  lab_apply_view_state(*app_, "pred.all=1&attn.rollout=1&attn.control=p100&attn.avg=20&attn.shared=1"
                              "&rf.untrained=1&rf.layer=stem&rf.unit=1,1&rf.avg=20&rf.others=1&rf.calc=3-1-1");
  frames(2);
  EXPECT_NE(lab_view_state(*app_), defaults);
  EXPECT_TRUE(app_->attention.average && app_->receptive_field.average && app_->receptive_field.calc_edited);
  lab_apply_view_state(*app_, "pred.all=0&attn.rollout=0&attn.control=none&attn.avg=0&attn.shared=0"
                              "&rf.untrained=0&rf.layer=last&rf.unit=centre&rf.avg=0&rf.others=0&rf.calc=cnn");
  frames(2);
  EXPECT_EQ(lab_view_state(*app_), defaults);
  EXPECT_FALSE(app_->attention.average);
  EXPECT_EQ(app_->attention.average_images, 20);  // kept for the next time averaging is turned on
  EXPECT_EQ(app_->attention.control_scale, -1);
  EXPECT_TRUE(app_->receptive_field.layer.empty());
  EXPECT_FALSE(app_->receptive_field.unit.has_value());
  EXPECT_FALSE(app_->receptive_field.calc_edited);
}

TEST_F(LabTest, ScaleButtonsAndCopyLink) {
  std::vector<std::string> shared;
  Platform p = assets_.platform();
  p.share_link = [&shared](const std::string& state, std::string*) {
    shared.push_back(state);
    return "https://lab.example/#" + state;
  };
  app_ = lab_create(std::move(p), LabOptions{"en", "img=3"});
  frames(3);
  EXPECT_EQ(query("state")["scale"], 1.0);  // 1280 px wide: the automatic rule's 1
  click("menu.scale_up");
  EXPECT_EQ(query("state")["scale_chosen"], 1.25);
  frames(1);
  click("menu.scale_up");
  frames(1);
  EXPECT_EQ(query("state")["scale"], 1.5);
  click("menu.scale_down");
  frames(1);
  EXPECT_EQ(query("state")["scale"], 1.25);
  click("menu.copy_link");
  ASSERT_EQ(shared.size(), 1u);
  EXPECT_EQ(shared[0], "tab=input&img=3&lang=en&scale=1.25");
  EXPECT_EQ(query("state")["shared_link"], "https://lab.example/#tab=input&img=3&lang=en&scale=1.25");
  EXPECT_NE(query("state")["message"].get<std::string>().find("Link copied"), std::string::npos);
  // A platform that cannot copy says why on the status line.
  p = assets_.platform();
  p.share_link = [](const std::string&, std::string* error) {
    *error = "no clipboard";
    return std::string();
  };
  app_ = lab_create(std::move(p), LabOptions{"en", ""});
  frames(3);
  click("menu.copy_link");
  EXPECT_TRUE(query("state")["message_is_error"].get<bool>());
  // The automatic rule follows the window's width.
  ImGui::GetIO().DisplaySize = ImVec2(1920.0f, 1080.0f);
  frames(1);
  EXPECT_EQ(query("state")["scale"], 1.5);
  ImGui::GetIO().DisplaySize = ImVec2(1700.0f, 900.0f);
  frames(1);
  EXPECT_EQ(query("state")["scale"], 1.25);
}

TEST_F(LabTest, OpenImageRejectsCorruptFilesAndAcceptsPng) {
  create();
  frames(2);
  const std::vector<float> before = lab_input_image(*app_);
  lab_open_image(*app_, std::vector<uint8_t>{'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'}, "junk.png");
  frames(2);
  json state = query("state");
  EXPECT_TRUE(state["message_is_error"].get<bool>());
  EXPECT_NE(state["message"].get<std::string>().find("junk.png"), std::string::npos);
  EXPECT_EQ(lab_input_image(*app_), before);
  lab_open_image(*app_, {}, "empty.png");
  EXPECT_TRUE(query("state")["message_is_error"].get<bool>());
  EXPECT_EQ(lab_input_image(*app_), before);

  // A dark disc on white paper, 64x64: it arrives inverted (light disc on black) and resized to 28x28.
  std::vector<uint8_t> gray(64 * 64);
  for (int y = 0; y < 64; ++y)
    for (int x = 0; x < 64; ++x) gray[y * 64 + x] = (x - 32) * (x - 32) + (y - 32) * (y - 32) < 20 * 20 ? 0 : 255;
  lab_open_image(*app_, encode_png(64, 64, gray), "disc.png");
  frames(2);
  state = query("state");
  EXPECT_FALSE(state["message_is_error"].get<bool>());
  const std::vector<float> img = lab_input_image(*app_);
  EXPECT_NE(img, before);
  EXPECT_GT(img[14 * 28 + 14], 0.99f);
  EXPECT_LT(img[0], 0.01f);
  EXPECT_EQ(app_->input.source, InputSource::File);
  // Dismiss clears the message.
  click("button.dismiss");
  EXPECT_EQ(query("state")["message"], "");
}

TEST_F(LabTest, QueryAnswersKnownAndUnknown) {
  create();
  frames(2);
  EXPECT_EQ(query("input")["image"].size(), 784u);
  const json rects = query("rects");
  for (const char* key : kTabKeys) EXPECT_TRUE(rects.contains(std::string("tab.") + key)) << key;
  for (const char* id : {"canvas", "button.reset", "button.clear", "button.load", "gallery.0", "language.en",
                         "language.ko"})
    EXPECT_TRUE(rects.contains(id)) << id;
  EXPECT_TRUE(query("nonsense").contains("error"));
}

// "memory" passes on the platform's allocator figures and counts the models in the store with their weights, the
// bytes of Dear ImGui's draw buffers and the jobs.
TEST_F(LabTest, MemoryQueryGivesTheAllocatorFiguresAndTheLoadedModels) {
  Platform p = assets_.platform();
  p.memory_use = [] { return MemoryUse{1234, 65536}; };
  app_ = lab_create(p, LabOptions{});
  frames(2);
  json m = query("memory");
  EXPECT_EQ(m["heap_in_use"], 1234);
  EXPECT_EQ(m["heap_size"], 65536);
  int64_t weight_bytes = 0;
  for (int f = 0; f < kFamilyCount; ++f)
    weight_bytes += model_entry(*app_, checkpoint_name(f, kDataScaleCount - 1))->model->num_params() * 4;
  EXPECT_EQ(m["models_loaded"], 4);
  EXPECT_EQ(m["model_weight_bytes"], weight_bytes);
  // Two frames drew the lab: its windows hold vertices, at least 20 bytes each.
  EXPECT_GE(m["imgui_draw_buffer_bytes"].get<int64_t>(), int64_t{20} * ImGui::GetDrawData()->TotalVtxCount);
  EXPECT_GT(ImGui::GetDrawData()->TotalVtxCount, 0);
  EXPECT_EQ(m["kernel_scratch_bytes"], kernel_scratch_bytes());
  EXPECT_EQ(m["jobs_cached"], app_->jobs.finished.size());
  EXPECT_EQ(m["jobs_running"], app_->jobs.running.size());
  create();  // no Platform::memory_use: the figures are missing, the models still counted
  frames(2);
  m = query("memory");
  EXPECT_TRUE(m.contains("error"));
  EXPECT_FALSE(m.contains("heap_in_use"));
  EXPECT_EQ(m["models_loaded"], 4);
}

// A link applied to the running lab (the page's hashchange) changes what it names and ignores what it cannot read.
TEST_F(LabTest, AViewStateAppliedWhileRunningChangesWhatItNames) {
  create();
  frames(2);
  lab_apply_view_state(*app_, "tab=attention&attn.model=cnn");
  frames(2);
  EXPECT_EQ(tab(), "attention");
  EXPECT_EQ(view_link(), "tab=attention&attn.model=cnn");
  for (const char* junk : {"", "&&", "=", "tab", "tab=", "tab=nonsense", "attn.model=resnet&x=1", "%zz=%00"}) {
    lab_apply_view_state(*app_, junk);
    frames(2);
    EXPECT_EQ(view_link(), "tab=attention&attn.model=cnn") << junk;
  }
  lab_apply_view_state(*app_, "attn.data=p010&tab=predictions");
  frames(2);
  EXPECT_EQ(tab(), "predictions");
  EXPECT_EQ(query("attention")["model"], "cnn_p010");
}

// The registry (ui/views.cpp): one row per tab, with unique keys and query names; every view's anchors are drawn
// once the view is ready; the unknown-query error lists every known name; links reach the view that owns them.
TEST_F(LabTest, EveryViewIsOneRowAndItsAnchorsAreDrawn) {
  std::set<std::string> keys, queries;
  for (const ViewSpec& v : lab_views()) {
    EXPECT_TRUE(keys.insert(v.key).second) << v.key;
    EXPECT_EQ(view_index(v.key), static_cast<int>(keys.size()) - 1);
    EXPECT_EQ(v.write_link == nullptr, v.read_link == nullptr) << v.key;
    EXPECT_FALSE(v.anchors.empty()) << v.key;
    for (const ViewQuery& q : v.queries) EXPECT_TRUE(queries.insert(q.name).second) << q.name;
  }
  EXPECT_EQ(keys, std::set<std::string>(std::begin(kTabKeys), std::end(kTabKeys)));
  EXPECT_EQ(view_index("nonsense"), -1);
  create();
  frames(2);
  const std::string error = query("nonsense")["error"];
  for (const std::string& q : queries) EXPECT_NE(error.find(q), std::string::npos) << error;
  for (const ViewSpec& v : lab_views()) {
    click(std::string("tab.") + v.key);
    for (const ViewQuery& q : v.queries) EXPECT_FALSE(query(q.name).contains("error") &&
                                                      query(q.name)["error"].is_string() &&
                                                      query(q.name).size() == 1) << q.name;
    for (const char* id : v.anchors) {
      for (int i = 0; i < 20 && !query("rects").contains(id); ++i) frame();
      EXPECT_TRUE(query("rects").contains(id)) << v.key << ": anchor " << id;
    }
  }
}

// The Predictions view with the repository's p100 checkpoints: probabilities for the current input from all
// four models (vit, cnn, hybrid, rvit), a new forward on every input change, and the accuracy job on a few test
// images.
TEST_F(LabTest, PredictionsForEveryModelAndAccuracyJob) {
  create();
  frames(2);
  ASSERT_TRUE(lab_ready(*app_));
  click("tab.predictions");
  frames(2);
  auto check_predictions = [&](uint64_t version) -> json {
    const json pred = query("predictions");
    EXPECT_EQ(pred["models"].size(), static_cast<size_t>(kFamilyCount));
    for (int f = 0; f < kFamilyCount; ++f) EXPECT_EQ(pred["models"][f]["name"], checkpoint_name(f, 4));
    for (const json& m : pred["models"]) {
      EXPECT_TRUE(m["ready"].get<bool>()) << m["name"];
      if (!m["ready"].get<bool>()) continue;
      EXPECT_EQ(m["input_version"].get<uint64_t>(), version);
      double sum = 0.0;
      for (double p : m["probs"]) {
        EXPECT_GE(p, 0.0);
        sum += p;
      }
      EXPECT_NEAR(sum, 1.0, 1e-9) << m["name"];
      EXPECT_EQ(m["probs"].size(), 10u);
      const int top = m["top"][0];
      for (double p : m["probs"]) EXPECT_LE(p, m["probs"][top].get<double>());
    }
    return pred;
  };
  const json first = check_predictions(app_->input.version);
  // The first thumbnail, test image 19, is a T-shirt (class 0); every p100 model gets it right.
  EXPECT_EQ(app_->input.gallery_index, 19);
  EXPECT_EQ(app_->input.gallery_label, 0);
  for (const json& m : first["models"]) EXPECT_EQ(m["top"][0].get<int>(), 0) << m["name"];
  // Another thumbnail: new probabilities.
  click("gallery.4");
  frames(2);
  const json second = check_predictions(app_->input.version);
  EXPECT_NE(second["models"][0]["probs"], first["models"][0]["probs"]);
  // The ref kernels give the same probabilities up to rounding.
  click("backend.ref");
  frames(2);
  EXPECT_EQ(app_->models.backend, "ref");
  const json ref = check_predictions(app_->input.version);
  for (int m = 0; m < kFamilyCount; ++m)
    for (int k = 0; k < 10; ++k)
      EXPECT_NEAR(ref["models"][m]["probs"][k].get<double>(), second["models"][m]["probs"][k].get<double>(), 1e-4);
  click("backend.simd");

  // Accuracy on the first 30 test images, compared with a direct count.
  app_->predictions.accuracy_images = 30;
  click("button.accuracy");
  for (int i = 0; i < 20 && !query("accuracy")["models"][kFamilyCount - 1]["done"].get<bool>(); ++i) frame();
  const json acc = query("accuracy");
  for (int f = 0; f < kFamilyCount; ++f) {
    const json& m = acc["models"][f];
    ASSERT_TRUE(m["done"].get<bool>()) << m["name"];
    EXPECT_EQ(m["n"], 30);
    const Model* model = model_or_request(*app_, m["name"].get<std::string>());
    ASSERT_NE(model, nullptr);
    const Result<Tensor> logits = model->forward(test_set_input(app_->gallery.test_set, 0, 30, model->input_spec()), nullptr);
    ASSERT_TRUE(logits.ok()) << logits.error().message;
    EXPECT_EQ(m["correct"].get<int>(), count_correct(*logits, std::span(app_->gallery.test_set.labels).first(30)));
    EXPECT_GE(m["correct"].get<int>(), 24) << "a p100 model at > 92 % gets most of 30 images right";
  }
}

// All 10 classes on demand (the same rows in every column, in class order), and the label smoothing each model was
// trained with, read from its file for the help text and the query.
TEST_F(LabTest, PredictionsShowAllClassesOnDemandAndTheTrainingsLabelSmoothing) {
  create();
  frames(2);
  ASSERT_TRUE(lab_ready(*app_));
  click("tab.predictions");
  frames(2);
  EXPECT_FALSE(query("predictions")["all_classes"].get<bool>());
  click("predictions.all_classes");
  EXPECT_TRUE(app_->predictions.all_classes);
  const json pred = query("predictions");
  EXPECT_TRUE(pred["all_classes"].get<bool>());
  for (int f = 0; f < kFamilyCount; ++f) {
    const json& m = pred["models"][f];
    ASSERT_TRUE(m["ready"].get<bool>()) << m["name"];
    const Model* model = model_or_request(*app_, m["name"].get<std::string>());
    ASSERT_NE(model, nullptr);
    const Result<LabelSmoothing> s = recorded_label_smoothing(model->metadata_json(), model->num_classes());
    ASSERT_TRUE(s.ok()) << m["name"];
    EXPECT_EQ(m["label_smoothing"]["epsilon"].get<double>(), s->epsilon);
    EXPECT_EQ(m["label_smoothing"]["target"].get<double>(), s->target);
    // top_probs are the probabilities of the top classes.
    for (int k = 0; k < 3; ++k)
      EXPECT_EQ(m["top_probs"][k].get<double>(), m["probs"][m["top"][k].get<int>()].get<double>());
  }
  // Both languages draw the ten rows (frame() fails on an unbalanced Begin/End) with no error on the status line.
  for (const char* language : {"en", "ko"}) {
    create(language);
    app_->predictions.all_classes = true;
    frames(3);
    click("tab.predictions");
    frames(3);
    EXPECT_EQ(query("state")["tab"], "predictions") << language;
    EXPECT_TRUE(query("predictions")["all_classes"].get<bool>()) << language;
    EXPECT_FALSE(query("state")["message_is_error"].get<bool>()) << language;
  }
}

// The predictions' export: the shown models' probabilities side by side (figures/prediction_figures.h), the classes
// named in the lab's language, and the same numbers as CSV.
TEST_F(LabTest, PredictionsExportTheShownModelsSideBySide) {
  create_saving();
  frames(2);
  ASSERT_TRUE(lab_ready(*app_));
  click("gallery.0");
  click("tab.predictions");
  frames(3);
  const json pred = query("predictions");
  click("export.predictions.png");
  const std::optional<FigureCapture> capture = lab_take_capture(*app_);
  ASSERT_TRUE(capture.has_value());
  EXPECT_EQ(capture->file_name, "predictions.png");
  const Figure& f = capture->figure;
  ASSERT_TRUE(f.heatmap.has_value());
  ASSERT_EQ(f.heatmap->cols, kFamilyCount);
  ASSERT_EQ(f.heatmap->rows, kClassCount);
  EXPECT_EQ(f.x_ticks[0], "ViT, 100 % of the data");
  EXPECT_EQ(f.y_ticks[9], class_name(Language::En, 9));
  EXPECT_NE(f.how_to_read.find(std::string("true class: ") + class_name(Language::En, app_->input.gallery_label)),
            std::string::npos) << f.how_to_read;
  for (int m = 0; m < kFamilyCount; ++m)
    for (int c = 0; c < kClassCount; ++c)
      EXPECT_DOUBLE_EQ(f.heatmap->values[static_cast<size_t>(c) * kFamilyCount + m],
                       100.0 * pred["models"][m]["probs"][c].get<double>());
  frame();
  click("export.predictions.csv");
  ASSERT_TRUE(saved_files_.count("predictions.csv"));
  const std::string csv(saved_files_["predictions.csv"].begin(), saved_files_["predictions.csv"].end());
  EXPECT_EQ(csv.rfind("model,label,class_name,probability\nvit_p100,0,", 0), 0u) << csv.substr(0, 80);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + kFamilyCount * kClassCount);
}

// The lab asks for frames while it has work of its own (the platform's FramePacer draws them): a job running, a tab
// switch asked for; once that is drawn it asks for none. lab.query("state") counts the frames drawn.
TEST_F(LabTest, WantsFramesOnlyWhileItHasWork) {
  create();
  frames(2);
  ASSERT_TRUE(lab_ready(*app_));
  const int64_t before = query("state")["frames"].get<int64_t>();
  EXPECT_EQ(before, 2);
  int drawn = 0;
  const auto frames_while_wanted = [&] {
    for (int i = 0; i < 20 && lab_wants_frame(*app_); ++i, ++drawn) frame();
    EXPECT_FALSE(lab_wants_frame(*app_));
  };
  frames_while_wanted();  // the first input's jobs
  lab_apply_view_state(*app_, "tab=predictions");
  EXPECT_TRUE(lab_wants_frame(*app_)) << "the tab switch waits for the next frame";
  frames_while_wanted();
  EXPECT_EQ(tab(), "predictions");
  app_->predictions.accuracy_images = 30;
  click("button.accuracy");
  drawn += 3;
  EXPECT_TRUE(lab_wants_frame(*app_)) << "the accuracy jobs run";
  frames_while_wanted();
  EXPECT_TRUE(query("accuracy")["models"][kFamilyCount - 1]["done"].get<bool>());
  EXPECT_EQ(query("state")["frames"].get<int64_t>(), before + drawn);
}

TEST_F(LabTest, CheckpointSelectorLoadsOnDemandAndMissingFileIsAMessage) {
  create();
  frames(2);
  click("tab.predictions");
  EXPECT_EQ(model_entry(*app_, "cnn_p001"), nullptr);
  click("combo.scale.cnn");
  frames(2);
  click("scale.cnn.p001");
  frames(4);  // fetch, parse, then a forward
  const json pred = query("predictions");
  EXPECT_EQ(pred["models"][1]["name"], "cnn_p001");
  EXPECT_TRUE(pred["models"][1]["ready"].get<bool>());
  // A checkpoint that does not exist: a clear message instead of a model.
  EXPECT_EQ(model_or_request(*app_, "vit_p999"), nullptr);
  frames(2);
  EXPECT_NE(model_status_text(*app_, "vit_p999").find("vit_p999"), std::string::npos);
  EXPECT_EQ(model_entry(*app_, "vit_p999")->status, ModelEntry::Status::Failed);
}

// ---- The Attention view ----

// The view's distances and maps checked against the analysis functions run directly on the same model and input.
class AttentionViewTest : public LabTest {
 protected:
  // The stack of the current input through `checkpoint`, computed here without the view.
  AttentionStack direct_stack(const std::string& checkpoint, Trace* trace) {
    const Model* model = model_or_request(*app_, checkpoint);
    EXPECT_NE(model, nullptr) << checkpoint;
    EXPECT_TRUE(model->forward(make_input(lab_input_image(*app_), 1, model->input_spec()), trace).ok());
    Result<AttentionStack> s = attention_stack(*trace);
    EXPECT_TRUE(s.ok());
    return s.ok() ? *s : AttentionStack{};
  }
  json ready_attention() {
    for (int i = 0; i < 10 && query("attention")["status"] != "ready"; ++i) frame();
    const json a = query("attention");
    EXPECT_EQ(a["status"], "ready") << a.dump();
    return a;
  }
  static std::vector<float> floats(const json& j) { return j.get<std::vector<float>>(); }
};

TEST_F(AttentionViewTest, BeforeTheModelArrivesTheViewSaysLoading) {
  assets_.deferred = true;
  create();
  frames(2);
  type('3');
  frames(2);
  EXPECT_EQ(tab(), "attention");
  EXPECT_EQ(query("attention")["status"], "loading");
  assets_.deliver();  // the gallery and the p100 models
  frames(2);
  assets_.deliver();  // nothing else is pending
  ready_attention();
}

TEST_F(AttentionViewTest, MapsHoverRolloutAndModelsMatchTheAnalysis) {
  create();
  frames(2);
  ASSERT_TRUE(lab_ready(*app_));
  click("tab.attention");
  json a = ready_attention();
  EXPECT_EQ(a["model"], "vit_p100");
  EXPECT_EQ(a["hover_patch"], -1);
  // Sizes from the checkpoint's config: 32 x 32 input, 4 px patches -> 8 x 8 + CLS = 65 tokens; 6 layers x 4 heads.
  EXPECT_EQ(a["grid"], 8);
  EXPECT_EQ(a["tokens"], 65);
  EXPECT_EQ(a["cell_px"], 4.0);
  ASSERT_EQ(a["distance_px"].size(), 6u);
  ASSERT_EQ(a["distance_px"][0].size(), 4u);
  Trace trace({TraceKind::AttnProbs});
  AttentionStack s = direct_stack("vit_p100", &trace);
  Result<AttentionDistance> d = attention_distance(s, 0, 4.0);
  ASSERT_TRUE(d.ok());
  for (int l = 0; l < 6; ++l)
    for (int h = 0; h < 4; ++h) {
      EXPECT_EQ(a["distance_px"][l][h].get<double>(), d->px[l * 4 + h]);
      EXPECT_EQ(a["distance_patches"][l][h].get<double>(), d->patches[l * 4 + h]);
      EXPECT_TRUE(query("rects").contains("attention.cell." + std::to_string(l) + "." + std::to_string(h)));
    }
  const double uniform = a["uniform_px"].get<double>();
  EXPECT_EQ(uniform, uniform_attention_distance_px(8, 4.0).value());
  EXPECT_EQ(a["local_threshold_px"].get<double>(), kLocalFraction * uniform);
  EXPECT_EQ(a["local_heads_early"].get<int>(), local_heads(*d, kEarlyLayers, kLocalFraction * uniform));
  EXPECT_EQ(floats(a["cls_map"]), cls_map(s, 0, 0, 0)->data);

  // Click a cell: it is enlarged, and once the mouse has left the maps the query reports its CLS map.
  click("attention.cell.3.2");
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(1.0f, 1.0f);
  frames(2);
  a = query("attention");
  EXPECT_EQ(a["layer"], 3);
  EXPECT_EQ(a["head"], 2);
  const std::vector<float> cls = cls_map(s, 0, 3, 2)->data;
  EXPECT_EQ(floats(a["cls_map"]), cls);

  // Hover the enlarged map: the patch under the mouse (centre of the 8 x 8 grid: row 4, column 4) shows its row.
  io.MousePos = centre("attention.map");
  frames(2);
  a = query("attention");
  EXPECT_EQ(a["hover_patch"], 4 * 8 + 4);
  EXPECT_EQ(floats(a["cls_map"]), token_map(s, 0, 3, 2, 36)->data);
  EXPECT_NE(floats(a["cls_map"]), cls);
  // Hovering a small cell works too: its top-left patch.
  const json r = query("rects")["attention.cell.0.0"];
  io.MousePos = ImVec2(r[0].get<float>() + 1.0f, r[1].get<float>() + 1.0f);
  frames(2);
  EXPECT_EQ(query("attention")["hover_patch"], 0);
  io.MousePos = ImVec2(1.0f, 1.0f);
  frames(2);
  EXPECT_EQ(query("attention")["hover_patch"], -1);

  // Rollout through layer 4 (index 3): the first four layers of the stack.
  click("attention.rollout");
  io.MousePos = ImVec2(1.0f, 1.0f);
  frames(2);
  a = query("attention");
  EXPECT_TRUE(a["rollout"].get<bool>());
  AttentionStack upto = s;
  upto.layers.resize(4);
  EXPECT_EQ(floats(a["cls_map"]), rollout_cls_map(upto, 0)->data);
  click("attention.rollout");

  // The hybrid: its transformer blocks on the conv trunk's 8 x 8 grid.
  click("attention.model.hybrid");
  a = ready_attention();
  EXPECT_EQ(a["model"], "hybrid_p100");
  EXPECT_EQ(a["arch"], "hybrid");
  EXPECT_EQ(a["distance_px"].size(), 4u);
  Trace hybrid_trace({TraceKind::AttnProbs});
  AttentionStack hs = direct_stack("hybrid_p100", &hybrid_trace);
  EXPECT_EQ(a["distance_px"][0][0].get<double>(), attention_distance(hs, 0, a["cell_px"].get<double>())->px[0]);
  EXPECT_EQ(a["layer"], 3);  // the selection is kept (clamped to the hybrid's depth)

  // A CNN has no attention: the view says so and draws no cells.
  click("attention.model.cnn");
  frames(2);
  EXPECT_EQ(query("attention")["status"], "no_attention");
  EXPECT_FALSE(query("rects").contains("attention.cell.0.0"));
  click("attention.model.vit");
  ready_attention();

  // A new input: new distances (the image job is keyed on the input version).
  click("gallery.10");
  a = ready_attention();
  Trace trace2({TraceKind::AttnProbs});
  AttentionStack s2 = direct_stack("vit_p100", &trace2);
  EXPECT_EQ(a["distance_px"][5][3].get<double>(), attention_distance(s2, 0, 4.0)->px[23]);
}

// The maps' exports: the grid and the enlarged map as slide figures (figures/attention_figures.h) of the analysis'
// maps, numbered from 1, with their numbers as CSV.
TEST_F(AttentionViewTest, MapExportsAreSlideFiguresOfTheShownMaps) {
  create_saving();
  frames(2);
  ASSERT_TRUE(lab_ready(*app_));
  click("tab.attention");
  ready_attention();
  click("attention.cell.3.2");
  ImGui::GetIO().MousePos = ImVec2(1.0f, 1.0f);
  frames(2);
  Trace trace({TraceKind::AttnProbs});
  AttentionStack s = direct_stack("vit_p100", &trace);
  click("export.attention_grid.png");
  std::optional<FigureCapture> capture = lab_take_capture(*app_);
  ASSERT_TRUE(capture.has_value());
  EXPECT_EQ(capture->file_name, "attention_grid.png");
  const Figure grid = capture->figure;
  ASSERT_TRUE(grid.maps.has_value());
  EXPECT_EQ(grid.maps->rows, 6);
  EXPECT_EQ(grid.maps->cols, 4);
  EXPECT_EQ(grid.y_ticks.front(), "1");
  EXPECT_EQ(grid.x_ticks.back(), "4");
  EXPECT_EQ(grid.x_label, "head");
  EXPECT_EQ(grid.maps->image_side, 32);
  EXPECT_EQ(grid.maps->scale, MapScale::OwnMax);
  EXPECT_NE(grid.how_to_read.find("ViT, 100 % of the data"), std::string::npos);
  const std::vector<float> cls = cls_map(s, 0, 3, 2)->data;
  EXPECT_EQ(grid.maps->panels[3 * 4 + 2].map, std::vector<double>(cls.begin(), cls.end()));
  click("export.attention_grid.csv");
  ASSERT_TRUE(saved_files_.count("attention_grid.csv"));
  const std::string csv(saved_files_["attention_grid.csv"].begin(), saved_files_["attention_grid.csv"].end());
  EXPECT_EQ(csv, maps_csv(grid));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 6 * 4 * 64);
  // The enlarged map (layer 4, head 3), on the shared scale once chosen: its colour bar spans that range.
  frame();  // the CSV's status line moved the controls: their rects settle in a frame
  click("attention.shared_scale");
  ImGui::GetIO().MousePos = ImVec2(1.0f, 1.0f);
  frames(2);
  ASSERT_TRUE(query("attention")["shared_scale"].get<bool>());
  click("export.attention_map.png");
  capture = lab_take_capture(*app_);
  ASSERT_TRUE(capture.has_value());
  const Figure& map = capture->figure;
  EXPECT_NE(map.title.find("layer 4, head 3"), std::string::npos) << map.title;
  ASSERT_TRUE(map.maps.has_value());
  EXPECT_EQ(map.maps->rows * map.maps->cols, 1);
  EXPECT_EQ(map.maps->scale, MapScale::Shared);
  EXPECT_FLOAT_EQ(static_cast<float>(map.maps->vmax), query("attention")["shared_max"].get<float>());
  EXPECT_EQ(map.maps->panels[0].map, std::vector<double>(cls.begin(), cls.end()));
  EXPECT_EQ(map.maps->value_label, "attention weight");
  // The position embeddings' similarity of the shown patch (the centre one, none hovered): the analysis' cosines on a
  // fixed -1..1 scale, the patch outlined, the model named; its CSV a line per patch.
  scroll_into_view("export.position_similarity.png");
  click("export.position_similarity.png");
  capture = lab_take_capture(*app_);
  ASSERT_TRUE(capture.has_value());
  EXPECT_EQ(capture->file_name, "position_similarity.png");
  const Figure& similarity = capture->figure;
  const Model* vit = model_or_request(*app_, "vit_p100");
  ASSERT_NE(vit, nullptr);
  const std::vector<float> cosines = position_embedding_similarity(*vit, 36)->data;
  ASSERT_TRUE(similarity.maps.has_value());
  EXPECT_EQ(similarity.maps->panels[0].map, std::vector<double>(cosines.begin(), cosines.end()));
  EXPECT_EQ(similarity.maps->vmin, -1.0);
  EXPECT_EQ(similarity.maps->vmax, 1.0);
  EXPECT_EQ(*similarity.maps->panels[0].box, (std::array<double, 4>{4.0, 4.0, 5.0, 5.0}));
  EXPECT_NE(similarity.title.find("row 5, column 5"), std::string::npos) << similarity.title;
  EXPECT_NE(similarity.title.find("ViT, 100 % of the data"), std::string::npos) << similarity.title;
  click("export.position_similarity.csv");
  const std::string csv_sim(saved_files_["position_similarity.csv"].begin(), saved_files_["position_similarity.csv"].end());
  EXPECT_EQ(csv_sim, maps_csv(similarity));
  EXPECT_EQ(std::count(csv_sim.begin(), csv_sim.end(), '\n'), 1 + 8 * 8);
}

// rvit's bias kernels export as their own slide figure (figures/attention_figures.h bias_kernels_figure): every
// kernel's relative_bias_weights, numbered from 1; a plain vit has no such export.
TEST_F(AttentionViewTest, RvitBiasKernelsExportAsASlideFigure) {
  create_saving();
  frames(2);
  ASSERT_TRUE(lab_ready(*app_));
  click("tab.attention");
  ready_attention();
  EXPECT_FALSE(query("rects").contains("export.attention_bias_kernels.png"));
  click("attention.model.rvit");
  ready_attention();
  const Model* rvit = model_or_request(*app_, "rvit_p100");
  ASSERT_NE(rvit, nullptr);
  click("export.attention_bias_kernels.png");
  const std::optional<FigureCapture> capture = lab_take_capture(*app_);
  ASSERT_TRUE(capture.has_value());
  EXPECT_EQ(capture->file_name, "attention_bias_kernels.png");
  const Figure& f = capture->figure;
  ASSERT_TRUE(f.maps.has_value());
  EXPECT_EQ(f.maps->rows, 6);
  EXPECT_EQ(f.maps->cols, 4);
  EXPECT_EQ(f.y_ticks.front(), "1");
  EXPECT_EQ(f.x_ticks.back(), "4");
  EXPECT_NE(f.title.find("ViT + rel. bias, 100 % of the data"), std::string::npos) << f.title;
  for (int l = 0; l < 6; ++l)
    for (int h = 0; h < 4; ++h) {
      const Tensor w = relative_bias_weights(relative_bias_kernel(*rvit, l, h).value());
      EXPECT_EQ(f.maps->panels[l * 4 + h].map, std::vector<double>(w.data.begin(), w.data.end())) << l << "," << h;
    }
  frame();
  click("export.attention_bias_kernels.csv");
  ASSERT_TRUE(saved_files_.count("attention_bias_kernels.csv"));
  const std::vector<uint8_t>& csv = saved_files_["attention_bias_kernels.csv"];
  EXPECT_EQ(std::string(csv.begin(), csv.end()), maps_csv(f));
}

// rvit: the same maps and distances as the analysis, its bias kernels beside the maps, the position-embedding
// similarity of the hovered (else the centre) patch, the locality lines of vit and rvit, and the control overlay.
TEST_F(AttentionViewTest, RvitKernelsPositionSimilarityLocalityAndControl) {
  create();
  frames(2);
  ASSERT_TRUE(lab_ready(*app_));
  click("tab.attention");
  ready_attention();
  // The plain vit: a similarity map, no kernels, no control.
  json a = query("attention");
  const Model* vit = model_or_request(*app_, "vit_p100");
  ASSERT_NE(vit, nullptr);
  EXPECT_FALSE(a.contains("kernels"));
  EXPECT_EQ(a["position_patch"], 4 * 8 + 4);
  EXPECT_EQ(floats(a["position_similarity"]), position_embedding_similarity(*vit, 36)->data);
  EXPECT_TRUE(a["control"].is_null());
  EXPECT_FALSE(query("rects").contains("attention.kernel.0.0"));

  click("attention.model.rvit");
  a = ready_attention();
  EXPECT_EQ(a["model"], "rvit_p100");
  EXPECT_EQ(a["arch"], "rvit");
  const Model* rvit = model_or_request(*app_, "rvit_p100");
  ASSERT_NE(rvit, nullptr);
  Trace trace({TraceKind::AttnProbs});
  AttentionStack s = direct_stack("rvit_p100", &trace);
  const AttentionDistance d = attention_distance(s, 0, 4.0).value();
  for (int l = 0; l < 6; ++l)
    for (int h = 0; h < 4; ++h) {
      EXPECT_EQ(a["distance_px"][l][h].get<double>(), d.px[l * 4 + h]);
      EXPECT_EQ(floats(a["kernels"][l][h]), relative_bias_kernel(*rvit, l, h)->data);
      EXPECT_TRUE(query("rects").contains("attention.kernel." + std::to_string(l) + "." + std::to_string(h)));
    }
  // Hover a kernel: a tooltip, nothing else changes.
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = centre("attention.kernel.2.1");
  frames(2);
  EXPECT_EQ(query("attention")["hover_patch"], -1);

  // The locality lines: this image's locality() through vit_p100 and rvit_p100 (the other family's job runs too).
  for (int i = 0; i < 10 && query("attention")["locality"]["vit"].is_null(); ++i) frame();
  a = query("attention");
  for (const char* family : {"vit", "rvit"}) {
    const std::string name = std::string(family) + "_p100";
    const Model* m = model_or_request(*app_, name);
    Result<AttentionImage> image = analyse_attention(*m, make_input(lab_input_image(*app_), 1, m->input_spec()), false);
    ASSERT_TRUE(image.ok());
    const Locality want = locality(image->distance).value();
    const json& got = a["locality"][family];
    ASSERT_FALSE(got.is_null()) << family;
    EXPECT_EQ(got["model"], name);
    EXPECT_EQ(got["local_heads"], want.local_heads);
    EXPECT_EQ(got["heads"], 24);
    EXPECT_EQ(got["farthest_from_uniform_px"].get<double>(), want.farthest_from_uniform_px);
  }
  // What the lesson rests on, for these checkpoints: rvit has local heads, the plain vit fewer.
  EXPECT_GT(a["locality"]["rvit"]["local_heads"].get<int>(), a["locality"]["vit"]["local_heads"].get<int>());

  // Hovering the similarity map picks its patch (top-left corner: patch 0). It sits below the maps and the plot.
  scroll_into_view("attention.position_similarity");
  const json r = query("rects")["attention.position_similarity"];
  io.MousePos = ImVec2(r[0].get<float>() + 1.0f, r[1].get<float>() + 1.0f);
  frames(2);
  a = query("attention");
  EXPECT_EQ(a["hover_patch"], 0);
  EXPECT_EQ(a["position_patch"], 0);
  EXPECT_EQ(floats(a["position_similarity"]), position_embedding_similarity(*rvit, 0)->data);
  io.MousePos = ImVec2(1.0f, 1.0f);

  // The control overlay: rvitzero_p100's distances for this image, in the link, gone for another family.
  scroll_into_view("attention.control.p100");
  click("attention.control.p100");
  for (int i = 0; i < 10 && !query("attention")["control"].contains("distance_px"); ++i) frame();
  a = query("attention");
  EXPECT_EQ(a["control"]["model"], "rvitzero_p100");
  Trace control_trace({TraceKind::AttnProbs});
  AttentionStack cs = direct_stack("rvitzero_p100", &control_trace);
  EXPECT_EQ(a["control"]["distance_px"][1][2].get<double>(), attention_distance(cs, 0, 4.0)->px[1 * 4 + 2]);
  EXPECT_EQ(view_link(), "tab=attention&attn.model=rvit&attn.control=p100");
  scroll_into_view("attention.model.vit");
  click("attention.model.vit");
  EXPECT_TRUE(query("attention")["control"].is_null());
  // The hybrid has no locality section.
  click("attention.model.hybrid");
  a = ready_attention();
  EXPECT_FALSE(a.contains("locality"));
  EXPECT_FALSE(query("rects").contains("attention.position_similarity"));
}

TEST_F(AttentionViewTest, AveragingJobRunsInStepsThenMatchesTheBatchMean) {
  Platform p = assets_.platform();
  p.now_ms = [t = 0.0]() mutable { return t += 5.0; };  // every step looks 5 ms long: a few steps per frame
  std::map<std::string, std::vector<uint8_t>> saved;
  p.save_file = [&saved](const std::string& name, std::span<const uint8_t> bytes) {
    saved[name] = std::vector<uint8_t>(bytes.begin(), bytes.end());
    return std::string();
  };
  app_ = lab_create(p, LabOptions{});
  frames(2);
  ASSERT_TRUE(lab_ready(*app_));
  click("tab.attention");
  ready_attention();
  click("attention.source.average");
  frame();
  json a = query("attention");
  EXPECT_TRUE(a["show_average"].get<bool>());
  ASSERT_TRUE(a.contains("average"));
  EXPECT_FALSE(a["average"]["finished"].get<bool>());
  EXPECT_LT(a["average"]["done"].get<int>(), 100);
  EXPECT_TRUE(query("rects").contains("attention.progress.main"));
  for (int i = 0; i < 400 && !query("attention")["average"]["finished"].get<bool>(); ++i) frame();
  a = query("attention");
  ASSERT_TRUE(a["average"]["finished"].get<bool>());
  EXPECT_EQ(a["average"]["done"], 100);
  // The same mean from the analysis layer over one batch of the first 100 test images.
  const Model* model = model_or_request(*app_, "vit_p100");
  std::vector<float> images;
  for (int i = 0; i < 100; ++i) {
    const InputImage img = image_from_bytes(&app_->gallery.test_set.images[size_t(i) * kInputPixels]);
    images.insert(images.end(), img.begin(), img.end());
  }
  Result<AttentionDistance> batch = mean_attention_distance(*model, make_input(images, 100, model->input_spec()), 100);
  ASSERT_TRUE(batch.ok());
  for (int l = 0; l < 6; ++l)
    for (int h = 0; h < 4; ++h)
      EXPECT_NEAR(a["average"]["distance_px"][l][h].get<double>(), batch->px[l * 4 + h], 1e-4 * batch->px[l * 4 + h]);
  // The overlaid checkpoint (1 % of the data by default) was averaged too, and it differs.
  for (int i = 0; i < 400 && !(query("attention")["compare"].contains("average") &&
                               query("attention")["compare"]["average"]["finished"].get<bool>());
       ++i)
    frame();
  a = query("attention");
  EXPECT_EQ(a["compare"]["model"], "vit_p001");
  ASSERT_TRUE(a["compare"]["average"]["finished"].get<bool>());
  EXPECT_NE(a["compare"]["average"]["distance_px"], a["average"]["distance_px"]);
  // Export: the plotted distances as CSV (a row per checkpoint, layer and head), and the slide figure of both
  // checkpoints (figures/attention_figures.h), rendered by the platform shell.
  click("export.attention_distance.csv");
  ASSERT_TRUE(saved.count("attention_distance.csv"));
  const std::string csv(saved["attention_distance.csv"].begin(), saved["attention_distance.csv"].end());
  EXPECT_EQ(csv.rfind("model,layer,head,distance_px\nvit_p100,1,1,", 0), 0u) << csv.substr(0, 80);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 2 * 6 * 4);
  frame();  // the status line the CSV export wrote moves the buttons: their rects settle in a frame
  click("export.attention_distance.png");
  const std::optional<FigureCapture> capture = lab_take_capture(*app_);
  ASSERT_TRUE(capture.has_value());
  const Figure& slide = capture->figure;
  ASSERT_EQ(slide.series.size(), 2u);
  EXPECT_EQ(slide.series[0].name, "ViT, 100 % of the data");
  EXPECT_EQ(slide.series[1].name, "ViT, 1 % of the data");
  EXPECT_NEAR(slide.series[0].spread[0][0], batch->px[0], 1e-4 * batch->px[0]);
  EXPECT_NE(slide.how_to_read.find("100 test images"), std::string::npos) << slide.how_to_read;
  EXPECT_EQ(slide.x_ticks.front(), "1");
  // Choosing "none" removes the overlay; the finished averages stay cached.
  click("attention.compare.none");
  EXPECT_TRUE(query("attention")["compare"].is_null());
  click("attention.compare.p001");
  EXPECT_TRUE(query("attention")["compare"]["average"]["finished"].get<bool>());
}

TEST_F(AttentionViewTest, KoreanAndEveryToggleKeepBeginEndBalanced) {
  Platform p = assets_.platform();
  p.now_ms = [t = 0.0]() mutable { return t += 5.0; };  // a few job steps per frame, as in a browser
  app_ = lab_create(p, LabOptions{"ko", ""});
  frames(2);
  click("tab.attention");
  ready_attention();
  for (const char* id : {"attention.rollout", "attention.cell.5.3", "attention.source.average", "attention.average.300",
                         "attention.compare.none", "attention.scale.p010", "attention.model.rvit",
                         "attention.control.p003", "attention.model.hybrid", "attention.source.image",
                         "attention.model.cnn", "attention.model.vit"}) {
    // A new checkpoint's first image job may still be queued behind the overlays' jobs.
    for (int i = 0; i < 20 && !query("rects").contains(id); ++i) frame();
    click(id);
    frames(3);
  }
  EXPECT_EQ(query("attention")["model"], "vit_p010");
  EXPECT_EQ(query("attention")["average_images"], 300);
}

TEST_F(AttentionViewTest, AMissingCheckpointIsAMessageNotACrash) {
  Platform p = assets_.platform();
  const auto fetch = p.fetch;
  p.fetch = [fetch](const std::string& path, FetchDone done) {
    if (path == "models/vit_p030.safetensors") return done({}, "HTTP 404 for " + path);
    fetch(path, std::move(done));
  };
  app_ = lab_create(p, LabOptions{});
  frames(2);
  click("tab.attention");
  ready_attention();
  click("attention.scale.p030");
  frames(2);
  const json a = query("attention");
  EXPECT_EQ(a["status"], "error");
  EXPECT_NE(a["error"].get<std::string>().find("vit_p030"), std::string::npos) << a.dump();
  click("attention.scale.p100");
  EXPECT_EQ(ready_attention()["model"], "vit_p100");
}

TEST_F(AttentionViewTest, AJobResultOfTheWrongTypeIsShownAsAnErrorNotComputing) {
  create();
  frames(2);
  click("tab.predictions");
  for (int i = 0; i < 10 && !query("predictions")["models"][0]["ready"].get<bool>(); ++i) frame();
  click("tab.attention");
  ready_attention();
  // A result of another type under a view's key (a programming error): the views say so instead of computing forever.
  const uint64_t v = app_->input.version;
  app_->jobs.finished.at(job_key("attention.image", "vit_p100", "v", v)).result = std::string("not an image");
  app_->jobs.finished.at(job_key("predict", "vit_p100", "simd", "v", v)).result = 42;
  frames(2);
  const json a = query("attention");
  EXPECT_EQ(a["status"], "error");
  EXPECT_NE(a["error"].get<std::string>().find("expected a vc::AttentionImage"), std::string::npos) << a.dump();
  click("tab.predictions");
  const json p = query("predictions")["models"][0];
  EXPECT_FALSE(p["ready"].get<bool>());
  EXPECT_NE(p["error"].get<std::string>().find("expected a vc::(anonymous namespace)::Prediction"), std::string::npos)
      << p.dump();
}

TEST_F(AttentionViewTest, ALinkRestoresTheViewAndTheViewMakesTheLink) {
  create("en", "tab=attention&attn.model=hybrid&attn.data=p010&attn.cell=2.1&attn.rollout=1&attn.compare=none"
               "&attn.avg=300");
  frames(2);
  EXPECT_EQ(tab(), "attention");
  json a = query("attention");
  EXPECT_EQ(a["model"], "hybrid_p010");
  EXPECT_EQ(a["layer"], 2);
  EXPECT_EQ(a["head"], 1);
  EXPECT_TRUE(a["rollout"].get<bool>());
  EXPECT_TRUE(a["compare"].is_null());
  EXPECT_TRUE(a["show_average"].get<bool>());
  EXPECT_EQ(a["average_images"], 300);
  EXPECT_EQ(view_link(),
            "tab=attention&attn.model=hybrid&attn.data=p010&attn.cell=2.1&attn.rollout=1&attn.compare=none&attn.avg=300");
  // rvit with its control.
  create("en", "tab=attention&attn.model=rvit&attn.control=p003");
  frames(2);
  EXPECT_EQ(query("attention")["model"], "rvit_p100");
  EXPECT_EQ(attention_control_checkpoint(*app_), "rvitzero_p003");
  EXPECT_EQ(view_link(), "tab=attention&attn.model=rvit&attn.control=p003");
  // Defaults make no keys; bad values are ignored (the control exists at 3 % and 100 % only).
  create("en", "tab=attention&attn.model=resnet&attn.data=p050&attn.cell=x.1&attn.compare=p7&attn.avg=-3"
               "&attn.control=p010");
  frames(2);
  EXPECT_EQ(view_link(), "tab=attention");
  EXPECT_EQ(query("attention")["model"], "vit_p100");
  // Clicks change the link.
  click("attention.model.cnn");
  EXPECT_EQ(view_link(), "tab=attention&attn.model=cnn");
}

// ---- The Receptive field view ----

// The view's maps, summaries and growth data checked against the analysis functions run directly on the same model
// and input; its controls driven with the mouse.
// One colour scale for all maps: off, every map has its own range; on, the query's shared_max is the largest value
// of every head's map and of the enlarged one, and a link keeps the choice.
TEST_F(AttentionViewTest, OneSharedColourScaleCoversEveryMap) {
  create();
  frames(2);
  ASSERT_TRUE(lab_ready(*app_));
  click("tab.attention");
  json a = ready_attention();
  EXPECT_FALSE(a["shared_scale"].get<bool>());
  EXPECT_FALSE(a.contains("shared_max"));
  click("attention.shared_scale");
  a = ready_attention();
  ASSERT_TRUE(a["shared_scale"].get<bool>());
  EXPECT_TRUE(query("rects").contains("attention.legend"));
  Trace trace({TraceKind::AttnProbs});
  const AttentionStack s = direct_stack("vit_p100", &trace);
  float top = 0.0f;
  for (int l = 0; l < 6; ++l)
    for (int h = 0; h < 4; ++h) {
      const std::vector<float> m = cls_map(s, 0, l, h)->data;
      top = std::max(top, *std::max_element(m.begin(), m.end()));
    }
  EXPECT_EQ(a["shared_max"].get<float>(), top);
  EXPECT_NE(lab_view_state(*app_).find("&attn.shared=1"), std::string::npos);
  // The rollout joins the shared range while it is shown (through the last layer: the whole rollout).
  app_->attention.layer = 5;
  app_->attention.rollout = true;
  a = ready_attention();
  const std::vector<float> r = rollout_cls_map(s, 0)->data;
  EXPECT_EQ(a["shared_max"].get<float>(), std::max(top, *std::max_element(r.begin(), r.end())));
  // A link turns it on and off.
  lab_apply_view_state(*app_, "attn.shared=0");
  EXPECT_FALSE(app_->attention.shared_scale);
  lab_apply_view_state(*app_, "attn.shared=yes");
  EXPECT_FALSE(app_->attention.shared_scale);
  lab_apply_view_state(*app_, "attn.shared=1");
  EXPECT_TRUE(app_->attention.shared_scale);
}

class ReceptiveFieldViewTest : public LabTest {
 protected:
  // Files handed to Platform::save_file.
  std::map<std::string, std::vector<uint8_t>> saved_;

  Platform platform_with_saving(bool ticking_clock) {
    Platform p = assets_.platform();
    p.save_file = [this](const std::string& name, std::span<const uint8_t> bytes) {
      saved_[name] = std::vector<uint8_t>(bytes.begin(), bytes.end());
      return std::string();
    };
    if (ticking_clock) p.now_ms = [t = 0.0]() mutable { return t += 5.0; };  // a few job steps per frame
    return p;
  }
  // A tall display, so every control of the view is on screen without scrolling.
  void open(const std::string& view = "tab=receptive_field", const std::string& language = "en",
            bool ticking_clock = false) {
    ImGui::GetIO().DisplaySize = ImVec2(1920.0f, 1600.0f);
    app_ = lab_create(platform_with_saving(ticking_clock), LabOptions{language, view});
    frames(2);
    ASSERT_TRUE(lab_ready(*app_));
  }
  json rf() { return query("receptive_field"); }
  // A click on a widget after one more frame: a click that changed the layout (a row removed) moves the widgets, and
  // the rects of the frame it was in are one frame old.
  using LabTest::click;
  void click(const std::string& id) {
    frame();
    LabTest::click(id);
  }
  json ready_rf() {
    for (int i = 0; i < 20 && rf()["status"] != "ready"; ++i) frame();
    const json r = rf();
    EXPECT_EQ(r["status"], "ready") << r.dump().substr(0, 400);
    return r;
  }
  const Model& model(const std::string& name) {
    const Model* m = model_or_request(*app_, name);
    EXPECT_NE(m, nullptr) << name;
    return *m;
  }
  // The ERF of a unit on the current input, computed here without the view.
  Erf direct(const Model& m, const std::string& layer, const RfUnit& unit) {
    Result<Erf> e = effective_rf(m, layer, unit, make_input(lab_input_image(*app_), 1, m.input_spec()));
    EXPECT_TRUE(e.ok()) << (e.ok() ? "" : e.error().message);
    return e.ok() ? *e : Erf{};
  }
  static std::vector<float> flat(const json& map) {
    std::vector<float> out;
    for (const json& row : map)
      for (const json& v : row) out.push_back(v.get<float>());
    return out;
  }
  // The shown map, unit and summary equal `want`'s.
  void expect_shown(const json& r, const Erf& want, const std::string& what) {
    EXPECT_EQ(flat(r["erf"]["map"]), want.map.data) << what;
    EXPECT_EQ(r["erf"]["r50_px"].get<double>(), want.summary.r50_px) << what;
    EXPECT_EQ(r["erf"]["r90_px"].get<double>(), want.summary.r90_px) << what;
    EXPECT_EQ(r["erf"]["share90_trf"].get<double>(), want.summary.share90_trf) << what;
    EXPECT_EQ(r["erf"]["mass_outside_trf"].get<double>(), want.summary.mass_outside_trf) << what;
    EXPECT_EQ(r["unit"]["row"], want.field.unit.row) << what;
    EXPECT_EQ(r["unit"]["col"], want.field.unit.col) << what;
    EXPECT_EQ(r["unit"]["cls"], want.field.unit.cls) << what;
  }
  // The screen point over input pixel (row_px, col_px) of the map.
  ImVec2 on_map(double row_px, double col_px) {
    const json m = query("rects")["rf.map"];
    const float px = m[2].get<float>() / 32.0f;
    return ImVec2(m[0].get<float>() + static_cast<float>(col_px) * px, m[1].get<float>() + static_cast<float>(row_px) * px);
  }
  void mouse_away() {
    ImGui::GetIO().MousePos = ImVec2(1.0f, 1.0f);
    frames(2);
  }
};

TEST_F(ReceptiveFieldViewTest, BeforeTheModelArrivesTheViewSaysLoading) {
  assets_.deferred = true;
  create("en", "tab=receptive_field");
  frames(2);
  EXPECT_EQ(tab(), "receptive_field");
  const json r = rf();
  EXPECT_EQ(r["status"], "loading");
  EXPECT_EQ(r["model"], "cnn_p100");
  assets_.deliver();
  frames(2);
  ready_rf();
}

TEST_F(ReceptiveFieldViewTest, MapFollowsTheMouseAndMatchesTheAnalysis) {
  open();
  json r = ready_rf();
  const Model& cnn = model("cnn_p100");
  // Defaults: the cnn's last layer (8 x 8, jump 4), its centre unit, this image.
  EXPECT_EQ(r["model"], "cnn_p100");
  EXPECT_EQ(r["layer"], "stages.2.1");
  EXPECT_EQ(r["layers"].size(), 7u);
  EXPECT_EQ(r["source"], "image");
  EXPECT_EQ(r["images"], 1);
  EXPECT_FALSE(r["hover"].get<bool>());
  Result<std::vector<TheoreticalRf>> trf = theoretical_rfs(cnn);
  ASSERT_TRUE(trf.ok());
  for (size_t l = 0; l < trf->size(); ++l)
    EXPECT_EQ(r["layers"][l]["theoretical"]["size_px"].get<double>(), (*trf)[l].size_px);
  expect_shown(r, direct(cnn, "stages.2.1", {false, 4, 4}), "centre unit");
  EXPECT_EQ(r["erf"]["mass_outside_trf"].get<double>(), 0.0);

  // Hovering unit (1, 6) (centre at px 4.5, 24.5) shows its map; leaving goes back to the chosen unit.
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = on_map(4.5, 24.5);
  frames(3);
  r = rf();
  EXPECT_TRUE(r["hover"].get<bool>());
  expect_shown(r, direct(cnn, "stages.2.1", {false, 1, 6}), "hovered unit");
  mouse_away();
  expect_shown(rf(), direct(cnn, "stages.2.1", {false, 4, 4}), "back to the centre");
  // A click keeps the unit, and the link says so.
  click(on_map(4.5, 24.5));
  mouse_away();
  r = ready_rf();
  EXPECT_FALSE(r["hover"].get<bool>());
  expect_shown(r, direct(cnn, "stages.2.1", {false, 1, 6}), "clicked unit");
  EXPECT_EQ(view_link(), "tab=receptive_field&rf.unit=1,6");

  // A new input: a new map for the same unit.
  click("gallery.10");
  mouse_away();
  expect_shown(ready_rf(), direct(cnn, "stages.2.1", {false, 1, 6}), "new input");
}

TEST_F(ReceptiveFieldViewTest, LayerSliderKeepsThePlaceAndTheUntrainedToggleSwitchesTheModel) {
  open("tab=receptive_field&rf.unit=1,6");
  ready_rf();
  const Model& cnn = model("cnn_p100");
  // One layer back: stages.2.0 has the same 8 x 8 grid.
  click("rf.layer.prev");
  mouse_away();
  json r = ready_rf();
  EXPECT_EQ(r["layer"], "stages.2.0");
  expect_shown(r, direct(cnn, "stages.2.0", {false, 1, 6}), "stages.2.0");
  // One more: stages.1.1, 16 x 16 with jump 2; the unit nearest to px (4.5, 24.5) is (2, 12).
  click("rf.layer.prev");
  mouse_away();
  r = ready_rf();
  EXPECT_EQ(r["layer"], "stages.1.1");
  EXPECT_EQ(r["layer_index"], 4);
  expect_shown(r, direct(cnn, "stages.1.1", {false, 2, 12}), "stages.1.1");
  EXPECT_EQ(view_link(), "tab=receptive_field&rf.layer=stages.1.1&rf.unit=2,12");
  // A click at the slider's left end: the first layer, the stem (32 x 32), its unit at the same place.
  const json s = query("rects")["rf.layer"];
  click(ImVec2(s[0].get<float>() + 2.0f, s[1].get<float>() + s[3].get<float>() * 0.5f));
  mouse_away();
  r = ready_rf();
  EXPECT_EQ(r["layer"], "stem");
  EXPECT_EQ(r["unit"]["row"], 4);
  EXPECT_EQ(r["unit"]["col"], 24);
  // Stem: the 3 x 3 box around the unit holds all the gradient.
  EXPECT_EQ(r["unit"]["box_px"], (json{{"top", 3}, {"left", 23}, {"bottom", 6}, {"right", 26}}));
  EXPECT_EQ(r["erf"]["mass_outside_trf"].get<double>(), 0.0);

  // Untrained: the same config with seeded initial weights, as vitcnn rf --untrained makes it.
  click("rf.untrained");
  mouse_away();
  r = ready_rf();
  EXPECT_EQ(r["model"], "cnn_untrained");
  EXPECT_EQ(r["weights"]["untrained_seed"], kUntrainedSeed);
  Result<std::unique_ptr<Model>> untrained = untrained_model(cnn, kUntrainedSeed);
  ASSERT_TRUE(untrained.ok());
  expect_shown(r, direct(**untrained, "stem", {false, 4, 24}), "untrained stem");
  EXPECT_EQ(view_link(), "tab=receptive_field&rf.untrained=1&rf.layer=stem&rf.unit=4,24");
  click("rf.untrained");
  EXPECT_EQ(rf()["model"], "cnn_p100");

  // The vit: its token layers have a CLS unit, which sees nothing at embed and the whole image after.
  click("rf.model.vit");
  mouse_away();
  r = ready_rf();
  EXPECT_EQ(r["model"], "vit_p100");
  EXPECT_EQ(r["layer"], "blocks.5");  // "stem" is not a vit layer: the last one
  click("rf.cls");
  mouse_away();
  r = ready_rf();
  EXPECT_TRUE(r["unit"]["cls"].get<bool>());
  EXPECT_EQ(r["unit"]["token"], 0);
  expect_shown(r, direct(model("vit_p100"), "blocks.5", {true, 0, 0}), "vit CLS");
  EXPECT_EQ(view_link(), "tab=receptive_field&rf.model=vit&rf.unit=cls");
}

TEST_F(ReceptiveFieldViewTest, GrowthPlotDataMatchesTheAnalysisForEveryLayer) {
  open("tab=receptive_field&rf.others=1");
  ready_rf();
  for (int i = 0; i < 20; ++i) frame();
  const json r = rf();
  ASSERT_EQ(r["growth"].size(), static_cast<size_t>(kFamilyCount));
  for (int f = 0; f < kFamilyCount; ++f) {
    const json& g = r["growth"][f];
    const Model& m = model(checkpoint_name(f, kDefaultScale));
    EXPECT_EQ(g["model"], checkpoint_name(f, kDefaultScale));
    Result<std::vector<TheoreticalRf>> trf = theoretical_rfs(m);
    ASSERT_TRUE(trf.ok());
    ASSERT_EQ(g["layers"].size(), trf->size()) << g["model"];
    ASSERT_TRUE(g["finished"].get<bool>()) << g["model"];
    EXPECT_EQ(g["images"], 1);
    for (size_t l = 0; l < trf->size(); ++l) {
      const TheoreticalRf& rf = (*trf)[l];
      EXPECT_EQ(g["layers"][l]["theoretical"]["size_px"].get<double>(), rf.size_px);
      const Erf e = direct(m, rf.name, centre_unit(rf));
      EXPECT_EQ(g["erf"][l]["r90_px"].get<double>(), e.summary.r90_px) << g["model"] << " " << rf.name;
      EXPECT_EQ(g["erf"][l]["r50_px"].get<double>(), e.summary.r50_px) << g["model"] << " " << rf.name;
    }
  }
}

TEST_F(ReceptiveFieldViewTest, AveragingJobRunsInStepsThenMatchesTheMeanAndCancels) {
  open("tab=receptive_field&rf.layer=stages.1.0&rf.unit=3,5", "en", true);
  ready_rf();
  click("rf.source.average");
  frame();
  json r = rf();
  EXPECT_EQ(r["source"], "average");
  ASSERT_TRUE(r.contains("average"));
  EXPECT_FALSE(r["average"]["finished"].get<bool>());
  EXPECT_LT(r["average"]["done"].get<int>(), 100);
  EXPECT_TRUE(query("rects").contains("rf.progress"));
  EXPECT_TRUE(query("rects").contains("rf.cancel"));
  EXPECT_EQ(view_link(), "tab=receptive_field&rf.layer=stages.1.0&rf.unit=3,5&rf.avg=100");
  for (int i = 0; i < 400 && !rf()["average"]["finished"].get<bool>(); ++i) frame();
  r = rf();
  ASSERT_TRUE(r["average"]["finished"].get<bool>());
  EXPECT_EQ(r["status"], "ready");
  EXPECT_EQ(r["average"]["done"], 100);
  EXPECT_EQ(r["images"], 100);
  // The same batches as mean_effective_rf: the same sums.
  Result<Erf> want = mean_effective_rf(model("cnn_p100"), "stages.1.0", {false, 3, 5}, app_->gallery.test_set, 0, 100);
  ASSERT_TRUE(want.ok());
  expect_shown(r, *want, "mean over 100 test images");
  // The growth plot's average over every layer of the cnn, layer after layer.
  for (int i = 0; i < 2000 && !rf()["growth"][1]["finished"].get<bool>(); ++i) frame();
  const json g = rf()["growth"][1];
  ASSERT_TRUE(g["finished"].get<bool>());
  EXPECT_EQ(g["images"], 100);
  Result<Erf> last = mean_effective_rf(model("cnn_p100"), "stages.2.1", {false, 4, 4}, app_->gallery.test_set, 0, 100);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(g["erf"][6]["r90_px"].get<double>(), last->summary.r90_px);

  // 300 images, cancelled half way: back to this image, no averaging job left.
  click("rf.average.300");
  frames(3);
  EXPECT_FALSE(rf()["average"]["finished"].get<bool>());
  click("rf.cancel");
  r = rf();
  EXPECT_EQ(r["source"], "image");
  EXPECT_EQ(job_running(*app_, "rf.average"), nullptr);
  EXPECT_EQ(job_running(*app_, "rf.growth_average.cnn"), nullptr);
  EXPECT_EQ(view_link(), "tab=receptive_field&rf.layer=stages.1.0&rf.unit=3,5");
}

TEST_F(ReceptiveFieldViewTest, CalculatorStartsFromTheCnnAndEditsRows) {
  open();
  ready_rf();
  const Model& cnn = model("cnn_p100");
  const std::vector<ConvGeometry> path = main_conv_path(cnn.layers());
  auto rows = [&] { return rf()["calculator"]["rows"]; };
  json c = rows();
  ASSERT_EQ(c.size(), path.size());
  const std::vector<TheoreticalRf> want = conv_chain_rfs(path, 32);
  for (size_t i = 0; i < path.size(); ++i) {
    EXPECT_EQ(c[i]["kernel"], path[i].kernel);
    EXPECT_EQ(c[i]["stride"], path[i].stride);
    EXPECT_EQ(c[i]["theoretical"]["size_px"].get<double>(), want[i].size_px);
    EXPECT_EQ(c[i]["theoretical"]["jump_px"].get<double>(), want[i].jump_px);
  }
  EXPECT_EQ(c.back()["theoretical"]["size_px"].get<double>(), 53.0);  // the cnn's last layer
  EXPECT_FALSE(rf()["calculator"]["edited"].get<bool>());
  // The first conv with stride 2: every later row's growth doubles.
  click("rf.calc.stride.0.plus");
  c = rows();
  EXPECT_EQ(c[0]["stride"], 2);
  std::vector<ConvGeometry> edited = path;
  edited[0] = same_padded_conv(3, 2, 1);
  EXPECT_EQ(c.back()["theoretical"]["size_px"].get<double>(), conv_chain_rfs(edited, 32).back().size_px);
  EXPECT_EQ(c[1]["theoretical"]["size_px"].get<double>(), 7.0);
  // Kernel 5, dilation 2 on row 2.
  click("rf.calc.kernel.1.plus");
  click("rf.calc.kernel.1.plus");
  click("rf.calc.dilation.1.plus");
  c = rows();
  EXPECT_EQ(c[1]["kernel"], 5);
  EXPECT_EQ(c[1]["dilation"], 2);
  EXPECT_EQ(c[1]["pad"], 4);
  EXPECT_EQ(c[1]["theoretical"]["size_px"].get<double>(), 3.0 + 8 * 2);
  EXPECT_TRUE(rf()["calculator"]["edited"].get<bool>());
  // Select, add (a copy of the selected row), remove.
  click("rf.calc.row.1");
  EXPECT_EQ(rf()["calculator"]["selected"], 1);
  click("rf.calc.add");
  c = rows();
  ASSERT_EQ(c.size(), path.size() + 1);
  EXPECT_EQ(c.back()["kernel"], 5);
  click("rf.calc.remove.0");
  EXPECT_EQ(rows().size(), path.size());
  EXPECT_EQ(rows()[0]["kernel"], 5);
  const std::string link = lab_view_state(*app_);
  EXPECT_NE(link.find("&rf.calc=5-1-2,3-1-1,"), std::string::npos) << link;
  EXPECT_NE(link.find(",5-1-2"), std::string::npos) << link;
  // Reset: the cnn's stack again, and no calculator key in the link.
  click("rf.calc.reset");
  frames(2);
  c = rows();
  ASSERT_EQ(c.size(), path.size());
  EXPECT_EQ(c[0]["stride"], 1);
  EXPECT_FALSE(rf()["calculator"]["edited"].get<bool>());
  EXPECT_EQ(view_link(), "tab=receptive_field");
  // Every row removed: the view still draws, and the empty stack goes into the link.
  for (size_t i = 0; i < path.size(); ++i) click("rf.calc.remove.0");
  EXPECT_TRUE(rows().empty());
  EXPECT_EQ(view_link(), "tab=receptive_field&rf.calc=");
}

// A link pasted into the page stops the long runs that the settings it resets had asked for (here the averaging).
// A pasted link stops every job of the state it replaces (as on a fresh page, none runs until a view asks); rf.avg=0
// stops the averaging it switches off.
TEST_F(ReceptiveFieldViewTest, APastedLinkStopsEveryJobOfTheStateItResetsAndAvgZeroStopsTheAverage) {
  open("tab=receptive_field&rf.avg=1000&rf.others=1");
  for (int k = 0; k < 50 && !app_->jobs.running.count("rf.average"); ++k) frame();
  ASSERT_TRUE(app_->jobs.running.count("rf.average"));
  lab_open_link(*app_, "tab=receptive_field");
  EXPECT_TRUE(app_->jobs.running.empty()) << app_->jobs.running.begin()->first;
  frames(2);
  EXPECT_EQ(rf()["source"], "image");
  lab_apply_view_state(*app_, "rf.avg=1000");
  for (int k = 0; k < 50 && !app_->jobs.running.count("rf.average"); ++k) frame();
  ASSERT_TRUE(app_->jobs.running.count("rf.average"));
  lab_apply_view_state(*app_, "rf.avg=0");
  EXPECT_FALSE(app_->jobs.running.count("rf.average"));
  EXPECT_EQ(rf()["source"], "image");
}

TEST_F(ReceptiveFieldViewTest, ALinkRestoresTheViewAndBadValuesAreIgnored) {
  const std::string link = "tab=receptive_field&rf.model=vit&rf.data=p010&rf.layer=blocks.1&rf.unit=2,3&rf.avg=300"
                           "&rf.others=1&rf.calc=3-1-1,5-2-2";
  open(link);
  json r = rf();
  EXPECT_EQ(r["model"], "vit_p010");
  for (int i = 0; i < 10 && !r.contains("layer"); ++i, r = rf()) frame();
  EXPECT_EQ(r["layer"], "blocks.1");
  EXPECT_EQ(r["unit"]["row"], 2);
  EXPECT_EQ(r["unit"]["col"], 3);
  EXPECT_EQ(r["source"], "average");
  EXPECT_EQ(r["average_images"], 300);
  EXPECT_TRUE(r["others"].get<bool>());
  ASSERT_EQ(r["calculator"]["rows"].size(), 2u);
  EXPECT_EQ(r["calculator"]["rows"][1]["dilation"], 2);
  EXPECT_EQ(view_link(), link);
  rf_cancel_average(*app_);

  // Each bad value is ignored: unknown model, scale, layer; a unit off the grid, negative, or CLS on a conv layer;
  // N zero, negative or not a number; a calculator row out of bounds; untrained not 0/1.
  for (const std::string bad :
       {"rf.model=resnet", "rf.data=p050", "rf.layer=blocks.9", "rf.layer=", "rf.unit=99,0", "rf.unit=8,8",
        "rf.unit=-1,2", "rf.unit=3", "rf.unit=cls", "rf.unit=1,2,3", "rf.avg=0", "rf.avg=-3", "rf.avg=x",
        "rf.avg=100000", "rf.calc=3-9-1", "rf.calc=3-1", "rf.calc=0-1-1", "rf.untrained=yes", "rf.others=2"}) {
    open("tab=receptive_field&" + bad);
    r = ready_rf();
    EXPECT_EQ(view_link(), "tab=receptive_field") << bad;
    EXPECT_EQ(r["model"], "cnn_p100") << bad;
    EXPECT_EQ(r["layer"], "stages.2.1") << bad;
    EXPECT_EQ(r["unit"]["row"], 4) << bad;
    EXPECT_EQ(r["unit"]["col"], 4) << bad;
    EXPECT_FALSE(r["unit"]["cls"].get<bool>()) << bad;
    EXPECT_EQ(r["source"], "image") << bad;
    EXPECT_FALSE(r["calculator"]["edited"].get<bool>()) << bad;
  }
  // A good layer with a unit it lacks keeps the layer only.
  open("tab=receptive_field&rf.layer=stem&rf.unit=cls");
  ready_rf();
  EXPECT_EQ(view_link(), "tab=receptive_field&rf.layer=stem");
}

TEST_F(ReceptiveFieldViewTest, ExportSavesCsvAndHandsThePlatformTheSlideFigures) {
  open();
  ready_rf();
  for (int i = 0; i < 10; ++i) frame();
  click("export.receptive_field_map.csv");
  ASSERT_TRUE(saved_.count("receptive_field_map.csv"));
  const std::string csv(saved_["receptive_field_map.csv"].begin(), saved_["receptive_field_map.csv"].end());
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 32 * 32 + 1);
  EXPECT_EQ(csv.rfind("input_row,input_column,erf,in_trf_box\n1,1,", 0), 0u);
  EXPECT_FALSE(query("state")["message_is_error"].get<bool>());
  click("export.receptive_field_growth.csv");
  const std::string growth(saved_["receptive_field_growth.csv"].begin(), saved_["receptive_field_growth.csv"].end());
  EXPECT_NE(growth.find("\ncnn_p100,trained,7,6,stages.2.1,53,1,"), std::string::npos) << growth;
  click("export.receptive_field_calculator.csv");
  EXPECT_TRUE(saved_.count("receptive_field_calculator.csv"));
  // PNG: the slide figure (figures/receptive_field_figures.h) of the shown map, drawn by the platform after the
  // frame: the map over the input, its TRF box, centre and circles, numbered from 1.
  click("export.receptive_field_map.png");
  const std::optional<FigureCapture> capture = lab_take_capture(*app_);
  ASSERT_TRUE(capture.has_value());
  EXPECT_EQ(capture->file_name, "receptive_field_map.png");
  const Figure& map = capture->figure;
  ASSERT_TRUE(map.maps.has_value());
  EXPECT_EQ(map.maps->rows * map.maps->cols, 1);
  EXPECT_EQ(map.maps->image_side, 32);
  EXPECT_EQ(map.maps->image.size(), 32u * 32u) << "this image's map is drawn over the input";
  EXPECT_EQ(map.maps->panels[0].map.size(), 32u * 32u);
  EXPECT_EQ(map.maps->panels[0].rings.size(), 2u);
  EXPECT_NE(map.title.find("CNN, 100 % of the data"), std::string::npos) << map.title;
  EXPECT_FALSE(map.maps->value_label.empty());
  EXPECT_FALSE(lab_take_capture(*app_).has_value());
  const std::vector<uint8_t> png = {0x89, 'P', 'N', 'G'};
  lab_save_capture(*app_, *capture, png, "");
  EXPECT_EQ(saved_["receptive_field_map.png"], png);
  // The calculator's figure: box side and jump per convolution, named "1: k3 s1".
  click("export.receptive_field_calculator.png");
  const std::optional<FigureCapture> calc = lab_take_capture(*app_);
  ASSERT_TRUE(calc.has_value());
  ASSERT_EQ(calc->figure.series.size(), 2u);
  EXPECT_EQ(calc->figure.x_ticks.front().rfind("1: k", 0), 0u) << calc->figure.x_ticks.front();
  EXPECT_EQ(calc->figure.series[0].y.size(), calc->figure.x_ticks.size());
  lab_save_capture(*app_, *capture, {}, "the figure could not be drawn");
  EXPECT_TRUE(query("state")["message_is_error"].get<bool>());
}

TEST_F(ReceptiveFieldViewTest, KoreanAndEveryControlKeepBeginEndBalanced) {
  open("tab=receptive_field", "ko", true);
  ready_rf();
  for (const char* id : {"rf.layer.prev", "rf.model.vit", "rf.cls", "rf.layer.next", "rf.model.hybrid",
                         "rf.scale.p010", "rf.untrained", "rf.others", "rf.source.average", "rf.cancel",
                         "rf.calc.add", "rf.calc.remove.0", "rf.calc.reset", "rf.model.cnn"}) {
    frames(3);
    click(id);
    frames(3);
  }
  EXPECT_EQ(rf()["model"], "cnn_untrained");
  EXPECT_EQ(query("state")["language"], "ko");
}

TEST_F(ReceptiveFieldViewTest, TheAttentionViewsCnnNoteLeadsHere) {
  open("tab=attention&rf.model=vit");
  click("attention.model.cnn");
  frames(2);
  click("attention.to_receptive_field");
  frames(2);
  EXPECT_EQ(tab(), "receptive_field");
  EXPECT_EQ(rf()["model"], "cnn_p100");
}

// The Compare view (ui/compare_view.h): the table of what is measured, filled from the model files at once and from
// the page's jobs once asked, equal to the analyses run here directly; the concept links; the data-scale points
// re-measured in the page; exports; links.
class CompareViewTest : public ReceptiveFieldViewTest {
 protected:
  json cmp() { return query("compare"); }
  // Frames until every checkpoint is loaded (the view asks for all twenty).
  void load_all() {
    for (int i = 0; i < 20; ++i) {
      bool all = true;
      for (int f = 0; f < kFamilyCount; ++f)
        for (int s = 0; s < kDataScaleCount; ++s) {
          const ModelEntry* e = model_entry(*app_, checkpoint_name(f, s));
          all = all && e && e->status == ModelEntry::Status::Ready;
        }
      if (all) return;
      frame();
    }
    ADD_FAILURE() << "the checkpoints did not load";
  }
  // The row `key` of the query's table: its values per family.
  static json row(const json& q, const std::string& key) {
    for (const json& r : q["table"]["rows"])
      if (r["key"] == key) return r["values"];
    ADD_FAILURE() << "no row " << key;
    return json::array();
  }
  const Model& p100(int family) { return model(checkpoint_name(family, kDefaultScale)); }
};

TEST_F(CompareViewTest, BeforeMeasuringTheTableHoldsTheFilesNumbersAndDashes) {
  open("tab=compare");
  load_all();
  frames(2);
  const json q = cmp();
  EXPECT_FALSE(q["measure"].get<bool>());
  EXPECT_EQ(q["finished"], 0);
  EXPECT_EQ(q["pieces"], static_cast<int>(compare_pieces().size()));
  EXPECT_EQ(q["table"]["images"], kCompareImages);
  for (int f = 0; f < kFamilyCount; ++f) {
    EXPECT_EQ(row(q, "params")[f].get<int64_t>(), p100(f).num_params());
    for (int s = 0; s < kDataScaleCount; ++s) {
      const Result<MeasuredAccuracy> a = recorded_accuracy(model(checkpoint_name(f, s)).metadata_json());
      ASSERT_TRUE(a.ok());
      EXPECT_DOUBLE_EQ(row(q, std::string("accuracy_") + kDataScales[s])[f].get<double>(), 100.0 * a->accuracy);
      EXPECT_EQ(q["data_scale"]["accuracy"][f][s].get<double>(), a->accuracy);
      EXPECT_EQ(q["data_scale"]["samples"][f][s], 10000);
    }
    EXPECT_TRUE(row(q, "forward_ms")[f].is_null());
    EXPECT_TRUE(row(q, "erf_r90_last_px")[f].is_null());
  }
  EXPECT_EQ(q["cited"]["rows"].size(), 8u);
  EXPECT_NE(q["cited"]["label"].get<std::string>().find("not measured here"), std::string::npos);
  EXPECT_EQ(view_link(), "tab=compare");
}

TEST_F(CompareViewTest, MeasuringFillsTheTableWithTheAnalysesNumbers) {
  open("tab=compare");
  load_all();
  scroll_into_view("compare.measure");
  click("compare.measure");
  for (int i = 0; i < 40 && cmp()["finished"] != cmp()["pieces"]; ++i) frame();
  const json q = cmp();
  ASSERT_EQ(q["finished"], q["pieces"]) << q["errors"];
  EXPECT_TRUE(q["errors"].empty());
  EXPECT_EQ(q["progress"], 1.0);
  EXPECT_EQ(view_link(), "tab=compare&cmp.measure=1");
  const LabeledImages& set = app_->gallery.test_set;
  const int n = kCompareImages;
  for (int f = 0; f < kFamilyCount; ++f) EXPECT_EQ(row(q, "forward_ms")[f], 0.0) << "the test's clock stands still";
  // The vit's and the cnn's pieces against the analyses (the hybrid and rvit run the same code).
  for (int f : {kVitFamily, kCnnFamily}) {
    const Model& m = p100(f);
    if (f != kCnnFamily) {
      Result<AttentionDistance> d = mean_attention_distance(m, test_set_input(set, 0, n, m.input_spec()), n);
      ASSERT_TRUE(d.ok());
      EXPECT_EQ(row(q, "attention_first_px")[f].get<double>(), layer_head_mean(*d, 0));
      EXPECT_EQ(row(q, "attention_last_px")[f].get<double>(), layer_head_mean(*d, d->layers - 1));
    } else {
      EXPECT_TRUE(row(q, "attention_first_px")[f].is_null());
    }
    const TheoreticalRf last = theoretical_rfs(m)->back();
    Result<Erf> erf = mean_effective_rf(m, last.name, centre_unit(last), set, 0, n);
    ASSERT_TRUE(erf.ok());
    EXPECT_EQ(row(q, "erf_r90_last_px")[f].get<double>(), erf->summary.r90_px);
    EXPECT_EQ(row(q, "trf_last_px")[f].get<double>(), last.size_px);
    Result<Equivariance> e = equivariance_on_test_set(m, set, 0, n);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(row(q, "equivariance_error_k4")[f].get<double>(), e->layers.back().error[kCompareShiftPx - 1]);
    EXPECT_EQ(row(q, "top1_changed_k4")[f].get<double>(), 100.0 * e->top1_changed[kCompareShiftPx - 1]);
  }
  Result<CkaResult> cka = cka_on_test_set(p100(kVitFamily), p100(kCnnFamily), set, n, kCompareCkaBatch);
  ASSERT_TRUE(cka.ok());
  EXPECT_EQ(row(q, "cka_last_cnn")[kVitFamily].get<double>(), cka->matrix.back());
  EXPECT_EQ(row(q, "cka_last_vit")[kCnnFamily].get<double>(), cka->matrix.back());
  EXPECT_EQ(row(q, "cka_last_vit")[kVitFamily], 1.0);

  // The table's exports are the analysis's CSV and Markdown of the same table.
  scroll_into_view("export.compare_measured.csv");
  click("export.compare_measured.csv");
  click("export.compare_measured.md");
  ASSERT_TRUE(saved_.count("compare_measured.csv") && saved_.count("compare_measured.md"));
  const std::string csv(saved_["compare_measured.csv"].begin(), saved_["compare_measured.csv"].end());
  const std::string md(saved_["compare_measured.md"].begin(), saved_["compare_measured.md"].end());
  EXPECT_EQ(csv.rfind("measurement,vit_p100,cnn_p100,hybrid_p100,rvit_p100\n", 0), 0u) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + static_cast<int>(q["table"]["rows"].size()));
  EXPECT_EQ(md.rfind("| measurement | vit_p100 |", 0), 0u) << md;
  // Every cell measured: the only dashes are the cnn's attention rows (it has none).
  size_t dashes = 0;
  for (size_t at = csv.find("—"); at != std::string::npos; at = csv.find("—", at + 1)) ++dashes;
  EXPECT_EQ(dashes, 2u) << csv;
}

TEST_F(CompareViewTest, ConceptLinksOpenTheViewsThatShowThem) {
  open("tab=compare&rf.model=hybrid&attn.model=cnn");
  load_all();
  auto follow = [&](const std::string& concept_key) {
    click("tab.compare");
    frames(2);
    scroll_into_view("compare.link." + concept_key);
    click("compare.link." + concept_key);
    frames(2);
  };
  follow("locality");
  EXPECT_EQ(tab(), "receptive_field");
  EXPECT_EQ(app_->receptive_field.family, kCnnFamily);
  follow("global");
  EXPECT_EQ(tab(), "receptive_field");
  EXPECT_EQ(rf()["model"], "vit_p100");
  EXPECT_EQ(rf()["layer"], "blocks.0");
  follow("structure");
  EXPECT_EQ(tab(), "attention");
  EXPECT_EQ(app_->attention.family, kVitFamily);
  follow("position");
  EXPECT_EQ(tab(), "attention");
  EXPECT_EQ(app_->attention.family, kRvitFamily);
  follow("equivariance");
  EXPECT_EQ(tab(), "representations");
  follow("cost");
  EXPECT_EQ(tab(), "predictions");
  follow("data");
  EXPECT_EQ(tab(), "compare");
  EXPECT_FALSE(app_->compare.scroll_to_plot) << "the plot scrolled into view";
}

TEST_F(CompareViewTest, RemeasuredPointsCountTheTestImagesAndLinksKeepThem) {
  open("tab=compare&cmp.acc=10&cmp.measure=maybe&cmp.acc=-4");
  EXPECT_EQ(view_link(), "tab=compare&cmp.acc=10");
  load_all();
  for (int i = 0; i < 60 && cmp()["remeasured"]["accuracy"][kFamilyCount - 1][kDataScaleCount - 1].is_null(); ++i)
    frame();
  const json q = cmp();
  EXPECT_EQ(q["remeasured"]["images"], 10);
  const LabeledImages& set = app_->gallery.test_set;
  for (int f = 0; f < kFamilyCount; ++f)
    for (int s = 0; s < kDataScaleCount; ++s) {
      ASSERT_FALSE(q["remeasured"]["accuracy"][f][s].is_null()) << checkpoint_name(f, s);
      EXPECT_EQ(q["remeasured"]["samples"][f][s], 10);
      if ((f != kVitFamily && f != kCnnFamily) || (s != 0 && s != kDefaultScale)) continue;
      const Model& m = model(checkpoint_name(f, s));
      const Result<Tensor> logits = m.forward(test_set_input(set, 0, 10, m.input_spec()), nullptr);
      ASSERT_TRUE(logits.ok());
      const int correct = count_correct(*logits, std::span(set.labels).first(10));
      EXPECT_DOUBLE_EQ(q["remeasured"]["accuracy"][f][s].get<double>(), correct / 10.0);
    }
  // The plot's CSV holds both kinds of points; Korean draws the same view.
  scroll_into_view("export.compare_data_scale.csv");
  click("export.compare_data_scale.csv");
  const std::string csv(saved_["compare_data_scale.csv"].begin(), saved_["compare_data_scale.csv"].end());
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 2 * kFamilyCount * kDataScaleCount) << csv;
  EXPECT_NE(csv.find("\nvit,1,recorded,0.745,"), std::string::npos) << csv;
  // The PNG: the slide figure (figures/compare_figures.h) of both kinds, a line per family and kind.
  click("export.compare_data_scale.png");
  std::optional<FigureCapture> capture = lab_take_capture(*app_);
  ASSERT_TRUE(capture.has_value());
  ASSERT_EQ(capture->figure.series.size(), 2u * kFamilyCount);
  EXPECT_EQ(capture->figure.series[0].name, "ViT, recorded (10000 test images)");
  EXPECT_EQ(capture->figure.series[kFamilyCount].name, "ViT, measured here (10 test images)");
  EXPECT_DOUBLE_EQ(capture->figure.series[0].y[0], 74.5);
  EXPECT_EQ(capture->figure.x_ticks.front(), "1 %");
  click("language.ko");
  frames(3);
  EXPECT_EQ(query("state")["language"], "ko");
  scroll_into_view("export.compare_data_scale.png");
  click("export.compare_data_scale.png");
  capture = lab_take_capture(*app_);
  ASSERT_TRUE(capture.has_value());
  EXPECT_EQ(capture->figure.series[0].name, "ViT, 기록값 (10000장)");
}


// ---- The Representations view ----

// The view's CKA matrix, skip ratios and equivariance checked against the analysis functions on the same test
// images; its jobs step with a ticking clock (one step per frame, as in a browser). Reuses the Receptive field
// fixture's tall display, saved files and clock.
class RepresentationsViewTest : public ReceptiveFieldViewTest {
 protected:
  json repr() { return query("representations"); }
  // Frames until `done(repr())` or `limit` frames.
  template <class Done>
  json run_until(Done done, int limit = 400) {
    for (int i = 0; i < limit && !done(repr()); ++i) frame();
    return repr();
  }
};

TEST_F(RepresentationsViewTest, CkaShowsTheRunningEstimateThenEqualsTheAnalysis) {
  // vit_p100 with itself over 200 images: two minibatches, one forward each (the cheapest pair to test with).
  open("tab=representations&repr.b=vit_p100&repr.n=200", "en", true);
  EXPECT_EQ(repr()["cka"]["status"], "not_started");  // only once asked for
  click("repr.cka.compute");
  const json first = run_until([](const json& r) { return r["cka"].value("done", 0) >= kCkaBatch; });
  EXPECT_EQ(first["cka"]["a"], "vit_p100");
  EXPECT_EQ(first["cka"]["b"], "vit_p100");
  const Model& vit = model("vit_p100");
  const LabeledImages& set = app_->gallery.test_set;
  if (first["cka"]["status"] == "computing") {
    // The running estimate after one minibatch: what an accumulator given the first kCkaBatch images holds.
    EXPECT_TRUE(query("rects").contains("repr.cka.progress"));
    Result<CkaAccumulator> acc = CkaAccumulator::create(vit, vit);
    ASSERT_TRUE(acc.ok());
    ASSERT_TRUE(acc->add(set, 0, kCkaBatch).ok());
    const ReprCka snapshot = repr_cka_snapshot(*acc, 200);
    EXPECT_EQ(snapshot.received, kCkaBatch);
    EXPECT_EQ(snapshot.images, kCkaBatch);
    const Result<CkaResult>& partial = repr_cka_result(snapshot);
    ASSERT_TRUE(partial.ok());
    EXPECT_EQ(first["cka"]["matrix"], cka_json(*partial)["matrix"]);
  }
  const json r = run_until([](const json& q) { return q["cka"]["status"] == "ready"; });
  ASSERT_EQ(r["cka"]["status"], "ready") << r["cka"].dump().substr(0, 300);
  Result<CkaResult> want = cka_on_test_set(vit, vit, set, 200);
  ASSERT_TRUE(want.ok());
  const json w = cka_json(*want);
  for (const char* key : {"rows", "cols", "matrix", "images", "batch"}) EXPECT_EQ(r["cka"][key], w[key]) << key;
  const Result<double> pairs = mean_pairwise_cka(*want);
  ASSERT_TRUE(pairs.ok());
  EXPECT_EQ(r["cka"]["summary"]["mean_pairwise"].get<double>(), *pairs);
  EXPECT_EQ(r["cka"]["summary"]["lower_half_best_match"].get<double>(), lower_half_best_match(*want));
  EXPECT_EQ(view_link(), "tab=representations&repr.b=vit_p100&repr.n=200&repr.cka=1");

  // Export: the shown matrix as CSV, one row per pair of layers.
  click("export.cka_vit_p100_vit_p100.csv");
  ASSERT_TRUE(saved_.count("cka_vit_p100_vit_p100.csv"));
  const std::string csv(saved_["cka_vit_p100_vit_p100.csv"].begin(), saved_["cka_vit_p100_vit_p100.csv"].end());
  EXPECT_EQ(csv.rfind("a_layer,a_name,b_layer,b_name,cka,images\n", 0), 0u);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'),
            static_cast<long>(want->rows.size() * want->cols.size() + 1));
  // PNG: the slide figure of the same result (figures/representation_figures.h), rendered by the platform shell as
  // `vitcnn figures` renders it; no screen capture.
  click("export.cka_vit_p100_vit_p100.png");
  const std::optional<FigureCapture> capture = lab_take_capture(*app_);
  ASSERT_TRUE(capture.has_value());
  EXPECT_EQ(capture->file_name, "cka_vit_p100_vit_p100.png");
  const Figure slide = cka_figure(*want, "vit_p100", "vit_p100", Language::En);
  EXPECT_EQ(capture->figure.title, slide.title);
  EXPECT_NE(capture->figure.title.find("ViT, 100 % of the data"), std::string::npos);
  ASSERT_TRUE(capture->figure.heatmap.has_value());
  EXPECT_EQ(capture->figure.heatmap->values, want->matrix);
  EXPECT_EQ(capture->figure.y_ticks, slide.y_ticks);
  // A preset switches both models (their job starts once vit_p001 has loaded); going back finds the finished one.
  click("repr.preset.vit_data");
  EXPECT_EQ(repr()["cka"]["b"], "vit_p001");
  EXPECT_EQ(view_link(), "tab=representations&repr.b=vit_p001&repr.n=200&repr.cka=1");
  click("repr.preset.vit_vit");
  EXPECT_EQ(repr()["cka"]["status"], "ready");
}

TEST_F(RepresentationsViewTest, SkipRatiosAndEquivarianceEqualTheAnalysis) {
  open("tab=representations&repr.eq_n=20", "en", true);
  EXPECT_EQ(repr()["skip"]["status"], "not_started");
  EXPECT_EQ(repr()["equivariance"]["families"][0]["status"], "not_started");
  click("repr.skip.compute");
  const json r = run_until([](const json& q) { return q["skip"]["status"] == "ready"; });
  ASSERT_EQ(r["skip"]["status"], "ready");
  const Model& vit = model("vit_p100");
  const LabeledImages& set = app_->gallery.test_set;
  Result<SkipRatios> skip = skip_ratios(vit, test_set_input(set, 0, 100, vit.input_spec()), 50);
  ASSERT_TRUE(skip.ok());
  const json ws = skip_ratios_json(*skip);
  EXPECT_EQ(r["skip"]["images"], ws["images"]);
  EXPECT_EQ(r["skip"]["branches"], ws["branches"]);
  const SkipTrend trend = skip_trend(*skip);
  EXPECT_EQ(r["skip"]["trend"]["cls_early"].get<double>(), trend.cls_early);
  EXPECT_EQ(r["skip"]["trend"]["spatial_late"].get<double>(), trend.spatial_late);

  click("repr.eq.measure");
  const json e = run_until([](const json& q) {
    for (const json& f : q["equivariance"]["families"])
      if (f["status"] != "ready") return false;
    return true;
  });
  const json& families = e["equivariance"]["families"];
  for (const json& f : families) ASSERT_EQ(f["status"], "ready") << f["model"];
  EXPECT_EQ(view_link(), "tab=representations&repr.eq_n=20&repr.skip=1&repr.eq=1");
  // The cnn's against the analysis run here; every family answers at the shown shift (k = 4 px).
  Result<Equivariance> want = equivariance_on_test_set(model("cnn_p100"), set, 0, 20);
  ASSERT_TRUE(want.ok());
  const json we = equivariance_json(*want);
  EXPECT_EQ(families[1]["model"], "cnn_p100");
  for (const char* key : {"images", "top1_changed", "layers"}) EXPECT_EQ(families[1][key], we[key]) << key;
  const Result<double> at4 = mean_equivariance_error(*want, 4);
  ASSERT_TRUE(at4.ok());
  EXPECT_EQ(families[1]["at_shift"]["mean_error"].get<double>(), *at4);
  for (const json& f : families) EXPECT_EQ(f["at_shift"]["k"], 4);
  click("repr.k.2");
  EXPECT_EQ(repr()["equivariance"]["families"][1]["at_shift"]["k"], 2);
  click("export.equivariance.csv");
  EXPECT_TRUE(saved_.count("equivariance.csv"));
  click("export.skip_ratio_vit_p100.csv");
  const std::string curves(saved_["skip_ratio_vit_p100.csv"].begin(), saved_["skip_ratio_vit_p100.csv"].end());
  EXPECT_EQ(curves, skip_csv(std::array{Measured<SkipRatios>{"vit_p100", &*skip}}));
  // The per-token heatmap is a figure of its own: a row per branch, a cell per token, its colour bar on the
  // analysis' range; its CSV a line per branch and token.
  scroll_into_view("export.skip_ratio_tokens_vit_p100.png");
  click("export.skip_ratio_tokens_vit_p100.png");
  const std::optional<FigureCapture> capture = lab_take_capture(*app_);
  ASSERT_TRUE(capture.has_value());
  EXPECT_EQ(capture->file_name, "skip_ratio_tokens_vit_p100.png");
  ASSERT_TRUE(capture->figure.heatmap.has_value());
  const Heatmap& h = *capture->figure.heatmap;
  EXPECT_EQ(h.rows, static_cast<int>(skip->branches.size()));
  EXPECT_EQ(h.row_lengths.front(), static_cast<int>(skip->branches.front().ratio.size()));
  EXPECT_EQ(h.vmin, skip_colour_range(*skip).lo);
  EXPECT_EQ(h.vmax, skip_colour_range(*skip).hi);
  click("export.skip_ratio_tokens_vit_p100.csv");
  const std::string tokens(saved_["skip_ratio_tokens_vit_p100.csv"].begin(),
                           saved_["skip_ratio_tokens_vit_p100.csv"].end());
  EXPECT_EQ(tokens, skip_tokens_csv(*skip));
}

TEST_F(RepresentationsViewTest, ALinkRestoresTheViewAndBadValuesAreIgnored) {
  assets_.deferred = true;  // nothing loads: the link alone
  const std::string link =
      "tab=representations&repr.a=cnn_p010&repr.b=rvit_p001&repr.n=100&repr.skip_model=hybrid_p030&repr.skip_n=200"
      "&repr.k=1&repr.eq_n=20&repr.cka=1&repr.skip=1&repr.eq=1";
  create("en", link);
  frames(2);
  EXPECT_EQ(view_link(), link);
  const json r = repr();
  EXPECT_EQ(r["cka"]["a"], "cnn_p010");
  EXPECT_TRUE(r["cka"]["requested"].get<bool>());
  EXPECT_EQ(r["cka"]["status"], "not_started");  // the models are not loaded
  create("en", "tab=representations&repr.a=foo_p100&repr.b=vit_p007&repr.n=300&repr.k=9&repr.eq=2&repr.skip_n=x");
  frames(2);
  EXPECT_EQ(view_link(), "tab=representations");
}

TEST_F(RepresentationsViewTest, KoreanAndEveryControlKeepBeginEndBalanced) {
  open("tab=representations&repr.b=vit_p100&repr.n=100&repr.cka=1&repr.skip=1", "ko", true);
  run_until([](const json& q) { return q["cka"]["status"] == "ready" && q["skip"]["status"] == "ready"; });
  for (const char* id : {"repr.k.3", "repr.eq_n.100", "repr.a.p010", "repr.preset.vit_vit", "repr.cka.compute"}) {
    frames(3);
    click(id);
    frames(3);
  }
  const json r = repr();
  EXPECT_EQ(r["cka"]["a"], "vit_p100");
  EXPECT_EQ(r["cka"]["status"], "ready");
  EXPECT_EQ(r["skip"]["model"], "vit_p100");
  EXPECT_EQ(r["equivariance"]["shift"], 3);
  EXPECT_EQ(query("state")["language"], "ko");
}
// ---- The user's own checkpoints ----

// A checkpoint of its own config (not the shipped ones: other depth, heads, widths, patch), with fresh weights, as a
// file exported by tools/train; `side` and `pad`: the 28 x 28 image is padded to side + 2 pad, `channels` and `classes`
// as the lab's input and Fashion-MNIST's unless a test wants a mismatch.
std::vector<uint8_t> own_checkpoint(const std::string& arch, const std::string& config, int side = 32, int pad = 2,
                                    int channels = 1, int classes = 10) {
  std::string names;
  for (int i = 0; i < classes; ++i) names += (i ? ",\"c" : "\"c") + std::to_string(i) + "\"";
  const std::string size = std::to_string(side);
  const std::string meta = "{\"format_version\": 1, \"arch\": \"" + arch + "\", \"config\": {\"image_size\": " + size +
                           ", \"in_channels\": " + std::to_string(channels) + ", \"num_classes\": " +
                           std::to_string(classes) + ", " + config + "}, \"class_names\": [" + names +
                           "], \"input\": {\"size\": " + size + ", \"pad\": " + std::to_string(pad) +
                           ", \"mean\": 0.3, \"std\": 0.35}}";
  Result<SafeTensors> st = init_weights(meta, 5);
  EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
  return st.ok() ? serialize_safetensors(*st) : std::vector<uint8_t>();
}

const char* const kOwnVitConfig = R"("patch": 8, "dim": 32, "depth": 2, "heads": 2, "mlp_hidden": 64)";
const char* const kOwnCnnConfig = R"("stem_width": 8, "widths": [8, 12], "strides": [1, 2], "blocks": [1, 1])";
const char* const kOwnHybridConfig = R"("stem_width": 8, "widths": [8, 16], "strides": [2, 2], "blocks": [1, 1], )"
                                     R"("dim": 16, "depth": 3, "heads": 4, "mlp_hidden": 32)";
const char* const kOwnRvitConfig =
    R"("patch": 7, "dim": 32, "depth": 2, "heads": 2, "mlp_hidden": 64, "rel_bias_init": "locality")";

// The start card and the guided tour (ui/tour.h).
class TourTest : public RepresentationsViewTest {
 protected:
  std::map<std::string, std::string> settings_;  // the platform's settings store, kept across lab_create calls
  // A laptop's window: the tour scrolls a step's widget into sight where the view is taller.
  void open_with_settings(const std::string& view = "") {
    ImGui::GetIO().DisplaySize = ImVec2(1280.0f, 800.0f);
    Platform p = platform_with_saving(true);
    p.setting_get = [this](const std::string& key) { return settings_.count(key) ? settings_[key] : std::string(); };
    p.setting_set = [this](const std::string& key, const std::string& value) { settings_[key] = value; };
    app_ = lab_create(std::move(p), LabOptions{"en", view});
    frames(2);
    ASSERT_TRUE(lab_ready(*app_));
  }
  json tour() { return query("tour"); }
  // The key=value items of a view state, in order.
  static std::vector<std::string> items(const std::string& view) {
    std::vector<std::string> out;
    for (const ViewItem& item : split_view_state(view)) out.push_back(item.key + "=" + item.value);
    return out;
  }
  // The written state's tab, tour step and settings of the views `step` names (the keys' prefixes: "attn", "rf"...).
  std::string step_settings(const TourStep& step) {
    const auto prefix = [](const std::string& key) { return key.substr(0, key.find('.')); };
    std::set<std::string> named;
    for (const ViewItem& item : split_view_state(step.view)) named.insert(prefix(item.key));
    std::string out;
    for (const ViewItem& item : split_view_state(lab_view_state(*app_)))
      if (item.key == "tour" || named.count(prefix(item.key))) out += "&" + item.key + "=" + item.value;
    return out;
  }
  // The step's answer once its numbers are there (empty if they never come).
  std::string answer_of(size_t step) {
    std::optional<std::string> answer;
    for (int k = 0; k < 3000 && !(answer = tour_reveal_text(*app_, static_cast<int>(step))); ++k) frame();
    return answer.value_or("");
  }
};

TEST_F(TourTest, TheStartCardShowsOnAFirstVisitOnlyAndHelpTourShowsItAgain) {
  open_with_settings();
  EXPECT_TRUE(tour()["card"].get<bool>());
  EXPECT_EQ(tour()["step"], -1);
  for (const char* id : {"tour.card", "tour.start", "tour.explore"}) EXPECT_TRUE(query("rects").contains(id)) << id;
  click("tour.explore");
  frame();  // the card was drawn in the frame its button was released
  EXPECT_FALSE(tour()["card"].get<bool>());
  EXPECT_FALSE(query("rects").contains("tour.card"));
  EXPECT_EQ(settings_["start_card_seen"], "1");
  // The second visit remembers the first.
  open_with_settings();
  EXPECT_FALSE(tour()["card"].get<bool>());
  EXPECT_FALSE(query("rects").contains("tour.card"));
  // Help -> Tour shows the card again; "Start the tour" opens the first step.
  click("menu.help");
  click("menu.tour");
  EXPECT_TRUE(tour()["card"].get<bool>());
  click("tour.start");
  frames(2);
  EXPECT_FALSE(tour()["card"].get<bool>());
  EXPECT_EQ(tour()["step"], 0);
  EXPECT_EQ(app_->ui.tour_step, 0);
  EXPECT_EQ(tab(), "input");
  // Without a settings store (nothing remembered), every start is a first visit.
  Platform forgetful = assets_.platform();
  forgetful.setting_get = nullptr;
  app_ = lab_create(std::move(forgetful), LabOptions{"en", ""});
  frames(2);
  EXPECT_TRUE(tour()["card"].get<bool>());
  // A step beyond the table (a hand-edited link) ends the tour instead of drawing nothing.
  app_->ui.tour_step = 1000;
  frames(2);
  EXPECT_EQ(tour()["step"], -1);
}

// Every step, walked with the mouse: its view state is applied (applying it again changes nothing), its widget is
// drawn on screen and outlined, and once the view's jobs have finished its answer quotes the numbers of the views'
// queries. Back returns to the previous step's view; the end hides the panel.
TEST_F(TourTest, EveryStepOpensItsViewShowsItsWidgetAndAnswersWithLiveNumbers) {
  open_with_settings();
  ASSERT_GE(tour_steps().size(), 10u);
  for (const TourStep& step : tour_steps()) {
    const std::vector<std::string> it = items(step.view);
    ASSERT_TRUE(!it.empty() && it.front().rfind("tab=", 0) == 0) << step.view;
    EXPECT_GE(view_index(it.front().substr(4)), 0) << step.view << ": a step for a view that does not exist";
  }
  click("tour.start");
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  for (size_t i = 0; i < tour_steps().size(); ++i) {
    const TourStep& step = tour_steps()[i];
    frames(3);
    ASSERT_EQ(tour()["step"], static_cast<int>(i));
    const std::string tab_item = items(step.view).front();
    EXPECT_EQ("tab=" + tab(), tab_item) << step.view;
    const std::string state = lab_view_state(*app_);
    lab_apply_view_state(*app_, step.view);
    EXPECT_EQ(lab_view_state(*app_), state) << step.view;
    // The outlined widget, drawn and scrolled on screen (once its view has what it needs to draw it).
    auto on_screen = [&](const json& rects) {
      if (!rects.contains(step.anchor)) return false;
      const json& r = rects[step.anchor];
      return r[0].get<float>() >= 0.0f && r[1].get<float>() >= 0.0f &&
             r[0].get<float>() + r[2].get<float>() <= display.x && r[1].get<float>() + r[3].get<float>() <= display.y;
    };
    for (int k = 0; k < 400 && !on_screen(query("rects")); ++k) frame();
    EXPECT_TRUE(on_screen(query("rects"))) << step.anchor << " " << query("rects").value(step.anchor, json()).dump();
    EXPECT_TRUE(tour()["anchor_drawn"].get<bool>());
    // The answer, once the numbers are there.
    click("tour.reveal");
    EXPECT_TRUE(tour()["reveal_open"].get<bool>());
    for (int k = 0; k < 3000 && tour()["answer"].is_null(); ++k) frame();
    const json answer = tour()["answer"];
    ASSERT_TRUE(answer.is_string()) << step.view << ": no answer";
    const std::string text = answer.get<std::string>();
    for (const TourNumber& n : tour_numbers(step)) {
      const json value = query(n.query)[json::json_pointer(n.pointer)];
      ASSERT_TRUE(value.is_number()) << n.pointer;
      const std::string shown = n.format ? format_text(n.format, value.get<double>() * n.scale)
                                         : std::string(class_name(Language::En, value.get<int>()));
      EXPECT_NE(text.find(shown), std::string::npos) << text << " lacks " << shown << " (" << n.pointer << ")";
    }
    EXPECT_EQ(text.find("%s"), std::string::npos) << text;  // every conversion filled
    std::optional<std::string> korean;
    app_->ui.language = Language::Ko;
    korean = tour_reveal_text(*app_, static_cast<int>(i));
    app_->ui.language = Language::En;
    EXPECT_TRUE(korean && *korean != text) << step.view;
    if (i + 1 < tour_steps().size()) click("tour.next");
  }
  // Back to the previous step: its view again, its answer hidden.
  click("tour.back");
  frames(2);
  EXPECT_EQ(tour()["step"], static_cast<int>(tour_steps().size()) - 2);
  EXPECT_FALSE(tour()["reveal_open"].get<bool>());
  EXPECT_EQ("tab=" + tab(), items(tour_steps()[tour_steps().size() - 2].view).front());
  click("tour.end");
  frame();
  EXPECT_EQ(tour()["step"], -1);
  EXPECT_EQ(app_->ui.tour_step, -1);
  EXPECT_FALSE(query("rects").contains("tour.panel"));
}

// Back and Next land every step on the same settings and numbers whatever the student changed in between: a step
// names every setting of its view (checkpoints, model, layer, unit, head, averaging, N, the figures shown).
TEST_F(TourTest, BackAndNextRestoreEveryStepsSettingsAndAnswer) {
  open_with_settings();
  // Every view's settings away from the tour's values.
  const std::string elsewhere =
      "pred.vit=p001&pred.cnn=p010&pred.hybrid=p001&pred.rvit=p010&pred.all=1&attn.model=hybrid&attn.data=p010"
      "&attn.cell=1.1&attn.rollout=1&attn.compare=p010&attn.control=p100&attn.avg=20&attn.shared=1&rf.model=hybrid"
      "&rf.data=p010&rf.untrained=1&rf.layer=stem&rf.unit=1,1&rf.avg=20&rf.others=1&rf.calc=3-1-1"
      "&repr.a=cnn_p010&repr.b=vit_p010&repr.n=200&repr.skip_model=vit_p010&repr.skip_n=200&repr.k=2"
      "&repr.eq_n=100&repr.cka=1&repr.skip=1&repr.eq=1&cmp.measure=1&cmp.acc=100";
  click("tour.start");
  const size_t n = tour_steps().size();
  for (size_t i = 0; i < n; ++i) {
    reset_link_state(*app_);  // from the defaults: what the step set, not what the last step's changes left
    tour_go(*app_, static_cast<int>(i));
    frames(2);
    const std::string answer = answer_of(i);
    ASSERT_FALSE(answer.empty()) << tour_steps()[i].view;
    const std::string settings = step_settings(tour_steps()[i]);
    lab_apply_view_state(*app_, elsewhere);
    frames(2);
    // Next then Back (Back then Next from the last step).
    click(i + 1 < n ? "tour.next" : "tour.back");
    click(i + 1 < n ? "tour.back" : "tour.next");
    frames(2);  // the step's tab is drawn from the next frame on
    ASSERT_EQ(app_->ui.tour_step, static_cast<int>(i));
    EXPECT_EQ(step_settings(tour_steps()[i]), settings) << tour_steps()[i].view;
    EXPECT_EQ(answer_of(i), answer) << tour_steps()[i].view;
  }
}

// The first step's answer says what the input is: a test image, a changed one, a drawing, an opened file, a blank
// canvas (never "#-1" or a class "?").
TEST_F(TourTest, TheFirstAnswerSaysWhatTheInputIs) {
  open_with_settings();
  tour_go(*app_, 0);
  frames(2);
  const int index = app_->input.gallery_index;
  const std::string cls = class_name(Language::En, app_->input.gallery_label);
  // The English answer, checking that the Korean one is there too.
  const auto answer = [&](Language L) {
    app_->ui.language = L;
    const std::string text = tour_reveal_text(*app_, 0).value_or("");
    app_->ui.language = Language::En;
    EXPECT_EQ(text.find("-1"), std::string::npos) << text;
    EXPECT_EQ(text.find('?'), std::string::npos) << text;
    EXPECT_NE(text, tour_reveal_text(*app_, 0).value_or("")) << "the Korean answer is Korean";
    return tour_reveal_text(*app_, 0).value_or("");
  };
  EXPECT_NE(answer(Language::Ko).find("It is image #" + std::to_string(index) + " of the test set, a " + cls),
            std::string::npos);
  stamp_brush(app_->input.image, 14.0f, 14.0f, BrushSettings{}, false);
  mark_input_edited(app_->input);
  EXPECT_NE(answer(Language::Ko).find("started as image #" + std::to_string(index) + " of the test set, a " + cls),
            std::string::npos);
  lab_open_image(*app_, encode_png(2, 2, {0, 255, 255, 0}), "tiny.png");
  EXPECT_NE(answer(Language::Ko).find("from the file tiny.png"), std::string::npos);
  clear_input(*app_);
  EXPECT_NE(answer(Language::Ko).find("The canvas is blank"), std::string::npos);
  InputImage drawn{};
  drawn[14 * kInputSide + 14] = 1.0f;
  lab_open_link(*app_, "tab=input&px=" + encode_pixels(drawn));
  frames(2);
  EXPECT_NE(answer(Language::Ko).find("your own drawing"), std::string::npos);
}

class OwnCheckpointTest : public RepresentationsViewTest {
 protected:
  // Opens the four families' own checkpoints (other configs than the shipped ones) through the platforms' entry.
  void open_own_checkpoints() {
    open("tab=predictions", "en", true);
    lab_open_file(*app_, own_checkpoint("vit", kOwnVitConfig), "my_vit.safetensors");
    lab_open_file(*app_, own_checkpoint("cnn", kOwnCnnConfig), "my_cnn.safetensors");
    lab_open_file(*app_, own_checkpoint("hybrid", kOwnHybridConfig), "my_hybrid.safetensors");
    lab_open_file(*app_, own_checkpoint("rvit", kOwnRvitConfig, 28, 0), "my_rvit.safetensors");
    EXPECT_FALSE(query("state")["message_is_error"].get<bool>()) << query("state")["message"];
  }
  template <class Done>
  json run_query_until(const std::string& what, Done done, int limit = 400) {
    for (int i = 0; i < limit && !done(query(what)); ++i) frame();
    return query(what);
  }
};

// A tour number that never comes for a checkpoint (an own file records no label smoothing) is said to be not
// available, and why, instead of "computing..." forever.
TEST_F(OwnCheckpointTest, ATourNumberTheCheckpointCannotGiveIsNotAvailable) {
  open_own_checkpoints();
  const int own_vit = app_->predictions.scale[0];
  ASSERT_FALSE(is_shipped_slot(own_vit));
  size_t step = 0;
  while (step < tour_steps().size() && std::string(tour_steps()[step].anchor) != "predictions.all_classes") ++step;
  ASSERT_LT(step, tour_steps().size());
  tour_go(*app_, static_cast<int>(step));
  app_->predictions.scale[0] = own_vit;  // the student picks their own ViT on this step
  std::optional<std::string> answer;
  for (int k = 0; k < 400 && !(answer = tour_reveal_text(*app_, static_cast<int>(step))); ++k) frame();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(*answer, "This answer is not available for this checkpoint: its file records no label smoothing.");
  app_->ui.language = Language::Ko;
  EXPECT_NE(tour_reveal_text(*app_, static_cast<int>(step)).value_or("").find("레이블 스무딩"), std::string::npos);
  app_->ui.language = Language::En;
  // The step again: its shipped checkpoint, whose file records it.
  tour_go(*app_, static_cast<int>(step));
  for (int k = 0; k < 400 && !(answer = tour_reveal_text(*app_, static_cast<int>(step))); ++k) frame();
  ASSERT_TRUE(answer.has_value());
  EXPECT_NE(answer->find("label smoothing eps ="), std::string::npos) << *answer;
}

TEST_F(OwnCheckpointTest, EveryViewShowsTheUsersCheckpointsOfOtherConfigs) {
  open_own_checkpoints();
  // Predictions: each family shows its newest own checkpoint, chosen in its combo.
  const json pred = run_query_until("predictions", [](const json& p) {
    for (const json& m : p["models"])
      if (!m["ready"].get<bool>()) return false;
    return true;
  });
  for (int f = 0; f < kFamilyCount; ++f) {
    const json& m = pred["models"][f];
    EXPECT_EQ(m["name"], std::string("my_") + kFamilies[f] + ".safetensors");
    ASSERT_TRUE(m["ready"].get<bool>()) << m.dump();
    EXPECT_EQ(m["probs"].size(), 10u);
  }
  click("combo.scale.cnn");
  frames(2);
  click("scale.cnn.p100");
  frames(2);
  EXPECT_EQ(query("predictions")["models"][1]["name"], "cnn_p100");
  click("combo.scale.cnn");
  frames(2);
  click("scale.cnn.user1");
  frames(2);
  EXPECT_EQ(query("predictions")["models"][1]["name"], "my_cnn.safetensors");

  // Attention: depth 2 x 2 heads on a 4 x 4 grid of 8 px patches (vit, 32 px input) or 7 px (rvit, 28 px), from the
  // model.
  click("tab.attention");
  frames(2);
  for (const char* family : {"vit", "rvit"}) {
    click(std::string("attention.model.") + family);
    click("attention.scale.user1");
    const json a = run_query_until("attention", [](const json& q) { return q["status"] == "ready"; });
    ASSERT_EQ(a["status"], "ready") << a.dump().substr(0, 300);
    EXPECT_EQ(a["model"], std::string("my_") + family + ".safetensors");
    EXPECT_EQ(a["layers"], 2);
    EXPECT_EQ(a["heads"], 2);
    EXPECT_EQ(a["grid"], 4);
    EXPECT_EQ(a["cell_px"], std::string(family) == "vit" ? 8 : 7);
    frames(3);  // the maps, the distance plot and the locality lines drawn with it
  }
  click("attention.model.hybrid");
  click("attention.scale.user1");
  const json h = run_query_until("attention", [](const json& q) { return q["status"] == "ready"; });
  EXPECT_EQ(h["heads"], 4) << h.dump().substr(0, 300);
  EXPECT_EQ(h["layers"], 3);

  // Receptive field: the cnn's and the hybrid's own layers.
  click("tab.receptive_field");
  frames(2);
  for (const char* family : {"cnn", "hybrid", "vit"}) {
    click(std::string("rf.model.") + family);
    click("rf.scale.user1");
    const json r = run_query_until("receptive_field", [](const json& q) { return q["status"] == "ready"; });
    ASSERT_EQ(r["status"], "ready") << family << " " << r.dump().substr(0, 300);
    EXPECT_EQ(r["model"], std::string("my_") + family + ".safetensors");
  }

  // Representations: CKA of the own vit against the own cnn, layer by layer of each.
  click("tab.representations");
  frames(2);
  click("repr.a.vit");
  click("repr.a.user1");
  click("repr.b.cnn");
  click("repr.b.user1");
  click("repr.skip.rvit");
  click("repr.skip.user1");
  click("repr.n.200");
  click("repr.cka.compute");
  click("repr.skip.compute");
  const json r =
      run_until([](const json& q) { return q["cka"]["status"] == "ready" && q["skip"]["status"] == "ready"; });
  ASSERT_EQ(r["cka"]["status"], "ready") << r["cka"].dump().substr(0, 300);
  EXPECT_EQ(r["cka"]["a"], "my_vit.safetensors");
  EXPECT_EQ(r["cka"]["b"], "my_cnn.safetensors");
  EXPECT_EQ(r["cka"]["matrix"].size(), r["cka"]["rows"].size());
  EXPECT_EQ(r["skip"]["model"], "my_rvit.safetensors");
  EXPECT_EQ(r["skip"]["status"], "ready") << r["skip"].dump().substr(0, 300);

  // Links name shipped checkpoints only: the own ones are local to this page.
  const std::string link = lab_view_state(*app_);
  EXPECT_EQ(link.find("my_"), std::string::npos) << link;
  EXPECT_EQ(link.find("user"), std::string::npos) << link;
  frames(2);
}

TEST_F(OwnCheckpointTest, UnusableFilesAreMessagesAndTheLabGoesOn) {
  open("tab=predictions", "en", true);
  auto message = [this] { return query("state")["message"].get<std::string>(); };
  // Not a checkpoint at all, by its name: the loader's reason, with the file's name.
  lab_open_file(*app_, std::vector<uint8_t>{'n', 'o', 't'}, "junk.safetensors");
  EXPECT_TRUE(query("state")["message_is_error"].get<bool>());
  EXPECT_NE(message().find("junk.safetensors: "), std::string::npos) << message();
  // A checkpoint for other images (32 x 32 x 3 without padding, 100 classes; 32 x 32 padded): expected and found.
  lab_open_file(*app_, own_checkpoint("vit", kOwnVitConfig, 32, 0, 3, 100), "cifar_vit.safetensors");
  EXPECT_TRUE(query("state")["message_is_error"].get<bool>());
  EXPECT_NE(message().find("cifar_vit.safetensors: the lab's input is 28 x 28 x 1 (Fashion-MNIST) with 10 classes; "
                           "this checkpoint takes 32 x 32 x 3 (input.size 32 with pad 0) with 100 classes"),
            std::string::npos)
      << message();
  lab_open_file(*app_, own_checkpoint("cnn", kOwnCnnConfig, 36), "big.safetensors");
  EXPECT_NE(message().find("this checkpoint takes 32 x 32 x 1"), std::string::npos) << message();
  // Found by its header, whatever its name; the same name twice: "name (2)"; no more than kMaxUserCheckpoints.
  const std::vector<uint8_t> vit = own_checkpoint("vit", kOwnVitConfig);
  lab_open_file(*app_, vit, "vit_p100");
  EXPECT_FALSE(query("state")["message_is_error"].get<bool>()) << message();
  lab_open_file(*app_, vit, "vit_p100.safetensors");
  EXPECT_EQ(app_->models.user[kVitFamily],
            (std::vector<std::string>{"vit_p100.safetensors", "vit_p100.safetensors (2)"}));
  EXPECT_EQ(query("predictions")["models"][0]["name"], "vit_p100.safetensors (2)");
  for (int i = 2; i < kMaxUserCheckpoints; ++i) lab_open_file(*app_, vit, "more.safetensors");
  EXPECT_EQ(static_cast<int>(app_->models.user[kVitFamily].size()), kMaxUserCheckpoints);
  lab_open_file(*app_, vit, "one_too_many.safetensors");
  EXPECT_TRUE(query("state")["message_is_error"].get<bool>());
  EXPECT_NE(message().find("one_too_many.safetensors: 8 checkpoints of your own are open already"), std::string::npos)
      << message();
  // An image is still an image; the lab draws on.
  lab_open_file(*app_, encode_png(28, 28, std::vector<uint8_t>(28 * 28, 200)), "grey.png");
  EXPECT_FALSE(query("state")["message_is_error"].get<bool>()) << message();
  EXPECT_EQ(app_->input.source, InputSource::File);
  click("tab.attention");
  frames(3);
  // A link to a slot no page has (only shipped scales are link values) is ignored.
  create("en", "tab=attention&attn.data=p005&rf.data=user1&repr.a=vit_user1");
  frames(2);
  EXPECT_EQ(app_->attention.scale, kDefaultScale);
  EXPECT_EQ(app_->receptive_field.scale, kDefaultScale);
  EXPECT_EQ(app_->representations.a_scale, kDefaultScale);
}

}  // namespace
}  // namespace vc

namespace vc {
namespace {

// Presenter scale and layout: every view's text at several window sizes and scales, in both languages, with the
// lab's own fonts (DejaVu Sans + NanumGothic at 15 px times the scale, as platform/shell.cpp rasterizes them, the
// style scaled as there). Every glyph drawn lies wholly inside the clip rectangle of its window (no label cut at a
// window's, child's, button's or tab's edge), no two pieces of text overlap, and every named widget lies inside
// the window's width.
class LayoutTest : public LabTest {
 protected:
  void SetUp() override {
    LabTest::SetUp();
    if (IsSkipped()) return;
    std::string error;
    text_font_ = read_file("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", &error);
    hangul_font_ = read_file("/usr/share/fonts/truetype/nanum/NanumGothic.ttf", &error);
    if (!error.empty()) GTEST_SKIP() << error << " (apt packages fonts-dejavu-core, fonts-nanum)";
  }

  // The atlas at the scaled size, with the shell's glyph ranges (cmake/platform.cmake) and its settings for Hangul
  // (no horizontal oversampling, snapped advances), and the default style times the scale.
  void use_scale(float scale) {
    static constexpr ImWchar kTextRanges[] = {VITCNN_TEXT_RANGES, 0};
    static constexpr ImWchar kHangulRanges[] = {VITCNN_HANGUL_RANGES, 0};
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    ImFontConfig text;
    text.FontDataOwnedByAtlas = false;
    io.Fonts->AddFontFromMemoryTTF(text_font_.data(), static_cast<int>(text_font_.size()), 15.0f * scale, &text,
                                   kTextRanges);
    ImFontConfig hangul;
    hangul.FontDataOwnedByAtlas = false;
    hangul.MergeMode = true;
    hangul.OversampleH = 1;
    hangul.PixelSnapH = true;
    io.Fonts->AddFontFromMemoryTTF(hangul_font_.data(), static_cast<int>(hangul_font_.size()), 15.0f * scale,
                                   &hangul, kHangulRanges);
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    ImGui::GetStyle() = ImGuiStyle();
    ImGui::GetStyle().ScaleAllSizes(scale);
  }

  // Glyph boxes carry a pixel of padding; a glyph's descender may overhang a frame by a fraction of a pixel at
  // fractional font sizes.
  static constexpr float kSlack = 1.5f;

  struct Glyph {
    ImVec4 box;   // x0, y0, x1, y1 as drawn
    ImVec4 clip;  // its draw command's clip rectangle
    const ImGuiWindow* window;
    int index;    // its first vertex in the window's draw list
    unsigned codepoint;  // '?' for a glyph cut by the CPU
  };

  // The line of text glyph i belongs to (its neighbours drawn one after another), for the failure message.
  static std::string line_of(const std::vector<Glyph>& all, size_t i) {
    size_t first = i, last = i;
    const auto joined = [&](size_t a, size_t b) {
      return all[a].window == all[b].window && all[b].index == all[a].index + 4 && all[a].box.y == all[b].box.y;
    };
    while (first > 0 && joined(first - 1, first)) --first;
    while (last + 1 < all.size() && joined(last, last + 1)) ++last;
    std::string out;
    for (size_t k = first; k <= last; ++k) {
      const unsigned c = all[k].codepoint;
      if (c < 0x80) out += static_cast<char>(c);
      else if (c < 0x800) out += {static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))};
      else out += {static_cast<char>(0xE0 | (c >> 12)), static_cast<char>(0x80 | ((c >> 6) & 0x3F)),
                   static_cast<char>(0x80 | (c & 0x3F))};
    }
    return "\"" + out + "\"";
  }

  // A glyph quad whose uv rectangle is part of a whole glyph's: which glyph, and how many pixels of it the CPU clipped
  // away on its most cut side ('?' and infinity when it is part of none).
  struct CutGlyph {
    unsigned codepoint = '?';
    float lost_px = std::numeric_limits<float>::infinity();
  };
  static CutGlyph cut_glyph(const ImFont& font, const ImVec4& box, const ImVec2& uv0, const ImVec2& uv1) {
    constexpr float kEps = 1e-6f;
    for (const ImFontGlyph& g : font.Glyphs) {
      if (uv0.x < g.U0 - kEps || uv0.y < g.V0 - kEps || uv1.x > g.U1 + kEps || uv1.y > g.V1 + kEps) continue;
      const float px_per_u = (box.z - box.x) / (uv1.x - uv0.x), px_per_v = (box.w - box.y) / (uv1.y - uv0.y);
      const float lost = std::max({(uv0.x - g.U0) * px_per_u, (g.U1 - uv1.x) * px_per_u, (uv0.y - g.V0) * px_per_v,
                                   (g.V1 - uv1.y) * px_per_v});
      return CutGlyph{g.Codepoint, lost};
    }
    return {};
  }

  // Every glyph quad of the last frame's visible windows (not tooltips or popups): four vertices forming an
  // axis-aligned rectangle with a textured (font atlas) uv rectangle. `cut` gets those the CPU clipped by more than
  // kSlack pixels at a frame's edge (a button, a tab, a combo too narrow for its label).
  std::vector<Glyph> glyphs(std::vector<std::string>* cut) {
    const ImFont* font = ImGui::GetIO().Fonts->Fonts[0];
    std::map<std::array<float, 4>, unsigned> whole;  // uv rectangle -> codepoint
    for (const ImFontGlyph& g : font->Glyphs) whole[{g.U0, g.V0, g.U1, g.V1}] = g.Codepoint;
    std::vector<Glyph> out;
    for (ImGuiWindow* w : ImGui::GetCurrentContext()->Windows) {
      if (!w->Active || w->Hidden || (w->Flags & (ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_Popup))) continue;
      const ImDrawList& dl = *w->DrawList;
      std::vector<int> owner(dl.VtxBuffer.Size, -1);  // draw command of each vertex
      for (int c = 0; c < dl.CmdBuffer.Size; ++c) {
        const ImDrawCmd& cmd = dl.CmdBuffer[c];
        for (unsigned i = 0; i < cmd.ElemCount; ++i) {
          const unsigned v = cmd.VtxOffset + dl.IdxBuffer[cmd.IdxOffset + i];
          if (v < owner.size()) owner[v] = c;
        }
      }
      for (int k = 0; k + 3 < dl.VtxBuffer.Size; ++k) {
        const ImDrawVert* v = &dl.VtxBuffer[k];
        const bool quad = v[0].pos.y == v[1].pos.y && v[1].pos.x == v[2].pos.x && v[2].pos.y == v[3].pos.y &&
                          v[3].pos.x == v[0].pos.x && v[0].uv.y == v[1].uv.y && v[1].uv.x == v[2].uv.x &&
                          v[2].uv.y == v[3].uv.y && v[3].uv.x == v[0].uv.x && v[0].uv.x < v[2].uv.x &&
                          v[0].uv.y < v[2].uv.y && v[0].pos.x < v[2].pos.x && owner[k] >= 0;
        if (!quad) continue;
        const ImVec4 box(v[0].pos.x, v[0].pos.y, v[2].pos.x, v[2].pos.y);
        const auto known = whole.find({v[0].uv.x, v[0].uv.y, v[2].uv.x, v[2].uv.y});
        const CutGlyph part = known == whole.end() ? cut_glyph(*font, box, v[0].uv, v[2].uv)
                                                   : CutGlyph{known->second, 0.0f};
        out.push_back(Glyph{box, dl.CmdBuffer[owner[k]].ClipRect, w, k, part.codepoint});
        if (part.lost_px > kSlack) cut->push_back(std::to_string(out.size() - 1));
        k += 3;
      }
    }
    return out;
  }

  // What is wrong with the text of the last frame: glyphs cut or outside their clip rectangle horizontally,
  // overlapping text, named widgets beyond the window's width.
  std::vector<std::string> text_problems() {
    std::vector<std::string> problems, cut;
    std::vector<Glyph> all = glyphs(&cut);
    for (const std::string& i : cut)
      problems.push_back(std::string(all[std::stoul(i)].window->Name) + ": cut to fit its frame: " +
                         line_of(all, std::stoul(i)));
    for (size_t i = 0; i < all.size(); ++i) {
      const Glyph& g = all[i];
      const bool rows_visible = g.box.w > g.clip.y && g.box.y < g.clip.w;
      if (rows_visible && (g.box.x < g.clip.x - kSlack || g.box.z > g.clip.z + kSlack))
        problems.push_back(std::string(g.window->Name) + ": text clipped at x " + std::to_string(g.box.x) + ".." +
                           std::to_string(g.box.z) + " (window " + std::to_string(g.clip.x) + ".." +
                           std::to_string(g.clip.z) + "): " + line_of(all, i));
    }
    // Overlap of the visible parts; neighbours in one string may touch.
    std::vector<ImVec4> seen(all.size());
    for (size_t i = 0; i < all.size(); ++i) {
      const Glyph& g = all[i];
      seen[i] = ImVec4(std::max(g.box.x, g.clip.x), std::max(g.box.y, g.clip.y), std::min(g.box.z, g.clip.z),
                       std::min(g.box.w, g.clip.w));
    }
    std::vector<size_t> order(all.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return seen[a].x < seen[b].x; });
    for (size_t oi = 0; oi < order.size(); ++oi) {
      const ImVec4& a = seen[order[oi]];
      if (a.z <= a.x || a.w <= a.y) continue;
      for (size_t oj = oi + 1; oj < order.size() && seen[order[oj]].x < a.z; ++oj) {
        const ImVec4& b = seen[order[oj]];
        const Glyph& ga = all[order[oi]];
        const Glyph& gb = all[order[oj]];
        if (ga.window == gb.window && std::abs(ga.index - gb.index) == 4) continue;
        const float ox = std::min(a.z, b.z) - std::max(a.x, b.x), oy = std::min(a.w, b.w) - std::max(a.y, b.y);
        if (ox <= 0 || oy <= 0 || b.z <= b.x || b.w <= b.y) continue;
        const float smaller = std::min((a.z - a.x) * (a.w - a.y), (b.z - b.x) * (b.w - b.y));
        if (ox * oy > 0.3f * smaller)
          problems.push_back(std::string(ga.window->Name) + " / " + gb.window->Name + ": text overlaps at (" +
                             std::to_string(a.x) + ", " + std::to_string(a.y) + "): " + line_of(all, order[oi]) +
                             " and " + line_of(all, order[oj]));
      }
    }
    const float width = ImGui::GetIO().DisplaySize.x;
    for (const auto& [id, r] : app_->ui.rects)
      if (r[0] < -kSlack || r[0] + r[2] > width + kSlack)
        problems.push_back("widget " + id + " at x " + std::to_string(r[0]) + ".." + std::to_string(r[0] + r[2]) +
                           " beyond the window's width " + std::to_string(width));
    return problems;
  }

  std::vector<uint8_t> text_font_, hangul_font_;
};

// At a classroom's common sizes and scales (an XGA projector at 1 and with A+, a laptop, the automatic 1.25 and 1.5
// of wide screens), in both languages, every view's figures computed: no text past its window's edge or cut to fit
// its frame (a button, a combo, a table column), no overlapping text, no widget past the window's width. The start
// card over the first view, and every tour step with its answer shown, at the narrowest and the widest.
TEST_F(LayoutTest, EveryViewsTextLiesInsideItsWindowsAtEverySizeAndScale) {
  struct Case {
    float w, h, scale;
    bool tour;
  };
  for (const Case c : {Case{1024, 768, 1.0f, true}, Case{1024, 768, 1.25f, false}, Case{1280, 800, 1.0f, false},
                       Case{1366, 768, 1.0f, false}, Case{1600, 900, 1.25f, false}, Case{1920, 1080, 1.5f, true}}) {
    use_scale(c.scale);
    ImGui::GetIO().DisplaySize = ImVec2(c.w, c.h);
    for (const char* language : {"en", "ko"}) {
      const std::string size = std::to_string(static_cast<int>(c.w)) + "x" + std::to_string(static_cast<int>(c.h)) +
                               " @" + std::to_string(c.scale).substr(0, 4) + " " + language + " ";
      const auto expect_no_problems = [&](const std::string& where) {
        const std::vector<std::string> problems = text_problems();
        std::string listed;
        for (size_t i = 0; i < problems.size() && i < 8; ++i) listed += "\n  " + problems[i];
        EXPECT_TRUE(problems.empty()) << size << where << ": " << problems.size() << " problems" << listed;
      };
      const auto settle = [&] {
        for (int i = 0; i < 600 && (i < 4 || lab_wants_frame(*app_)); ++i) frame();
        frames(2);  // the layout of the finished results
      };
      // The Representations figures computed on a few images, so that every figure is drawn.
      app_ = lab_create(assets_.platform(), LabOptions{language, "repr.n=100&repr.eq_n=20&repr.cka=1&repr.skip=1&"
                                                                 "repr.eq=1", c.scale});
      for (int t = 0; t < static_cast<int>(std::size(kTabKeys)); ++t) {
        app_->ui.requested_tab = t;
        settle();
        expect_no_problems(kTabKeys[t]);
      }
      if (!c.tour) continue;
      tour_show_card(*app_);
      app_->ui.requested_tab = 0;
      settle();
      expect_no_problems("start card");
      for (int step = 0; step < static_cast<int>(tour_steps().size()); ++step) {
        tour_go(*app_, step);
        app_->ui.tour_reveal = true;
        settle();
        expect_no_problems("tour step " + std::to_string(step + 1));
      }
    }
  }
}

}  // namespace
}  // namespace vc
