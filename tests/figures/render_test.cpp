// The slide figures' renderer (figures/render.h) and the views' figure builders (figures/*_figures.h), drawn with
// the lab's subset fonts (VITCNN_FONTS_DIR).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "figures/attention_figures.h"
#include "figures/compare_figures.h"
#include "figures/csv.h"
#include "figures/prediction_figures.h"
#include "figures/receptive_field_figures.h"
#include "figures/render.h"
#include "figures/representation_figures.h"
#include "figures/words.h"

namespace vc {
namespace {

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

class FigureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    text_ = read_bytes(VITCNN_FONTS_DIR "/dejavu/DejaVuSans.ttf");
    hangul_ = read_bytes(VITCNN_FONTS_DIR "/nanum/NanumGothic.ttf");
    ASSERT_FALSE(text_.empty()) << VITCNN_FONTS_DIR;
    ASSERT_FALSE(hangul_.empty()) << VITCNN_FONTS_DIR;
  }
  FigureFonts fonts() const { return {text_, hangul_}; }
  std::vector<uint8_t> text_, hangul_;
};

// Within 8 of c in every channel.
bool near(const uint8_t* p, Rgb c) {
  return std::abs(p[0] - c.r) <= 8 && std::abs(p[1] - c.g) <= 8 && std::abs(p[2] - c.b) <= 8;
}

// Pixels in rows [y0, y1) that are neither white nor pure black: anti-aliased edges, and dark ones (text).
struct Ink {
  int dark = 0, partial = 0;
};
Ink ink_in_rows(const FigureImage& im, int y0, int y1) {
  Ink ink;
  for (int y = y0; y < std::min(y1, im.height); ++y)
    for (int x = 0; x < im.width; ++x) {
      const uint8_t* p = &im.rgb[(static_cast<size_t>(y) * im.width + x) * 3];
      const int lum = (p[0] + p[1] + p[2]) / 3;
      ink.dark += lum < 100;
      ink.partial += lum > 100 && lum < 240;
    }
  return ink;
}

Figure line_figure(const std::string& title) {
  Figure f;
  f.title = title;
  f.how_to_read = "";
  f.x_label = "layer";
  f.y_label = "value";
  f.x_ticks = {"1", "2", "3"};
  f.series = {{"ViT, 1 % of the data", {31, 119, 180}, {0.5, 1.5, NAN}, false}};
  return f;
}

TEST_F(FigureTest, DrawsAntiAliasedTextAtLeast1600Wide) {
  Result<FigureImage> with = render_figure(line_figure("Title of the figure"), fonts());
  Result<FigureImage> without = render_figure(line_figure("."), fonts());  // the same layout, one small glyph
  ASSERT_TRUE(with.ok()) << with.error().message;
  ASSERT_TRUE(without.ok()) << without.error().message;
  EXPECT_EQ(with->width, 1600);
  EXPECT_EQ(with->rgb.size(), static_cast<size_t>(with->width) * with->height * 3);
  // The title's band (below the 48 px margin, one 46 px line): glyph pixels, with anti-aliased edges.
  const Ink title = ink_in_rows(*with, 48, 100);
  EXPECT_GT(title.dark, 2000);
  EXPECT_GT(title.partial, 300);
  EXPECT_LT(ink_in_rows(*without, 48, 100).dark, 200);
  // Korean through the Hangul font.
  Result<FigureImage> ko = render_figure(line_figure("층"), fonts());
  ASSERT_TRUE(ko.ok());
  EXPECT_GT(ink_in_rows(*ko, 48, 100).dark, 100);
  Result<FigureImage> wide = render_figure(line_figure("Title"), fonts(), 2400);
  ASSERT_TRUE(wide.ok());
  EXPECT_EQ(wide->width, 2400);
}

