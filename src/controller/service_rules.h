// What a Service's children and status should be (knative-spec §0, §1.5). Pure functions.
//
// A Service owns a Configuration and a Route of its own name. The Configuration's spec is the
// Service's template; the Route's spec.traffic is the Service's, with configurationName set to
// the Service's name on every target that names no revision. Both carry the Service's labels
// plus serving.knative.dev/service (and /serviceUID on the Configuration), its annotations
// (minus kubectl's last-applied-configuration), and a controller ownerReference to it.
//
// Status mirrors the children: ConfigurationsReady from the Configuration's Ready, RoutesReady
// from the Route's Ready (Unknown/OutOfDate while a child has not observed its latest
// generation, Unknown/TrafficNotMigrated while the Route does not yet send traffic to the
// latest ready revision), Ready = AND of both; url, address, traffic from the Route;
// latestCreated/ReadyRevisionName from the Configuration.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "controller/conditions.h"

namespace ebb::controller {

nlohmann::json DesiredConfiguration(const nlohmann::json& service);
nlohmann::json DesiredRoute(const nlohmann::json& service);

// The object to write so that `existing` gets desired's spec, labels and annotations (the
// creator/lastModifier annotations the registry stamps are kept), or nullopt when they
// already agree: a reconcile that changes nothing writes nothing.
std::optional<nlohmann::json> ChildUpdate(const nlohmann::json& existing,
                                          const nlohmann::json& desired);

// What the Service reconciler saw of its children.
struct ServiceView {
  const nlohmann::json* configuration = nullptr;  // null when not owned or not found
  bool configuration_not_owned = false;
  const nlohmann::json* route = nullptr;  // null when not owned, not reconciled, or not found
  bool route_not_owned = false;
  // The Route was left alone this time (bring-your-own name not yet created, or taken): its
  // fields and RoutesReady keep their previous values unless taken_revision_name is set.
  bool route_skipped = false;
  std::string taken_revision_name;  // a bring-your-own name held by a conflicting Revision
};

// True when every Route target that follows the Configuration points at its latest ready
// Revision (Knative's checkRoutesNotReady).
bool TrafficMigrated(const nlohmann::json& configuration, const nlohmann::json& route);

Condition ConfigurationsReady(const nlohmann::json& service, const ServiceView& view);
Condition RoutesReady(const nlohmann::json& service, const ServiceView& view);

nlohmann::json ServiceStatus(const nlohmann::json& service, const ServiceView& view,
                             const std::string& now);

}  // namespace ebb::controller
