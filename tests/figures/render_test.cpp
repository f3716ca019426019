// The slide figures' renderer (figures/render.h) and the Representations view's figure builders
// (figures/representation_figures.h), drawn with the lab's subset fonts (VITCNN_FONTS_DIR).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "figures/attention_figures.h"
#include "figures/compare_figures.h"
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

TEST(FigureBuilders, CkaHasWordsNumbersFromOneAndAColourBar) {
  CkaResult r{{"embed", "blocks.0", "blocks.1"}, {"stem", "stages.0.0"}, {1, 0.5, 0.5, 1, 0.2, 0.3}, 200, 100};
  const Figure f = cka_figure(r, "vit_p100", "cnn_p001", Language::En);
  EXPECT_NE(f.title.find("ViT, 100 % of the data"), std::string::npos) << f.title;
  EXPECT_NE(f.title.find("CNN, 1 % of the data"), std::string::npos) << f.title;
  EXPECT_NE(f.how_to_read.find("200 test images"), std::string::npos) << f.how_to_read;
  EXPECT_NE(f.y_label.find("ViT, 100 % of the data"), std::string::npos);
  EXPECT_NE(f.x_label.find("CNN, 1 % of the data"), std::string::npos);
  EXPECT_EQ(f.y_ticks, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(f.x_ticks, (std::vector<std::string>{"1", "2"}));
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
  const Measured<Equivariance> eq[] = {{"vit_p001", &e}};
  const Figure f4 = equivariance_figure(eq, 4, Language::En);
  ASSERT_EQ(f4.series.size(), 1u);
  EXPECT_EQ(f4.series[0].name, "ViT, 1 % of the data");
  EXPECT_EQ(f4.series[0].y, (std::vector<double>{50.0, 12.5}));  // in %
  EXPECT_NE(f4.title.find("4 px"), std::string::npos);
  const Figure f1 = equivariance_figure(eq, 1, Language::En);
  EXPECT_TRUE(std::isnan(f1.series[0].y[0]) && std::isnan(f1.series[0].y[1]));  // 1 px: no whole cell
  EXPECT_EQ(f4.x_ticks, (std::vector<std::string>{"1", "2"}));
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
  const RfCurves models[] = {{"cnn_p100", false, {3, 7, 15}, {1.0, 2.5, 4.0}, {0.5, 1.0, 2.0}},
                             {"cnn_p100", true, {}, {1.5, 3.0, 6.0}, {}}};
  const Figure f = rf_growth_figure(models, 32, 100, Language::En);
  ASSERT_EQ(f.series.size(), 4u);  // box, 2 r90, 2 r50 of the trained; 2 r90 of the untrained
  EXPECT_EQ(f.series[0].name, "CNN, 100 % of the data: box (theoretical)");
  EXPECT_EQ(f.series[1].name, "CNN, 100 % of the data: 2 r90 (effective)");
  EXPECT_EQ(f.series[1].y, (std::vector<double>{2.0, 5.0, 8.0}));  // diameters
  EXPECT_EQ(f.series[3].name, "CNN, untrained: 2 r90 (effective)");
  EXPECT_TRUE(f.series[3].dashed);
  EXPECT_EQ(f.x_ticks, (std::vector<std::string>{"1", "2", "3"}));
  ASSERT_EQ(f.levels.size(), 1u);
  EXPECT_EQ(f.levels[0].y, 32.0);
  EXPECT_NE(f.how_to_read.find("100 test images"), std::string::npos);
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

}  // namespace
}  // namespace vc
