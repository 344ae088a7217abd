// Revision garbage collection (config-gc, Knative's pkg/reconciler/gc). Pure.
//
// Per Configuration, a Revision is "active" — never collected — when it is the latest ready
// one, carries serving.knative.dev/no-gc: "true", or is not labelled routingState=reserve
// (routed revisions are "active", new ones "pending"). The others are ordered by when they
// were last active (serving.knative.dev/routingStateModified, else creationTimestamp), newest
// first. The newest min-non-active-revisions of them are kept. Beyond those, a Revision is
// deleted once it is stale — created longer than retain-since-create-time ago AND last active
// longer than retain-since-last-active-time ago (a negative duration disables that check) —
// or, oldest first, while more than max-non-active-revisions (-1: unlimited) would remain.
// Nothing is collected while the Configuration has at most min-non-active Revisions.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/config.h"

namespace ebb::controller {

struct GcPlan {
  std::vector<std::string> to_delete;  // revision names, oldest first
  // When a kept Revision next becomes stale (reconcile the Configuration again then).
  std::optional<Clock::time_point> recheck_at;
};

GcPlan PlanRevisionGc(const nlohmann::json& configuration,
                      const std::vector<nlohmann::json>& revisions, const config::Gc& gc,
                      Clock::time_point now);

}  // namespace ebb::controller
