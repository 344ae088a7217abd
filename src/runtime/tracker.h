// InstanceTracker: a record on disk for every live instance process, so that a server killed
// with SIGKILL leaves no orphans behind once it is started again.
//
// PR_SET_PDEATHSIG kills an instance's leader when the server dies, but not what the leader
// started (an `sh -c` pipeline, workers). Each record names the leader's pid — also its
// process group — and its start time from /proc/PID/stat, so a pid reused since then is
// recognised and left alone. Records are files DIR/<pid>; thread-safe (no shared state).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "common/status.h"

namespace ebb::runtime {

class InstanceTracker {
 public:
  explicit InstanceTracker(std::string dir);  // e.g. DATA_DIR/runtime/instances

  Status Record(pid_t pid, std::uint64_t start_ticks, const std::string& pod);
  void Forget(pid_t pid);

  // For every record: when the pid still runs with the recorded start time, or no longer
  // exists at all (its group may outlive it), SIGKILLs the whole process group. Removes every
  // record. Returns how many groups were signalled.
  int ReapOrphans();

  const std::string& dir() const { return dir_; }

 private:
  std::string Path(pid_t pid) const;
  const std::string dir_;
};

}  // namespace ebb::runtime
