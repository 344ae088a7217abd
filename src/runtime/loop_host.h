// LoopHost: the real InstanceHost, on the runtime thread's EventLoop.
//
// Launch = PrepareLaunch (PlanLaunch: resolve the program, build the env; make the pipe for
// stdout and stderr) + its start (ProcessSpawner::Spawn on the calling thread) + Adopt (the
// loop watches the pidfd; a little later, a timer writes the tracking record and the loop
// starts copying the output into the instance's LogBuffer). A Standby runs the start on
// another thread and the supervisor adopts what it started. When the leader exits, the rest of
// its output is read, its process group is SIGKILLed while the zombie still holds the group id
// (so the id cannot have been reused), it is reaped, its record removed, and on_exit called.
//
// Loop thread only; construct it before the loop runs or on the loop thread. Destroying it
// SIGKILLs and reaps every process still running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/event_loop.h"
#include "runtime/host.h"
#include "runtime/probe.h"
#include "runtime/spawn.h"
#include "runtime/tracker.h"

namespace ebb::runtime {

struct LoopHostOptions {
  std::vector<std::string> base_env;  // NAME=VALUE every instance starts from
  std::string notify_socket;          // NOTIFY_SOCKET value; "" = none
  int port_min = 20000;               // ports for instances: below the ephemeral range
  int port_max = 32767;
  // From an instance's start to writing its tracking record and watching its output (Adopt).
  std::chrono::milliseconds settle_delay{20};
};

class LoopHost final : public InstanceHost {
 public:
  LoopHost(EventLoop& loop, InstanceTracker& tracker, LoopHostOptions options);
  ~LoopHost() override;

  Result<pid_t> Launch(const LaunchRequest& request,
                       std::function<void(ProcessExit)> on_exit) override;
  Result<Standby::Starter> PrepareLaunch(const LaunchRequest& request) override;
  // Any thread: creates the calling thread's spawner, which the starts of PrepareLaunch use.
  static void PrepareThisThread();
  Status Adopt(Standby::Process process, const LaunchRequest& request,
               std::function<void(ProcessExit)> on_exit) override;
  void SignalGroup(pid_t pgid, int sig) override;
  TimerId At(std::chrono::steady_clock::time_point when, std::function<void()> fn) override;
  void CancelTimer(TimerId id) override;
  ProbeId StartProbe(const ProbeRequest& request, std::function<void(bool ok)> done) override;
  void CancelProbe(ProbeId id) override;
  Result<int> PickPort() override;
  Result<Listener> Listen() override;
  Result<ReadySocket> OpenReadySocket() override;
  // Copies what the instances not yet watched (Adopt) have written into their logs, so that
  // a reader of the logs sees every line written so far.
  void ReadWaitingOutput();

 private:
  struct Running {
    pid_t pid = 0;
    UniqueFd pidfd;
    UniqueFd output;  // read end of the stdout/stderr pipe
    bool output_watched = false;  // WatchOutput has run
    std::shared_ptr<LogBuffer> log;
    std::function<void(ProcessExit)> on_exit;
  };
  // Watches the pidfd; the output is watched settle_delay later (Adopt).
  Status Watch(Running& run);
  // Starts copying the output into the log; SIGKILLs the instance when it cannot.
  void WatchOutput(pid_t pid);
  // Writes the instance's orphan-tracking record; SIGKILLs the instance when that fails.
  void Track(pid_t pid, const std::string& pod);
  void ReadOutput(Running& run);
  void CloseOutput(Running& run);
  void OnExited(pid_t pid);
  // SIGKILLs and reaps a process whose exit will not be reported.
  void Abandon(Running& run);
  // Binds 127.0.0.1 on the next free port of the range; listens when `listen`.
  Result<Listener> BindNextPort(bool listen);

  EventLoop& loop_;
  InstanceTracker& tracker_;
  const LoopHostOptions options_;
  ProcessSpawner spawner_;
  ProbeRunner probes_;
  std::unordered_map<pid_t, std::unique_ptr<Running>> running_;
  int next_port_;
};

}  // namespace ebb::runtime
