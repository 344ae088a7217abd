// The core v1 Pod view of an instance, for `kubectl get pods` and `ebb get pods`.
//
// Instances restart in place (restartPolicy Always), so a pod is Pending until its first
// process runs and Running from then on, also while it waits in CrashLoopBackOff; an
// instance leaves the list once its process has exited during a stop, so the Succeeded and
// Failed phases do not occur. A stopping pod carries metadata.deletionTimestamp, which kubectl
// prints as "Terminating". Pure; callable from any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/clock.h"

namespace ebb::runtime {

struct Termination {
  int exit_code = 0;
  int signal = 0;
  Clock::time_point started;
  Clock::time_point finished;
};

struct PodFacts {
  std::string name;  // "{revision}-deployment-{id}"
  std::string uid;
  std::string namespace_name;
  std::string revision;
  std::string revision_uid;
  std::string service;
  std::string configuration;
  std::string container_name;
  std::string image;
  Clock::time_point created;
  std::optional<Clock::time_point> deleting;  // set once it is being stopped
  int grace_seconds = 30;
  int port = 0;           // 0 while no process runs
  bool running = false;   // a process is up
  bool ever_ran = false;  // some process of this pod has run
  bool ready = false;
  Clock::time_point ready_changed;  // last transition of `ready`
  Clock::time_point started;        // of the running process
  int restart_count = 0;
  std::string waiting_reason;  // when !running: ContainerCreating, CrashLoopBackOff ...
  std::string waiting_message;
  std::optional<Termination> last;  // the previous process's end
};

nlohmann::json PodJson(const PodFacts& pod);

}  // namespace ebb::runtime
