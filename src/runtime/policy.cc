#include "runtime/policy.h"

#include <algorithm>

namespace ebb::runtime {

using std::chrono::nanoseconds;

nanoseconds ReadinessPollInterval(nanoseconds since_start) {
  constexpr nanoseconds kFirst = std::chrono::microseconds(250);
  constexpr nanoseconds kLast = std::chrono::milliseconds(50);
  return std::clamp(since_start / 100, kFirst, kLast);
}

nanoseconds RestartDelay(int streak, const RestartPolicy& policy) {
  nanoseconds delay = policy.initial;
  for (int i = 1; i < streak && delay < policy.cap; ++i) delay *= 2;
  return std::min<nanoseconds>(delay, policy.cap);
}

namespace {
int StopRank(const StopCandidate& c) {
  if (!c.has_process) return 0;
  return c.ready ? 2 : 1;
}
}  // namespace

int PickInstanceToStop(const std::vector<StopCandidate>& instances) {
  int best = -1;
  for (int i = 0; i < static_cast<int>(instances.size()); ++i) {
    if (instances[i].stopping) continue;
    // `<=` so that among equals the later (newer) one wins.
    if (best < 0 || StopRank(instances[i]) <= StopRank(instances[best])) best = i;
  }
  return best;
}

int ExitCode(int code, int signal) { return signal != 0 ? 128 + signal : code; }

std::string ExitCodeReason(int exit_code) { return "ExitCode" + std::to_string(exit_code); }

std::string TerminationReason(int exit_code) { return exit_code == 0 ? "Completed" : "Error"; }

std::string ExitFailureMessage(const ExitInfo& exit) {
  std::string msg = "Container failed with exit code " + std::to_string(exit.exit_code);
  if (exit.signal != 0) msg += " (signal " + std::to_string(exit.signal) + ")";
  std::string lines;
  for (const std::string& l : exit.last_lines) lines += (lines.empty() ? "" : "\n") + l;
  return lines.empty() ? msg : msg + ": " + lines;
}

}  // namespace ebb::runtime
