#include "autoscaler/autoscaler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"

namespace ebb::autoscaler {
namespace autoscaler_test {

using std::chrono::milliseconds;

// Stable window 6 s (panic window 1 s), grace 1 s, target 1 concurrent request per instance.
AutoscalerSpec FastSpec() {
  AutoscalerSpec s;
  s.target_value = 1;
  s.total_value = 1;
  s.stable_window = Seconds(6);
  s.panic_window = Seconds(1);
  s.scale_to_zero_grace_period = Seconds(1);
  return s;
}

Sample Load(double concurrency) {
  return Sample{concurrency, static_cast<std::int64_t>(concurrency), Seconds(1)};
}

// Drives a RevisionAutoscaler the way ebb serve does: each second the gateway's sample for the
// second just ended is recorded, and every 2 s it ticks. Instances become ready the moment
// they are wanted (the ready count at a tick is the previous decision's instance count).
class Driver {
 public:
  Driver(AutoscalerSpec spec, int ready) : as_(std::move(spec), Now(), ready), ready_(ready) {}

  Time Now() const { return clock_.Steady(); }
  int Second() const {
    return static_cast<int>(std::chrono::duration_cast<Seconds>(Now() - start_).count());
  }
  void Advance(Duration d) { clock_.Advance(d); }

  // Runs until second `until` with `concurrency` in flight; returns the decisions by tick second.
  std::map<int, Decision> RunUntil(int until, double concurrency) {
    std::map<int, Decision> ticks;
    while (Second() < until) {
      clock_.Advance(Seconds(1));
      as_.Record(Now(), Load(concurrency));
      if (Second() % 2 == 0) ticks[Second()] = TickNow();
    }
    return ticks;
  }

  Decision TickNow() {
    Decision d = as_.Tick(Now(), ready_, /*reachable=*/true);
    ready_ = d.instances;
    return d;
  }

  RevisionAutoscaler& as() { return as_; }

