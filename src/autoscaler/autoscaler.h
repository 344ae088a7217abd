// The KPA driver: per revision, 1 s samples in, a scale decision out every tick
// (knative-spec.md §2; design note in README.md).
//
// RevisionAutoscaler owns one revision's four metric windows (stable and panic × concurrency
// and rps), its decider state and its scaler state. The caller
//   - Records the gateway's revision-wide Sample once a second (the sum of the revision's
//     ConcurrencyRecorders collected at that instant); seconds without a Record while instances
//     were ready count as zero, so a caller may skip idle seconds;
//   - Ticks every 2 s (kTickInterval) with the number of ready instances and whether a route
//     sends the revision traffic, and runs Decision::instances instances;
//   - Pokes when a request parks because the revision has no capacity: that records Knative's
//     activator "immediate stat" (concurrency 1, one request; taken back out of the next
//     Record) and, when the last decision was zero (or there was none yet), decides at once
//     (fast scale from zero).
// When a second has a Record and a Tick at the same instant, Record first.
//
// As in Knative with a queue-proxy scrape target, windows hold no data while no instance is
// ready and nobody sends requests (all-zero samples are dropped then), and a tick without data
// keeps the previous decision. So a revision coming back from zero gets a partial window that
// reacts to the new burst at once, instead of a minute of zeros diluting it.
//
// Autoscaler is the set of RevisionAutoscalers by name. Neither class has threads, locks or a
// clock: the caller (ebb serve) serialises calls, e.g. on one timer strand.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "autoscaler/concurrency.h"
#include "autoscaler/decider.h"
#include "autoscaler/scaler.h"
#include "autoscaler/spec.h"
#include "autoscaler/timing.h"
#include "autoscaler/window.h"
#include "common/status.h"

namespace ebb::autoscaler {

struct Decision {
  // The decider's output (§2.5).
  std::int32_t desired_scale = -1;  // -1 = no decision yet
  std::int32_t excess_burst_capacity = 0;
  bool panicking = false;
  double observed_stable = 0;  // the spec's metric, revision-wide, over the stable window
  double observed_panic = 0;   // ... over the panic window
  double target = 0;           // per-instance target value (spec.target_value)
  std::int32_t stable_desired = 0;
  std::int32_t panic_desired = 0;
  // After bounds and the scale-to-zero gate (§2.6-§2.7).
  std::int32_t want = -1;      // see ScalerStep::want
  std::int32_t instances = 0;  // run this many instances
  ActivePhase phase = ActivePhase::kActivating;
  ActiveReason reason = ActiveReason::kNone;
  bool operator==(const Decision&) const = default;
};

class RevisionAutoscaler {
 public:
  // A revision the autoscaler starts tracking at `now` with `ready_pods` ready. It starts with
  // max(initial-scale, ready_pods) instances; more than one ready starts it in panic mode,
  // holding them until it has seen a stable window of data (Knative: an autoscaler restart).
  RevisionAutoscaler(AutoscalerSpec spec, Time now, std::int32_t ready_pods);

  // A new spec (config or annotation change): history, panic and scale state are kept; windows
  // are resized and the scale-down-delay window restarts if its length changed.
  void Update(AutoscalerSpec spec);

  // The revision-wide sample collected at t (covering the second before t).
  void Record(Time t, const Sample& sample);

  // Decides at `now` (every kTickInterval).
  Decision Tick(Time now, std::int32_t ready_pods, bool reachable);

  // A request parked at `now`. Returns the decision when it ticked at once (last desired 0, or
  // -1: no decision yet).
  // Ticks use the ready count and reachability of the last Tick.
  std::optional<Decision> Poke(Time now);

  // The latest decision; before the first Tick: desired -1, the initial EBC, instances =
  // initial-scale.
  const Decision& last() const { return last_; }
  const AutoscalerSpec& spec() const { return spec_; }

 private:
  void RecordValues(Time t, double concurrency, double rps);
  void FillSilence(Time now);
  bool HasData(Time now) const;
  void RunDecider(Time now, std::int32_t ready_pods, bool reachable);
  void RunScaler(Time now, std::int32_t ready_pods, bool reachable);

  AutoscalerSpec spec_;
  MetricWindow stable_concurrency_;
  MetricWindow panic_concurrency_;
  MetricWindow stable_rps_;
  MetricWindow panic_rps_;
  DeciderState decider_;
  ScalerState scaler_;
  Decision last_;
  Time last_tick_;                                  // or creation
  std::optional<std::int64_t> last_record_second_;  // newest second written to the windows
  std::int32_t last_ready_ = 0;
  bool last_reachable_ = true;
  bool bump_pending_ = false;  // a Poke's immediate stat not yet taken out of a Record
};

class Autoscaler {
 public:
  // kAlreadyExists if `name` is tracked.
  Status Add(const std::string& name, AutoscalerSpec spec, Time now, std::int32_t ready_pods);
  // kNotFound if `name` is not tracked.
  Status Update(const std::string& name, AutoscalerSpec spec);
  Status Remove(const std::string& name);
  Status Record(const std::string& name, Time t, const Sample& sample);
  Result<Decision> Tick(const std::string& name, Time now, std::int32_t ready_pods, bool reachable);
  // Unknown names are ignored (a request can race with the revision's removal).
  std::optional<Decision> Poke(const std::string& name, Time now);

  bool Contains(const std::string& name) const { return revisions_.count(name) > 0; }
  const RevisionAutoscaler* Find(const std::string& name) const;
  std::vector<std::string> Names() const;  // sorted

 private:
  RevisionAutoscaler* Lookup(const std::string& name);

  std::map<std::string, RevisionAutoscaler> revisions_;
};

}  // namespace ebb::autoscaler
