// `ebb apply -f FILE|DIR|- [-f …] [--dry-run=server] [--wait [--wait-timeout 120s]]`.
//
// Every document is checked first (kind, name, namespace); if any is wrong nothing is applied.
// Then, per document: GET the object (to know what was there), server-side apply it (PATCH
// application/apply-patch+yaml, fieldManager=ebb, force=true) and print kubectl's line:
//   service.serving.knative.dev/hello created|configured|unchanged
// created   = there was no object before (or the server answered 201);
// unchanged = the answer's resourceVersion equals the one read before (the server did not
//             write); for --dry-run=server, where nothing is written, the answer equals the
//             object read before apart from resourceVersion, generation and managedFields;
// configured = anything else.
// With --wait, each applied object is then watched until Ready (wait.h).
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cli/command_context.h"

namespace ebb::cli {

struct ApplyOptions {
  std::vector<std::string> files;
  bool dry_run = false;  // --dry-run=server
  bool wait = false;
  std::chrono::seconds wait_timeout{120};
};

int RunApply(const ApplyOptions& options, CommandContext& ctx);

// "created", "configured" or "unchanged" (see above). `before` is nullopt when the GET said 404.
std::string ApplyOutcome(const std::optional<nlohmann::json>& before, const ApiResponse& response,
                         bool dry_run);

}  // namespace ebb::cli
