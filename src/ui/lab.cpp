// The lab's entry points (lab.h): the main window with its menu bar and view tabs, gallery loading,
// keyboard shortcuts, file input, and the JSON query hook.
#include "ui/lab.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/image.h"
#include "kernels/parallel.h"
#include "ui/app_state.h"
#include "ui/input_edit.h"
#include "ui/input_view.h"
#include "ui/job_thread.h"
#include "ui/jobs.h"
#include "ui/link.h"
#include "ui/model_store.h"
#include "ui/scale.h"
#include "ui/text_menu.h"
#include "ui/tour.h"
#include "ui/view.h"
#include "ui/widgets.h"

namespace vc {

namespace {

constexpr int kGalleryPerClass = 3;

template <class T>
int64_t capacity_bytes(const ImVector<T>& v) {
  return static_cast<int64_t>(v.Capacity) * static_cast<int64_t>(sizeof(T));
}

// Bytes Dear ImGui's windows hold for their draw lists: vertices, indices, commands and the splitter channels. They
// grow to the largest frame a window has drawn and are freed when the window goes unused for
// io.ConfigMemoryCompactTimer seconds, so they rise and fall with what was on screen lately.
int64_t imgui_draw_buffer_bytes() {
  int64_t bytes = 0;
  for (const ImGuiWindow* window : GImGui->Windows) {
    const ImDrawList& d = window->DrawListInst;
    bytes += capacity_bytes(d.CmdBuffer) + capacity_bytes(d.IdxBuffer) + capacity_bytes(d.VtxBuffer) +
             capacity_bytes(d._Path) + capacity_bytes(d._Splitter._Channels);
    for (const ImDrawChannel& c : d._Splitter._Channels)
      bytes += capacity_bytes(c._CmdBuffer) + capacity_bytes(c._IdxBuffer);
  }
  return bytes;
}
constexpr const char* kTestImagesAsset = "data/t10k-images-idx3-ubyte.gz";
constexpr const char* kTestLabelsAsset = "data/t10k-labels-idx1-ubyte.gz";

// The queries lab.cpp answers itself; views add theirs through their registration rows (ui/views.cpp).
constexpr const char* kLabQueries[] = {"input", "rects", "state", "gallery", "memory", "tour"};

int view_count() { return static_cast<int>(lab_views().size()); }

// Turns both fetched IDX files into the test set and picks the thumbnails once both have arrived.
void poll_gallery(AppState& app) {
  GalleryState& g = app.gallery;
  if (g.status != GalleryState::Status::Loading || !g.images_fetch->done || !g.labels_fetch->done) return;
  auto fail = [&](const std::string& why) {
    g.status = GalleryState::Status::Failed;
    g.error = why;
  };
  const FetchSlot& images = *g.images_fetch;
  const FetchSlot& labels = *g.labels_fetch;
  if (!images.error.empty() || !labels.error.empty()) return fail(images.error.empty() ? labels.error : images.error);
  auto image_idx = parse_idx(images.bytes);
  if (!image_idx) return fail(std::string(kTestImagesAsset) + ": " + image_idx.error().message);
  auto label_idx = parse_idx(labels.bytes);
  if (!label_idx) return fail(std::string(kTestLabelsAsset) + ": " + label_idx.error().message);
  auto set = make_labeled_images(std::move(image_idx).value(), std::move(label_idx).value());
  if (!set) return fail(set.error().message);
  if (set->rows != kInputSide || set->cols != kInputSide) return fail("test images are not 28 x 28");
  g.test_set = std::move(set).value();
  g.images_fetch.reset();  // the compressed bytes are no longer needed
  g.labels_fetch.reset();
  // The first few test images of each class, in class order.
  for (int label = 0; label < 10; ++label) {
    int taken = 0;
    for (int i = 0; i < g.test_set.count && taken < kGalleryPerClass; ++i)
      if (g.test_set.labels[i] == label) {
        g.thumbnails.push_back(i);
        ++taken;
      }
  }
  g.status = GalleryState::Status::Ready;
  // Start from the link's image, else from the first thumbnail unless the student already made an input.
  if (!apply_link_input(app) && input_untouched(app.input)) choose_default_input(app);
}

// The user moved the mouse, held a button or key, scrolled or typed since the last frame.
bool user_input(const ImGuiIO& io) {
  if (io.MouseDelta.x != 0.0f || io.MouseDelta.y != 0.0f || io.MouseWheel != 0.0f || io.MouseWheelH != 0.0f ||
      io.InputQueueCharacters.Size > 0)
    return true;
  return std::any_of(std::begin(io.MouseDown), std::end(io.MouseDown), [](bool d) { return d; }) ||
         std::any_of(std::begin(io.KeysDown), std::end(io.KeysDown), [](bool d) { return d; });
}

// 1..N switch views, R resets, C clears, arrows shift; never while a text field has the keyboard.
void handle_shortcuts(AppState& app) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  for (ImWchar c : io.InputQueueCharacters) {
    if (c >= '1' && c < '1' + view_count()) app.ui.requested_tab = static_cast<int>(c - '1');
    if (c == 'r' || c == 'R') reset_input(app);
    if (c == 'c' || c == 'C') clear_input(app);
  }
  struct Arrow {
    ImGuiKey key;
    int dx, dy;
  };
  constexpr Arrow kArrows[] = {
      {ImGuiKey_LeftArrow, -1, 0}, {ImGuiKey_RightArrow, 1, 0}, {ImGuiKey_UpArrow, 0, -1}, {ImGuiKey_DownArrow, 0, 1}};
  for (const Arrow& a : kArrows)
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(a.key))) shift_input(app, a.dx, a.dy);
}

