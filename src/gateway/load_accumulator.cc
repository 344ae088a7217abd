#include "gateway/load_accumulator.h"

namespace ebb::gateway {

void LoadAccumulator::Advance(Time now) {
  // Events may be stamped a little out of order by the caller; never integrate backwards.
  if (now <= last_change_) return;
  area_ += in_flight_ * std::chrono::duration<double>(now - last_change_).count();
  last_change_ = now;
}

LoadWindow LoadAccumulator::Take(Time now) {
  Advance(now);
  double seconds = std::chrono::duration<double>(now - window_start_).count();
  LoadWindow window;
  window.average_concurrency = seconds > 0 ? area_ / seconds : in_flight_;
  window.requests = requests_;
  window.in_flight = in_flight_;
  area_ = 0;
  requests_ = 0;
  window_start_ = now > last_change_ ? now : last_change_;
  return window;
}

}  // namespace ebb::gateway
