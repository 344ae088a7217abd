// What the runtime needs from a Revision, and how that becomes one process's argv, env and cwd.
//
// ParseRevision reads a whole serving.knative.dev/v1 Revision (already defaulted by the API)
// into a RevisionTemplate. PlanLaunch turns a template plus the per-instance facts (its port,
// the NOTIFY_SOCKET address) into a LaunchPlan with the program resolved on this machine.
// Pure apart from PlanLaunch's file-system checks (stat/access); callable from any thread.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace ebb::runtime {

// Annotation on the Revision that opts into socket activation.
inline constexpr char kSocketActivationAnnotation[] = "ebb.dev/socket-activation";

using EnvList = std::vector<std::pair<std::string, std::string>>;

// A Kubernetes probe. gRPC probes and probes without a handler become kTcp on the instance's
// port. Every handler targets 127.0.0.1 and the instance's PORT, whatever host/port it names.
struct Probe {
  enum class Kind { kTcp, kHttp, kExec };
  Kind kind = Kind::kTcp;
  std::string path = "/";            // kHttp
  EnvList headers;                   // kHttp: httpHeaders
  std::vector<std::string> command;  // kExec
  int initial_delay_seconds = 0;
  int period_seconds = 0;   // 0: Knative's "aggressive" readiness probing
  int timeout_seconds = 0;  // 0: 100 ms when period is 0, else 1 s
  int success_threshold = 1;
  int failure_threshold = 3;
};

struct RevisionTemplate {
  std::string namespace_name = "default";
  std::string revision;       // metadata.name
  std::string revision_uid;   // metadata.uid
  std::string service;        // label serving.knative.dev/service ("" if none)
  std::string configuration;  // label serving.knative.dev/configuration
  std::string container_name = "user-container";
  std::string image;
  std::vector<std::string> command;
  std::vector<std::string> args;
  EnvList env;
  std::string working_dir;
  Probe readiness;
  std::optional<Probe> liveness;
  bool socket_activation = false;
  std::chrono::seconds timeout{300};  // spec.timeoutSeconds: also the stop grace period
};

// Reads the serving container (the one declaring a port, else the first) and the fields
// above. kInvalid when the object lacks metadata.name or containers, or uses env valueFrom.
Result<RevisionTemplate> ParseRevision(const nlohmann::json& revision);

// The facts of one instance that enter its environment.
struct InstanceEnv {
  int port = 0;
  std::string notify_socket;  // NOTIFY_SOCKET value; "" to leave it unset
};

struct LaunchPlan {
  std::string path;               // resolved executable
  std::vector<std::string> argv;  // argv[0] as the user wrote it
  std::vector<std::string> env;   // NAME=VALUE
  std::string cwd;                // absolute; "" = the server's cwd
};

// The instance's environment: `base` (NAME=VALUE inherited from the server), then the
// container's env (values may reference earlier variables as $(NAME)), then PORT, K_SERVICE,
// K_CONFIGURATION, K_REVISION and NOTIFY_SOCKET, which win over both.
std::vector<std::string> InstanceEnvironment(const RevisionTemplate& revision,
                                             const InstanceEnv& instance,
                                             const std::vector<std::string>& base);

// argv = command + args when there is a command, else image + args, with $(NAME) expanded
// from the instance environment. The program resolves like a shell's: absolute as is, a path
// with '/' against workingDir (or the cwd), a bare name through the environment's PATH.
// kNotFound with a message a person can act on when nothing executable is found.
Result<LaunchPlan> PlanLaunch(const RevisionTemplate& revision, const InstanceEnv& instance,
                              const std::vector<std::string>& base);

// The same for an exec probe's command, run with the instance's environment and cwd.
Result<LaunchPlan> PlanExec(const RevisionTemplate& revision, const InstanceEnv& instance,
                            const std::vector<std::string>& base,
                            const std::vector<std::string>& command);


// Kubernetes' $(NAME) expansion: known names are replaced, unknown ones left as written, and
// "$$" is a literal "$".
std::string ExpandVars(const std::string& text, const EnvList& vars);

}  // namespace ebb::runtime
