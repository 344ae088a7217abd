// Runtime: app instances as local processes — spawn, readiness, drain, stop, restart, logs,
// and the Pod view of them. DESIGN.md "Instances"; facts in shared/reference/runtime.md.
//
// The runtime makes no scaling decisions and does not know the store. Its user (the serve
// glue) gives it revisions (SetRevision with the whole defaulted serving.knative.dev/v1
// Revision) and a wanted instance count per revision (Scale), and hears back through
// Callbacks (instance.h): ready, terminating, exited, failed to start.
//
// Lifecycle of an instance: started with PORT, K_SERVICE, K_CONFIGURATION, K_REVISION,
// NOTIFY_SOCKET and the container's env; ready through socket activation (annotation
// ebb.dev/socket-activation: "true"), READY=1 on NOTIFY_SOCKET, or the readiness probe (a TCP
// connect to PORT by default); restarted with capped exponential backoff when it crashes or
// fails its liveness probe; stopped by scale-down as: on_terminating → Drained (or the grace
// period) → SIGTERM to its process group → grace → SIGKILL. Grace = the revision's
// timeoutSeconds, at most Options::max_grace. See README.md.
//
// Threading: one runtime thread owns every instance and invokes every callback. All public
// methods are thread-safe; SetRevision/RemoveRevision/Scale/Drained are queued to the runtime
// thread and return at once; Pods/Logs wait for it (or run inline when called from a
// callback), and Pods builds its JSON on the calling thread. Stop() (and the destructor) must
// not be called from a callback.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "runtime/fd.h"
#include "runtime/instance.h"
#include "runtime/log_buffer.h"
#include "runtime/policy.h"

namespace ebb::runtime {

class EventLoop;
class InstanceTracker;
class LoopHost;
class NotifySocket;
class Standby;
class StandbyBoard;
class Supervisor;

struct Options {
  // Required. Tracking records of live instances go to DATA_DIR/runtime/instances/.
  std::string data_dir;
  // Bounds the drain wait and the SIGTERM → SIGKILL grace (Knative: timeoutSeconds, 300 s).
  std::chrono::seconds max_grace{30};
  // Restart backoff: 1 s doubling to 60 s; a streak resets after 60 s of readiness.
  RestartPolicy restart;
  std::size_t log_bytes = 1 << 20;  // kept per instance
  // From an instance's start to watching its output (LoopHostOptions::settle_delay).
  std::chrono::milliseconds settle_delay{20};
  int port_min = 20000;             // instance ports (below the ephemeral range)
  int port_max = 32767;
  // Server environment variables that instances inherit (then the container's env applies).
  std::vector<std::string> inherit_env = {"PATH", "HOME",   "USER",   "LOGNAME", "SHELL",
                                          "LANG", "LC_ALL", "TMPDIR", "TZ"};
};

class Runtime {
 public:
  // Reaps the orphans of a previous run in the same data dir (see ReapOrphans), opens the
  // notify socket and starts the runtime thread. `clock` must outlive the Runtime.
  static Result<std::unique_ptr<Runtime>> Start(Options options, Callbacks callbacks,
                                                const Clock& clock);
  ~Runtime();  // Stop()

  // `key` is "namespace/name". Replacing a revision affects only instances started later.
  void SetRevision(const std::string& key, nlohmann::json revision);
  // Stops all its instances (ready ones drain first) and forgets it.
  void RemoveRevision(const std::string& key);
  // Starts or stops instances until `wanted` are starting, ready or waiting to restart.
  // Scale-down stops instances waiting to restart first, then not-ready ones, then ready
  // ones, newest first. Unknown keys are ignored.
  void Scale(const std::string& key, int wanted);
  // The gateway has nothing in flight to this terminating instance.
  void Drained(const std::string& key, const std::string& instance_id);