TEST_F(FigureTest, BadWidthAndFontAreErrors) {
  Result<FigureImage> narrow = render_figure(line_figure("t"), fonts(), 1599);
  ASSERT_FALSE(narrow.ok());
  EXPECT_NE(narrow.error().message.find("1600"), std::string::npos);
  const std::vector<uint8_t> junk(100, 7);
  Result<FigureImage> bad = render_figure(line_figure("t"), {junk, {}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("TrueType"), std::string::npos);
  Figure f = line_figure("t");
  f.heatmap = Heatmap{2, 2, {0.1, 0.2, 0.3}, 0.0, 1.0, "v", 2};
  EXPECT_FALSE(render_figure(f, fonts()).ok());
}

TEST_F(FigureTest, ColourBarSpansTheHeatmapRange) {
  Figure f;
  f.title = "CKA";
  f.x_ticks = {"1", "2"};
  f.y_ticks = {"1", "2"};
  // Values inside (0.3, 0.6) of [0, 1]: only the colour bar holds the ends of the colour map.
  f.heatmap = Heatmap{2, 2, {0.35, 0.4, 0.5, 0.55}, 0.0, 1.0, "CKA", 2};
  Result<FigureImage> im = render_figure(f, fonts());
  ASSERT_TRUE(im.ok()) << im.error().message;
  int top_x = -1, top_y = -1, bottom_y = -1;
  for (int y = 0; y < im->height; ++y)
    for (int x = 0; x < im->width; ++x) {
      const uint8_t* p = &im->rgb[(static_cast<size_t>(y) * im->width + x) * 3];
      if (near(p, colormap(1.0f)) && top_y < 0) top_x = x, top_y = y;
      if (near(p, colormap(0.0f))) bottom_y = y;
    }
  ASSERT_GE(top_y, 0) << "no pixel of the top of the colour map";
  ASSERT_GT(bottom_y, top_y + 50) << "the colour bar's bottom is not below its top";
  // Halfway down the bar: the middle of the map.
  const int mid = (top_y + bottom_y) / 2;
  const uint8_t* p = &im->rgb[(static_cast<size_t>(mid) * im->width + top_x) * 3];
  const Rgb m = colormap(0.5f);
  EXPECT_NEAR(p[0], m.r, 12);
  EXPECT_NEAR(p[1], m.g, 12);
  EXPECT_NEAR(p[2], m.b, 12);
}

TEST_F(FigureTest, SameFigureSameBytes) {
  CkaResult r{{"embed", "blocks.0"}, {"embed", "blocks.0", "head"}, {1.0, 0.5, 0.25, 0.5, 1.0, 0.75}, 100, 50};
  Result<std::vector<uint8_t>> a = render_png(cka_figure(r, "vit_p100", "cnn_p100", Language::En), fonts());
  Result<std::vector<uint8_t>> b = render_png(cka_figure(r, "vit_p100", "cnn_p100", Language::En), fonts());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_GT(a->size(), 1000u);
  EXPECT_EQ(*a, *b);
  const uint8_t magic[] = {0x89, 'P', 'N', 'G'};
  EXPECT_TRUE(std::equal(std::begin(magic), std::end(magic), a->begin()));
}

TEST(FigureWords, CheckpointsInWords) {
  EXPECT_EQ(checkpoint_words("vit_p001", Language::En), "ViT, 1 % of the data");
  EXPECT_EQ(checkpoint_words("cnn_p100", Language::En), "CNN, 100 % of the data");
  EXPECT_EQ(checkpoint_words("rvitzero_p003", Language::En), "ViT + rel. bias from zero, 3 % of the data");
  EXPECT_EQ(checkpoint_words("hybrid_p030", Language::Ko), "하이브리드, 데이터의 30 %");
  EXPECT_EQ(checkpoint_words("my_model", Language::En), "my_model");  // a user's checkpoint: its name
  EXPECT_EQ(checkpoint_words("vit_p050", Language::En), "vit_p050");
  EXPECT_NE(checkpoint_color("vit_p001").b, checkpoint_color("cnn_p001").b);
}

TEST(FigureWords, FamiliesAndClassesInWords) {
  EXPECT_EQ(family_words("hybrid", Language::Ko), "하이브리드");
  EXPECT_EQ(family_words("rvit", Language::En), "ViT + rel. bias");
  EXPECT_EQ(family_words("mlp", Language::En), "mlp");  // not a family of the table: as it is
  EXPECT_EQ(known_family_words("mlp", Language::En), nullptr);
  EXPECT_STREQ(class_words(0, Language::En), "T-shirt/top");
  EXPECT_STREQ(class_words(9, Language::Ko), "앵클 부츠");
  EXPECT_STREQ(class_words(10, Language::En), "?");
  EXPECT_STREQ(class_words(-1, Language::Ko), "?");
}

TEST(FigureBuilders, CkaHasWordsNumbersFromOneAndAColourBar) {
  CkaResult r{{"embed", "blocks.0", "blocks.1"}, {"stem", "stages.0.0"}, {1, 0.5, 0.5, 1, 0.2, 0.3}, 200, 100};
  const Figure f = cka_figure(r, "vit_p100", "cnn_p001", Language::En);
  EXPECT_NE(f.title.find("ViT, 100 % of the data"), std::string::npos) << f.title;
  EXPECT_NE(f.title.find("CNN, 1 % of the data"), std::string::npos) << f.title;
  EXPECT_NE(f.how_to_read.find("200 test images"), std::string::npos) << f.how_to_read;
  EXPECT_NE(f.y_label.find("ViT, 100 % of the data"), std::string::npos);
  EXPECT_NE(f.x_label.find("CNN, 1 % of the data"), std::string::npos);
  // Blocks from 1, as on the attention figures; the layer before the first block named.
  EXPECT_EQ(f.y_ticks, (std::vector<std::string>{"emb", "1", "2"}));
  EXPECT_EQ(f.x_ticks, (std::vector<std::string>{"stem", "1"}));
  EXPECT_NE(f.y_label.find("block from 1"), std::string::npos) << f.y_label;
  EXPECT_EQ(cka_csv(r).rfind("a_layer,a_name,b_layer,b_name,cka,images\nemb,embed,stem,stem,1,200\n", 0), 0u)
      << cka_csv(r);
  ASSERT_TRUE(f.heatmap.has_value());
  EXPECT_EQ(f.heatmap->rows, 3);
  EXPECT_EQ(f.heatmap->cols, 2);
  EXPECT_EQ(f.heatmap->vmin, 0.0);
  EXPECT_EQ(f.heatmap->vmax, 1.0);
  EXPECT_EQ(f.heatmap->value_label, "CKA");
  const Figure ko = cka_figure(r, "vit_p100", "cnn_p001", Language::Ko);
  EXPECT_NE(ko.title.find("ViT, 데이터의 100 %"), std::string::npos) << ko.title;
}

TEST(FigureBuilders, SkipAndEquivarianceLegendsInWords) {
  SkipRatios vit;
  vit.branches = {{"blocks.0.attn", true, 2, 2, {}, 1.2, 0.9}, {"blocks.0.mlp", true, 2, 2, {}, 0.8, 1.1}};
  SkipRatios cnn;
  cnn.branches = {{"stages.0.0", false, 4, 4, {}, 0.0, 1.5}};
  const Measured<SkipRatios> models[] = {{"vit_p100", &vit}, {"cnn_p001", &cnn}};
  const Figure s = skip_figure(models, Language::En);
  ASSERT_EQ(s.series.size(), 3u);  // vit spatial + CLS, cnn spatial (no CLS token)
  EXPECT_EQ(s.series[0].name, "ViT, 100 % of the data: spatial tokens");
  EXPECT_EQ(s.series[1].name, "ViT, 100 % of the data: CLS token");
  EXPECT_TRUE(s.series[1].thin);
  EXPECT_EQ(s.series[2].name, "CNN, 1 % of the data: spatial tokens");
  EXPECT_EQ(s.series[0].y, (std::vector<double>{0.9, 1.1}));
  EXPECT_EQ(s.x_ticks, (std::vector<std::string>{"1", "2"}));
  EXPECT_FALSE(s.x_label.empty());
  EXPECT_FALSE(s.y_label.empty());

  Equivariance e;
  e.layers = {{"stem", 16, 2.0, {false, true, false, true}, {0, 0.25, 0, 0.5}},
              {"blocks.0", 8, 4.0, {false, false, false, true}, {0, 0, 0, 0.125}}};
  e.top1_changed.assign(kMaxShift, 0.0);
  const Measured<Equivariance> eq[] = {{"vit_p001", &e}};
  const Figure f4 = equivariance_figure(eq, 4, Language::En);
  ASSERT_EQ(f4.series.size(), 1u);
  EXPECT_EQ(f4.series[0].name, "ViT, 1 % of the data");
  EXPECT_EQ(f4.series[0].y, (std::vector<double>{50.0, 12.5}));  // in %
  EXPECT_NE(f4.title.find("4 px"), std::string::npos);
  const Figure f1 = equivariance_figure(eq, 1, Language::En);
  EXPECT_TRUE(std::isnan(f1.series[0].y[0]) && std::isnan(f1.series[0].y[1]));  // 1 px: no whole cell
  EXPECT_EQ(f4.x_ticks, (std::vector<std::string>{"stem", "1"}));
  const std::string eq_lines = equivariance_csv(eq);
  EXPECT_EQ(std::count(eq_lines.begin(), eq_lines.end(), '\n'), 1 + 2 * kMaxShift);
  const std::string skips = skip_csv(models);
  EXPECT_EQ(skips.rfind("model,branch,name,spatial_mean,cls,images\nvit_p100,1,blocks.0.attn,0.9,1.2,", 0), 0u) << skips;
  EXPECT_NE(skips.find("\ncnn_p001,1,stages.0.0,1.5,,"), std::string::npos) << skips;
}

// One rule for every figure's layer numbers: blocks from 1, the layer before them in words; a hybrid's conv blocks
// "c1", "c2" so that its transformer blocks keep the numbers of its attention maps; models side by side share a
// position's ticks.
TEST(FigureBuilders, LayerTicksCountBlocksFromOne) {
  const std::vector<std::string> vit = {"embed", "blocks.0", "blocks.1"}, cnn = {"stem", "stages.0.0", "stages.1.0"},
                                 hybrid = {"stem", "stages.0.0", "embed", "blocks.0"};
  EXPECT_EQ(layer_ticks(vit, Language::En), (std::vector<std::string>{"emb", "1", "2"}));
  EXPECT_EQ(layer_ticks(cnn, Language::En), (std::vector<std::string>{"stem", "1", "2"}));
  EXPECT_EQ(layer_ticks(hybrid, Language::En), (std::vector<std::string>{"stem", "c1", "emb", "1"}));
  EXPECT_EQ(layer_ticks(vit, Language::Ko).front(), "임베딩");
  const std::vector<std::string> both[] = {vit, cnn};
  const LayerAxis two = shared_layer_axis(both, Language::En);
  EXPECT_EQ(two.ticks, (std::vector<std::string>{"emb / stem", "1", "2"}));
  EXPECT_EQ(two.offsets, (std::vector<int>{0, 0}));
  // With a hybrid, every model's block 1 stays in one column: the ViT and the CNN start further right.
  const std::vector<std::string> three[] = {vit, cnn, hybrid};
  const LayerAxis all = shared_layer_axis(three, Language::En);
  EXPECT_EQ(all.ticks, (std::vector<std::string>{"stem", "c1", "emb / stem", "1", "2"}));
  EXPECT_EQ(all.offsets, (std::vector<int>{2, 2, 0}));
}

// The per-token skip ratios: a row per branch, each stretched over the width (rows of different lengths), the CLS
// token first, coloured on the analysis' range; its CSV one line per branch and token.
TEST_F(FigureTest, SkipHeatmapHasABranchPerRowAndAColourBar) {
  SkipRatios r;
  r.images = 10;
  r.branches = {{"blocks.0.attn", true, 2, 2, {1.0, 0.5, 0.7, 0.9, 1.3}, 1.0, 0.85},
                {"stages.0.0", false, 1, 2, {0.6, 0.8}, 0.0, 0.7}};
  const Figure f = skip_heatmap_figure(r, "vit_p100", Language::En);
  ASSERT_TRUE(f.heatmap.has_value());
  EXPECT_EQ(f.heatmap->rows, 2);
  EXPECT_EQ(f.heatmap->cols, 5);
  EXPECT_EQ(f.heatmap->row_lengths, (std::vector<int>{5, 2}));
  EXPECT_EQ(f.heatmap->values.size(), 7u);
  EXPECT_DOUBLE_EQ(f.heatmap->vmin, skip_colour_range(r).lo);
  EXPECT_DOUBLE_EQ(f.heatmap->vmax, skip_colour_range(r).hi);
  EXPECT_EQ(f.y_ticks, (std::vector<std::string>{"1: blocks.0.attn", "2: stages.0.0"}));
  EXPECT_NE(f.title.find("ViT, 100 % of the data"), std::string::npos);
  EXPECT_FALSE(f.heatmap->value_label.empty());
  const std::string csv = skip_tokens_csv(r);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 7);
  EXPECT_EQ(csv.rfind("branch,name,token,row,col,ratio,images\n1,blocks.0.attn,cls,,,1,10\n", 0), 0u) << csv;
  const Result<FigureImage> image = render_figure(f, fonts());
  ASSERT_TRUE(image.ok()) << image.error().message;
  EXPECT_GE(image->width, 1600);
  Figure bad = f;
  bad.heatmap->row_lengths = {5, 3};
  EXPECT_FALSE(render_figure(bad, fonts()).ok()) << "the rows' lengths must add up to the values";
}

