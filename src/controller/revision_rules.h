// What a Revision's status should be (knative-spec §1.5), from its RevisionHealth report.
// Pure functions.
//
// - Ready = ResourcesAvailable AND ContainerHealthy. A kFailed report sets the condition it
//   names False with its reason and message (ContainerMissing, ExitCode<N> on ContainerHealthy;
//   ProgressDeadlineExceeded on ResourcesAvailable); the other keeps its previous value, or
//   Unknown, as Knative leaves it.
// - Active is informational (severity Info, not part of Ready): True with running instances,
//   Unknown/Queued while instances are wanted but none runs, False/NoTraffic when scaled to zero.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controller/conditions.h"
#include "controller/revision_health.h"

namespace ebb::controller {

std::vector<Condition> RevisionConditions(const nlohmann::json& revision,
                                          const RevisionHealth::Report& report);

// The whole status: observedGeneration, conditions, actualReplicas, desiredReplicas,
// containerStatuses [{name}].
nlohmann::json RevisionStatus(const nlohmann::json& revision, const RevisionHealth::Report& report,
                              const std::string& now);

}  // namespace ebb::controller
