// InstanceHost: everything the Supervisor needs from the operating system — processes,
// timers, probes, ports — behind one seam, so that the supervisor's logic runs in tests on a
// fake host and a FakeClock. LoopHost (loop_host.h) is the real one.
//
// Threading: every method is called on the supervisor's thread, and every callback
// (on_exit, timers, probe results) is invoked on that thread, never from inside the call that
// registered it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "runtime/fd.h"
#include "runtime/launch.h"
#include "runtime/log_buffer.h"
#include "runtime/standby.h"

namespace ebb::runtime {

// A listening TCP socket on 127.0.0.1 kept by the runtime for socket activation.
struct Listener {
  UniqueFd fd;
  int port = 0;
};

// A datagram socket an app's "READY=1" reaches (LaunchRequest::notify_socket).
struct ReadySocket {
  UniqueFd fd;
  std::string address;
};

struct ProcessExit {
  int code = 0;    // exit code when it exited
  int signal = 0;  // signal number when killed
};

struct LaunchRequest {
  std::shared_ptr<const RevisionTemplate> revision;
  std::string pod;  // names the tracking record
  int port = 0;
  int listen_fd = -1;  // >= 0: socket activation
  std::shared_ptr<LogBuffer> log;
  // NOTIFY_SOCKET for this start (a standby's own, OpenReadySocket); "" = the host's shared one.
  std::string notify_socket;
};

struct ProbeRequest {
  std::shared_ptr<const RevisionTemplate> revision;
  Probe probe;
  int port = 0;
  std::chrono::milliseconds timeout{100};
};

class InstanceHost {
 public:
  using TimerId = std::uint64_t;  // 0 is never a valid id
  using ProbeId = std::uint64_t;  // 0 is never a valid id
  virtual ~InstanceHost() = default;

  // Starts the revision's program as a new process group whose stdout/stderr go to
  // request.log. on_exit runs once, after the leader has exited, its group has been killed
  // and it has been reaped. kNotFound when the program cannot run here.
  virtual Result<pid_t> Launch(const LaunchRequest& request,
                               std::function<void(ProcessExit)> on_exit) = 0;
  // Prepares the same start for a Standby, which runs it later on any thread. kNotFound when
  // the program cannot run here. request.listen_fd must stay open until the Standby is done.
  virtual Result<Standby::Starter> PrepareLaunch(const LaunchRequest& request) = 0;
  // Takes over a process a Standby started for `request`: from then on as if Launch had
  // started it (its output goes to request.log, on_exit as for Launch).
  virtual Status Adopt(Standby::Process process, const LaunchRequest& request,
                       std::function<void(ProcessExit)> on_exit) = 0;
  // Sends `sig` to the process group `pgid`.
  virtual void SignalGroup(pid_t pgid, int sig) = 0;

  virtual TimerId At(std::chrono::steady_clock::time_point when, std::function<void()> fn) = 0;
  virtual void CancelTimer(TimerId id) = 0;

  // One probe attempt against 127.0.0.1:request.port (or the exec command); `done(ok)` gets
  // the result, a timeout counting as failure.
  virtual ProbeId StartProbe(const ProbeRequest& request, std::function<void(bool ok)> done) = 0;
  virtual void CancelProbe(ProbeId id) = 0;

  // A port on 127.0.0.1 that is free now, for an app that binds its own $PORT.
  virtual Result<int> PickPort() = 0;
  // A new listening socket on 127.0.0.1 for socket activation.
  virtual Result<Listener> Listen() = 0;
  // A datagram socket of its own for one start's sd_notify messages (blocking, close-on-exec)
  // and its NOTIFY_SOCKET address: a standby's, read by the thread that fires it.
  virtual Result<ReadySocket> OpenReadySocket() = 0;
};

}  // namespace ebb::runtime
