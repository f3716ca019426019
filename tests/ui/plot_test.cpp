// The screen's colormap (ui/plot.h viridis) is the slide figures' (figures/figure.h colormap): one viridis table.
#include <gtest/gtest.h>

#include "figures/figure.h"
#include "ui/plot.h"

namespace vc {
namespace {

TEST(Plot, TheScreensViridisIsTheSlideFiguresColormapWithAlpha) {
  for (float t : {-1.0f, 0.0f, 0.1f, 0.125f, 0.37f, 0.5f, 0.9f, 1.0f, 2.0f}) {
    const Rgb c = colormap(t);
    EXPECT_EQ(viridis(t, 1.0f), IM_COL32(c.r, c.g, c.b, 255)) << t;
    EXPECT_EQ(viridis(t, 0.0f), IM_COL32(c.r, c.g, c.b, 0)) << t;
  }
  // matplotlib's viridis at its ends.
  EXPECT_EQ(viridis(0.0f, 1.0f), IM_COL32(0x44, 0x01, 0x54, 255));
  EXPECT_EQ(viridis(1.0f, 1.0f), IM_COL32(0xFD, 0xE7, 0x25, 255));
}

}  // namespace
}  // namespace vc
