// `ebb logs TARGET [-f] [--tail N]`: the output of an app's instances, read through the API
// server's pods/{name}/log (the runtime's bounded per-instance logs).
//
//   ebb logs ksvc/hello         every pod of the Service (label serving.knative.dev/service)
//   ebb logs config/hello       every pod of the Configuration
//   ebb logs rev/hello-00001    every pod of the Revision
//   ebb logs pod/NAME, or NAME  one pod, as `kubectl logs NAME`
//
// For a Service, Configuration or Revision each line is prefixed with "[POD] " (its instances
// come and go; the prefix says which one wrote it), pods in name order. The object must exist
// (else kubectl's NotFound message, exit 1); with no instance running (scaled to zero) it says
// so on stderr and exits 0.
//
// -f follows: for one pod, until its log ends (the pod went away); for the others, every pod
// there is and every pod that starts later (scale-out, a start from zero), each on its own
// thread, until interrupted or the pods watch ends. --tail N starts each pod with its last N
// lines (all kept lines by default).
#pragma once

#include <optional>
#include <string>

#include "cli/command_context.h"
#include "cli/resource.h"
#include "common/status.h"

namespace ebb::cli {

struct LogsOptions {
  std::string target;
  bool follow = false;
  std::optional<int> tail;
};

// Returns the exit code (0 or 1), printing logs on ctx.out and problems on ctx.err.
int RunLogs(const LogsOptions& options, CommandContext& ctx);

// What a logs target names.
struct LogTarget {
  std::string pod;                     // one pod (no owner, no selector)
  std::optional<NamedResource> owner;  // or the Knative object whose pods are meant ...
  std::string selector;                // ... and the label selector that finds them
};

// "ksvc/hello", "service/hello", "revision/x", "config/y", "pod/z" or a bare pod name.
// kBadRequest for unknown kinds and for kinds without pods (routes).
Result<LogTarget> ParseLogTarget(const std::string& target);

}  // namespace ebb::cli