TEST(FigureBuilders, DistanceHasHeadsMeansLevelsAndWords) {
  AttentionDistance high;
  high.layers = 2;
  high.heads = 2;
  high.px = {4.0, 6.0, 8.0, 12.0};
  AttentionDistance low = high;
  low.px = {5.0, 5.0, 9.0, 9.0};
  const Measured<AttentionDistance> models[] = {{"vit_p100", &high}, {"vit_p001", &low}};
  const Figure f = distance_figure(models, 10.0, 256, Language::En);
  ASSERT_EQ(f.series.size(), 2u);
  EXPECT_EQ(f.series[0].name, "ViT, 100 % of the data");
  EXPECT_EQ(f.series[1].name, "ViT, 1 % of the data");
  EXPECT_NE(f.series[0].color.r, f.series[1].color.r);  // the same family, told apart by the data share
  EXPECT_EQ(f.series[0].y, (std::vector<double>{5.0, 10.0}));  // head means
  EXPECT_EQ(f.series[0].spread[1], (std::vector<double>{8.0, 12.0}));  // the heads of layer 2
  EXPECT_EQ(f.x_ticks, (std::vector<std::string>{"1", "2"}));
  ASSERT_EQ(f.levels.size(), 2u);
  EXPECT_EQ(f.levels[0].y, 10.0);
  EXPECT_EQ(f.levels[1].y, kLocalFraction * 10.0);
  EXPECT_NE(f.levels[1].name.find("50 %"), std::string::npos) << f.levels[1].name;
  EXPECT_NE(f.how_to_read.find("256 test images"), std::string::npos);
  EXPECT_NE(distance_figure(models, 10.0, 0, Language::En).how_to_read.find("image shown"), std::string::npos);
  EXPECT_NE(distance_figure(models, 10.0, 0, Language::Ko).series[0].name.find("데이터의 100 %"), std::string::npos);
}

