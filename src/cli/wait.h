// --wait for apply and service create/update: watch one object until its Ready condition
// settles, printing progress as the conditions change (like kn):
//     0.512s Configuration "hello" is waiting for a Revision to become ready.
//     1.734s Ready to serve.
//   service.serving.knative.dev/hello is ready at http://hello.default.example.com
// Ready only counts once status.observedGeneration has caught up with metadata.generation, so a
// stale Ready=True from before the change is not taken for the answer.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/command_context.h"

namespace ebb::cli {

enum class Readiness { kPending, kReady, kFailed };

struct ReadyState {
  Readiness readiness = Readiness::kPending;
  std::string reason;    // Ready=False: its reason
  std::string message;   // Ready=False: its message
  std::string progress;  // pending: the message of what is being waited for ("" if none)
};

// Pure: reads metadata.generation, status.observedGeneration and status.conditions.
ReadyState EvaluateReadiness(const nlohmann::json& object);

// Watches `object` (as returned by the write, so its resourceVersion is where the watch
// starts) until Ready=True (prints the ready line, returns 0), Ready=False (prints the reason
// and message, returns 1), deletion, an error, or `timeout` (returns 1).
int WaitForReady(CommandContext& ctx, const ResourceType& type, const nlohmann::json& object,
                 std::chrono::seconds timeout);

// "2m0s", "45s", "1h0m0s" (Go's time.Duration style, for messages).
std::string FormatDuration(std::chrono::seconds d);

}  // namespace ebb::cli
