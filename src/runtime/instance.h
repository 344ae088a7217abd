// What the runtime tells its user (the serve glue) about instances, and how: the Callbacks,
// all invoked on the runtime thread, one at a time. A callback may call any Runtime method
// (state-changing ones are queued and run after the callback returns).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace ebb::runtime {

// One instance ("pod") of a revision, as the gateway reaches it.
struct InstanceInfo {
  std::string id;   // unique within the revision: the pod name's last part
  std::string pod;  // "{revision}-deployment-{id}"
  std::string host = "127.0.0.1";
  int port = 0;
  // When its current process was spawned and when it became ready (the Clock's steady time;
  // with socket activation the same: the listener is ebb's and queues connections before the
  // app runs). For the cold-start metric.
  std::chrono::steady_clock::time_point started{};
  std::chrono::steady_clock::time_point ready{};
};

struct ExitInfo {
  int exit_code = 0;          // 128 + signal when killed by a signal
  int signal = 0;             // 0 when it exited by itself
  bool expected = false;      // it was being stopped (scale-down, removal, liveness restart)
  bool will_restart = false;  // the runtime restarts it after the backoff
  int restart_count = 0;
  std::vector<std::string> last_lines;  // the end of its stdout/stderr
};

// `key` is the revision's "namespace/name" as given to Runtime::SetRevision.
struct Callbacks {
  // Ready for traffic: socket activated, READY=1 on NOTIFY_SOCKET, or the readiness probe.
  std::function<void(const std::string& key, const InstanceInfo&)> on_ready;
  // Take it out of routing now. When this callback is set, the runtime waits for
  // Runtime::Drained(key, id) (at most the grace period) before it sends SIGTERM; when it is
  // not set, SIGTERM follows at once. Only instances that were reported ready get this.
  std::function<void(const std::string& key, const InstanceInfo&)> on_terminating;
  // Its process exited (crash, stop, or start-up failure).
  std::function<void(const std::string& key, const InstanceInfo&, const ExitInfo&)> on_exited;
  // An instance could not start: reason "ContainerMissing" (no such executable),
  // "CreateContainerError", "CreateContainerConfigError" (bad spec) or "ExitCode<N>"
  // (exited before it was reported ready — never the case with socket activation, where
  // on_exited alone reports crashes); message says why, with the last log lines for
  // ExitCode<N>. Called again at every failed attempt.
  std::function<void(const std::string& key, const std::string& reason, const std::string& message)>
      on_failed_to_start;
};

}  // namespace ebb::runtime
