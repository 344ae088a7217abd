// Time as the autoscaler sees it: monotonic instants (Clock::Steady() in production, a FakeClock's
// Steady() in tests) passed in explicitly by the caller; nothing in src/autoscaler reads a clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace ebb::autoscaler {

using Time = std::chrono::steady_clock::time_point;
using Duration = std::chrono::steady_clock::duration;  // nanoseconds on Linux
using Seconds = std::chrono::seconds;

// Bucket granularity of the metric windows and of the scale-down-delay window's clock.
inline constexpr Seconds kBucket{1};
// How often the caller is expected to call Tick (Knative's decision interval).
inline constexpr Seconds kTickInterval{2};

// Whole seconds since the clock's epoch, rounded down: the absolute index of t's 1 s bucket.
inline std::int64_t SecondIndex(Time t) {
  return std::chrono::floor<Seconds>(t.time_since_epoch()).count();
}

inline double ToSeconds(Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace ebb::autoscaler
