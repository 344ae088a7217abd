// Applying a decision to one revision (knative-spec.md §2.6-§2.7; Knative's KPA reconciler
// scaler.scale, handleScaleToZero and computeActiveCondition): bounds, the scale-to-zero gate,
// and the revision's Active phase. Pure: state in, state out, time passed in.
//
// Per call, with the decider's desired scale d (-1 = no decision yet):
//   1. d < 0 and not activating: nothing changes (keep running what runs).
//   2. Bounds: min = min-scale (0 when unreachable), raised to initial-scale until the revision
//      first had initial-scale instances ready (initial-scale > 1, reachable only); max =
//      max-scale (0 = none). d is clamped to [min, max].
//   3. d == 0 goes through the scale-to-zero gate:
//      - enable-scale-to-zero false            → 1
//      - Activating: longer than the activation timeout (progress deadline + 30 s) → 0,
//        else wait (want -1, instances unchanged)
//      - Active: for at least a stable window → mark Inactive without scaling (want 0),
//        else scale to 1
//      - Inactive: for at least max(scale-to-zero-grace-period, pod retention) → 0, else wait.
//      Knative also checks the activator is in the path and counts the grace from when it got
//      there; ebb's gateway is always in the path and parks requests as soon as the revision
//      is inactive, so the grace counts from the moment it became inactive.
//   4. Otherwise run d instances.
// Then the Active phase follows from want and ready instances (threshold = max(min, 1), or
// max(min, initial-scale) before the revision first reached it): want 0 → Inactive; fewer ready
// than the threshold → Activating ("Queued": requests are parked); else Active.
#pragma once

#include <cstdint>

#include "autoscaler/spec.h"
#include "autoscaler/timing.h"

namespace ebb::autoscaler {

// Knative's PodAutoscaler "Active" condition: Unknown / True / False.
enum class ActivePhase { kActivating, kActive, kInactive };
enum class ActiveReason { kNone, kQueued, kNoTraffic, kTimedOut };

struct ScalerState {
  std::int32_t instances = 0;  // how many instances the revision should run
  ActivePhase phase = ActivePhase::kActivating;
  ActiveReason reason = ActiveReason::kNone;
  Time phase_since;          // when phase or reason last changed
  bool initialized = false;  // ready instances once reached the activation threshold

  bool operator==(const ScalerState&) const = default;
};

// A new revision: initial-scale instances, activating since `now`.
ScalerState InitialScalerState(const AutoscalerSpec& spec, Time now);

struct ScalerInput {
  Time now;
  std::int32_t desired_scale = -1;  // the decider's; -1 = unknown
  std::int32_t ready_pods = 0;
  bool reachable = true;
};

struct ScalerStep {
  ScalerState state;
  // Knative's "want": -1 while waiting with nothing decided, 0 once the revision may have no
  // instances (even if they are kept for the grace period), else the instance count.
  std::int32_t want = -1;
};

ScalerStep Scale(const AutoscalerSpec& spec, ScalerState state, const ScalerInput& in);

const char* ActivePhaseName(ActivePhase phase);     // "Activating" | "Active" | "Inactive"
const char* ActiveReasonName(ActiveReason reason);  // "" | "Queued" | "NoTraffic" | "TimedOut"

}  // namespace ebb::autoscaler