 private:
  FakeClock clock_;
  Time start_ = clock_.Steady();
  RevisionAutoscaler as_;
  int ready_;
};

std::vector<int> Instances(const std::map<int, Decision>& ticks) {
  std::vector<int> out;
  for (const auto& [second, d] : ticks) out.push_back(d.instances);
  return out;
}

TEST(RevisionAutoscaler, StartsWithInitialScaleAndNoDecision) {
  AutoscalerSpec spec;
  spec.initial_scale = 2;
  RevisionAutoscaler as(spec, FakeClock().Steady(), 0);
  EXPECT_EQ(as.last().desired_scale, -1);
  EXPECT_EQ(as.last().excess_burst_capacity, -11);  // 2 · 100 − 211
  EXPECT_EQ(as.last().instances, 2);
  EXPECT_DOUBLE_EQ(as.last().target, 70);
  EXPECT_EQ(RevisionAutoscaler(spec, FakeClock().Steady(), 5).last().instances, 5);
}

TEST(RevisionAutoscaler, NoDataWhileNothingIsReadyKeepsTheDecisionUnknown) {
  Driver d(FastSpec(), 0);
  d.Advance(Seconds(1));
  d.as().Record(d.Now(), Load(0));  // idle and nothing ready: no queue-proxy, no data
  d.Advance(Seconds(1));
  Decision first = d.as().Tick(d.Now(), 0, true);
  EXPECT_EQ(first.desired_scale, -1);
  EXPECT_EQ(first.instances, 1);  // initial scale, still activating
  EXPECT_EQ(first.phase, ActivePhase::kActivating);
}

TEST(RevisionAutoscaler, IdleRevisionScalesToZeroAfterTheWindowAndGrace) {
  Driver d(FastSpec(), 0);
  std::map<int, Decision> ticks = d.RunUntil(14, 0);
  // 2: the initial instance is starting, no data: activating. 4: ready, still no data: Active.
  // 6, 8: stable 0 but active < 6 s: keep 1. 10: active 6 s: Inactive. 12: grace passed: 0.
  EXPECT_EQ(ticks[2].desired_scale, -1);
  EXPECT_EQ(ticks[2].phase, ActivePhase::kActivating);
  EXPECT_EQ(ticks[4].desired_scale, -1);
  EXPECT_EQ(ticks[4].phase, ActivePhase::kActive);
  EXPECT_EQ(ticks[6].desired_scale, 0);
  EXPECT_EQ(ticks[6].instances, 1);
  EXPECT_EQ(ticks[8].instances, 1);
  EXPECT_EQ(ticks[10].want, 0);
  EXPECT_EQ(ticks[10].instances, 1);
  EXPECT_EQ(ticks[10].phase, ActivePhase::kInactive);
  EXPECT_EQ(ticks[12].instances, 0);
  EXPECT_EQ(ticks[14].instances, 0);
}

TEST(RevisionAutoscaler, SteadyLoadPanicsUpThenScalesDownAfterTheWindow) {
  Driver d(FastSpec(), 1);
  std::map<int, Decision> load = d.RunUntil(20, 10);  // 10 concurrent, target 1
  EXPECT_TRUE(load[2].panicking);                     // 10 wanted on 1 ready: 10 >= 2 · 1
  EXPECT_EQ(load[2].desired_scale, 10);
  EXPECT_EQ(load[2].instances, 10);
  EXPECT_DOUBLE_EQ(load[2].observed_stable, 10);
  EXPECT_DOUBLE_EQ(load[2].observed_panic, 10);
  EXPECT_TRUE(load[8].panicking);    // panic started at 2 and lasts a stable window (6 s)
  EXPECT_FALSE(load[10].panicking);  // ... then the stable window carries the same 10
  for (const auto& [second, decision] : load) EXPECT_EQ(decision.instances, 10) << second;

  std::map<int, Decision> idle = d.RunUntil(34, 0);
  // Stable averages over seconds 17..22: 4 of 6 seconds busy -> 6.67 -> 7; then 3.33 -> 4; then
  // 0, where the down-rate allows halving per tick: 4 -> 2 -> 1 -> 0 (gate: Inactive first).
  EXPECT_DOUBLE_EQ(idle[22].observed_stable, 6.666667);
  EXPECT_EQ(Instances(idle), (std::vector<int>{7, 4, 2, 1, 1, 0, 0}));
  EXPECT_EQ(idle[26].desired_scale, 2);  // stable wants 0, limited to floor(4 / 2)
  EXPECT_EQ(idle[30].want, 0);
  EXPECT_EQ(idle[30].phase, ActivePhase::kInactive);
  EXPECT_EQ(idle[32].instances, 0);
}

TEST(RevisionAutoscaler, ScaleFromZeroViaPoke) {
  Driver d(FastSpec(), 0);
  d.RunUntil(30, 0);
  ASSERT_EQ(d.as().last().instances, 0);
  ASSERT_EQ(d.as().last().desired_scale, 0);

  d.Advance(milliseconds(500));  // a request parks at 30.5 s
  std::optional<Decision> poked = d.as().Poke(d.Now());
  ASSERT_TRUE(poked.has_value());
  EXPECT_EQ(poked->desired_scale, 1);  // ceil(1 / target)
  EXPECT_EQ(poked->instances, 1);
  EXPECT_EQ(poked->phase, ActivePhase::kActivating);
  EXPECT_DOUBLE_EQ(poked->observed_stable, 1);  // a fresh activity period: partial window
  // Already scaling: a second parked request does not tick again.
  EXPECT_FALSE(d.as().Poke(d.Now()).has_value());
}

TEST(RevisionAutoscaler, PokeStatIsTakenOutOfTheNextSample) {
  FakeClock clock;
  RevisionAutoscaler as(FastSpec(), clock.Steady(), 1);
  clock.Advance(milliseconds(500));
  ASSERT_TRUE(as.Poke(clock.Steady()).has_value());  // no decision yet: decides at once
  EXPECT_DOUBLE_EQ(as.last().observed_stable, 1);
  clock.Advance(milliseconds(500));
  // The gateway's own measure of that second includes the poked request (half a second).
  as.Record(clock.Steady(), Sample{0.5, 1, Seconds(1)});
  clock.Advance(Seconds(1));
  // Seconds 0..1 hold 1 (the poke) and max(0, 0.5 − 1) = 0.
  EXPECT_DOUBLE_EQ(as.Tick(clock.Steady(), 1, true).observed_stable, 0.5);
}

TEST(RevisionAutoscaler, PokeWhileScaledUpOnlyRecordsTheStat) {
  Driver d(FastSpec(), 1);
  d.RunUntil(4, 1);
  ASSERT_EQ(d.as().last().desired_scale, 1);
  EXPECT_FALSE(d.as().Poke(d.Now()).has_value());
}

TEST(RevisionAutoscaler, SecondsWithoutASampleCountAsZeroWhileInstancesAreReady) {
  FakeClock clock;
  RevisionAutoscaler as(FastSpec(), clock.Steady(), 1);
  for (int s = 1; s <= 2; ++s) {
    clock.Advance(Seconds(1));
    as.Record(clock.Steady(), Load(10));
  }
  EXPECT_DOUBLE_EQ(as.Tick(clock.Steady(), 1, true).observed_stable, 10);
  clock.Advance(Seconds(2));  // the gateway reported nothing for seconds 3 and 4
  // Second 3 is known to be idle; second 4 may still be reported, so it is left out.
  EXPECT_DOUBLE_EQ(as.Tick(clock.Steady(), 10, true).observed_stable, 6.666667);
}

// Knative's autoscale-go sample: target annotation "10", 50 concurrent requests.
AutoscalerSpec AutoscaleGo(const char* utilization) {
  nlohmann::json rev = {
      {"metadata", {{"annotations", {{"autoscaling.knative.dev/target", "10"}}}}}};
  if (utilization) {
    rev["metadata"]["annotations"]["autoscaling.knative.dev/target-utilization-percentage"] =
        utilization;
  }
  Result<AutoscalerSpec> spec = ResolveSpec(rev, config::Config{});
  EXPECT_TRUE(spec.ok());
  return spec.ok() ? *spec : AutoscalerSpec{};
}

TEST(RevisionAutoscaler, AutoscaleGoSettlesOnEightPodsWithTheDefaultUtilization) {
  Driver d(AutoscaleGo(nullptr), 1);
  std::map<int, Decision> ticks = d.RunUntil(90, 50);
  EXPECT_DOUBLE_EQ(ticks[2].target, 7);  // 10 × 70 %
  EXPECT_TRUE(ticks[2].panicking);       // 8 wanted on 1 ready
  EXPECT_EQ(ticks[2].desired_scale, 8);  // ceil(50 / 7)
  EXPECT_FALSE(ticks[90].panicking);
  for (const auto& [second, decision] : ticks) EXPECT_EQ(decision.desired_scale, 8) << second;
}

TEST(RevisionAutoscaler, AutoscaleGoGetsFivePodsAtFullUtilization) {
  Driver d(AutoscaleGo("100"), 1);
  std::map<int, Decision> ticks = d.RunUntil(90, 50);
  EXPECT_DOUBLE_EQ(ticks[90].target, 10);
  EXPECT_EQ(ticks[90].desired_scale, 5);
  EXPECT_EQ(ticks[90].instances, 5);
}

TEST(RevisionAutoscaler, RpsMetricUsesTheRequestRate) {
  AutoscalerSpec spec = FastSpec();
  spec.metric = Metric::kRps;
  spec.target_value = 140;
  spec.total_value = 200;
  FakeClock clock;
  RevisionAutoscaler as(spec, clock.Steady(), 3);
  clock.Advance(Seconds(2));
  as.Record(clock.Steady(), Sample{0.2, 600, Seconds(2)});  // 300 requests per second
  Decision d = as.Tick(clock.Steady(), 3, true);
  EXPECT_DOUBLE_EQ(d.observed_stable, 300);
  EXPECT_EQ(d.desired_scale, 3);  // ceil(300 / 140)
}

TEST(RevisionAutoscaler, WeightedAggregationFromTheSpec) {
  AutoscalerSpec spec;
  spec.aggregation = Aggregation::kWeightedExponential;
  FakeClock clock;
  RevisionAutoscaler as(spec, clock.Steady(), 1);
  clock.Advance(Seconds(1));
  as.Record(clock.Steady(), Load(10));
  Decision d = as.Tick(clock.Steady(), 1, true);
  EXPECT_NEAR(d.observed_stable, 2, 1e-12);  // 10 · α, α = 0.2 for 60 buckets
  EXPECT_NEAR(d.observed_panic, 10 * (1 - std::pow(0.0001, 1.0 / 6)), 1e-12);
}

TEST(RevisionAutoscaler, UpdateKeepsHistoryAndResizesWindows) {
  Driver d(AutoscalerSpec{}, 1);  // stable window 60 s
  d.RunUntil(10, 10);
  d.RunUntil(16, 0);  // seconds 1..10 busy, 11..16 idle
  EXPECT_DOUBLE_EQ(d.as().last().observed_stable, 100.0 / 16);
  AutoscalerSpec shorter = FastSpec();  // 6 s window, target 1
  d.as().Update(shorter);
  Decision after = d.TickNow();
  EXPECT_DOUBLE_EQ(after.target, 1);
  EXPECT_DOUBLE_EQ(after.observed_stable, 0);  // only seconds 11..16 are left
  d.as().Update(AutoscalerSpec{});
  EXPECT_DOUBLE_EQ(d.TickNow().observed_stable, 0);  // growing does not bring data back
}

TEST(Autoscaler, TracksRevisionsByName) {
  Autoscaler as;
  FakeClock clock;
  Time t = clock.Steady();
  EXPECT_TRUE(as.Add("default/hello-00001", FastSpec(), t, 0).ok());
  EXPECT_TRUE(as.Add("default/hello-00002", AutoscalerSpec{}, t, 0).ok());
  EXPECT_EQ(as.Add("default/hello-00001", FastSpec(), t, 0).code(), Code::kAlreadyExists);
  EXPECT_EQ(as.Names(), (std::vector<std::string>{"default/hello-00001", "default/hello-00002"}));
  EXPECT_TRUE(as.Contains("default/hello-00002"));

  clock.Advance(Seconds(1));
  EXPECT_TRUE(as.Record("default/hello-00001", clock.Steady(), Load(3)).ok());
  clock.Advance(Seconds(1));
  Result<Decision> d = as.Tick("default/hello-00001", clock.Steady(), 1, true);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->desired_scale, 3);
  EXPECT_EQ(as.Find("default/hello-00001")->last().desired_scale, 3);

