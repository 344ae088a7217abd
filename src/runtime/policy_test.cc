#include "runtime/policy.h"

#include <gtest/gtest.h>

namespace ebb::runtime {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ReadinessPollInterval, StartsAt250MicrosecondsAndEasesOffTo50Milliseconds) {
  EXPECT_EQ(ReadinessPollInterval(microseconds(0)), microseconds(250));
  EXPECT_EQ(ReadinessPollInterval(milliseconds(10)), microseconds(250));
  EXPECT_EQ(ReadinessPollInterval(milliseconds(25)), microseconds(250));
  EXPECT_EQ(ReadinessPollInterval(milliseconds(50)), microseconds(500));
  EXPECT_EQ(ReadinessPollInterval(milliseconds(500)), milliseconds(5));
  EXPECT_EQ(ReadinessPollInterval(seconds(2)), milliseconds(20));
  EXPECT_EQ(ReadinessPollInterval(seconds(5)), milliseconds(50));
  EXPECT_EQ(ReadinessPollInterval(seconds(60)), milliseconds(50));
}

TEST(ReadinessPollInterval, NeverShrinksAsTimePasses) {
  auto previous = ReadinessPollInterval(microseconds(0));
  for (auto t = microseconds(0); t < seconds(10); t += microseconds(997)) {
    auto next = ReadinessPollInterval(t);
    EXPECT_GE(next, previous);
    previous = next;
  }
}

TEST(RestartDelay, DoublesFromOneSecondUpToTheCap) {
  RestartPolicy policy;  // 1 s, cap 60 s
  std::vector<seconds> want = {seconds(1),  seconds(2),  seconds(4),  seconds(8),
                               seconds(16), seconds(32), seconds(60), seconds(60)};
  for (int streak = 1; streak <= 8; ++streak) {
    EXPECT_EQ(RestartDelay(streak, policy), want[streak - 1]) << "streak " << streak;
  }
  EXPECT_EQ(RestartDelay(1000, policy), seconds(60));  // no overflow on long streaks
}

TEST(RestartDelay, HonoursACustomPolicy) {
  RestartPolicy policy{seconds(3), seconds(10), seconds(5)};
  EXPECT_EQ(RestartDelay(1, policy), seconds(3));
  EXPECT_EQ(RestartDelay(2, policy), seconds(6));
  EXPECT_EQ(RestartDelay(3, policy), seconds(10));
}

StopCandidate Waiting() { return {false, false, false}; }
StopCandidate Starting() { return {true, false, false}; }
StopCandidate Ready() { return {true, true, false}; }
StopCandidate Leaving() { return {true, true, true}; }

TEST(PickInstanceToStop, PrefersWaitingThenStartingThenReady) {
  EXPECT_EQ(PickInstanceToStop({Ready(), Starting(), Waiting(), Ready()}), 2);
  EXPECT_EQ(PickInstanceToStop({Ready(), Starting(), Ready()}), 1);
  EXPECT_EQ(PickInstanceToStop({Starting(), Ready(), Waiting()}), 2);
}

TEST(PickInstanceToStop, PicksTheNewestWithinAGroup) {
  EXPECT_EQ(PickInstanceToStop({Ready(), Ready(), Ready()}), 2);
  EXPECT_EQ(PickInstanceToStop({Starting(), Ready(), Starting(), Ready()}), 2);
  EXPECT_EQ(PickInstanceToStop({Waiting(), Waiting(), Ready()}), 1);
}

TEST(PickInstanceToStop, SkipsInstancesAlreadyLeaving) {
  EXPECT_EQ(PickInstanceToStop({Ready(), Leaving()}), 0);
  EXPECT_EQ(PickInstanceToStop({Leaving(), Leaving()}), -1);
  EXPECT_EQ(PickInstanceToStop({}), -1);
}

TEST(ExitNames, FollowKubernetes) {
  EXPECT_EQ(ExitCode(3, 0), 3);
  EXPECT_EQ(ExitCode(0, 9), 137);
  EXPECT_EQ(ExitCode(0, 15), 143);
  EXPECT_EQ(ExitCodeReason(1), "ExitCode1");
  EXPECT_EQ(ExitCodeReason(137), "ExitCode137");
  EXPECT_EQ(TerminationReason(0), "Completed");
  EXPECT_EQ(TerminationReason(2), "Error");
}

TEST(ExitNames, FailureMessageNamesTheCodeSignalAndLastLines) {
  ExitInfo exit;
  exit.exit_code = 3;
  EXPECT_EQ(ExitFailureMessage(exit), "Container failed with exit code 3");
  exit.last_lines = {"loading", "boom"};
  EXPECT_EQ(ExitFailureMessage(exit), "Container failed with exit code 3: loading\nboom");
  exit = ExitInfo{};
  exit.exit_code = 137;
  exit.signal = 9;
  EXPECT_EQ(ExitFailureMessage(exit), "Container failed with exit code 137 (signal 9)");
}

}  // namespace
}  // namespace ebb::runtime
