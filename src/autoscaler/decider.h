// The KPA decision (knative-spec.md §2.5; Knative's scaling.autoscaler.Scale): a pure function
// from a spec, what was observed and the decider's state to a new state and a decision.
//
//   R       = max(1, ready)
//   maxUp   = ceil(max-scale-up-rate · R)
//   maxDown = reachable ? floor(R / max-scale-down-rate) : 0
//   dspc    = ceil(stable / target);  dppc = ceil(panic / target)
//   stable desired = clamp(dspc, maxDown, maxUp), panic desired likewise; raised to
//                    activation-scale when > 1 and the unclamped count is > 0
//   panic: starts or is extended (panic_time = now) on every tick with dppc / R ≥ threshold;
//          ends on the first tick below threshold more than a stable window after panic_time
//   desired = stable; in panic max(stable, panic) and never below the panic's high-water mark
//   scale-down-delay (reachable only): desired = max over the last delay (2 s slots)
//   EBC     = TBC == 0 ? 0 : TBC < 0 ? -1 : floor(ready · total − TBC − panic)
//
// Everything is passed in, including `now`; nothing here reads a clock or does I/O.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "autoscaler/spec.h"
#include "autoscaler/timing.h"

namespace ebb::autoscaler {

// A running maximum over the last `length` of time in 2 s slots (Knative's max.TimeWindow):
// the scale-down-delay window. Empty (length 0) means no delay.
class MaxWindow {
 public:
  MaxWindow() = default;
  explicit MaxWindow(Seconds length);

  // Records `value` at t and returns the maximum recorded in the slots of the last `length`,
  // t's slot included.
  std::int32_t RecordAndMax(Time t, std::int32_t value);
  Seconds length() const { return Seconds(slots_ * kTickInterval.count()); }

 private:
  struct Entry {
    std::int64_t slot;
    std::int32_t value;
  };
  std::int64_t slots_ = 0;
  std::deque<Entry> maxima_;  // slots ascending, values strictly descending
};

struct DeciderState {
  std::optional<Time> panic_time;  // set while in panic: the last tick over the threshold
  std::int32_t max_panic_pods = 0;
  MaxWindow delay_window;
  // The decider's last valid decision (Knative's Decider status).
  std::int32_t desired_scale = -1;  // -1 = unknown yet
  std::int32_t excess_burst_capacity = 0;
};

// The state of a decider created at `now` with `ready_pods` ready (Knative's New + the
// MultiScaler's initial status): desired -1; EBC = TBC when TBC is -1 or 0, else
// initial-scale · total − TBC; in panic holding `ready_pods` when more than one is ready, so
// that an autoscaler restart does not scale a busy revision down before it has history.
DeciderState InitialDeciderState(const AutoscalerSpec& spec, std::int32_t ready_pods, Time now);

// Keeps the history that still applies after the spec changed (the delay window is rebuilt
// when scale-down-delay changed).
DeciderState UpdateDeciderState(DeciderState state, const AutoscalerSpec& old_spec,
                                const AutoscalerSpec& new_spec);

struct Observation {
  Time now;
  std::int32_t ready_pods = 0;
  bool reachable = true;  // routed to by some Route
  double stable = 0;      // observed value of the spec's metric over the stable window
  double panic = 0;       // ... over the panic window
};

struct ScaleResult {
  std::int32_t desired_scale = 0;
  std::int32_t excess_burst_capacity = 0;
  bool panicking = false;
  std::int32_t stable_desired = 0;  // clamped (and activation-scaled) stable pod count
  std::int32_t panic_desired = 0;   // clamped (and activation-scaled) panic pod count
  bool operator==(const ScaleResult&) const = default;
};

struct DeciderStep {
  DeciderState state;
  ScaleResult result;
};

DeciderStep Decide(const AutoscalerSpec& spec, DeciderState state, const Observation& obs);

// Excess burst capacity for `ready_pods` ready and the observed panic value.
std::int32_t ExcessBurstCapacity(const AutoscalerSpec& spec, std::int32_t ready_pods, double panic);

}  // namespace ebb::autoscaler
