// Time-weighted concurrency of one revision as seen by one worker (Knative §3.5 / §4.3).
//
// Every request counts from its arrival at the gateway (parked time included) to its end.
// Between two Take() calls the accumulator integrates in-flight × time, so that
// area / window = the average concurrency, and counts arrivals. One accumulator per revision
// per worker; the gateway sums them across workers when the lead collects (every 1 s).
//
// Thread-safety: none; owned by one worker. Times are passed in so tests use fake time.
#pragma once

#include <chrono>
#include <cstdint>

namespace ebb::gateway {

struct LoadWindow {
  double average_concurrency = 0;  // in-flight requests, averaged over the window
  std::uint64_t requests = 0;      // arrivals in the window
  int in_flight = 0;               // at the end of the window
};

class LoadAccumulator {
 public:
  using Time = std::chrono::steady_clock::time_point;

  explicit LoadAccumulator(Time start = {}) : window_start_(start), last_change_(start) {}

  void Arrive(Time now) {
    Advance(now);
    ++in_flight_;
    ++requests_;
  }
  void Depart(Time now) {
    Advance(now);
    --in_flight_;
  }
  // Closes the window ending at `now` and opens the next one.
  LoadWindow Take(Time now);

 private:
  void Advance(Time now);

  Time window_start_;
  Time last_change_;
  double area_ = 0;  // in-flight × seconds since window_start_
  int in_flight_ = 0;
  std::uint64_t requests_ = 0;
};

}  // namespace ebb::gateway