TEST(FigureBuilders, ReceptiveFieldGrowthNamesBoxAndDiameters) {
  const std::vector<std::string> layers = {"stem", "stages.0.0", "stages.0.1"};
  const RfCurves models[] = {{"cnn_p100", false, {3, 7, 15}, {1.0, 2.5, 4.0}, {0.5, 1.0, 2.0}, layers},
                             {"cnn_p100", true, {}, {1.5, 3.0, 6.0}, {}, layers}};
  const Figure f = rf_growth_figure(models, 32, 100, Language::En);
  ASSERT_EQ(f.series.size(), 4u);  // box, 2 r90, 2 r50 of the trained; 2 r90 of the untrained
  EXPECT_EQ(f.series[0].name, "CNN, 100 % of the data: box (theoretical)");
  EXPECT_EQ(f.series[1].name, "CNN, 100 % of the data: 2 r90 (effective)");
  EXPECT_EQ(f.series[1].y, (std::vector<double>{2.0, 5.0, 8.0}));  // diameters
  EXPECT_EQ(f.series[3].name, "CNN, untrained: 2 r90 (effective)");
  EXPECT_TRUE(f.series[3].dashed);
  EXPECT_EQ(f.x_ticks, (std::vector<std::string>{"stem", "1", "2"}));
  ASSERT_EQ(f.levels.size(), 1u);
  EXPECT_EQ(f.levels[0].y, 32.0);
  EXPECT_NE(f.how_to_read.find("100 test images"), std::string::npos);
  const std::string csv = rf_growth_csv(models, 100);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 2 * 3);
  EXPECT_NE(csv.find("\ncnn_p100,trained,3,2,stages.0.1,15,100,2,4\n"), std::string::npos) << csv;
}

