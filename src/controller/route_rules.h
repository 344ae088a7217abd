// What a Route's status should be (knative-spec §1.5, §1.6), and which Revisions are routed.
// Pure functions.
//
// Traffic: each spec.traffic target resolves to a Revision — a configurationName target to
// that Configuration's latestReadyRevisionName, a revisionName target to itself, which must
// exist and be Ready. When every target resolves, status.traffic becomes the resolved list
// (revisionName, percent, latestRevision, tag, and url for tags) and AllTrafficAssigned is True.
// Otherwise AllTrafficAssigned is False or Unknown with Knative's reason (ConfigurationMissing,
// RevisionMissing) and status.traffic keeps its previous value: the Revisions that serve now
// keep serving until the new ones are ready.
//
// URLs: status.url = {scheme}://{domain-template} (http://{name}.{ns}.{domain} by default),
// tag urls use the tag-template ({tag}-{name}) as the name; a Route labelled
// networking.knative.dev/visibility=cluster-local uses {name}.{ns}.svc.cluster.local.
// status.address.url = http://{name}.{ns}.svc.cluster.local.
//
// Conditions: AllTrafficAssigned, IngressReady (True once some traffic is assigned: ebb's
// gateway serves every Route in the store), CertificateProvisioned (True/TLSNotEnabled), Ready.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "controller/conditions.h"

namespace ebb::controller {

// Host of a Route (tag empty) or of one of its tags.
std::string RouteHost(const nlohmann::json& route, const std::string& tag,
                      const config::Config& cfg);
// "http://" + RouteHost(...), with the configured external scheme.
std::string RouteUrl(const nlohmann::json& route, const std::string& tag,
                     const config::Config& cfg);
// http://{name}.{ns}.svc.cluster.local
std::string RouteAddressUrl(const nlohmann::json& route);

// Substitutes {{.Name}}, {{.Namespace}}, {{.Domain}}, {{.Tag}} (spaces inside the braces
// allowed) in a Knative domain or tag template.
std::string ExpandTemplate(const std::string& tmpl, const std::map<std::string, std::string>& vars);

struct TrafficResolution {
  bool assigned = false;                             // every target resolved
  nlohmann::json traffic = nlohmann::json::array();  // status.traffic when assigned
  Condition all_traffic_assigned;
};

// Resolves spec.traffic against the namespace's Configurations and Revisions (by name).
TrafficResolution ResolveTraffic(const nlohmann::json& route,
                                 const std::map<std::string, nlohmann::json>& configurations,
                                 const std::map<std::string, nlohmann::json>& revisions,
                                 const config::Config& cfg);

// The whole status: observedGeneration, conditions, url, address, traffic.
nlohmann::json RouteStatus(const nlohmann::json& route, const TrafficResolution& resolution,
                           const config::Config& cfg, const std::string& now);

}  // namespace ebb::controller
