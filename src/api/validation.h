// Defaulting and validation of Knative objects, as Knative's webhook does
// (../shared/reference/knative-spec.md §1.2-1.4). Pure functions over JSON objects.
#pragma once

#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "api/kinds.h"
#include "common/status.h"
#include "config/config.h"

namespace ebb::api {

// Fills in defaults in place (§1.2): timeoutSeconds, containerConcurrency, container names,
// readiness probe, traffic defaulting, latestRevision, percent ... `old` is the stored object on
// update (a Revision's spec is never re-defaulted), nullptr on create.
void SetDefaults(Kind kind, nlohmann::json& obj, const nlohmann::json* old,
                 const config::Config& cfg);

// Every field at fault, with Kubernetes field paths (§1.3). Empty = valid. `old` as above: on
// update, immutability rules apply (Revision spec, bring-your-own name change rules).
std::vector<FieldError> Validate(Kind kind, const nlohmann::json& obj, const nlohmann::json* old,
                                 const config::Config& cfg);

}  // namespace ebb::api