  // Any thread (a gateway worker whose request found the revision at zero): starts the
  // revision's standby instance on the calling thread, a clone that blocks it for a few
  // hundred microseconds, instead of waiting for the runtime thread (standby.h). The runtime
  // adopts the process when told (Adopt) or at the next Scale that wants any instance, and
  // wants at least one instance until the next Scale.
  struct ColdStart {
    bool started = false;  // a process was started
    // The instance when it accepts connections already (socket activation); otherwise it is
    // reported by on_ready once ready, as usual.
    std::optional<InstanceInfo> accepting;
    // An app that binds its own port: the instance, and the socket its READY=1 reaches (the
    // start's own NOTIFY_SOCKET), for the caller to read. Whoever reads READY=1 there tells
    // ReportReady. Empty when the standby had no such socket: on_ready reports the instance as
    // usual (so it does anyway, from a readiness probe, if the app never sends READY=1).
    struct Starting {
      InstanceInfo instance;
      UniqueFd ready_socket;
    };
    std::optional<Starting> starting;
    // The standby that was fired (also when its start failed), for Adopt. Null if none was.
    std::shared_ptr<Standby> fired;
  };
  // Nothing started when the revision has no standby: it is not at zero, or it cannot start
  // (then Scale reports why).
  ColdStart StartFromZero(const std::string& key);
  // Any thread, once for each ColdStart::fired, before ReportReady: the runtime takes over
  // the start, adopting the process (or reporting why it failed to start, and retrying), and
  // watches and probes it from then on. Until then nothing on the runtime thread runs for it,
  // which leaves the CPUs to the starting app for as long as the caller waits.
  void Adopt(const std::string& key, std::shared_ptr<Standby> fired);
  // Any thread: the app of the instance named `pod` (ColdStart::starting) sent READY=1 at
  // `at`. It is marked ready (on_ready) unless it is no longer starting.
  void ReportReady(const std::string& key, const std::string& pod,
                   std::chrono::steady_clock::time_point at);
  // On a thread that may call StartFromZero, before it does: sets up the thread's spawner
  // (its child stack, faulted in) so that the first cold start there does not pay for it.
  static void PrepareThisThreadForStarts();

  // core v1 Pod objects, one per instance (pods.h).
  std::vector<nlohmann::json> Pods();
  // The last `tail` lines (all kept lines if nullopt) of a pod's stdout+stderr; kNotFound
  // for an unknown pod.
  Result<std::string> Logs(const std::string& pod, std::optional<int> tail);
  // The pod's log itself, to follow: ReadFrom/WaitFor/AddListener. Closed when the instance
  // goes away.
  Result<std::shared_ptr<const LogBuffer>> FollowLogs(const std::string& pod);

  // Stops every instance (SIGTERM, grace, SIGKILL; no drain, no restarts, no further
  // callbacks), then the runtime thread. Idempotent.
  void Stop();

  // How many process groups Start() found alive from a previous run and killed.
  int orphans_reaped() const { return orphans_reaped_; }
  // Kills the process groups recorded under DATA_DIR/runtime/instances by an earlier run
  // that are still alive (checked against their recorded start time), removes the records,
  // and returns how many groups were killed. Start() does this itself.
  static int ReapOrphans(const std::string& data_dir);

 private:
  Runtime();
  template <typename T, typename F>
  T OnLoop(F fn, T if_stopped);
  void Queue(std::function<void()> task);

  std::unique_ptr<EventLoop> loop_;
  std::unique_ptr<InstanceTracker> tracker_;
  std::unique_ptr<NotifySocket> notify_;
  std::unique_ptr<LoopHost> host_;
  std::unique_ptr<StandbyBoard> standbys_;
  std::unique_ptr<Supervisor> supervisor_;  // runtime thread only
  std::thread thread_;
  int orphans_reaped_ = 0;
  std::mutex mu_;
  bool stopped_ = false;  // guarded by mu_: once set, nothing more is queued
};

}  // namespace ebb::runtime
