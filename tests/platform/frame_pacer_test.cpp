// FramePacer (platform/frame_pacer.h): which chances to draw become frames, driven with a made-up clock.
#include "platform/frame_pacer.h"

#include <gtest/gtest.h>

#include <cmath>

namespace vc {
namespace {

constexpr double kFrame = 1.0 / 60.0;  // seconds between chances to draw

// Offers the pacer a chance to draw every kFrame seconds from *now_s for `seconds`, drawing when it asks (busy and
// hold as given); returns how many frames it drew; *held (when given) counts the chances it declined while holding.
// *now_s advances.
int run(FramePacer& pacer, double* now_s, double seconds, bool busy = false, double hold_s = 0.0,
        int* held = nullptr) {
  int drawn = 0;
  for (const double end = *now_s + seconds; *now_s < end; *now_s += kFrame) {
    if (!pacer.should_draw(*now_s)) {
      if (held) *held += pacer.holding(*now_s);
      continue;
    }
    pacer.drawn(*now_s, busy, hold_s);
    ++drawn;
  }
  return drawn;
}

TEST(FramePacer, DrawsAtStartThenSettlesAndStops) {
  FramePacer pacer;
  double now = 0.0;
  EXPECT_TRUE(pacer.should_draw(now));
  // The settle period: at least kSettleSeconds of frames, then nothing.
  const int settling = run(pacer, &now, 2.0);
  EXPECT_GE(settling, FramePacer::kSettleSeconds / kFrame);
  EXPECT_LE(settling, FramePacer::kSettleSeconds / kFrame + 2);
  EXPECT_FALSE(pacer.should_draw(now));
  EXPECT_EQ(run(pacer, &now, 10.0), 0);
}

TEST(FramePacer, AWakeDrawsAgainForTheSettlePeriod) {
  FramePacer pacer;
  double now = 0.0;
  run(pacer, &now, 2.0);
  pacer.wake();
  EXPECT_TRUE(pacer.should_draw(now));
  const int drawn = run(pacer, &now, 2.0);
  EXPECT_GE(drawn, FramePacer::kSettleSeconds / kFrame);
  EXPECT_LE(drawn, FramePacer::kSettleSeconds / kFrame + 2);
  EXPECT_FALSE(pacer.should_draw(now));
}

TEST(FramePacer, SlowFramesStillGetTheSettleFrames) {
  // Frames slower than the whole settle period (software GL, a huge canvas): the frame count still holds.
  FramePacer pacer;
  double now = 0.0;
  int drawn = 0;
  for (; pacer.should_draw(now); now += 2 * FramePacer::kSettleSeconds) {
    pacer.drawn(now, false);
    ++drawn;
  }
  EXPECT_EQ(drawn, 1 + FramePacer::kSettleFrames);
}

TEST(FramePacer, BusyFramesKeepDrawingThenSettle) {
  FramePacer pacer;
  double now = 0.0;
  run(pacer, &now, 2.0);
  // A running job: every chance becomes a frame, however long it runs.
  pacer.wake();
  const double job_s = 5.0;
  EXPECT_GE(run(pacer, &now, job_s, true), job_s / kFrame - 1);
  // Once it finished, the settle period, then idle.
  EXPECT_GE(run(pacer, &now, 2.0), FramePacer::kSettleSeconds / kFrame);
  EXPECT_FALSE(pacer.should_draw(now));
}

// A busy frame that holds the next one back (the job thread's progress): a frame per hold instead of one per chance,
// the loop told to keep going meanwhile; a wake draws at once; once the work ends, the settle period, then idle.
TEST(FramePacer, AHoldSpacesBusyFramesUntilAWake) {
  FramePacer pacer;
  double now = 0.0;
  run(pacer, &now, 2.0);
  pacer.wake();
  int held = 0;
  const double start = now;
  const int drawn = run(pacer, &now, 1.0, true, 0.1, &held);
  EXPECT_GE(drawn, 8);
  EXPECT_LE(drawn, 11);
  EXPECT_EQ(drawn + held, static_cast<int>(std::lround((now - start) / kFrame)));  // every other chance was a hold
  EXPECT_FALSE(pacer.should_draw(now + kFrame / 2));
  pacer.wake();
  EXPECT_TRUE(pacer.should_draw(now + kFrame / 2));
  now += kFrame;
  pacer.drawn(now, false);
  EXPECT_GE(run(pacer, &now, 2.0), FramePacer::kSettleSeconds / kFrame - 1);
  EXPECT_FALSE(pacer.should_draw(now));
  EXPECT_FALSE(pacer.holding(now));
}

TEST(FramePacer, InputDuringTheSettlePeriodExtendsIt) {
  FramePacer pacer;
  double now = 0.0;
  run(pacer, &now, 2.0);
  // A mouse moving for a second, one event per chance to draw: every chance becomes a frame.
  for (const double end = now + 1.0; now < end; now += kFrame) {
    pacer.wake();
    ASSERT_TRUE(pacer.should_draw(now));
    pacer.drawn(now, false);
  }
  // After the last event, one settle period more, then idle.
  const int settling = run(pacer, &now, 2.0);
  EXPECT_GE(settling, FramePacer::kSettleSeconds / kFrame - 1);
  EXPECT_LE(settling, FramePacer::kSettleSeconds / kFrame + 1);
  EXPECT_FALSE(pacer.should_draw(now));
}

}  // namespace
}  // namespace vc
