// Names a person reads on a figure: a checkpoint in words, in the lab's language, and its colour.
#pragma once
#include <span>
#include <string>
#include <vector>

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
// The layers' tick labels, one rule for every figure and view: a number counts the model's blocks from 1 in forward
// order ("blocks.i" -> i + 1: the transformer blocks; "stages.s.b": the residual conv blocks, in order), so layer 1
// of the attention maps is layer 1 of the CKA; a layer before any block is named in words: the ViT's embedding
// "embed" -> "emb" ("임베딩"), the CNN's "stem" -> "stem" ("스템"). In a hybrid, which has both kinds, the conv
// blocks are "c1", "c2", ... so that its transformer blocks keep their numbers. Any other name is kept as it is.
std::vector<std::string> layer_ticks(std::span<const std::string> names, Language L);
// Models of different layer lists on one layer axis (an equivariance or receptive-field plot, the ERF grid), lined
// up at block 1 so that a column is one block number for every model; the layers before it fill the columns to its
// left, nearest first (a ViT's "emb" and a CNN's "stem" share the column left of 1, a hybrid's "c1", "c2" and "stem"
// go further left).
struct LayerAxis {
  std::vector<std::string> ticks;  // per column: the models' layer_ticks there, the distinct ones joined by " / "
  std::vector<int> offsets;        // per model: the column of its first layer
};
LayerAxis shared_layer_axis(std::span<const std::vector<std::string>> models, Language L);
// The axis label that goes with `ticks` (layer_ticks, or a LayerAxis's): "layer: block from 1 (emb, stem: before
// the first block)", and when a hybrid's conv blocks are among them "; c1, c2: a hybrid's conv blocks"; for ticks of
// blocks alone (none: the attention figures' transformer blocks) "layer: transformer block from 1".
std::string layer_axis_label(std::span<const std::string> ticks, Language L);
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
