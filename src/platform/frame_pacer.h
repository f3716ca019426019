// When the lab draws a frame: only when something can change what is shown. Input events, a resize, a fetch
// answer, a link applied or a file opened wake the pacer; a frame whose lab still has work (a running job, a tab
// switch pending, queued input not yet handed to ImGui) keeps it awake. After the last wake or busy frame it keeps
// drawing for a settle period of at least kSettleFrames frames and kSettleSeconds (ImGui's hover state, a click's
// effect, layouts that take a frame or two to settle), then asks for nothing until the next wake. Pure logic, with
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
  bool should_draw(double now_s) const { return woken_ || settle_frames_ > 0 || now_s < settle_until_s_; }
  // After a drawn frame: busy = the lab wants more frames. A wake or a busy frame starts the settle period anew.
  void drawn(double now_s, bool busy) {
    if (woken_ || busy) {
      settle_frames_ = kSettleFrames;
      settle_until_s_ = now_s + kSettleSeconds;
    } else if (settle_frames_ > 0) {
      --settle_frames_;
    }
    woken_ = false;
  }

 private:
  bool woken_ = true;  // the first frames are due
  int settle_frames_ = 0;
  double settle_until_s_ = 0.0;
};

}  // namespace vc
