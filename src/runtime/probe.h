// ProbeRunner: single probe attempts on the runtime's EventLoop, without blocking it.
//
//   kTcp   non-blocking connect to 127.0.0.1:port; success when it completes.
//   kHttp  the same, then "GET path" with User-Agent kube-probe/ebb; success on 200–399.
//   kExec  the command in the instance's environment and cwd, as its own process group;
//          success on exit 0. A timed-out or cancelled command is SIGKILLed and reaped.
//
// A timeout counts as failure. Results are delivered through the loop (never from inside
// Start). Loop thread only.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/event_loop.h"
#include "runtime/host.h"
#include "runtime/spawn.h"

namespace ebb::runtime {

class ProbeRunner {
 public:
  using Done = std::function<void(bool ok)>;

  // `base_env` is the environment exec probes start from (as instances do).
  ProbeRunner(EventLoop& loop, ProcessSpawner& spawner, std::vector<std::string> base_env);
  ~ProbeRunner();

  std::uint64_t Start(const ProbeRequest& request, Done done);
  void Cancel(std::uint64_t id);

  class Attempt;  // one probe in flight; defined in probe.cc

 private:
  void Finish(std::uint64_t id, bool ok);
  // Kills an exec probe's group and reaps it once it has gone, without blocking the loop.
  void Bury(SpawnedProcess process);

  EventLoop& loop_;
  ProcessSpawner& spawner_;
  const std::vector<std::string> base_env_;
  std::unordered_map<std::uint64_t, std::unique_ptr<Attempt>> attempts_;
  std::unordered_map<pid_t, UniqueFd> dying_;  // killed exec probes not yet reaped
  std::uint64_t next_id_ = 1;
};

// The bytes of an HTTP/1.1 probe request, and the verdict on a response's status line
// ("HTTP/1.1 204 No Content" → true; 4xx, 5xx or garbage → false). Exposed for tests.
std::string ProbeHttpRequest(const Probe& probe, int port);
bool ProbeHttpStatusOk(const std::string& status_line);

}  // namespace ebb::runtime
