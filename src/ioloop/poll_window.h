// The busy-poll window of an event loop (Loop::SetBusyPoll), adapted to how long the answers
// it waits for take.
#pragma once

#include <chrono>

namespace ebb::ioloop {

// The window after a wait that the poll did not catch: it polled `window`, found nothing,
// slept, and its next event came `waited` after the poll began. As Linux's haltpoll cpuidle
// governor adapts its own poll: an event within `max` (a longer poll would have caught it and
// saved the sleep and the wake-up) doubles the window, from max / 8 when it was off; a longer
// wait (no poll within `max` could have caught it) halves it, down to off (0) below max / 16.
// So an app that answers in 150 us gets polled for up to 200 us, and one that takes
// milliseconds costs no polling at all.
constexpr std::chrono::nanoseconds NextPollWindow(std::chrono::nanoseconds window,
                                                  std::chrono::nanoseconds waited,
                                                  std::chrono::nanoseconds max) {
  if (max <= max.zero()) return max.zero();
  if (waited <= window) return window;
  if (waited <= max) {
    auto grown = window == window.zero() ? max / 8 : window * 2;
    return grown < max ? grown : max;
  }
  auto shrunk = window / 2;
  return shrunk < max / 16 ? max.zero() : shrunk;
}

}  // namespace ebb::ioloop
