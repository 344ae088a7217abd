#include "serving/startup_health.h"

#include <gtest/gtest.h>

namespace ebb::serving {
namespace {

using std::chrono::milliseconds;
using Time = StartupHealth::Time;

const Time kT0 = Time(std::chrono::seconds(1000));

runtime::ExitInfo Crash(int code, std::vector<std::string> lines = {}) {
  runtime::ExitInfo exit;
  exit.exit_code = code;
  exit.will_restart = true;
  exit.last_lines = std::move(lines);
  return exit;
}

TEST(StartupHealth, AProbedInstanceIsHealthyWhenReady) {
  StartupHealth h(/*socket_activated=*/false);
  EXPECT_FALSE(h.healthy());
  EXPECT_TRUE(h.OnReady("a", kT0));
  EXPECT_TRUE(h.healthy());
  EXPECT_FALSE(h.OnReady("b", kT0));  // no change
}

TEST(StartupHealth, AProbedInstanceFailsThroughFailedToStartAndRecoversWhenReady) {
  StartupHealth h(false);
  EXPECT_TRUE(h.OnFailedToStart("ExitCode3", "Container failed with exit code 3"));
  EXPECT_FALSE(h.OnFailedToStart("ExitCode3", "Container failed with exit code 3"));
  EXPECT_FALSE(h.OnExited("a", Crash(3)));  // the failure came through OnFailedToStart
  EXPECT_EQ(h.reason(), "ExitCode3");
  EXPECT_TRUE(h.OnReady("a", kT0));
  EXPECT_TRUE(h.healthy());
  EXPECT_EQ(h.reason(), "");
}

TEST(StartupHealth, ASocketActivatedInstanceCountsOnlyAfterItSettles) {
  StartupHealth h(/*socket_activated=*/true, milliseconds(1000));
  EXPECT_FALSE(h.OnReady("a", kT0));
  EXPECT_FALSE(h.OnTick(kT0 + milliseconds(999)));
  EXPECT_FALSE(h.healthy());
  EXPECT_TRUE(h.OnTick(kT0 + milliseconds(1000)));
  EXPECT_TRUE(h.healthy());
  EXPECT_FALSE(h.OnTick(kT0 + milliseconds(5000)));
}

TEST(StartupHealth, ASocketActivatedCrashBeforeSettlingFailsWithTheExitCodeAndLines) {
  StartupHealth h(true, milliseconds(1000));
  h.OnReady("a", kT0);
  EXPECT_TRUE(h.OnExited("a", Crash(4, {"config missing"})));
  EXPECT_FALSE(h.healthy());
  EXPECT_EQ(h.reason(), "ExitCode4");
  EXPECT_EQ(h.message(), "Container failed with exit code 4: config missing");
}

TEST(StartupHealth, RestartsOfACrashingSocketActivatedAppKeepTheFailure) {
  StartupHealth h(true, milliseconds(1000));
  h.OnReady("a", kT0);
  h.OnExited("a", Crash(4));
  // The restart is "ready" at spawn again: the failure stays until it has stayed up.
  EXPECT_FALSE(h.OnReady("a", kT0 + milliseconds(1000)));
  EXPECT_EQ(h.reason(), "ExitCode4");
  EXPECT_FALSE(h.OnTick(kT0 + milliseconds(1500)));
  EXPECT_FALSE(h.OnExited("a", Crash(4)));           // same failure: nothing to re-read
  EXPECT_FALSE(h.OnTick(kT0 + milliseconds(9000)));  // no instance up: still failed
  EXPECT_EQ(h.reason(), "ExitCode4");
  // A later start that survives clears it.
  h.OnReady("a", kT0 + milliseconds(10000));
  EXPECT_TRUE(h.OnTick(kT0 + milliseconds(11000)));
  EXPECT_TRUE(h.healthy());
  EXPECT_EQ(h.reason(), "");
}

TEST(StartupHealth, AStopWeAskedForIsNoFailure) {
  StartupHealth h(true, milliseconds(1000));
  h.OnReady("a", kT0);
  runtime::ExitInfo stopped;
  stopped.exit_code = 143;
  stopped.signal = 15;
  stopped.expected = true;
  EXPECT_FALSE(h.OnExited("a", stopped));
  EXPECT_EQ(h.reason(), "");
  EXPECT_FALSE(h.OnTick(kT0 + milliseconds(2000)));  // it is gone: nothing settles
}

TEST(StartupHealth, OnceHealthyLaterCrashesDoNotFailTheRevision) {
  StartupHealth h(true, milliseconds(1000));
  h.OnReady("a", kT0);
  h.OnTick(kT0 + milliseconds(1000));
  h.OnReady("b", kT0 + milliseconds(2000));
  EXPECT_FALSE(h.OnExited("b", Crash(1)));
  EXPECT_FALSE(h.OnFailedToStart("ExitCode1", "x"));
  EXPECT_TRUE(h.healthy());
}

TEST(StartupHealth, AnySettledInstanceIsEnough) {
  StartupHealth h(true, milliseconds(1000));
  h.OnReady("a", kT0);
  h.OnReady("b", kT0 + milliseconds(500));
  h.OnExited("a", Crash(2));
  EXPECT_EQ(h.reason(), "ExitCode2");
  EXPECT_TRUE(h.OnTick(kT0 + milliseconds(1500)));
  EXPECT_TRUE(h.healthy());
}

}  // namespace
}  // namespace ebb::serving
