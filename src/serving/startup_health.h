// StartupHealth: whether a revision's app has shown that it can run, from the runtime's instance
// events; ServingPlane::Check turns it into the Revision's ContainerHealthy / Ready conditions.
//
// An instance made ready by a probe or READY=1 has proved itself: the revision is healthy from
// its first ready instance on. A socket-activated instance is "ready" the moment it is spawned
// (ebb owns its listening socket), before the app has run a line, so for health it counts only
// once it has stayed up for `settle`. If it exits unexpectedly before that, the revision fails
// the way a probed instance that exits before it is ready does: reason ExitCode<N>, message
// "Container failed with exit code N: <last lines>" (runtime::ExitFailureMessage). A failure is
// cleared only when an instance proves itself, so restarts after a crash (which are "ready" at
// once again) do not flip the revision back to Ready.
//
// Once healthy, a revision stays healthy: later crashes show in its pods' restartCount and logs.
//
// Not thread-safe: the plane's thread (or a test) only. Time comes in as arguments.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "runtime/instance.h"

namespace ebb::serving {

class StartupHealth {
 public:
  using Time = std::chrono::steady_clock::time_point;

  // How long a socket-activated instance must stay up before it counts.
  static constexpr std::chrono::milliseconds kDefaultSettle{1000};

  explicit StartupHealth(bool socket_activated, std::chrono::milliseconds settle = kDefaultSettle)
      : socket_activated_(socket_activated), settle_(settle) {}

  // A revision that proved itself in an earlier run of ebb (its stored Ready condition is True)
  // starts healthy: a restart of ebb does not make it prove itself again.
  void AssumeHealthy() { BecomeHealthy(); }

  // Each returns true when healthy() or the failure changed (the controller should re-read).
  bool OnReady(const std::string& instance_id, Time now);
  bool OnExited(const std::string& instance_id, const runtime::ExitInfo& exit);
  bool OnFailedToStart(const std::string& reason, const std::string& message);
  // Settles the socket-activated instances that have been up for `settle` by `now`.
  bool OnTick(Time now);

  bool healthy() const { return healthy_; }
  // The last start-up failure ("" when none, or once healthy).
  const std::string& reason() const { return reason_; }
  const std::string& message() const { return message_; }

 private:
  bool BecomeHealthy();
  bool Fail(const std::string& reason, const std::string& message);

  bool socket_activated_;
  std::chrono::milliseconds settle_;
  bool healthy_ = false;
  std::string reason_, message_;
  std::map<std::string, Time> unsettled_;  // socket-activated instance id → ready since
};

}  // namespace ebb::serving
