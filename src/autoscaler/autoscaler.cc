#include "autoscaler/autoscaler.h"

#include <algorithm>
#include <utility>

namespace ebb::autoscaler {
namespace {

Status NotTracked(const std::string& name) {
  return Status(Code::kNotFound, "autoscaler: revision " + name + " is not tracked");
}

}  // namespace

RevisionAutoscaler::RevisionAutoscaler(AutoscalerSpec spec, Time now, std::int32_t ready_pods)
    : spec_(std::move(spec)),
      stable_concurrency_(spec_.stable_window, spec_.aggregation),
      panic_concurrency_(spec_.panic_window, spec_.aggregation),
      stable_rps_(spec_.stable_window, spec_.aggregation),
      panic_rps_(spec_.panic_window, spec_.aggregation),
      decider_(InitialDeciderState(spec_, ready_pods, now)),
      scaler_(InitialScalerState(spec_, now)),
      last_tick_(now),
      last_ready_(ready_pods) {
  // Instances that are already running (ebb serve adopted them after a restart) keep running
  // until there is data to decide on.
  scaler_.instances = std::max(scaler_.instances, ready_pods);
  last_.desired_scale = decider_.desired_scale;
  last_.excess_burst_capacity = decider_.excess_burst_capacity;
  last_.panicking = decider_.panic_time.has_value();
  last_.target = spec_.target_value;
  last_.instances = scaler_.instances;
}

void RevisionAutoscaler::Update(AutoscalerSpec spec) {
  decider_ = UpdateDeciderState(std::move(decider_), spec_, spec);
  spec_ = std::move(spec);
  for (MetricWindow* w : {&stable_concurrency_, &stable_rps_}) w->Resize(spec_.stable_window);
  for (MetricWindow* w : {&panic_concurrency_, &panic_rps_}) w->Resize(spec_.panic_window);
  for (MetricWindow* w : {&stable_concurrency_, &stable_rps_, &panic_concurrency_, &panic_rps_}) {
    w->set_algorithm(spec_.aggregation);
  }
  last_.target = spec_.target_value;
}

void RevisionAutoscaler::RecordValues(Time t, double concurrency, double rps) {
  last_record_second_ = std::max(last_record_second_.value_or(SecondIndex(t)), SecondIndex(t));
  stable_concurrency_.Record(t, concurrency);
  panic_concurrency_.Record(t, concurrency);
  stable_rps_.Record(t, rps);
  panic_rps_.Record(t, rps);
}

void RevisionAutoscaler::Record(Time t, const Sample& sample) {
  double concurrency = sample.average_concurrency;
  double rps = sample.RequestsPerSecond();
  if (bump_pending_) {
    // The Poke already counted one request in flight and one arrival (§3.5).
    concurrency = std::max(0.0, concurrency - 1);
    rps = std::max(0.0, rps - 1);
    bump_pending_ = false;
  }
  // With nothing ready there is no queue-proxy to scrape: an idle second is no data.
  if (concurrency == 0 && rps == 0 && last_ready_ == 0) return;
  RecordValues(t, concurrency, rps);
}

// Seconds since the last tick that nobody recorded had no requests while instances were ready;
// a zero at the last whole second makes the windows count them (the gaps before it) as such.
// Only forward: a zero before the last record would move a fresh activity period's start back.
void RevisionAutoscaler::FillSilence(Time now) {
  if (last_ready_ == 0) return;
  std::int64_t second = SecondIndex(now - kBucket);
  if (second <= SecondIndex(last_tick_)) return;
  if (last_record_second_ && *last_record_second_ >= second) return;
  RecordValues(now - kBucket, 0, 0);
}

bool RevisionAutoscaler::HasData(Time now) const {
  const MetricWindow& w = spec_.metric == Metric::kRps ? stable_rps_ : stable_concurrency_;
  return !w.IsEmpty(now);
}

void RevisionAutoscaler::RunDecider(Time now, std::int32_t ready_pods, bool reachable) {
  bool rps = spec_.metric == Metric::kRps;
  Observation obs{now, ready_pods, reachable,
                  (rps ? stable_rps_ : stable_concurrency_).Average(now),
                  (rps ? panic_rps_ : panic_concurrency_).Average(now)};
  DeciderStep step = Decide(spec_, std::move(decider_), obs);
  decider_ = std::move(step.state);
  last_.desired_scale = step.result.desired_scale;
  last_.excess_burst_capacity = step.result.excess_burst_capacity;
  last_.panicking = step.result.panicking;
  last_.stable_desired = step.result.stable_desired;
  last_.panic_desired = step.result.panic_desired;
  last_.observed_stable = obs.stable;
  last_.observed_panic = obs.panic;
}

void RevisionAutoscaler::RunScaler(Time now, std::int32_t ready_pods, bool reachable) {
  ScalerStep scaled =
      Scale(spec_, scaler_, ScalerInput{now, decider_.desired_scale, ready_pods, reachable});
  scaler_ = scaled.state;
  last_.want = scaled.want;
  last_.instances = scaler_.instances;
  last_.phase = scaler_.phase;
  last_.reason = scaler_.reason;
  last_.target = spec_.target_value;
}

Decision RevisionAutoscaler::Tick(Time now, std::int32_t ready_pods, bool reachable) {
  FillSilence(now);
  last_tick_ = now;
  last_ready_ = ready_pods;
  last_reachable_ = reachable;
  if (HasData(now)) RunDecider(now, ready_pods, reachable);
  // Without data the decision stands, but the scale-to-zero gate still moves on with time.
  RunScaler(now, ready_pods, reachable);
  return last_;
}

std::optional<Decision> RevisionAutoscaler::Poke(Time now) {
  if (!bump_pending_) {
    RecordValues(now, 1, 1);
    bump_pending_ = true;
  }
  // Knative pokes only at 0; ebb also decides at once while still undecided (-1), so that a
  // revision created with initial-scale 0 starts on its first request, not the next tick.
  if (decider_.desired_scale > 0) return std::nullopt;
  return Tick(now, last_ready_, last_reachable_);
}

Status Autoscaler::Add(const std::string& name, AutoscalerSpec spec, Time now,
                       std::int32_t ready_pods) {
  auto [it, added] = revisions_.try_emplace(name, std::move(spec), now, ready_pods);
  if (!added) {
    return Status(Code::kAlreadyExists, "autoscaler: revision " + name + " is already tracked");
  }
  return Status::Ok();
}

Status Autoscaler::Update(const std::string& name, AutoscalerSpec spec) {
  RevisionAutoscaler* rev = Lookup(name);
  if (!rev) return NotTracked(name);
  rev->Update(std::move(spec));
  return Status::Ok();
}

Status Autoscaler::Remove(const std::string& name) {
  return revisions_.erase(name) ? Status::Ok() : NotTracked(name);
}

Status Autoscaler::Record(const std::string& name, Time t, const Sample& sample) {
  RevisionAutoscaler* rev = Lookup(name);
  if (!rev) return NotTracked(name);
  rev->Record(t, sample);
  return Status::Ok();
}

Result<Decision> Autoscaler::Tick(const std::string& name, Time now, std::int32_t ready_pods,
                                  bool reachable) {
  RevisionAutoscaler* rev = Lookup(name);
  if (!rev) return NotTracked(name);
  return rev->Tick(now, ready_pods, reachable);
}

std::optional<Decision> Autoscaler::Poke(const std::string& name, Time now) {
  RevisionAutoscaler* rev = Lookup(name);
  return rev ? rev->Poke(now) : std::nullopt;
}

const RevisionAutoscaler* Autoscaler::Find(const std::string& name) const {
  auto it = revisions_.find(name);
  return it == revisions_.end() ? nullptr : &it->second;
}

std::vector<std::string> Autoscaler::Names() const {
  std::vector<std::string> names;
  names.reserve(revisions_.size());
  for (const auto& [name, rev] : revisions_) names.push_back(name);
  return names;
}

RevisionAutoscaler* Autoscaler::Lookup(const std::string& name) {
  auto it = revisions_.find(name);
  return it == revisions_.end() ? nullptr : &it->second;
}

}  // namespace ebb::autoscaler