  AutoscalerSpec bigger = FastSpec();
  bigger.target_value = 3;
  EXPECT_TRUE(as.Update("default/hello-00001", bigger).ok());
  EXPECT_DOUBLE_EQ(as.Find("default/hello-00001")->spec().target_value, 3);

  EXPECT_TRUE(as.Remove("default/hello-00002").ok());
  EXPECT_EQ(as.Find("default/hello-00002"), nullptr);
  EXPECT_EQ(as.Remove("default/hello-00002").code(), Code::kNotFound);
  EXPECT_EQ(as.Update("default/nope", FastSpec()).code(), Code::kNotFound);
  EXPECT_EQ(as.Record("default/nope", clock.Steady(), Load(1)).code(), Code::kNotFound);
  EXPECT_EQ(as.Tick("default/nope", clock.Steady(), 0, true).status().code(), Code::kNotFound);
  EXPECT_FALSE(as.Poke("default/nope", clock.Steady()).has_value());
}

TEST(Autoscaler, PokeScalesANamedRevisionFromZero) {
  Autoscaler as;
  FakeClock clock;
  AutoscalerSpec spec = FastSpec();
  spec.initial_scale = 0;
  ASSERT_TRUE(as.Add("default/cold-00001", spec, clock.Steady(), 0).ok());
  EXPECT_EQ(as.Find("default/cold-00001")->last().instances, 0);
  std::optional<Decision> d = as.Poke("default/cold-00001", clock.Steady());
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->instances, 1);
}

}  // namespace autoscaler_test
}  // namespace ebb::autoscaler
