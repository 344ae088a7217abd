// The dashboard's overview: what the page's tables show about services, revisions and
// instances, built from the objects the registry stores and the Pod view of the runtime.
//
// BuildOverview is pure (no I/O, time passed in), so that the JSON shape is tested on fixed
// objects. The shape, served at /api/overview:
//
//   {"time": RFC 3339,
//    "services":  [{namespace, name, url, ready, reason, message, conditions[],
//                   latestCreatedRevision, latestReadyRevision,
//                   traffic[{revisionName, percent, tag, url, latestRevision}]}],
//    "revisions": [{namespace, name, service, configuration, created, ageSeconds, ready, reason,
//                   message, conditions[], trafficPercent, tags[], desiredReplicas,
//                   actualReplicas, containerConcurrency, image, instances, readyInstances}],
//    "instances": [{namespace, name, revision, service, configuration, phase, state, ready,
//                   restarts, created, ageSeconds, message}]}
//
// ready is the Ready condition's status ("True", "False", "Unknown"); reason/message are the
// Ready condition's. A condition is {type, status, reason, message, lastTransitionTime}.
// trafficPercent sums every Route's status.traffic entries naming the revision (so a
// Configuration's revisions routed by a bare Route count too); desiredReplicas/actualReplicas
// are null until the controller has written them. Lists keep the registry's order (namespace,
// name); instances are sorted by namespace, revision, then name.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "common/clock.h"

namespace ebb::dashboard {

struct OverviewInput {
  std::vector<nlohmann::json> services;   // serving.knative.dev/v1 Service objects
  std::vector<nlohmann::json> routes;     // Route objects
  std::vector<nlohmann::json> revisions;  // Revision objects
  std::vector<nlohmann::json> pods;       // core v1 Pod objects (runtime/pods.h)
};

nlohmann::json BuildOverview(const OverviewInput& in, Clock::time_point now);

}  // namespace ebb::dashboard
