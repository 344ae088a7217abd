// RevisionHealth: how the controller learns whether a Revision's app can run and is ready.
//
// The controller calls Check() for a Revision each time it reconciles it and turns the Report
// into the Revision's conditions (ResourcesAvailable, ContainerHealthy, Ready, Active) and
// replica counts. The runtime, once it exists, implements this from its instances and calls
// Controller::Enqueue when a revision's health changes; until then LocalExecutableHealth
// answers from the file system alone.
//
// Thread-safety: Check() is called from the controller's worker thread only, but an
// implementation shared with other components must be safe for its own callers.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace ebb::controller {

class RevisionHealth {
 public:
  struct Report {
    enum class State { kUnknown, kReady, kFailed };
    // Which condition a kFailed report sets False: the container (ContainerMissing,
    // ExitCode<N>) or the resources (ProgressDeadlineExceeded).
    enum class Failing { kContainerHealthy, kResourcesAvailable };
    State state = State::kUnknown;
    std::string reason;   // Knative's reason: "ContainerMissing", "ExitCode1", "Deploying" ...
    std::string message;  // what a person reads in `kubectl describe`
    std::int64_t actual_replicas = 0;
    std::int64_t desired_replicas = 0;
    Failing failing = Failing::kContainerHealthy;
  };
  virtual ~RevisionHealth();
  virtual Report Check(const nlohmann::json& revision) = 0;
};

// The health used until the runtime exists: a revision is Ready (scaled to zero: 0 actual, 0
// desired replicas) when its serving container's executable exists on this machine, and
// Failed/ContainerMissing otherwise.
//
// The executable is `command[0]`, or `image` when there is no command. It resolves as a shell
// would (ResolveExecutable in common/executable.h, which the runtime uses too): an absolute
// path as is; a path containing '/' relative to the container's workingDir (or the process's
// cwd when there is none); a bare name through $PATH. It must be a regular file with execute
// permission. An OCI image reference with no such file gets a message saying
// that ebb runs local executables.
class LocalExecutableHealth : public RevisionHealth {
 public:
  Report Check(const nlohmann::json& revision) override;
};

// The serving container of a revision (or configuration template) spec: the one that declares
// a port, else the first. Null JSON when there is none.
const nlohmann::json& ServingContainer(const nlohmann::json& revision_spec);

}  // namespace ebb::controller
