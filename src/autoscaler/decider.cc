#include "autoscaler/decider.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ebb::autoscaler {
namespace {

// Pod counts are int32 as in Knative; a huge observed value or scale-up rate saturates.
std::int32_t ToPods(double x) {
  constexpr double kMax = std::numeric_limits<std::int32_t>::max();
  return static_cast<std::int32_t>(std::clamp(x, -kMax, kMax));
}

std::int64_t SlotOf(Time t) { return SecondIndex(t) / kTickInterval.count(); }

// Panic starts (or is extended) on every tick over the threshold and ends only after a whole
// stable window without one: by then the surge is part of the stable average.
void UpdatePanic(const AutoscalerSpec& spec, DeciderState& state, bool over_threshold, Time now) {
  if (over_threshold) {
    state.panic_time = now;
  } else if (state.panic_time && now > *state.panic_time + spec.stable_window) {
    state.panic_time.reset();
    state.max_panic_pods = 0;
  }
}

// Activation scale lifts any non-zero count so that a cold revision comes up with enough
// instances at once.
std::int32_t ApplyActivationScale(const AutoscalerSpec& spec, double unclamped,
                                  std::int32_t count) {
  if (spec.activation_scale > 1 && unclamped > 0) return std::max(count, spec.activation_scale);
  return count;
}

}  // namespace

MaxWindow::MaxWindow(Seconds length)
    : slots_((length.count() + kTickInterval.count() - 1) / kTickInterval.count()) {}

// Ascending-minima deque: an entry smaller than a newer one can never be the maximum again.
std::int32_t MaxWindow::RecordAndMax(Time t, std::int32_t value) {
  std::int64_t slot = SlotOf(t);
  while (!maxima_.empty() && maxima_.back().value <= value) maxima_.pop_back();
  while (!maxima_.empty() && maxima_.front().slot <= slot - slots_) maxima_.pop_front();
  maxima_.push_back({slot, value});
  return maxima_.front().value;
}

std::int32_t ExcessBurstCapacity(const AutoscalerSpec& spec, std::int32_t ready_pods,
                                 double panic) {
  double tbc = spec.target_burst_capacity;
  if (tbc == 0) return 0;
  if (tbc < 0) return -1;
  return ToPods(std::floor(ready_pods * spec.total_value - tbc - panic));
}

DeciderState InitialDeciderState(const AutoscalerSpec& spec, std::int32_t ready_pods, Time now) {
  DeciderState state;
  if (spec.scale_down_delay > Seconds(0)) state.delay_window = MaxWindow(spec.scale_down_delay);
  if (ready_pods > 1) state.panic_time = now;
  state.max_panic_pods = std::max(0, ready_pods);
  double tbc = spec.target_burst_capacity;
  if (tbc <= 0) {
    state.excess_burst_capacity = tbc == 0 ? 0 : -1;
  } else {
    // Will initial-scale instances cover the burst capacity? Truncated as Knative's int32().
    state.excess_burst_capacity = ToPods(std::trunc(spec.initial_scale * spec.total_value - tbc));
  }
  return state;
}

DeciderState UpdateDeciderState(DeciderState state, const AutoscalerSpec& old_spec,
                                const AutoscalerSpec& new_spec) {
  if (old_spec.scale_down_delay != new_spec.scale_down_delay) {
    state.delay_window =
        new_spec.scale_down_delay > Seconds(0) ? MaxWindow(new_spec.scale_down_delay) : MaxWindow();
  }
  return state;
}

DeciderStep Decide(const AutoscalerSpec& spec, DeciderState state, const Observation& obs) {
  double ready = std::max(1.0, static_cast<double>(obs.ready_pods));
  double max_up = std::ceil(spec.max_scale_up_rate * ready);
  // An unreachable revision may drop straight to zero.
  double max_down = obs.reachable ? std::floor(ready / spec.max_scale_down_rate) : 0;
  double dspc = std::ceil(obs.stable / spec.target_value);
  double dppc = std::ceil(obs.panic / spec.target_value);

  ScaleResult r;
  r.stable_desired =
      ApplyActivationScale(spec, dspc, ToPods(std::min(std::max(dspc, max_down), max_up)));
  r.panic_desired =
      ApplyActivationScale(spec, dppc, ToPods(std::min(std::max(dppc, max_down), max_up)));

  UpdatePanic(spec, state, dppc / ready >= spec.panic_threshold, obs.now);
  r.panicking = state.panic_time.has_value();
  r.desired_scale = r.stable_desired;
  if (r.panicking) {
    // Provision for the larger of the two, and never scale down while panicking.
    state.max_panic_pods = std::max({state.max_panic_pods, r.stable_desired, r.panic_desired});
    r.desired_scale = state.max_panic_pods;
  }
  if (obs.reachable && spec.scale_down_delay > Seconds(0)) {
    r.desired_scale = state.delay_window.RecordAndMax(obs.now, r.desired_scale);
  }
  // Based on the panic value so that a short burst moves the gateway's buffering decision.
  r.excess_burst_capacity = ExcessBurstCapacity(spec, obs.ready_pods, obs.panic);
  state.desired_scale = r.desired_scale;
  state.excess_burst_capacity = r.excess_burst_capacity;
  return {std::move(state), r};
}

}  // namespace ebb::autoscaler
