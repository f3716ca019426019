// The lab-wide keys of a link (link.h): the input image and its compact text form, language, scale, tour step.
#include "ui/link.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "ui/input_edit.h"
#include "ui/jobs.h"
#include "ui/scale.h"
#include "ui/tour.h"
#include "ui/view.h"

namespace vc {

namespace {

constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(const std::vector<uint8_t>& bytes) {
  std::string out;
  uint32_t bits = 0;
  int held = 0;  // bits waiting in `bits`
  for (uint8_t b : bytes) {
    bits = (bits << 8) | b;
    held += 8;
    while (held >= 6) {
      held -= 6;
      out += kBase64Url[(bits >> held) & 63];
    }
  }
  if (held > 0) out += kBase64Url[(bits << (6 - held)) & 63];
  return out;
}

int base64url_digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// The bytes of base64url text without padding; nothing for a foreign character or a length that no byte count has
// (4k + 1 characters), or left-over bits that are not zero (so every byte string has one text).
std::optional<std::vector<uint8_t>> from_base64url(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::vector<uint8_t> out;
  uint32_t bits = 0;
  int held = 0;
  for (char c : text) {
    const int d = base64url_digit(c);
    if (d < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<uint32_t>(d);
    held += 6;
    if (held >= 8) {
      held -= 8;
      out.push_back(static_cast<uint8_t>(bits >> held));
    }
  }
  if ((bits & ((1u << held) - 1)) != 0) return std::nullopt;
  return out;
}

// "1.25" for 1.25: the scale with at most two decimals, no trailing zeros.
std::string scale_text(float scale) {
  std::string s = std::to_string(std::lround(scale * 100.0f) / 100.0);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

LinkInput& link_input(AppState& app) {
  if (!app.input.link) app.input.link.emplace();
  return *app.input.link;
}

}  // namespace

std::string encode_pixels(const InputImage& image) {
  std::vector<uint8_t> bytes;
  for (int i = 0; i < kInputPixels;) {
    const auto byte = static_cast<uint8_t>(std::lround(std::clamp(image[i], 0.0f, 1.0f) * 255.0f));
    if (byte != 0) {
      bytes.push_back(byte);
      ++i;
      continue;
    }
    int run = 0;
    while (i < kInputPixels && run < 255 && std::lround(std::clamp(image[i], 0.0f, 1.0f) * 255.0f) == 0) {
      ++run;
      ++i;
    }
    bytes.push_back(0);
    bytes.push_back(static_cast<uint8_t>(run));
  }
  return base64url(bytes);
}

std::optional<InputImage> decode_pixels(std::string_view text) {
  const std::optional<std::vector<uint8_t>> bytes = from_base64url(text);
  if (!bytes) return std::nullopt;
  InputImage image{};
  int n = 0;  // pixels written
  for (size_t i = 0; i < bytes->size(); ++i) {
    const uint8_t b = (*bytes)[i];
    const int run = b != 0 ? 1 : i + 1 < bytes->size() ? (*bytes)[++i] : 0;
    if (run == 0 || n + run > kInputPixels) return std::nullopt;
    for (int k = 0; k < run; ++k) image[n++] = b / 255.0f;
  }
  if (n != kInputPixels) return std::nullopt;
  return image;
}

std::vector<ViewItem> split_view_state(std::string_view view) {
  std::vector<ViewItem> out;
  for (size_t pos = 0; pos <= view.size();) {
    const size_t end = std::min(view.find('&', pos), view.size());
    const std::string_view item = view.substr(pos, end - pos);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos)
      out.push_back({std::string(item), "", false});
    else
      out.push_back({std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)), true});
    pos = end + 1;
  }
  return out;
}

std::string link_state(const AppState& app) {
  const InputState& in = app.input;
  std::string out;
  if (in.link) {  // not applied yet (the test set is on its way): the link as it was asked for
    if (in.link->gallery_index >= 0) out += "&img=" + std::to_string(in.link->gallery_index);
    if (in.link->image) out += "&px=" + encode_pixels(*in.link->image);
  } else if (in.source == InputSource::Gallery) {
    out += "&img=" + std::to_string(in.gallery_index);
    if (in.edited) out += "&px=" + encode_pixels(in.image);
  } else if (in.edited || in.source == InputSource::File) {
    out += "&px=" + encode_pixels(in.image);
  }
  out += std::string("&lang=") + language_code(app.ui.language);
  if (app.ui.scale > 0) out += "&scale=" + scale_text(app.ui.scale);
  if (app.ui.tour_step >= 0) out += "&tour=" + std::to_string(app.ui.tour_step);
  return out;
}

void reset_link_state(AppState& app) {
  app.ui.requested_tab = 0;
  app.ui.scale = 0.0f;
  tour_end(app);
  app.input.link.reset();
  choose_default_input(app);
  // Every job of the old state stops with it (a fresh page runs none): the accuracy, CKA, averaging and
  // re-measuring runs the settings below asked for; the views ask again for what the link shows.
  jobs_stop_all(app);
  app.predictions = PredictionsState{};
  app.attention = AttentionViewState{};
  app.receptive_field = ReceptiveFieldViewState{};
  app.compare = CompareViewState{};
  app.representations = RepresentationsViewState{};
}

bool apply_link_key(AppState& app, const std::string& key, const std::string& value) {
  if (key == "img") {
    if (const int i = parse_count(value); i >= 0) link_input(app).gallery_index = i;
  } else if (key == "px") {
    if (std::optional<InputImage> image = decode_pixels(value)) link_input(app).image = *image;
  } else if (key == "lang") {
    if (value == "en" || value == "ko") app.ui.language = value == "ko" ? Language::Ko : Language::En;
  } else if (key == "scale") {
    if (const std::optional<float> s = parse_scale(value)) app.ui.scale = *s;
  } else if (key == "tour") {
    if (const int step = parse_count(value); step >= 0) app.ui.tour_step = step;
  } else {
    return false;
  }
  return true;
}

bool apply_link_input(AppState& app) {
  InputState& in = app.input;
  if (!in.link) return false;
  const LinkInput l = *in.link;
  const bool wants_gallery = l.gallery_index >= 0;
  if (wants_gallery && app.gallery.status == GalleryState::Status::Loading) return false;
  in.link.reset();
  // An index the test set lacks is ignored (choose_test_image checks it), like any bad value of a link.
  const bool chosen = wants_gallery && app.gallery.status == GalleryState::Status::Ready &&
                      l.gallery_index < app.gallery.test_set.count;
  if (chosen) choose_test_image(app, l.gallery_index);
  if (l.image) {
    if (!chosen) {  // an image of its own: what the link's page had drawn or opened
      in.source = InputSource::Blank;
      in.source_name.clear();
    }
    in.image = *l.image;
    mark_input_edited(in);
  }
  return chosen || l.image.has_value();
}

}  // namespace vc
