// When the lab draws a frame: only when something can change what is shown. Input events, a resize, a fetch
// answer, a link applied or a file opened wake the pacer; a frame whose lab still has work (a running job, a tab
// switch pending, queued input not yet handed to ImGui) keeps it awake. After the last wake or busy frame it keeps
// drawing for a settle period of at least kSettleFrames frames and kSettleSeconds (ImGui's hover state, a click's
// effect, layouts that take a frame or two to settle), then asks for nothing until the next wake. A busy frame may
// hold the next one back (the lab computing on its job thread while nobody uses it only shows progress: a few frames
// a second leave the cores to the computation); a wake ends the hold. Pure logic, with
// the time passed in: the web page and the desktop app share it through Shell, and tests drive it with any clock.
#pragma once

namespace vc {

class FramePacer {
 public:
  static constexpr int kSettleFrames = 6;
  static constexpr double kSettleSeconds = 0.5;

  // Something may change what is shown: draw from the next chance on.
  void wake() { woken_ = true; }
  // Whether a frame is due at time now_s (seconds, any monotonic clock).
  bool should_draw(double now_s) const {
    return woken_ || (!holding(now_s) && (settle_frames_ > 0 || now_s < settle_until_s_));
  }
  // Whether frames are held back until a time after now_s (drawn's hold_s): none is due now, one will be without a
  // wake, so the platform keeps its loop going (the page) or waits no longer than the hold (the desktop).
  bool holding(double now_s) const { return now_s < hold_until_s_; }
  double hold_until_s() const { return hold_until_s_; }
  // After a drawn frame: busy = the lab wants more frames. A wake or a busy frame starts the settle period anew.
  // hold_s > 0: the next frame is not due before hold_s from now unless a wake comes first (a busy lab that only
  // shows progress).
  void drawn(double now_s, bool busy, double hold_s = 0.0) {
    if (woken_ || busy) {
      settle_frames_ = kSettleFrames;
      settle_until_s_ = now_s + kSettleSeconds + hold_s;
    } else if (settle_frames_ > 0) {
      --settle_frames_;
    }
    hold_until_s_ = now_s + hold_s;
    woken_ = false;
  }

 private:
  bool woken_ = true;  // the first frames are due
  int settle_frames_ = 0;
  double settle_until_s_ = 0.0;
  double hold_until_s_ = 0.0;
};

}  // namespace vc
