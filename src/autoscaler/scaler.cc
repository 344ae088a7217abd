#include "autoscaler/scaler.h"

#include <algorithm>

namespace ebb::autoscaler {
namespace {

struct Bounds {
  std::int32_t min;
  std::int32_t max;  // 0 = none
};

// ScaleBounds: an unreachable revision (no route sends it traffic) has no floor.
std::int32_t MinScale(const AutoscalerSpec& spec, bool reachable) {
  return reachable ? spec.min_scale : 0;
}

Bounds ScaleBounds(const AutoscalerSpec& spec, const ScalerState& state, bool reachable) {
  Bounds b{MinScale(spec, reachable), spec.max_scale};
  if (spec.initial_scale > 1 && !state.initialized && reachable) {
    b.min = std::max(b.min, spec.initial_scale);
  }
  return b;
}

std::int32_t ApplyBounds(Bounds b, std::int32_t x) {
  if (x < b.min) return b.min;
  if (b.max != 0 && x > b.max) return b.max;
  return x;
}

struct Gate {
  std::int32_t want;
  bool apply;  // false: report `want` but leave the instance count as it is
};

Gate ScaleToZeroGate(const AutoscalerSpec& spec, const ScalerState& state, Time now) {
  if (!spec.enable_scale_to_zero) return {1, true};
  Duration in_phase = now - state.phase_since;
  switch (state.phase) {
    case ActivePhase::kActivating:
      // Instances that never became ready: give up rather than keep requests parked forever.
      if (in_phase > spec.activation_timeout) return {0, true};
      return {-1, false};
    case ActivePhase::kActive:
      // Going Inactive first makes the gateway park new requests before instances go away.
      if (in_phase >= spec.stable_window) return {0, false};
      return {1, true};
    case ActivePhase::kInactive:
      break;
  }
  Duration keep =
      std::max(spec.scale_to_zero_grace_period, spec.scale_to_zero_pod_retention_period);
  return {0, in_phase >= keep};
}

void SetPhase(ScalerState& state, ActivePhase phase, ActiveReason reason, Time now) {
  if (state.phase == phase && state.reason == reason) return;
  state.phase = phase;
  state.reason = reason;
  state.phase_since = now;
}

// computeActiveCondition: the threshold is computed before `initialized` may flip, as Knative.
void UpdatePhase(const AutoscalerSpec& spec, ScalerState& state, std::int32_t want,
                 const ScalerInput& in) {
  std::int32_t min = MinScale(spec, in.reachable);
  std::int32_t threshold = state.initialized ? std::max(min, 1) : std::max(min, spec.initial_scale);
  if (in.ready_pods >= threshold) state.initialized = true;
  bool inactive = state.phase == ActivePhase::kInactive;
  if (want == 0 || threshold == 0) {
    bool timed_out = state.phase == ActivePhase::kActivating && threshold > 0;
    SetPhase(state, ActivePhase::kInactive,
             timed_out ? ActiveReason::kTimedOut : ActiveReason::kNoTraffic, in.now);
  } else if (in.ready_pods < threshold) {
    if (want > 0 || !inactive) {
      SetPhase(state, ActivePhase::kActivating, ActiveReason::kQueued, in.now);
    } else {
      SetPhase(state, ActivePhase::kInactive, ActiveReason::kNoTraffic, in.now);
    }
  } else if (want > 0 || !inactive) {
    SetPhase(state, ActivePhase::kActive, ActiveReason::kNone, in.now);
  }
}

}  // namespace

ScalerState InitialScalerState(const AutoscalerSpec& spec, Time now) {
  ScalerState state;
  state.instances = spec.initial_scale;
  state.phase_since = now;
  return state;
}

ScalerStep Scale(const AutoscalerSpec& spec, ScalerState state, const ScalerInput& in) {
  std::int32_t want = in.desired_scale;
  if (want >= 0 || state.phase == ActivePhase::kActivating) {
    want = ApplyBounds(ScaleBounds(spec, state, in.reachable), want);
    Gate gate{want, true};
    if (want == 0) gate = ScaleToZeroGate(spec, state, in.now);
    want = gate.want;
    if (gate.apply) state.instances = want;
  }
  UpdatePhase(spec, state, want, in);
  return {state, want};
}

const char* ActivePhaseName(ActivePhase phase) {
  switch (phase) {
    case ActivePhase::kActivating:
      return "Activating";
    case ActivePhase::kActive:
      return "Active";
    case ActivePhase::kInactive:
      return "Inactive";
  }
  return "Unknown";
}

const char* ActiveReasonName(ActiveReason reason) {
  switch (reason) {
    case ActiveReason::kNone:
      return "";
    case ActiveReason::kQueued:
      return "Queued";
    case ActiveReason::kNoTraffic:
      return "NoTraffic";
    case ActiveReason::kTimedOut:
      return "TimedOut";
  }
  return "";
}

}  // namespace ebb::autoscaler
