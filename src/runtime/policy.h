// The runtime's small decisions, as pure functions over plain values (tested exhaustively in
// policy_test.cc): how often to probe a starting instance, how long to wait before a restart,
// which instance to stop first when scaling down, and how an exit is named.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "runtime/instance.h"

namespace ebb::runtime {

// Readiness polling while an instance starts: every 250 µs at first, then 1 % of the time
// since the process started, up to 50 ms (reached after 5 s). runtime.md measured that a
// doubling backoff from 100 µs overshoots (an app ready at 1.5 ms is seen at 3.1 ms) and that
// spinning steals the starting app's CPU; a delay proportional to the elapsed time keeps the
// overshoot under 1 % + 250 µs while a slow starter is polled 20 times a second.
std::chrono::nanoseconds ReadinessPollInterval(std::chrono::nanoseconds since_start);

struct RestartPolicy {
  std::chrono::milliseconds initial{1000};
  std::chrono::milliseconds cap{60'000};
  // An instance that stayed ready this long before crashing starts a fresh streak.
  std::chrono::milliseconds reset_after{60'000};
};

// Delay before restart number `streak` (1 for the first failure in a row): initial × 2^(n-1),
// at most cap. 1 s, 2 s, 4 s ... 32 s, 60 s, 60 s with the defaults.
std::chrono::nanoseconds RestartDelay(int streak, const RestartPolicy& policy);

// What scale-down looks at in each instance of a revision (listed oldest first).
struct StopCandidate {
  bool has_process = false;  // false while waiting to (re)start
  bool ready = false;
  bool stopping = false;  // already terminating: not a candidate
};

// The index of the instance to stop next, or -1 when none can be: first one waiting with no
// process, then a started but not ready one, then a ready one; the newest within each group.
// Stopping what serves no traffic loses nothing; the newest has the least warm state.
int PickInstanceToStop(const std::vector<StopCandidate>& instances);

// Exit status as Kubernetes reports it: the code, or 128 + signal number when killed.
int ExitCode(int code, int signal);
// Revision condition reason for an instance that exited before it was ready: "ExitCode1".
std::string ExitCodeReason(int exit_code);
// containerStatuses[].lastState.terminated.reason: "Completed" for 0, "Error" otherwise.
std::string TerminationReason(int exit_code);
// Knative's "Container failed with: <termination message>", with the exit code spelled out
// since a local process has no termination-message file: its last lines stand in.
// "Container failed with exit code 3: line1\nline2"; "... exit code 137 (signal 9)" when killed.
std::string ExitFailureMessage(const ExitInfo& exit);

}  // namespace ebb::runtime
