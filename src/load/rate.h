// The request rate of an open-loop attack and the schedule it implies.
//
// Rate is Vegeta's -rate: "50/1s", "50/s", "1000/1m", "50" (per second), "0" or "infinity"
// (as fast as possible: only valid with a concurrency limit, which makes the attack closed-loop).
// The schedule is exact and drift-free: hit i (0-based) is due at i * per / freq after the
// start, computed in integers, so a late hit never shifts the ones after it. Latency is measured
// from that scheduled time, not from when the request was actually written, so a slow server
// cannot hide its queueing from the report (no coordinated omission).
// Pure; any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "load/duration.h"

namespace ebb::load {

struct Rate {
  std::int64_t freq = 0;  // hits per `per`; 0 = unlimited
  Nanos per{std::chrono::seconds(1)};
  bool unlimited() const { return freq == 0; }
  double PerSecond() const;
};

Result<Rate> ParseRate(std::string_view text);

// The open-loop schedule of a Rate (must not be unlimited).
class Pacer {
 public:
  explicit Pacer(Rate rate) : rate_(rate) {}

  // When hit `i` is due, as an offset from the attack's start.
  Nanos SendOffset(std::uint64_t i) const;
  // How many hits are due strictly before `duration` (Vegeta stops at the duration).
  std::uint64_t HitsWithin(Nanos duration) const;
  // How many hits are due at or before `elapsed` (the first is due at 0).
  std::uint64_t HitsDueBy(Nanos elapsed) const;

 private:
  Rate rate_;
};

}  // namespace ebb::load
