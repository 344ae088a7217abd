// `ebb describe KIND NAME... | KIND/NAME...`: a readable view of one object, in the spirit of
// `kn service describe` / `kubectl describe`:
//   Name, Namespace, Labels, Annotations (without kubectl's last-applied copy), Age
//   kind-specific fields: URL, latest revisions, the revision template (image, command, args,
//   env, concurrency), replicas, pod phase and containers
//   Traffic (percent, revision, tag, URL) for Services and Routes
//   Revisions of a Service or Configuration (listed by label), with their traffic and tags
//   Conditions: TYPE, STATUS, REASON, MESSAGE, AGE
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/command_context.h"

namespace ebb::cli {

int RunDescribe(const std::vector<std::string>& args, CommandContext& ctx);

// The text for one object. `revisions` are the Revisions of a Service/Configuration (ignored
// for other kinds). Pure: `now` gives the ages.
std::string DescribeObject(const ResourceType& type, const nlohmann::json& object,
                           const std::vector<nlohmann::json>& revisions, Clock::time_point now);

}  // namespace ebb::cli