TEST(FigureBuilders, DataScaleHasErrorBarsAndSharesInPercent) {
  DataScaleCurve vit{kVitFamily, {}};
  vit.points[0] = MeasuredAccuracy{0.745, 10000, 0.0044};
  vit.points[4] = MeasuredAccuracy{0.9, 10000, 0.003};
  const DataScaleCurve empty{kCnnFamily, {}};
  const DataScaleCurve recorded[] = {vit, empty};
  const Figure f = data_scale_figure(recorded, {}, Language::En);
  ASSERT_EQ(f.series.size(), 1u);  // the cnn has no point
  EXPECT_EQ(f.series[0].name, "ViT, recorded (10000 test images)");
  EXPECT_DOUBLE_EQ(f.series[0].y[0], 74.5);
  EXPECT_TRUE(std::isnan(f.series[0].y[1]));
  EXPECT_DOUBLE_EQ(f.series[0].error[4], 0.3);
  EXPECT_EQ(f.x_ticks, (std::vector<std::string>{"1 %", "3 %", "10 %", "30 %", "100 %"}));
  EXPECT_EQ(f.y_min, 70.0);  // the lowest bar, rounded down to 5
}

TEST_F(FigureTest, DashesErrorBarsAndLevelsDraw) {
  Figure f = line_figure("t");
  f.series[0].dashed = true;
  f.series[0].error = {0.2, 0.2, NAN};
  f.levels = {{"uniform", 1.0}};
  Result<FigureImage> im = render_figure(f, fonts());
  ASSERT_TRUE(im.ok()) << im.error().message;
  EXPECT_EQ(im->width, 1600);
}

// A made-up attention of 2 layers x 2 heads over a 2 x 2 patch grid (5 tokens): every row of A[l, h] is the same,
// CLS and patch rows alike, (0.2, w1, w2, w3, w4) with weights that differ by layer and head.
AttentionImage toy_attention() {
  AttentionImage a;
  a.distance.layers = a.distance.heads = a.distance.grid = 2;
  a.distance.cell_px = 4.0;
  for (int l = 0; l < 2; ++l) {
    Tensor p({1, 2, 5, 5});
    for (int h = 0; h < 2; ++h)
      for (int i = 0; i < 5; ++i)
        for (int j = 0; j < 5; ++j)
          p.data[((h * 5) + i) * 5 + j] = j == 0 ? 0.2f : 0.1f * (j + l + h) / (4.0f + l + h) + 0.05f * (j == 4);
    a.probs.push_back(std::move(p));
  }
  return a;
}

