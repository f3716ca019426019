// Names a person reads on a figure: a checkpoint in words, in the lab's language, and its colour.
#pragma once
#include <string>

#include "figures/figure.h"

namespace vc {

// A shipped checkpoint's name in words: "vit_p100" -> "ViT, 100 % of the data" ("ViT, 데이터의 100 %"); rvit's
// control "rvitzero_p100" -> "ViT + rel. bias from zero, 100 % of the data". Any other name (a user's own checkpoint)
// is returned as it is.
std::string checkpoint_words(const std::string& checkpoint, Language L);
// A family's name in words: "vit" -> "ViT", "hybrid" -> "Hybrid" ("하이브리드"); another name as it is. The one
// table of family names: the lab's labels are these.
std::string family_words(const std::string& family, Language L);
// The same for a family of the table only; nullptr for another name.
const char* known_family_words(const std::string& family, Language L);
// A Fashion-MNIST class in words ("Ankle boot", "앵클 부츠"), label 0..9; "?" for another label. The one table of
// class names: the lab and the CLI's figures name classes with it.
const char* class_words(int label, Language L);
// A checkpoint's line colour: its family's (vit blue, cnn red, hybrid green, rvit purple, its control brown; grey for
// any other name), lighter for less data (p100 the family's colour, p001 half way to white); the same on every
// figure.
Rgb checkpoint_color(const std::string& checkpoint);
// English or Korean.
inline const char* pick(Language L, const char* en, const char* ko) { return L == Language::Ko ? ko : en; }
// A text in both languages.
struct Words {
  const char* en;
  const char* ko;
};
// A Figure with its title, how-to-read line and axis labels in L (a builder adds the rest).
Figure labelled_figure(Language L, Words title, Words how_to_read, Words x_label, Words y_label);

}  // namespace vc