void view_body(AppState& app, const ViewSpec& v) {
  if (!v.input_strip) {
    v.draw(app);
    return tour_scroll_to_anchor(app);
  }
  // Every other view has the input strip on its left, so the input can change from anywhere.
  const float strip_w = ImGui::GetFontSize() * 13.0f;
  ImGui::BeginChild("##input_strip", ImVec2(strip_w, 0.0f), true);
  panel_input_strip(app);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##view", ImVec2(0.0f, 0.0f), false);
  v.draw(app);
  tour_scroll_to_anchor(app);
  ImGui::EndChild();
}

// The view query with this name, or nullptr.
const ViewQuery* view_query(const std::string& name) {
  for (const ViewSpec& v : lab_views())
    for (const ViewQuery& q : v.queries)
      if (name == q.name) return &q;
  return nullptr;
}

// "Copy link": the platform's link of this exact view, on the clipboard; the status line says so.
void copy_link(AppState& app) {
  const Language L = app.ui.language;
  std::string error;
  const std::string link = app.platform.share_link(lab_view_state(app), &error);
  if (!error.empty()) return lab_link_copy_failed(app, error);
  app.ui.shared_link = link;
  set_message(app, format_text(tr(L, MenuText::LinkCopied), static_cast<int>(link.size())), false);
}

// A- / A+ and the scale drawn now; the first press leaves the automatic rule for the step next to its scale.
void scale_buttons(AppState& app) {
  const Language L = app.ui.language;
  const float now = app.ui.drawn_scale;
  if (ImGui::MenuItem(tr(L, MenuText::ScaleDown))) app.ui.scale = next_scale(now, -1);
  record_rect(app, "menu.scale_down");
  ImGui::TextDisabled("%d%%", static_cast<int>(std::lround(now * 100.0f)));
  if (ImGui::MenuItem(tr(L, MenuText::ScaleUp))) app.ui.scale = next_scale(now, 1);
  record_rect(app, "menu.scale_up");
  help_marker(tr(L, MenuText::ScaleHelp));
}

// The UI thread's frame times while jobs ran: how many, the median, the 95th percentile (nearest rank) and the worst.
nlohmann::json frame_time_summary(std::vector<double> ms) {
  nlohmann::json out;
  out["count"] = ms.size();
  if (ms.empty()) return out;
  std::sort(ms.begin(), ms.end());
  const auto rank = [&](double q) { return ms[static_cast<size_t>(std::ceil(q * ms.size())) - 1]; };
  out["p50_ms"] = rank(0.5);
  out["p95_ms"] = rank(0.95);
  out["max_ms"] = ms.back();
  return out;
}

// Help -> About: how the lab computes here (the kernel threads, and on the page why there is only one).
void menu_about(AppState& app) {
  const Language L = app.ui.language;
  ImGui::TextDisabled("%s", tr(L, MenuText::About));
  const int threads = kernel_threads();
  ImGui::BulletText("%s", threads == 1 ? tr(L, MenuText::ComputeOneThread)
                                       : format_text(tr(L, MenuText::ComputeThreads), threads).c_str());
  ImGui::SameLine();
  help_marker(tr(L, MenuText::ComputeHelp));
  record_rect(app, "menu.about.threads");
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + ImGui::GetFontSize() * 30.0f);
  for (const auto& [shown, text] : {std::pair{app.jobs.thread != nullptr, MenuText::ComputeJobThread},
                                    std::pair{app.platform.threads_need_isolation, MenuText::ComputeNotIsolated}})
    if (shown) {
      ImGui::Bullet();
      ImGui::TextWrapped("%s", tr(L, text));
    }
  ImGui::PopTextWrapPos();
}

