// The lab driven frame by frame with Dear ImGui's null renderer (no GL): every view in every input state,
// simulated mouse and keyboard input, and Begin/End balance checked after every frame.
#include "ui/lab.h"

#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb/stb_image_write.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "analysis/predictions.h"
#include "analysis/attention.h"
#include "analysis/position.h"
#include "core/idx.h"
#include "ui/app_state.h"
#include "ui/attention_view.h"
#include "ui/input_edit.h"
#include "ui/model_store.h"
#include "ui/view.h"

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
    EXPECT_EQ(lab_view_state(*app_), std::string("tab=") + key);
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
  EXPECT_EQ(lab_view_state(*app_), "tab=attention&attn.model=rvit&attn.control=p100");
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
  EXPECT_EQ(lab_view_state(*app_),
            "tab=attention&attn.model=hybrid&attn.data=p010&attn.cell=2.1&attn.rollout=1&attn.compare=none&attn.avg=300");
  // rvit with its control.
  create("en", "tab=attention&attn.model=rvit&attn.control=p003");
  frames(2);
  EXPECT_EQ(query("attention")["model"], "rvit_p100");
  EXPECT_EQ(attention_control_checkpoint(*app_), "rvitzero_p003");
  EXPECT_EQ(lab_view_state(*app_), "tab=attention&attn.model=rvit&attn.control=p003");
  // Defaults make no keys; bad values are ignored (the control exists at 3 % and 100 % only).
  create("en", "tab=attention&attn.model=resnet&attn.data=p050&attn.cell=x.1&attn.compare=p7&attn.avg=-3"
               "&attn.control=p010");
  frames(2);
  EXPECT_EQ(lab_view_state(*app_), "tab=attention");
  EXPECT_EQ(query("attention")["model"], "vit_p100");
  // Clicks change the link.
  click("attention.model.cnn");
  EXPECT_EQ(lab_view_state(*app_), "tab=attention&attn.model=cnn");
}

}  // namespace
}  // namespace vc
