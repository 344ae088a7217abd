// `ebb service create|update NAME …` (kn-like; flags in service_manifest.h). `service list`,
// `describe` and `delete` are get/describe/delete on ksvc and are wired in cli.cc.
//
// create: POST the manifest built from the flags; prints
//   service.serving.knative.dev/hello created
// An existing Service is an error (409 AlreadyExists, with a hint) unless --force, which
// replaces it (PUT with its resourceVersion): "… replaced".
// update: GET the Service, apply the flags, and send the difference as a merge patch carrying
// metadata.resourceVersion (so a concurrent change gives 409 Conflict; it is retried up to three
// times from a fresh GET): "… updated", or "… unchanged" without a request when the flags
// change nothing.
// --wait then watches the Service until Ready (wait.h).
#pragma once

#include <chrono>

#include "cli/command_context.h"
#include "cli/service_manifest.h"

namespace ebb::cli {

struct ServiceWriteOptions {
  bool force = false;  // create only
  bool wait = false;
  std::chrono::seconds wait_timeout{120};
};

int RunServiceCreate(const ServiceFlags& flags, const ServiceWriteOptions& options,
                     CommandContext& ctx);
int RunServiceUpdate(const ServiceFlags& flags, const ServiceWriteOptions& options,
                     CommandContext& ctx);

}  // namespace ebb::cli