void panel_menu_bar(AppState& app) {
  const Language L = app.ui.language;
  if (!ImGui::BeginMenuBar()) return;
  ImGui::TextUnformatted(tr(L, TextId::AppTitle));
  ImGui::Separator();
  ImGui::TextUnformatted(tr(L, TextId::MenuLanguage));
  record_rect(app, "menu.language");
  // Both languages stay on screen, each in its own script, so a reader of either finds the switch.
  // The current one in the normal text colour, the other dimmed.
  for (Language option : {Language::En, Language::Ko}) {
    if (option != L) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    if (ImGui::MenuItem(language_name(option), nullptr, option == L)) app.ui.language = option;
    if (option != L) ImGui::PopStyleColor();
    record_rect(app, std::string("language.") + language_code(option));
  }
  ImGui::Separator();
  const bool help_open = ImGui::BeginMenu(tr(L, TextId::MenuHelp));
  record_rect(app, "menu.help");
  if (help_open) {
    if (ImGui::MenuItem(tour_menu_label(L))) tour_show_card(app);
    record_rect(app, "menu.tour");
    ImGui::Separator();
    ImGui::TextDisabled("%s", tr(L, TextId::HelpShortcuts));
    ImGui::BulletText("%s", format_text(tr(L, TextId::ShortcutTabs), view_count()).c_str());
    for (TextId line : {TextId::ShortcutArrows, TextId::ShortcutReset, TextId::ShortcutClear,
                        TextId::ShortcutsInactiveInText})
      ImGui::BulletText("%s", tr(L, line));
    ImGui::Separator();
    menu_about(app);
    ImGui::EndMenu();
  }
  ImGui::Separator();
  scale_buttons(app);
  if (app.platform.share_link) {
    ImGui::Separator();
    if (ImGui::MenuItem(tr(L, MenuText::CopyLink))) copy_link(app);
    record_rect(app, "menu.copy_link");
    help_marker(tr(L, MenuText::CopyLinkHelp));
  }
  ImGui::EndMenuBar();
}

// A safetensors file starts with its header's length (8 bytes, little-endian) and the header's JSON object.
bool looks_like_checkpoint(std::span<const uint8_t> bytes, const std::string& name) {
  return name.ends_with(kCheckpointExtension) || (bytes.size() > 8 && bytes[7] == 0 && bytes[8] == '{');
}

void panel_message(AppState& app) {
  if (app.ui.message.empty()) return;
  const ImVec4 color = app.ui.message_is_error ? ImVec4(1.0f, 0.35f, 0.35f, 1.0f)
                                               : ImGui::GetStyleColorVec4(ImGuiCol_Text);
  if (ImGui::SmallButton(tr(app.ui.language, TextId::Dismiss))) app.ui.message.clear();
  record_rect(app, "button.dismiss");
  ImGui::SameLine();
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::TextWrapped("%s", app.ui.message.c_str());
  ImGui::PopStyleColor();
}

}  // namespace

void lab_apply_view_state(AppState& app, const std::string& view) {
  // "key=value&key=value": "tab" here, the lab-wide keys to ui/link.h, every other key to the view that owns it;
  // unknown keys are ignored so old links keep working.
  for (const auto& [key, value, has_value] : split_view_state(view)) {
    if (!has_value) continue;
    if (key == "tab") {
      if (const int v = view_index(value); v >= 0) app.ui.requested_tab = v;
    } else if (!apply_link_key(app, key, value)) {
      for (const ViewSpec& v : lab_views())
        if (v.read_link && v.read_link(app, key, value)) break;
    }
  }
  apply_link_input(app);
}

void lab_open_link(AppState& app, const std::string& view) {
  reset_link_state(app);
  lab_apply_view_state(app, view);
}

std::unique_ptr<AppState> lab_create(Platform platform, const LabOptions& options) {
  auto app = std::make_unique<AppState>();
  app->platform = std::move(platform);
  app->ui.language = options.language == "ko" ? Language::Ko : Language::En;
  if (options.scale > 0) app->ui.scale = std::clamp(options.scale, kMinScale, kMaxScale);
  // The first frame selects the tab from AppState (the first view unless the view state says otherwise).
  app->ui.requested_tab = 0;
  tour_init(*app);
  lab_apply_view_state(*app, options.view_state);
  if (app->platform.fetch) {
    app->gallery.images_fetch = start_fetch(app->platform, kTestImagesAsset);
    app->gallery.labels_fetch = start_fetch(app->platform, kTestLabelsAsset);
  } else {
    app->gallery.status = GalleryState::Status::Failed;
    app->gallery.error = "no asset access (Platform::fetch is not set)";
  }
  models_start(*app);
  if (app->platform.job_thread && job_thread_available()) app->jobs.thread = std::make_shared<JobThread>();
  return app;
}