TEST(FigureBuilders, AttentionGridNumbersLayersAndHeadsFromOne) {
  const AttentionImage a = toy_attention();
  const InputSpec spec{8, 2, 0.0f, 1.0f};
  const AttentionMaps maps{&a, "vit_p001", model_view(std::vector<float>(4 * 4, 1.0f), 4, spec), 8, -1, std::nullopt};
  ASSERT_EQ(maps.image.size(), 64u);
  EXPECT_EQ(maps.image[0], 0.0);                 // the zero pad
  EXPECT_EQ(maps.image[2 * 8 + 2], 1.0);         // the image, pad px in
  const Figure f = attention_grid_figure(maps, Language::En);
  ASSERT_TRUE(f.maps.has_value());
  EXPECT_EQ(f.maps->rows, 2);
  EXPECT_EQ(f.maps->cols, 2);
  EXPECT_EQ(f.x_ticks, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(f.y_ticks, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(f.x_label, "head");
  EXPECT_EQ(f.y_label, "layer: transformer block from 1");  // the attention grid: blocks only
  EXPECT_NE(f.how_to_read.find("ViT, 1 % of the data"), std::string::npos) << f.how_to_read;
  // Each map is the analysis' own (attention_map), coloured on its own scale.
  Result<Tensor> m = attention_map(a, 1, 0, false, -1);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(f.maps->panels[2].map, std::vector<double>(m->data.begin(), m->data.end()));
  EXPECT_EQ(f.maps->scale, MapScale::OwnMax);
  EXPECT_EQ(f.maps->value_label, "share of the map's largest weight");
  // One shared scale: the colour bar spans it; a patch's attention outlines that patch, named from 1.
  AttentionMaps shared = maps;
  shared.shared_max = 0.3;
  shared.patch = 3;
  const Figure g = attention_grid_figure(shared, Language::En);
  EXPECT_EQ(g.maps->scale, MapScale::Shared);
  EXPECT_EQ(g.maps->vmax, 0.3);
  EXPECT_EQ(g.maps->value_label, "attention weight");
  EXPECT_EQ(g.title.rfind("Where patch (row 2, column 2) looks", 0), 0u) << g.title;
  ASSERT_TRUE(g.maps->panels[0].box.has_value());
  EXPECT_EQ(*g.maps->panels[0].box, (std::array<double, 4>{4.0, 4.0, 8.0, 8.0}));
  // The enlarged map: one panel, its layer and head from 1; the rollout named as such.
  const Figure one = attention_map_figure(maps, 1, 0, false, Language::En);
  EXPECT_EQ(one.maps->rows * one.maps->cols, 1);
  EXPECT_NE(one.title.find("layer 2, head 1"), std::string::npos) << one.title;
  EXPECT_FALSE(one.x_label.empty());
  EXPECT_FALSE(one.y_label.empty());
  EXPECT_NE(attention_map_figure(maps, 0, 0, false, Language::Ko).title.find("1층, 1번 헤드"), std::string::npos);
  const Figure rollout = attention_map_figure(maps, 0, 0, true, Language::En);
  EXPECT_TRUE(rollout.maps->panels[0].map.empty()) << "no rollouts computed: the panel is left blank";
  EXPECT_EQ(rollout.how_to_read.rfind("Attention rollout:", 0), 0u) << "the rollout says what it is";
  EXPECT_EQ(attention_map_figure(maps, 0, 0, true, Language::Ko).how_to_read.rfind("어텐션 롤아웃:", 0), 0u);
}

TEST(FigureBuilders, MapsCsvNamesPanelsAndCellsFromOne) {
  const AttentionImage a = toy_attention();
  const AttentionMaps maps{&a, "vit_p100", {}, 8, -1, std::nullopt};
  const Figure f = attention_grid_figure(maps, Language::En);
  const std::string csv = maps_csv(f);
  EXPECT_EQ(csv.rfind("layer,head,patch_row,patch_column,attention\n", 0), 0u) << "named as the figure's axes";
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 2 * 2 * 4);  // header, then 4 panels x 4 cells
  EXPECT_NE(csv.find("\n2,1,2,2," + csv_number(f.maps->panels[2].map[3]) + "\n"), std::string::npos) << csv;
  EXPECT_EQ(maps_csv(Figure{}), "");
  // A single map has no panel columns.
  const std::string one = maps_csv(attention_map_figure(maps, 1, 0, false, Language::En));
  EXPECT_EQ(one.rfind("patch_row,patch_column,attention\n1,1,", 0), 0u) << one;
  EXPECT_EQ(std::count(one.begin(), one.end(), '\n'), 1 + 4);
}

// An ERF of a 4 x 4 input with its unit at (2, 2), TRF box rows / cols [1, 3).
Erf toy_erf(float peak) {
  Erf e;
  e.map = Tensor({4, 4});
  e.map.data[2 * 4 + 2] = peak;
  e.map.data[1 * 4 + 2] = peak / 4;
  e.field.centre_row = e.field.centre_col = 2.0;
  e.field.clipped = PixelBox{1, 1, 3, 3};
  e.summary.r50_px = 0.5;
  e.summary.r90_px = 1.5;
  return e;
}

// Kernels of 3 x 3 offsets (a 2 x 2 patch grid) for 2 layers x 3 heads: the weights, numbered from 1, the query's
// offset marked at the centre, one scale from 0 to 1.
TEST_F(FigureTest, BiasKernelsAreTheirWeightsWithTheCentreMarked) {
  BiasKernels k;
  k.layers = 2;
  k.heads = 3;
  for (int i = 0; i < 6; ++i) {
    Tensor t({3, 3});
    for (int j = 0; j < 9; ++j) t.data[j] = 0.1f * static_cast<float>(i - j);
    k.kernels.push_back(t);
  }
  const Figure f = bias_kernels_figure(k, "rvit_p010", Language::En);
  ASSERT_TRUE(f.maps.has_value());
  EXPECT_EQ(f.maps->rows, 2);
  EXPECT_EQ(f.maps->cols, 3);
  EXPECT_EQ(f.maps->map_side, 3);
  EXPECT_TRUE(f.maps->image.empty());
  EXPECT_EQ(f.maps->scale, MapScale::Shared);
  EXPECT_EQ(f.maps->vmax, 1.0);
  EXPECT_EQ(f.y_ticks, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(f.x_ticks, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_NE(f.title.find("ViT + rel. bias, 10 % of the data"), std::string::npos);
  ASSERT_EQ(f.maps->panels.size(), 6u);
  for (int i = 0; i < 6; ++i) {
    const Tensor w = relative_bias_weights(k.kernels[i]);
    EXPECT_EQ(f.maps->panels[i].map, std::vector<double>(w.data.begin(), w.data.end()));
    EXPECT_EQ(*std::max_element(f.maps->panels[i].map.begin(), f.maps->panels[i].map.end()), 1.0);
    ASSERT_TRUE(f.maps->panels[i].dot.has_value());
    EXPECT_EQ((*f.maps->panels[i].dot)[0], 1.5);
  }
  const Result<FigureImage> image = render_figure(f, fonts());
  ASSERT_TRUE(image.ok()) << image.error().message;
  EXPECT_GE(image->width, 1600);
}

TEST(FigureBuilders, ErfGridRowsInWordsColumnsFromOne) {
  const Erf a = toy_erf(2.0f), b = toy_erf(8.0f);
  const ErfRow rows[] = {{"cnn_p100", false, {&a, &b}, {false, true}, {"stem", "stages.0.0"}},
                         {"cnn_p100", true, {&a}, {false}, {"stem", "stages.0.0"}}};
  const Figure f = erf_grid_figure(rows, 100, Language::En);
  ASSERT_TRUE(f.maps.has_value());
  EXPECT_EQ(f.maps->rows, 2);
  EXPECT_EQ(f.maps->cols, 2);
  EXPECT_EQ(f.y_ticks, (std::vector<std::string>{"CNN, 100 % of the data", "CNN, untrained"}));
  EXPECT_EQ(f.x_ticks, (std::vector<std::string>{"stem", "1"}));
  EXPECT_EQ(f.x_label, "layer: block from 1 (emb, stem: before the first block)");
  EXPECT_EQ(maps_csv(f).rfind("model,layer,input_row,input_column,erf\n\"CNN, 100 % of the data\",stem,1,1,", 0), 0u)
      << maps_csv(f).substr(0, 120);
  EXPECT_EQ(f.maps->scale, MapScale::OwnMaxSqrt);
  EXPECT_NE(f.how_to_read.find("100 test images"), std::string::npos);
  ASSERT_TRUE(f.maps->panels[0].box.has_value());
  EXPECT_EQ(*f.maps->panels[0].box, (std::array<double, 4>{1.0, 1.0, 3.0, 3.0}));
  EXPECT_FALSE(f.maps->panels[1].box.has_value()) << "a global TRF has no box";
  EXPECT_TRUE(f.maps->panels[3].map.empty()) << "the untrained row has one layer: the second panel is blank";
  EXPECT_EQ(f.maps->panels[1].map[2 * 4 + 2], 8.0);
  // The view's single map: the unit named from 1, its r90 / r50 circles.
  const Figure one = erf_map_figure({&a, false, "vit_p100", "3", {}, 1, 0.75}, Language::En);
  EXPECT_NE(one.title.find("unit (row 1, column 1), layer 3 (ViT, 100 % of the data)"), std::string::npos)
      << one.title;
  EXPECT_EQ(one.maps->panels[0].rings, (std::vector<double>{1.5, 0.5}));
  EXPECT_NE(one.how_to_read.find("for the image shown"), std::string::npos);
}

TEST(FigureBuilders, CalculatorFigureNamesEachConvolution) {
  const ConvGeometry stack[] = {{3, 1, 1, 1}, {3, 2, 2, 2}};
  TheoreticalRf r1, r2;
  r1.size_px = 3;
  r2.size_px = 7;
  r2.jump_px = 2;
  const TheoreticalRf rows[] = {r1, r2};
  const Figure f = rf_calculator_figure(stack, rows, 32, Language::En);
  EXPECT_EQ(f.x_ticks, (std::vector<std::string>{"1: k3 s1", "2: k3 s2 d2"}));
  ASSERT_EQ(f.series.size(), 2u);
  EXPECT_EQ(f.series[0].y, (std::vector<double>{3, 7}));
  EXPECT_EQ(f.series[1].y, (std::vector<double>{1, 2}));
  ASSERT_EQ(f.levels.size(), 1u);
  EXPECT_EQ(f.levels[0].name, "image side (32 px)");
}

// The position embeddings' similarity: one map on a fixed scale -1..1, the patch outlined, its cells numbered from
// 1 along the edges; or every patch's map where the patch lies. Its CSV names the patches' rows and columns.
TEST_F(FigureTest, PositionSimilarityOnAFixedScaleWithThePatchOutlined) {
  std::vector<Tensor> maps;
  for (int p = 0; p < 4; ++p) {
    Tensor t({2, 2});
    for (int q = 0; q < 4; ++q) t.data[q] = p == q ? 1.0f : -0.5f;
    maps.push_back(t);
  }
  const Figure one = position_similarity_figure(maps[3], 2, 3, "vit_p100", Language::En);
  ASSERT_TRUE(one.maps.has_value());
  EXPECT_EQ(one.maps->rows * one.maps->cols, 1);
  EXPECT_EQ(one.maps->scale, MapScale::Shared);
  EXPECT_EQ(one.maps->vmin, -1.0);
  EXPECT_EQ(one.maps->vmax, 1.0);
  EXPECT_EQ(one.maps->value_label, "cosine similarity");
  EXPECT_EQ(*one.maps->panels[0].box, (std::array<double, 4>{1.0, 1.0, 2.0, 2.0}));
  EXPECT_NE(one.title.find("row 2, column 2"), std::string::npos) << one.title;
  EXPECT_NE(one.title.find("ViT, 100 % of the data"), std::string::npos) << one.title;
  EXPECT_EQ(one.x_label, "patch column (1 = left)");
  EXPECT_EQ(maps_csv(one), "patch_row,patch_column,cosine_similarity\n1,1,-0.5\n1,2,-0.5\n2,1,-0.5\n2,2,1\n");
  EXPECT_NE(position_similarity_figure(maps[3], 2, 3, "vit_p100", Language::Ko).title.find("2행, 2열"),
            std::string::npos);
  const Figure all = position_similarity_grid_figure(maps, 2, "vit_p100", Language::En);
  EXPECT_EQ(all.maps->rows, 2);
  EXPECT_EQ(all.maps->cols, 2);
  EXPECT_EQ(all.x_ticks, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(*all.maps->panels[1].box, (std::array<double, 4>{1.0, 0.0, 2.0, 1.0}));
  const std::string csv = maps_csv(all);
  EXPECT_EQ(csv.rfind("outlined_row,outlined_column,patch_row,patch_column,cosine_similarity\n1,1,1,1,1\n", 0), 0u)
      << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 4 * 4);
  for (const Figure* f : {&one, &all}) {
    const Result<FigureImage> image = render_figure(*f, fonts());
    ASSERT_TRUE(image.ok()) << image.error().message;
    EXPECT_GE(image->width, 1600);
  }
}

// A single map is centred in the width (no third of the picture left empty on the right) and its cells are numbered
// under it: ink below the map's left cell, and as much blank margin on its left as on the colour bar's right.
TEST_F(FigureTest, SingleMapIsCentredWithItsCellsNumbered) {
  Tensor t({7, 7});
  for (int q = 0; q < 49; ++q) t.data[q] = 0.02f * q - 0.5f;
  const Figure f = position_similarity_figure(t, 7, 24, "vit_p100", Language::En);
  const Result<FigureImage> image = render_figure(f, fonts());
  ASSERT_TRUE(image.ok()) << image.error().message;
  // Columns holding any non-white pixel in the lower half (the map, its numbers and the colour bar; no title).
  const int w = image->width, h = image->height;
  int first = w, last = -1;
  for (int y = h / 2; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const uint8_t* p = &image->rgb[(static_cast<size_t>(y) * w + x) * 3];
      if (p[0] < 200 || p[1] < 200 || p[2] < 200) {
        first = std::min(first, x);
        last = std::max(last, x);
      }
    }
  EXPECT_LT(std::abs(first - (w - 1 - last)), w / 8) << "left margin " << first << ", right margin " << w - 1 - last;
}

TEST_F(FigureTest, MapGridDrawsPanelsAndAColourBar) {
  const Erf a = toy_erf(2.0f);
  const ErfRow rows[] = {{"vit_p100", false, {&a, &a, &a}, {false, false, true}}};
  Figure f = erf_grid_figure(rows, 10, Language::En);
  Result<FigureImage> im = render_figure(f, fonts());
  ASSERT_TRUE(im.ok()) << im.error().message;
  EXPECT_GE(im->width, kFigureMinWidth);
  // Shared scale over (0, 1) with values inside (0.3, 0.6): only the colour bar holds the colour map's top and bottom.
  f.maps->scale = MapScale::Shared;
  f.maps->vmax = 1.0;
  for (Panel& p : f.maps->panels) std::fill(p.map.begin(), p.map.end(), 0.45);
  Result<FigureImage> bar = render_figure(f, fonts());
  ASSERT_TRUE(bar.ok());
  int top = 0, bottom = 0, mid = 0;
  for (size_t i = 0; i + 2 < bar->rgb.size(); i += 3) {
    top += near(&bar->rgb[i], colormap(1.0f));
    bottom += near(&bar->rgb[i], colormap(0.0f));
    mid += near(&bar->rgb[i], colormap(0.45f));
  }
  EXPECT_GT(top, 20);
  EXPECT_GT(bottom, 20);
  EXPECT_GT(mid, 3 * 100 * 100) << "the three panels in the colour of 0.45";
  // Panels, image or maps that do not match the grid's sizes are errors.
  Figure bad = f;
  bad.maps->panels.pop_back();
  EXPECT_FALSE(render_figure(bad, fonts()).ok());
  bad = f;
  bad.maps->image = {0.5};
  EXPECT_FALSE(render_figure(bad, fonts()).ok());
  bad = f;
  bad.maps->panels[0].map.push_back(1.0);
  EXPECT_FALSE(render_figure(bad, fonts()).ok());
}

TEST_F(FigureTest, TitlesNeverBreakBetweenANumberAndItsPercent) {
  // Find a title whose line ends right after a number, then check that "%" stays with it.
  Figure f = line_figure("");
  bool broke_at_number = false;
  for (int n = 1; n < 120 && !broke_at_number; ++n) {
    f.title = std::string(static_cast<size_t>(n), 'x') + " The share of the data is 100 % and then more words";
    Result<std::vector<std::string>> lines = title_lines(f, fonts());
    ASSERT_TRUE(lines.ok());
    for (size_t i = 0; i + 1 < lines->size(); ++i) {
      EXPECT_NE((*lines)[i + 1].rfind("%", 0), 0u) << "a line starts with %: " << (*lines)[i + 1];
      broke_at_number |= (*lines)[i].ends_with("100 %");
    }
  }
  EXPECT_TRUE(broke_at_number) << "no title put a line end at \"100 %\"";
  EXPECT_FALSE(title_lines(f, fonts(), 1000).ok());
}

TEST(FigureBuilders, PredictionsSideBySideWithClassesInWords) {
  const std::vector<double> vit = {0.7, 0.2, 0.1}, cnn = {0.1, 0.1, 0.8};
  const Measured<std::vector<double>> models[] = {{"vit_p100", &vit}, {"cnn_p001", &cnn}};
  const std::vector<std::string> classes = {"T-shirt/top", "Trouser", "Bag, small"};
  const Figure f = predictions_figure(models, classes, 2, Language::En);
  ASSERT_TRUE(f.heatmap.has_value());
  EXPECT_EQ(f.x_ticks, (std::vector<std::string>{"ViT, 100 % of the data", "CNN, 1 % of the data"}));
  EXPECT_EQ(f.y_ticks, classes);
  EXPECT_EQ(f.heatmap->rows, 3);
  EXPECT_EQ(f.heatmap->cols, 2);
  EXPECT_DOUBLE_EQ(f.heatmap->values[2 * 2 + 1], 80.0);  // cnn's "Bag, small", in %
  EXPECT_EQ(f.heatmap->vmax, 100.0);
  EXPECT_EQ(f.heatmap->value_label, "probability, %");
  EXPECT_NE(f.how_to_read.find("true class: Bag, small."), std::string::npos) << f.how_to_read;
  EXPECT_EQ(predictions_figure(models, classes, -1, Language::En).how_to_read.find("true class"), std::string::npos);
  const std::string csv = predictions_csv(models, classes);
  EXPECT_EQ(csv.rfind("model,label,class_name,probability\nvit_p100,0,T-shirt/top,0.7\n", 0), 0u) << csv;
  EXPECT_NE(csv.find("\ncnn_p001,2,\"Bag, small\",0.8\n"), std::string::npos) << csv;
}

}  // namespace
}  // namespace vc
