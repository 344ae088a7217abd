// Standby: an instance start prepared ahead, for a revision at zero, that another thread fires.
//
// A cold start's first request reaches a gateway worker. Handing it to the runtime thread
// costs a cross-CPU wake-up and that thread's bookkeeping before the clone, about a third of a
// cold start here (bench/coldstart.sh). So while a revision has no instance the supervisor
// keeps one launch ready: the program resolved, argv and env built, the port (or the socket
// activation listener) chosen, and the pod named. The gateway worker that parks the first
// request calls Fire, which clones the process on that thread. The supervisor then adopts the
// process as an instance (Withdraw returns it) as if it had launched it itself.
//
// Threading: Fire on any thread; Withdraw on the supervisor's. They exclude each other, so a
// Withdraw that meets a Fire in progress waits for its clone (a few hundred microseconds).
// A process is started at most once per Standby.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/status.h"
#include "runtime/fd.h"

namespace ebb::runtime {

class Standby {
 public:
  // A process a standby started: the group leader, its pidfd and the read end of the pipe its
  // stdout and stderr go to.
  struct Process {
    pid_t pid = 0;
    UniqueFd pidfd;
    UniqueFd output;
    std::chrono::steady_clock::time_point started{};  // when the clone returned (Standby's clock)
  };
  // Starts the prepared program on the calling thread (InstanceHost::PrepareLaunch).
  using Starter = std::function<Result<Process>()>;
  using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;

  // `ready_socket`: where the app's READY=1 will arrive (the start's own NOTIFY_SOCKET), or
  // invalid when it goes to the runtime's shared socket or the app is socket-activated.
  Standby(std::string id, std::string pod, int port, bool socket_activation, Starter start,
          SteadyNow now, UniqueFd ready_socket = {});

  const std::string& id() const { return id_; }
  const std::string& pod() const { return pod_; }
  int port() const { return port_; }
  // The process accepts connections as soon as it exists (the listener is ebb's).
  bool socket_activation() const { return socket_activation_; }

  // Any thread: starts the process unless the standby was withdrawn or fired already. True
  // when this call used the standby (the start may have failed; Withdraw tells).
  bool Fire();
  // Whether the last Fire started a process. Any thread, after Fire returned true.
  bool started() const { return started_; }
  // The ready socket, for the thread whose Fire returned true (once; then invalid). Until
  // then nobody reads it: what the app sends waits there.
  UniqueFd TakeReadySocket() { return std::move(ready_socket_); }

  // The supervisor's thread: ends the standby. nullopt when it was never fired; else what the
  // Fire gave (waiting for a Fire in progress). Later calls return nullopt.
  std::optional<Result<Process>> Withdraw();

 private:
  enum class State { kArmed, kFired, kDone };
  const std::string id_, pod_;
  const int port_;
  const bool socket_activation_;
  const Starter start_;
  const SteadyNow now_;
  UniqueFd ready_socket_;  // set at construction, then the firing thread's only
  std::mutex mu_;
  State state_ = State::kArmed;           // guarded by mu_
  std::optional<Result<Process>> fired_;  // guarded by mu_
  bool started_ = false;                  // written under mu_ before Fire returns
};

// The armed standbys by revision key: put and removed by the supervisor's thread, taken by
// whoever fires one.
class StandbyBoard {
 public:
  void Put(const std::string& key, std::shared_ptr<Standby> standby);
  // Removes `standby` if it is still the one under `key`.
  void Remove(const std::string& key, const Standby* standby);
  // The standby under `key` (and removes it), or nullptr.
  std::shared_ptr<Standby> Take(const std::string& key);

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<Standby>> armed_;  // guarded by mu_
};

}  // namespace ebb::runtime
