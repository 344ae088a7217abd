#include "autoscaler/scaler.h"

#include <gtest/gtest.h>

#include <string>

#include "common/clock.h"

namespace ebb::autoscaler {
namespace scaler_test {

const Time kT0 = FakeClock().Steady();
Time At(int second) { return kT0 + Seconds(second); }

class ScalerTest : public ::testing::Test {
 protected:
  void Start(const AutoscalerSpec& spec) {
    spec_ = spec;
    state_ = InitialScalerState(spec_, At(0));
  }
  // One reconcile at `second`; returns want and keeps the state.
  int Run(int second, int desired, int ready, bool reachable = true) {
    ScalerStep step = Scale(spec_, state_, ScalerInput{At(second), desired, ready, reachable});
    state_ = step.state;
    return step.want;
  }
  // Brings a revision to Active at `second` with `n` instances ready.
  void MakeActive(int second, int n) {
    Run(second, n, n);
    ASSERT_EQ(state_.phase, ActivePhase::kActive);
  }

  AutoscalerSpec spec_;
  ScalerState state_;
};

TEST_F(ScalerTest, NewRevisionRunsInitialScaleUntilThereIsADecision) {
  Start(AutoscalerSpec{});
  EXPECT_EQ(state_.instances, 1);
  EXPECT_EQ(state_.phase, ActivePhase::kActivating);
  EXPECT_EQ(Run(2, -1, 0), -1);
  EXPECT_EQ(state_.instances, 1);
  EXPECT_EQ(state_.phase, ActivePhase::kActivating);
  EXPECT_EQ(state_.reason, ActiveReason::kQueued);
  EXPECT_EQ(Run(4, -1, 1), -1);
  EXPECT_EQ(state_.phase, ActivePhase::kActive);
  EXPECT_TRUE(state_.initialized);
  EXPECT_EQ(state_.phase_since, At(4));
  // Not activating any more and still no decision: nothing moves.
  ScalerState before = state_;
  EXPECT_EQ(Run(6, -1, 1), -1);
  EXPECT_EQ(state_, before);
}

TEST_F(ScalerTest, MinAndMaxBounds) {
  AutoscalerSpec spec;
  spec.min_scale = 2;
  spec.max_scale = 5;
  Start(spec);
  EXPECT_EQ(Run(0, 1, 0), 2);
  EXPECT_EQ(state_.instances, 2);
  EXPECT_EQ(Run(2, 9, 2), 5);
  EXPECT_EQ(Run(4, 3, 5), 3);
  EXPECT_EQ(state_.instances, 3);
  // min-scale only holds while a route sends the revision traffic.
  EXPECT_EQ(Run(6, 1, 3, /*reachable=*/false), 1);
  EXPECT_EQ(Run(8, 0, 1, /*reachable=*/true), 2);
}

TEST_F(ScalerTest, InitialScaleIsAFloorUntilFirstReached) {
  AutoscalerSpec spec;
  spec.initial_scale = 3;
  Start(spec);
  EXPECT_EQ(state_.instances, 3);
  EXPECT_EQ(Run(2, 1, 0), 3);
  EXPECT_EQ(state_.phase, ActivePhase::kActivating);  // threshold is 3 until first reached
  EXPECT_EQ(Run(4, 1, 2), 3);
  EXPECT_EQ(state_.phase, ActivePhase::kActivating);
  EXPECT_EQ(Run(6, 1, 3), 3);
  EXPECT_TRUE(state_.initialized);
  EXPECT_EQ(state_.phase, ActivePhase::kActive);
  EXPECT_EQ(Run(8, 1, 3), 1);
  EXPECT_EQ(state_.instances, 1);
}

TEST_F(ScalerTest, InitialScaleDoesNotHoldAnUnreachableRevision) {
  AutoscalerSpec spec;
  spec.initial_scale = 3;
  Start(spec);
  EXPECT_EQ(Run(2, 1, 0, /*reachable=*/false), 1);
}

TEST_F(ScalerTest, ScaleToZeroDisabledKeepsOne) {
  AutoscalerSpec spec;
  spec.enable_scale_to_zero = false;
  Start(spec);
  MakeActive(0, 3);
  EXPECT_EQ(Run(100, 0, 3), 1);
  EXPECT_EQ(state_.instances, 1);
  EXPECT_EQ(state_.phase, ActivePhase::kActive);
}

TEST_F(ScalerTest, ActiveForLessThanAStableWindowKeepsOneInstance) {
  Start(AutoscalerSpec{});
  MakeActive(0, 3);
  EXPECT_EQ(Run(10, 0, 3), 1);
  EXPECT_EQ(state_.instances, 1);
  EXPECT_EQ(state_.phase, ActivePhase::kActive);
}

TEST_F(ScalerTest, DefaultGateGoesInactiveThenWaitsTheGracePeriod) {
  Start(AutoscalerSpec{});  // stable window 60 s, grace 30 s
  MakeActive(0, 1);
  EXPECT_EQ(Run(60, 0, 1), 0);  // active a stable window: Inactive, instance kept
  EXPECT_EQ(state_.instances, 1);
  EXPECT_EQ(state_.phase, ActivePhase::kInactive);
  EXPECT_EQ(state_.reason, ActiveReason::kNoTraffic);
  EXPECT_EQ(state_.phase_since, At(60));
  EXPECT_EQ(Run(88, 0, 1), 0);
  EXPECT_EQ(state_.instances, 1);
  EXPECT_EQ(Run(90, 0, 1), 0);
  EXPECT_EQ(state_.instances, 0);
}

TEST_F(ScalerTest, ShortWindowAndGraceScaleToZeroAtTheRightTick) {
  AutoscalerSpec spec;
  spec.stable_window = Seconds(6);
  spec.scale_to_zero_grace_period = Seconds(1);
  Start(spec);
  MakeActive(0, 1);
  EXPECT_EQ(Run(104, 1, 1), 1);
  EXPECT_EQ(Run(106, 0, 1), 0);  // the decider's first 0
  EXPECT_EQ(state_.instances, 1);
  EXPECT_EQ(Run(108, 0, 1), 0);  // the next tick is past the 1 s grace
  EXPECT_EQ(state_.instances, 0);
}

TEST_F(ScalerTest, PodRetentionLongerThanGraceHoldsTheLastInstance) {
  AutoscalerSpec spec;
  spec.scale_to_zero_pod_retention_period = Seconds(50);
  Start(spec);
  MakeActive(0, 1);
  Run(60, 0, 1);
  EXPECT_EQ(Run(90, 0, 1), 0);
  EXPECT_EQ(state_.instances, 1);
  EXPECT_EQ(Run(108, 0, 1), 0);
  EXPECT_EQ(state_.instances, 1);
  EXPECT_EQ(Run(110, 0, 1), 0);
  EXPECT_EQ(state_.instances, 0);
}

TEST_F(ScalerTest, ScaleFromZeroActivatesThenBecomesActive) {
  Start(AutoscalerSpec{});
  MakeActive(0, 1);
  Run(60, 0, 1);
  Run(90, 0, 1);
  ASSERT_EQ(state_.instances, 0);
  EXPECT_EQ(Run(200, 1, 0), 1);
  EXPECT_EQ(state_.instances, 1);
  EXPECT_EQ(state_.phase, ActivePhase::kActivating);
  EXPECT_EQ(state_.reason, ActiveReason::kQueued);
  EXPECT_EQ(Run(202, 1, 1), 1);
  EXPECT_EQ(state_.phase, ActivePhase::kActive);
}

TEST_F(ScalerTest, ActivationThatNeverSucceedsTimesOut) {
  Start(AutoscalerSpec{});  // activation timeout 600 + 30 s
  MakeActive(0, 1);
  Run(60, 0, 1);
  Run(90, 0, 1);
  Run(100, 1, 0);  // poked: activating from second 100
  ASSERT_EQ(state_.phase_since, At(100));
  EXPECT_EQ(Run(300, 0, 0), -1);  // no more load, but still activating: wait
  EXPECT_EQ(state_.instances, 1);
  EXPECT_EQ(Run(730, 0, 0), -1);  // exactly the timeout: not yet
  EXPECT_EQ(state_.instances, 1);
  EXPECT_EQ(Run(732, 0, 0), 0);
  EXPECT_EQ(state_.instances, 0);
  EXPECT_EQ(state_.phase, ActivePhase::kInactive);
  EXPECT_EQ(state_.reason, ActiveReason::kTimedOut);
}

TEST_F(ScalerTest, InitialScaleZeroStartsInactive) {
  AutoscalerSpec spec;
  spec.initial_scale = 0;
  Start(spec);
  EXPECT_EQ(state_.instances, 0);
  EXPECT_EQ(Run(2, -1, 0), -1);
  EXPECT_EQ(state_.phase, ActivePhase::kInactive);
  EXPECT_EQ(state_.reason, ActiveReason::kNoTraffic);
  EXPECT_EQ(Run(4, 1, 0), 1);  // first request
  EXPECT_EQ(state_.phase, ActivePhase::kActivating);
}

TEST(ActivePhaseNames, AsKnativeConditions) {
  EXPECT_EQ(std::string(ActivePhaseName(ActivePhase::kActive)), "Active");
  EXPECT_EQ(std::string(ActivePhaseName(ActivePhase::kActivating)), "Activating");
  EXPECT_EQ(std::string(ActivePhaseName(ActivePhase::kInactive)), "Inactive");
  EXPECT_EQ(std::string(ActiveReasonName(ActiveReason::kQueued)), "Queued");
  EXPECT_EQ(std::string(ActiveReasonName(ActiveReason::kNoTraffic)), "NoTraffic");
  EXPECT_EQ(std::string(ActiveReasonName(ActiveReason::kTimedOut)), "TimedOut");
  EXPECT_EQ(std::string(ActiveReasonName(ActiveReason::kNone)), "");
}

}  // namespace scaler_test
}  // namespace ebb::autoscaler
