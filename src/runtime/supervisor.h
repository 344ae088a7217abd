// Supervisor: the instances of every revision and their lifecycle, as a state machine driven
// by calls (SetRevision, Scale, Drained, ...) and by the host's events (exits, probe results,
// timers). It decides nothing about how many instances there should be; it makes the count
// match what Scale asked for.
//
//   create → kStarting ──ready──▶ kReady ──scale down──▶ kTerminating ──Drained / grace──┐
//               │  ▲                │ crash / liveness                                  ▼
//               │  └──backoff── kBackoff ◀─ exit before ready        kStopping: SIGTERM, grace,
//               SIGKILL └── scale down (never routed): straight to kStopping          │ exit
//                                                                             ▼ removed
//
// Threading: not thread-safe; every method and every host callback runs on one thread (the
// runtime thread, or a test's). Callbacks to the user are invoked synchronously from there;
// they must not call back into the Supervisor directly (Runtime queues such calls).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/clock.h"
#include "runtime/host.h"
#include "runtime/instance.h"
#include "runtime/launch.h"
#include "runtime/log_buffer.h"
#include "runtime/pods.h"
#include "runtime/policy.h"
#include "runtime/standby.h"

namespace ebb::runtime {

struct SupervisorOptions {
  std::chrono::seconds max_grace{30};  // bounds timeoutSeconds as drain wait and SIGTERM grace
  RestartPolicy restart;
  std::size_t log_bytes = 1 << 20;  // per instance
  int exit_log_lines = 20;          // lines in ExitInfo and in ExitCode<N> messages
};

class Supervisor {
 public:
  // With `standbys`, a revision at zero keeps a Standby on that board (standby.h): a start
  // that another thread can fire, adopted here as an instance (Fired).
  Supervisor(SupervisorOptions options, Callbacks callbacks, InstanceHost& host,
             const Clock& clock, StandbyBoard* standbys = nullptr);
  ~Supervisor();

  // Adds or replaces the revision under `key` ("namespace/name"). New instances use the new
  // template; running ones keep theirs. An invalid revision makes every start fail with
  // CreateContainerConfigError.
  void SetRevision(const std::string& key, const nlohmann::json& revision);
  // Stops every instance of the revision (ready ones drain first) and forgets it.
  void RemoveRevision(const std::string& key);
  // Starts or stops instances until `wanted` are starting, ready or waiting to restart.
  // Unknown keys are ignored.
  void Scale(const std::string& key, int wanted);
  // The gateway has no requests in flight to this terminating instance: SIGTERM it now.
  void Drained(const std::string& key, const std::string& id);
  // `standby`, which was on the board for `key`, has been fired: adopt its process as an
  // instance, and want at least one until the next Scale says how many.
  void Fired(const std::string& key, const Standby* standby);
  // READY=1 arrived on NOTIFY_SOCKET from a process in group `pgid`. From a group not known
  // yet, it is kept for a second: a standby fired on a gateway worker can start and notify
  // before its Fired report is handled, and its adoption then takes the READY=1.
  void NotifyReady(pid_t pgid);
  // The app of the instance named `pod`, fired from a standby, sent READY=1 on the standby's
  // own socket at `at` (read by the thread that fired it: Standby::TakeReadySocket).
  void ReadyReported(const std::string& key, const std::string& pod,
                     std::chrono::steady_clock::time_point at);
  // Stops everything (SIGTERM, grace, SIGKILL; no drain, no restarts, no more callbacks) and
  // calls `done` once the last process has exited.
  void Shutdown(std::function<void()> done);

  // The facts of every instance's Pod; PodJson (pods.h) turns them into objects on any thread.
  std::vector<PodFacts> Pods() const;
  // The log of the pod named `pod`, or nullptr.
  std::shared_ptr<LogBuffer> Log(const std::string& pod) const;

 private:
  enum class Phase { kStarting, kReady, kBackoff, kTerminating, kStopping };
  struct Instance;
  struct ListenerSlot {
    Listener listener;
    bool in_use = false;
  };
  struct Revision {
    std::string key;
    std::string name;                                  // metadata.name, from the key
    std::shared_ptr<const RevisionTemplate> revision;  // null while invalid
    std::string invalid;                               // why, when null
    int wanted = 0;
    bool removed = false;
    std::vector<std::unique_ptr<Instance>> instances;  // oldest first
    std::vector<ListenerSlot> listeners;               // socket activation, kept while known
    std::shared_ptr<Standby> standby;                  // armed while at zero
    int standby_listener = -1;                         // the listener slot it reserved
  };

  // Scaling.
  void Reconcile(Revision& rev);
  void ForgetIfDone(const std::string& key);
  void CreateInstance(Revision& rev);
  void BeginStop(Revision& rev, Instance& inst);
  void SendTerm(Instance& inst);
  void Erase(Revision& rev, const Instance& inst);

  // Starting and restarting.
  void Launch(Revision& rev, Instance& inst);
  // The port for a new process; socket activation also reserves a listener slot (*listener).
  Result<int> PortFor(Revision& rev, int* listener, int* listen_fd);
  void Started(Revision& rev, Instance& inst, pid_t pid, int port,
               std::chrono::steady_clock::time_point started);

  // Standbys.
  void Arm(Revision& rev);
  void Withdraw(Revision& rev);
  void AdoptFired(Revision& rev, const Standby& standby, int listener,
                  Result<Standby::Process> process);
  void FailLaunch(Revision& rev, Instance& inst, const std::string& reason,
                  const std::string& message);
  void ScheduleRestart(Revision& rev, Instance& inst);
  void OnExit(const std::string& key, const std::string& id, int generation, ProcessExit status);
  void EnterCrashLoop(Instance& inst, bool was_ready);

  // Readiness and liveness.
  using ProbeHandler = void (Supervisor::*)(Revision&, Instance&, bool ok);
  void ScheduleReadiness(Instance& inst, std::chrono::steady_clock::time_point when);
  void StartProbe(Instance& inst, const Probe& probe, ProbeHandler handler);
  void OnReadiness(Revision& rev, Instance& inst, bool ok);
  // `at`: when it said READY=1 (before its adoption); else now.
  void MarkReady(Revision& rev, Instance& inst,
                 std::optional<std::chrono::steady_clock::time_point> at = std::nullopt);
  void ScheduleLiveness(Instance& inst, std::chrono::steady_clock::time_point when);
  void OnLiveness(Revision& rev, Instance& inst, bool ok);

  // Helpers.
  Revision* FindRevision(const std::string& key);
  Instance* Find(const std::string& key, const std::string& id);
  void CancelWork(Instance& inst);
  void ReleaseListener(Revision& rev, Instance& inst);
  std::chrono::seconds Grace(const Instance& inst) const;
  InstanceInfo Info(const Instance& inst) const;
  PodFacts Facts(const Revision& rev, const Instance& inst) const;
  std::string NewId(const Revision& rev);
  std::string NewUid();
  void MaybeFinishShutdown();

  const SupervisorOptions options_;
  const Callbacks callbacks_;
  InstanceHost& host_;
  const Clock& clock_;
  StandbyBoard* const standbys_;
  std::map<std::string, Revision> revisions_;
  // NotifyReady of groups not adopted yet, and when.
  std::map<pid_t, std::chrono::steady_clock::time_point> early_ready_;
  std::mt19937_64 rng_;
  bool shutting_down_ = false;
  std::function<void()> shutdown_done_;
};

}  // namespace ebb::runtime
