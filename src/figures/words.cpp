#include "figures/words.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>

#include "analysis/checkpoints.h"

namespace vc {
namespace {

struct FamilyWords {
  const char* key;  // the checkpoint name's prefix
  const char* en;
  const char* ko;
  Rgb color;
};
// The families of ui/model_store.h kFamilies, and rvit's control.
constexpr FamilyWords kFamilyWords[] = {
    {"vit", "ViT", "ViT", {31, 119, 180}},
    {"cnn", "CNN", "CNN", {214, 39, 40}},
    {"hybrid", "Hybrid", "하이브리드", {44, 160, 44}},
    {"rvit", "ViT + rel. bias", "ViT + 상대 편향", {148, 103, 189}},
    {"rvitzero", "ViT + rel. bias from zero", "ViT + 0에서 시작한 상대 편향", {140, 86, 75}}};

// The family row of a shipped checkpoint name and its data scale's index; nullptr for another name.
const FamilyWords* shipped(const std::string& checkpoint, int* scale) {
  const size_t cut = checkpoint.rfind('_');
  if (cut == std::string::npos) return nullptr;
  *scale = data_scale_index(checkpoint.substr(cut + 1));
  if (*scale < 0) return nullptr;
  for (const FamilyWords& w : kFamilyWords)
    if (checkpoint.compare(0, cut, w.key) == 0 && std::char_traits<char>::length(w.key) == cut) return &w;
  return nullptr;
}

}  // namespace

std::string checkpoint_words(const std::string& checkpoint, Language L) {
  int scale = 0;
  const FamilyWords* w = shipped(checkpoint, &scale);
  if (!w) return checkpoint;
  const std::string percent = std::to_string(data_scale_percent(scale));
  return L == Language::Ko ? std::string(w->ko) + ", 데이터의 " + percent + " %"
                           : std::string(w->en) + ", " + percent + " % of the data";
}

const char* known_family_words(const std::string& family, Language L) {
  for (const FamilyWords& w : kFamilyWords)
    if (family == w.key) return pick(L, w.en, w.ko);
  return nullptr;
}

std::string family_words(const std::string& family, Language L) {
  const char* words = known_family_words(family, L);
  return words ? words : family;
}

const char* class_words(int label, Language L) {
  static constexpr Words kClasses[] = {{"T-shirt/top", "티셔츠/상의"}, {"Trouser", "바지"},      {"Pullover", "풀오버"},
                                       {"Dress", "드레스"},            {"Coat", "코트"},         {"Sandal", "샌들"},
                                       {"Shirt", "셔츠"},              {"Sneaker", "운동화"},     {"Bag", "가방"},
                                       {"Ankle boot", "앵클 부츠"}};
  if (label < 0 || label >= static_cast<int>(std::size(kClasses))) return "?";
  return pick(L, kClasses[label].en, kClasses[label].ko);
}

Figure labelled_figure(Language L, Words title, Words how_to_read, Words x_label, Words y_label) {
  Figure f;
  f.title = pick(L, title.en, title.ko);
  f.how_to_read = pick(L, how_to_read.en, how_to_read.ko);
  f.x_label = pick(L, x_label.en, x_label.ko);
  f.y_label = pick(L, y_label.en, y_label.ko);
  return f;
}

std::vector<std::string> layer_ticks(std::span<const std::string> names, Language L) {
  const bool transformer = std::any_of(names.begin(), names.end(),
                                       [](const std::string& n) { return n.rfind("blocks.", 0) == 0; });
  std::vector<std::string> ticks;
  int conv = 0;
  for (const std::string& n : names) {
    if (n == "embed")
      ticks.emplace_back(pick(L, "emb", "임베딩"));
    else if (n == "stem")
      ticks.emplace_back(pick(L, "stem", "스템"));
    else if (n.rfind("blocks.", 0) == 0)
      ticks.push_back(std::to_string(std::stoi(n.substr(7)) + 1));
    else if (n.rfind("stages.", 0) == 0)
      ticks.push_back((transformer ? "c" : "") + std::to_string(++conv));
    else
      ticks.push_back(n);
  }
  return ticks;
}

LayerAxis shared_layer_axis(std::span<const std::vector<std::string>> models, Language L) {
  // Per model: its ticks and how many of them come before block 1 (the first tick that is a plain number).
  std::vector<std::vector<std::string>> each;
  std::vector<int> before;
  for (const std::vector<std::string>& names : models) {
    each.push_back(layer_ticks(names, L));
    const auto first = std::find_if(each.back().begin(), each.back().end(), [](const std::string& t) {
      return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
    });
    before.push_back(static_cast<int>(first - each.back().begin()));
  }
  const int most = before.empty() ? 0 : *std::max_element(before.begin(), before.end());
  LayerAxis axis;
  std::vector<std::vector<std::string>> names;  // per column: the distinct ticks there
  for (size_t m = 0; m < each.size(); ++m) {
    axis.offsets.push_back(most - before[m]);
    for (size_t i = 0; i < each[m].size(); ++i) {
      const size_t column = axis.offsets.back() + i;
      if (names.size() <= column) names.resize(column + 1);
      if (std::find(names[column].begin(), names[column].end(), each[m][i]) == names[column].end())
        names[column].push_back(each[m][i]);
    }
  }
  for (const std::vector<std::string>& column : names) {
    std::string tick;
    for (const std::string& t : column) tick += (tick.empty() ? "" : " / ") + t;
    axis.ticks.push_back(tick);
  }
  return axis;
}

std::string layer_axis_label(std::span<const std::string> ticks, Language L) {
  const auto any = [&](std::initializer_list<const char*> words) {
    return std::any_of(ticks.begin(), ticks.end(), [&](const std::string& t) {
      return std::any_of(words.begin(), words.end(), [&](const char* w) { return t.find(w) != std::string::npos; });
    });
  };
  if (any({"c1"}))
    return pick(L, "layer: block from 1 (emb, stem: before the first block; c1, c2: a hybrid's conv blocks)",
                "층: 블록 번호, 1부터 (임베딩, 스템: 첫 블록 이전, c1, c2: 하이브리드의 합성곱 블록)");
  if (any({"emb", "stem", "임베딩", "스템"}))
    return pick(L, "layer: block from 1 (emb, stem: before the first block)", "층: 블록 번호, 1부터 (임베딩, 스템: 첫 블록 이전)");
  return pick(L, "layer: transformer block from 1", "층: 트랜스포머 블록 번호, 1부터");
}

Rgb checkpoint_color(const std::string& checkpoint) {
  int scale = 0;
  const FamilyWords* w = shipped(checkpoint, &scale);
  if (!w) return {120, 120, 120};
  // Less data, lighter: p100 the family's colour, p001 half way to white.
  const double t = 0.5 * (kDataScaleCount - 1 - scale) / (kDataScaleCount - 1);
  auto lighter = [t](uint8_t c) { return static_cast<uint8_t>(std::lround(c + (255 - c) * t)); };
  return {lighter(w->color.r), lighter(w->color.g), lighter(w->color.b)};
}

}  // namespace vc