void lab_frame_drawn(AppState& app, double ms) { jobs_frame_drawn(app, ms); }

void lab_frame(AppState& app) {
  ++app.ui.frames;
  app.ui.rects.clear();
  poll_gallery(app);
  models_poll(app);
  handle_shortcuts(app);
  if (user_input(ImGui::GetIO())) app.jobs.input_ms = app.platform.now_ms ? app.platform.now_ms() : 0.0;
  jobs_run(app);

  const ImGuiIO& io = ImGui::GetIO();
  app.ui.drawn_scale = lab_scale(app, io.DisplaySize.x);
  ImGui::SetNextWindowPos(ImVec2(0.0f, 0.0f));
  ImGui::SetNextWindowSize(io.DisplaySize);
  constexpr ImGuiWindowFlags kMainFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                          ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_MenuBar |
                                          ImGuiWindowFlags_NoBringToFrontOnFocus;
  // "###" keeps the window's id stable when the language changes its title.
  ImGui::Begin((std::string(tr(app.ui.language, TextId::AppTitle)) + "###lab").c_str(), nullptr, kMainFlags);
  panel_menu_bar(app);
  panel_message(app);
  panel_tour(app);
  // SetSelected takes effect within the frame it is passed in; a view asking for another while it is drawn (a link
  // to a tab left of it) gets it next frame.
  const int requested = app.ui.requested_tab;
  app.ui.requested_tab = -1;
  app.ui.switching_tab = requested >= 0;
  if (ImGui::BeginTabBar("##views")) {
    for (int i = 0; i < view_count(); ++i) {
      const ViewSpec& v = lab_views()[i];
      const ImGuiTabItemFlags flags = requested == i ? ImGuiTabItemFlags_SetSelected : 0;
      const std::string label = std::string(text_of(v.label, app.ui.language)) + "###" + v.key;
      const bool open = ImGui::BeginTabItem(label.c_str(), nullptr, flags);
      record_rect(app, std::string("tab.") + v.key);
      if (!open) continue;
      app.ui.tab = i;
      view_body(app, v);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::End();
  tour_highlight(app);
  if (app.gallery.status == GalleryState::Status::Ready && default_models_ready(app)) app.ui.ready = true;
}

void lab_open_image(AppState& app, std::span<const uint8_t> bytes, const std::string& name) {
  const Language L = app.ui.language;
  auto decoded = decode_image(bytes);
  if (!decoded) {
    set_message(app, format_text(tr(L, TextId::InputLoadFailed), name.c_str(), decoded.error().message.c_str()), true);
    return;
  }
  const GrayImage digit = to_digit_style(decoded.value());
  InputImage img{};
  std::copy(digit.pixels.begin(), digit.pixels.end(), img.begin());
  set_file_input(app, img, name);
  set_message(app, format_text(tr(L, TextId::InputLoaded), name.c_str(), decoded->width, decoded->height), false);
}

void lab_open_file(AppState& app, std::span<const uint8_t> bytes, const std::string& name) {
  if (looks_like_checkpoint(bytes, name)) return lab_open_checkpoint(app, bytes, name);
  lab_open_image(app, bytes, name);
}

void lab_open_checkpoint(AppState& app, std::span<const uint8_t> bytes, const std::string& name) {
  const Language L = app.ui.language;
  Result<UserCheckpoint> added = add_user_checkpoint(app, bytes, name);
  if (!added) {
    set_message(app, format_text(tr(L, TextId::CheckpointOpenFailed), added.error().message.c_str()), true);
    return;
  }
  app.predictions.scale[added->family] = added->slot;
  const char* family = family_label(L, added->family);
  set_message(app, format_text(tr(L, TextId::CheckpointOpened), added->name.c_str(), family, family), false);
}

std::optional<FigureCapture> lab_take_capture(AppState& app) { return std::exchange(app.ui.capture, std::nullopt); }

void lab_save_capture(AppState& app, const FigureCapture& capture, std::span<const uint8_t> png,
                      const std::string& error) {
  save_export(app, capture.file_name, png, error);
}

std::string lab_language(const AppState& app) { return language_code(app.ui.language); }

void lab_show_error(AppState& app, const std::string& message) { set_message(app, message, true); }

void lab_link_copy_failed(AppState& app, const std::string& reason) {
  set_message(app, format_text(tr(app.ui.language, MenuText::LinkCopyFailed), reason.c_str()), true);
}

void lab_forget_results(AppState& app) { jobs_forget_finished(app); }

bool lab_ready(const AppState& app) { return app.ui.ready; }

namespace {

// Frames the view itself still needs, whatever the jobs do: a tab switch pending or shown, a figure capture to take.
bool view_wants_frame(const AppState& app) {
  return app.ui.requested_tab >= 0 || app.ui.switching_tab || app.ui.capture.has_value();
}

}  // namespace

bool lab_wants_frame(const AppState& app) { return !app.jobs.running.empty() || view_wants_frame(app); }

double lab_frame_hold_s(const AppState& app) {
  const bool only_progress = app.jobs.thread && !app.jobs.running.empty() && !view_wants_frame(app);
  const double now = app.platform.now_ms ? app.platform.now_ms() : 0.0;
  return only_progress && now - app.jobs.input_ms >= kInteractiveMs ? kProgressFrameS : 0.0;
}

std::vector<float> lab_input_image(const AppState& app) {
  return std::vector<float>(app.input.image.begin(), app.input.image.end());
}

std::string lab_view_state(const AppState& app) {
  std::string out = std::string("tab=") + lab_views()[app.ui.tab].key + link_state(app);
  for (const ViewSpec& v : lab_views())
    if (v.write_link) out += v.write_link(app);
  return out;
}

std::string lab_query(const AppState& app, const std::string& what) {
  using nlohmann::json;
  json out;
  if (what == "input") {
    out["image"] = app.input.image;
  } else if (what == "rects") {
    out = json::object();
    for (const auto& [id, r] : app.ui.rects) out[id] = r;
  } else if (what == "state") {
    out["tab"] = lab_views()[app.ui.tab].key;
    out["language"] = language_code(app.ui.language);
    out["message"] = app.ui.message;
    out["message_is_error"] = app.ui.message_is_error;
    out["input_version"] = app.input.version;
    out["gallery_index"] = app.input.gallery_index;
    out["gallery_label"] = app.input.gallery_label;
    out["input_edited"] = app.input.edited;
    out["ready"] = app.ui.ready;
    out["frames"] = app.ui.frames;
    out["job_budget_ms"] = app.jobs.frame_budget_ms;
    out["scale"] = app.ui.drawn_scale;
    out["scale_chosen"] = app.ui.scale;
    out["tour_step"] = app.ui.tour_step;
    out["view_state"] = lab_view_state(app);
    out["shared_link"] = app.ui.shared_link;
    out["kernel_threads"] = kernel_threads();
    out["job_thread"] = app.jobs.thread != nullptr;
    out["busy_frames"] = frame_time_summary(app.jobs.busy_frame_ms);
    out["threads_need_isolation"] = app.platform.threads_need_isolation;
  } else if (what == "gallery") {
    const GalleryState& g = app.gallery;
    out["status"] = g.status == GalleryState::Status::Ready    ? "ready"
                    : g.status == GalleryState::Status::Loading ? "loading"
                                                                 : "failed";
    out["error"] = g.error;
    out["indices"] = g.thumbnails;
    json labels = json::array();
    for (int i : g.thumbnails) labels.push_back(g.test_set.labels[i]);
    out["labels"] = labels;
  } else if (what == "memory") {
    if (!app.platform.memory_use) {
      out["error"] = "no allocator figures (Platform::memory_use is not set)";
    } else {
      const MemoryUse m = app.platform.memory_use();
      out["heap_in_use"] = m.heap_in_use;
      out["heap_size"] = m.heap_size;
    }
    const LoadedModels models = loaded_models(app);
    out["models_loaded"] = models.count;
    out["model_weight_bytes"] = models.weight_bytes;
    out["imgui_draw_buffer_bytes"] = imgui_draw_buffer_bytes();
    out["kernel_scratch_bytes"] = kernel_scratch_bytes();
    out["jobs_cached"] = app.jobs.finished.size();
    out["jobs_running"] = app.jobs.running.size();
  } else if (what == "tour") {
    out = tour_query(app);
  } else if (const ViewQuery* q = view_query(what)) {
    out = q->answer(app);
  } else {
    std::string known;
    for (const char* name : kLabQueries) known += (known.empty() ? "" : ", ") + std::string(name);
    for (const ViewSpec& v : lab_views())
      for (const ViewQuery& vq : v.queries) known += ", " + std::string(vq.name);
    out["error"] = "unknown query '" + what + "' (known: " + known + ")";
  }
  // Replace invalid UTF-8 (a file name, say) instead of throwing.
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace vc
