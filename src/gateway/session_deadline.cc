// The session watchdog: one timer per connection, re-armed lazily.
#include "gateway/session.h"

namespace ebb::gateway {

void Session::SetDeadline(SteadyTime deadline) {
  deadline_ = deadline;
  // A wait that fires no later than the new deadline re-checks deadline_ when it fires.
  if (deadline >= armed_at_ || phase_ == Phase::kClosed) return;
  armed_at_ = deadline;
  timer_.Arm(deadline);
}

void Session::OnTimer() {
  if (phase_ == Phase::kClosed) return;
  armed_at_ = SteadyTime::max();
  if (std::chrono::steady_clock::now() < deadline_) {
    SetDeadline(deadline_);
    return;
  }
  deadline_ = SteadyTime::max();
  Expire();
}

void Session::Expire() {
  switch (phase_) {
    case Phase::kIdle:
    case Phase::kHead:  // idle keep-alive connection, or a head dribbling in: cut
      client_.Close();
      break;
    case Phase::kParked:
      timed_out_ = true;
      park_event_.Notify();
      break;
    case Phase::kConnect:
      // Past the request deadline it is a timeout; before, only the connect attempt expired
      // and the request may try another instance.
      if (std::chrono::steady_clock::now() >= RequestDeadline()) timed_out_ = true;
      upstream_.Close();
      break;
    case Phase::kExchange:
    case Phase::kTunnel:
      timed_out_ = true;
      upstream_.Close();
      // Nothing written yet: keep the client for the 504, but stop a body pump reading it.
      if (wrote_response_) {
        client_.Close();
      } else {
        client_.Cancel();
      }
      break;
    case Phase::kClosed:
      break;
  }
}

}  // namespace ebb::gateway
