#include "autoscaler/decider.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/clock.h"

namespace ebb::autoscaler {
namespace decider_test {

const Time kT0 = FakeClock().Steady();
Time At(int second) { return kT0 + Seconds(second); }

// A spec with the defaults (target 70, total 100, TBC 211) and an explicit per-pod target.
AutoscalerSpec WithTarget(double target, double total) {
  AutoscalerSpec s;
  s.target_value = target;
  s.total_value = total;
  return s;
}

Observation Obs(int second, int ready, double stable, double panic, bool reachable = true) {
  return Observation{At(second), ready, reachable, stable, panic};
}

// Runs one decision and keeps the state, as RevisionAutoscaler does.
class DeciderTest : public ::testing::Test {
 protected:
  void Start(const AutoscalerSpec& spec, int ready = 0, int second = 0) {
    spec_ = spec;
    state_ = InitialDeciderState(spec_, ready, At(second));
  }
  ScaleResult Run(const Observation& obs) {
    DeciderStep step = Decide(spec_, state_, obs);
    state_ = step.state;
    return step.result;
  }

  AutoscalerSpec spec_;
  DeciderState state_;
};

TEST(InitialDeciderState, DesiredUnknownAndEbcFromInitialScale) {
  AutoscalerSpec spec;
  DeciderState s = InitialDeciderState(spec, 0, kT0);
  EXPECT_EQ(s.desired_scale, -1);
  EXPECT_EQ(s.excess_burst_capacity, -111);  // 1 · 100 − 211
  EXPECT_FALSE(s.panic_time.has_value());
  spec.initial_scale = 3;
  EXPECT_EQ(InitialDeciderState(spec, 0, kT0).excess_burst_capacity, 89);
  spec.target_burst_capacity = 0;
  EXPECT_EQ(InitialDeciderState(spec, 0, kT0).excess_burst_capacity, 0);
  spec.target_burst_capacity = -1;
  EXPECT_EQ(InitialDeciderState(spec, 0, kT0).excess_burst_capacity, -1);
  EXPECT_EQ(InitialDeciderState(WithTarget(7, 10), 0, kT0).excess_burst_capacity, -201);
}

TEST(InitialDeciderState, StartsInPanicWhenMoreThanOnePodIsReady) {
  AutoscalerSpec spec;
  DeciderState one = InitialDeciderState(spec, 1, kT0);
  EXPECT_FALSE(one.panic_time.has_value());
  DeciderState three = InitialDeciderState(spec, 3, kT0);
  ASSERT_TRUE(three.panic_time.has_value());
  EXPECT_EQ(*three.panic_time, kT0);
  EXPECT_EQ(three.max_panic_pods, 3);
}

// knative-spec.md §2.6 worked EBC examples.
TEST(ExcessBurstCapacity, WorkedExamples) {
  AutoscalerSpec defaults;
  EXPECT_EQ(ExcessBurstCapacity(defaults, 1, 0), -111);  // 1 pod idle → activator in path
  EXPECT_EQ(ExcessBurstCapacity(defaults, 2, 0), -11);
  EXPECT_EQ(ExcessBurstCapacity(defaults, 3, 50), 39);  // floor(300 − 211 − 50)
  EXPECT_EQ(ExcessBurstCapacity(defaults, 3, 50.5), 38);
  EXPECT_EQ(ExcessBurstCapacity(defaults, 0, 0), -211);  // raw ready, not max(1, ready)
  AutoscalerSpec cc10 = WithTarget(7, 10);               // CC = 10: in path until 22 pods
  EXPECT_EQ(ExcessBurstCapacity(cc10, 21, 0), -1);
  EXPECT_EQ(ExcessBurstCapacity(cc10, 22, 0), 9);
  AutoscalerSpec tbc0;
  tbc0.target_burst_capacity = 0;
  EXPECT_EQ(ExcessBurstCapacity(tbc0, 0, 500), 0);
  AutoscalerSpec unlimited;
  unlimited.target_burst_capacity = -1;
  EXPECT_EQ(ExcessBurstCapacity(unlimited, 50, 0), -1);
}

TEST_F(DeciderTest, EbcUsesThePanicValue) {
  Start(AutoscalerSpec{});
  ScaleResult r = Run(Obs(0, 3, 10, 50));
  EXPECT_EQ(r.excess_burst_capacity, 39);
  EXPECT_EQ(state_.excess_burst_capacity, 39);
  EXPECT_EQ(state_.desired_scale, r.desired_scale);
}

struct TargetCase {
  double target;
  double observed;
  int want;
};

TEST_F(DeciderTest, DesiredIsCeilOfObservedOverTarget) {
  const TargetCase cases[] = {
      {70, 0, 0},
      {70, 0.01, 1},
      {70, 50, 1},
      {70, 70, 1},
      {70, 71, 2},
      {70, 140, 2},
      {70, 141, 3},
      // CC = 10 → target 7: autoscale-go's 50 concurrent → 8.
      {7, 50, 8},
      // Target 10 at 100 % utilization.
      {10, 50, 5},
      {1, 10, 10},
  };
  for (const TargetCase& c : cases) {
    SCOPED_TRACE(testing::Message() << c.observed << " / " << c.target);
    Start(WithTarget(c.target, c.target));
    // Enough ready pods that neither panic nor the rate limits interfere.
    int ready = std::max(1, c.want);
    ScaleResult r = Run(Obs(0, ready, c.observed, c.observed));
    EXPECT_EQ(r.stable_desired, c.want);
    EXPECT_FALSE(r.panicking);
    EXPECT_EQ(r.desired_scale, c.want);
  }
}

TEST_F(DeciderTest, ScaleDownIsHalvedPerTick) {
  Start(AutoscalerSpec{});
  int ready = 10;
  const int expected[] = {5, 2, 1, 0};
  for (int i = 0; i < 4; ++i) {
    ScaleResult r = Run(Obs(2 * i, ready, 0, 0));
    EXPECT_EQ(r.desired_scale, expected[i]) << "tick " << i;
    ready = r.desired_scale;
  }
}

TEST_F(DeciderTest, UnreachableRevisionMayDropStraightToZero) {
  Start(AutoscalerSpec{});
  EXPECT_EQ(Run(Obs(0, 10, 0, 0, /*reachable=*/false)).desired_scale, 0);
}

TEST_F(DeciderTest, ScaleUpIsLimitedByTheUpRate) {
  AutoscalerSpec spec = WithTarget(1, 1);
  spec.max_scale_up_rate = 2;
  Start(spec);
  ScaleResult r = Run(Obs(0, 3, 100, 100));
  EXPECT_EQ(r.stable_desired, 6);  // ceil(2 · 3)
  EXPECT_EQ(r.panic_desired, 6);
  EXPECT_EQ(r.desired_scale, 6);
  EXPECT_EQ(Run(Obs(2, 0, 100, 100)).desired_scale, 6);  // R = max(1, 0); panic holds 6
}

TEST_F(DeciderTest, ActivationScaleLiftsNonZeroCounts) {
  AutoscalerSpec spec;
  spec.activation_scale = 3;
  Start(spec);
  EXPECT_EQ(Run(Obs(0, 0, 1, 1)).desired_scale, 3);
  Start(spec);
  EXPECT_EQ(Run(Obs(0, 0, 0, 0)).desired_scale, 0);
  Start(spec);
  ScaleResult r = Run(Obs(0, 5, 350, 0));  // dspc 5 is above activation scale
  EXPECT_EQ(r.desired_scale, 5);
  EXPECT_EQ(r.panic_desired, 2);  // clamp(0, maxDown=2, ...): 0 pods wanted, no lift
}

class PanicTest : public DeciderTest {
 protected:
  void SetUp() override { Start(WithTarget(10, 10)); }  // stable window 60 s, threshold 200 %
};

TEST_F(PanicTest, EntersWhenPanicPodsReachTwiceReady) {
  ScaleResult calm = Run(Obs(0, 2, 10, 39));  // dppc 4 = 2 · ready: at the threshold
  EXPECT_TRUE(calm.panicking);
  Start(WithTarget(10, 10));
  ScaleResult below = Run(Obs(0, 2, 10, 30));  // dppc 3 / 2 = 1.5
  EXPECT_FALSE(below.panicking);
  EXPECT_EQ(below.desired_scale, 1);
}

TEST_F(PanicTest, NeverScalesDownAndExitsAStableWindowAfterTheLastOverThresholdTick) {
  ScaleResult r = Run(Obs(0, 2, 10, 50));  // dspc 1, dppc 5 ≥ 2 · 2
  EXPECT_TRUE(r.panicking);
  EXPECT_EQ(r.stable_desired, 1);
  EXPECT_EQ(r.panic_desired, 5);
  EXPECT_EQ(r.desired_scale, 5);
  EXPECT_EQ(state_.panic_time, At(0));

  r = Run(Obs(2, 5, 10, 10));  // calm again, but still panicking: hold 5
  EXPECT_TRUE(r.panicking);
  EXPECT_EQ(r.desired_scale, 5);
  r = Run(Obs(60, 5, 10, 10));  // exactly a stable window later: not yet
  EXPECT_TRUE(r.panicking);
  EXPECT_EQ(r.desired_scale, 5);
  r = Run(Obs(62, 5, 10, 10));
  EXPECT_FALSE(r.panicking);
  EXPECT_EQ(r.desired_scale, 2);  // stable 1, but scale-down from 5 is limited to floor(5/2)
  EXPECT_EQ(state_.max_panic_pods, 0);
  EXPECT_FALSE(state_.panic_time.has_value());
}

TEST_F(PanicTest, OverThresholdExtendsThePanic) {
  Run(Obs(0, 2, 10, 50));
  Run(Obs(40, 2, 10, 50));  // over again: panic now ends after second 100
  EXPECT_EQ(state_.panic_time, At(40));
  EXPECT_TRUE(Run(Obs(62, 2, 10, 10)).panicking);
  EXPECT_TRUE(Run(Obs(100, 2, 10, 10)).panicking);
  EXPECT_FALSE(Run(Obs(102, 2, 10, 10)).panicking);
}

TEST_F(PanicTest, GrowsButNeverShrinksWhilePanicking) {
  EXPECT_EQ(Run(Obs(0, 2, 10, 50)).desired_scale, 5);
  EXPECT_EQ(Run(Obs(2, 2, 10, 90)).desired_scale, 9);
  EXPECT_EQ(Run(Obs(4, 9, 10, 30)).desired_scale, 9);  // wants 3-4, holds 9
  EXPECT_EQ(state_.max_panic_pods, 9);
}

TEST_F(PanicTest, UsesTheStableCountWhenItIsLarger) {
  ScaleResult r = Run(Obs(0, 2, 80, 50));
  EXPECT_TRUE(r.panicking);
  EXPECT_EQ(r.desired_scale, 8);
}

TEST_F(DeciderTest, FreshDeciderWithReadyPodsHoldsThemUntilAStableWindowPasses) {
  Start(AutoscalerSpec{}, /*ready=*/10, /*second=*/0);
  EXPECT_EQ(Run(Obs(2, 10, 0, 0)).desired_scale, 10);  // no history yet: keep 10
  EXPECT_EQ(Run(Obs(60, 10, 0, 0)).desired_scale, 10);
  ScaleResult r = Run(Obs(62, 10, 0, 0));
  EXPECT_FALSE(r.panicking);
  EXPECT_EQ(r.desired_scale, 5);
}

TEST(MaxWindow, MaximumOverTheLastLengthInTwoSecondSlots) {
  MaxWindow w(Seconds(6));  // 3 slots
  EXPECT_EQ(w.length(), Seconds(6));
  EXPECT_EQ(w.RecordAndMax(At(0), 5), 5);
  EXPECT_EQ(w.RecordAndMax(At(2), 1), 5);
  EXPECT_EQ(w.RecordAndMax(At(4), 3), 5);
  EXPECT_EQ(w.RecordAndMax(At(6), 1), 3);  // the slot of second 0 has left
  EXPECT_EQ(w.RecordAndMax(At(8), 0), 3);
  EXPECT_EQ(w.RecordAndMax(At(10), 0), 1);
  EXPECT_EQ(w.RecordAndMax(At(12), 0), 0);
  EXPECT_EQ(w.RecordAndMax(At(13), 7), 7);
  EXPECT_EQ(MaxWindow(Seconds(5)).length(), Seconds(6));  // rounded up to whole slots
}

TEST_F(DeciderTest, ScaleDownDelayKeepsTheMaximumOfTheDelay) {
  AutoscalerSpec spec = WithTarget(10, 10);
  spec.scale_down_delay = Seconds(6);
  Start(spec);
  EXPECT_EQ(Run(Obs(0, 1, 50, 0)).desired_scale, 5);
  EXPECT_EQ(Run(Obs(2, 5, 10, 0)).desired_scale, 5);  // wants 2 (rate limit), delayed
  EXPECT_EQ(Run(Obs(4, 5, 10, 0)).desired_scale, 5);
  EXPECT_EQ(Run(Obs(6, 5, 10, 0)).desired_scale, 2);  // the 5 was recorded 6 s ago
}

TEST_F(DeciderTest, ScaleDownDelayOnlyAppliesToReachableRevisions) {
  AutoscalerSpec spec = WithTarget(10, 10);
  spec.scale_down_delay = Seconds(6);
  Start(spec);
  Run(Obs(0, 1, 50, 0, /*reachable=*/false));
  EXPECT_EQ(Run(Obs(2, 5, 0, 0, /*reachable=*/false)).desired_scale, 0);
}

TEST_F(DeciderTest, ChangingTheDelayRestartsItsWindow) {
  AutoscalerSpec spec = WithTarget(10, 10);
  spec.scale_down_delay = Seconds(6);
  Start(spec);
  Run(Obs(0, 1, 50, 0));
  AutoscalerSpec same = spec;
  same.target_value = 5;
  state_ = UpdateDeciderState(state_, spec, same);
  EXPECT_EQ(Run(Obs(2, 1, 0, 0)).desired_scale, 5);  // history kept
  AutoscalerSpec none = spec;
  none.scale_down_delay = Seconds(0);
  state_ = UpdateDeciderState(state_, spec, none);
  spec_ = none;
  EXPECT_EQ(Run(Obs(4, 1, 0, 0)).desired_scale, 0);
}

}  // namespace decider_test
}  // namespace ebb::autoscaler
