// In-memory indexes the controller keeps from its watch events, so that a change costs work in
// proportion to what depends on it, not to the size of the namespace (Knative's tracker and
// listers play this part).
//
//   - Which Routes reference a Configuration or a Revision (spec.traffic names, and the
//     revisions of status.traffic): a Configuration or Revision event queues only those.
//   - Which Revisions receive traffic from some Route (status.traffic): a Revision's
//     routingState label is `active` exactly when it does. A Route event reports the revisions
//     whose routed-ness it changed, so only those are queued.
//   - The Revisions of each Configuration (their serving.knative.dev/configuration label), as
//     last delivered by the watch: a Configuration's reconcile reads these instead of listing
//     the namespace.
//
// The indexes follow the watch, so they may trail the store by an event; every event queues
// what it affects, so a reconcile that read a stale entry runs again with the fresh one.
//
// Thread-safety: all methods may be called from any thread (one mutex).
#pragma once

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/kinds.h"

namespace ebb::controller {

class ControllerIndex {
 public:
  // A Route was added or changed (`deleted` false) or deleted. Returns the names of the
  // namespace's revisions that became routed or stopped being routed.
  std::vector<std::string> OnRoute(const nlohmann::json& route, bool deleted);
  // A Revision was added, changed or deleted.
  void OnRevision(const nlohmann::json& revision, bool deleted);

  // Names of the namespace's Routes whose traffic names this Configuration or Revision.
  std::vector<std::string> RoutesReferencing(api::Kind kind, const std::string& ns,
                                             const std::string& name) const;
  // Whether some Route's status.traffic sends traffic to the revision.
  bool Routed(const std::string& ns, const std::string& revision) const;
  // The Revisions labelled with this configuration, as the watch last delivered them.
  std::vector<nlohmann::json> RevisionsOf(const std::string& ns,
                                          const std::string& configuration) const;

 private:
  using NsName = std::pair<std::string, std::string>;
  struct RouteRefs {
    std::set<std::string> configurations;  // spec.traffic configurationName
    std::set<std::string> revisions;       // spec.traffic revisionName and status.traffic
    std::set<std::string> routed;          // status.traffic revisionName
  };
  // Reference key: (namespace, "<kind>/<name>").
  static NsName RefKey(api::Kind kind, const std::string& ns, const std::string& name);

  mutable std::mutex mu_;
  std::map<NsName, RouteRefs> routes_;                    // (ns, route) → what it references
  std::map<NsName, std::set<std::string>> referenced_by_;  // RefKey → route names
  std::map<NsName, int> routed_count_;                    // (ns, revision) → routes routing it
  std::map<NsName, std::map<std::string, nlohmann::json>> revisions_;  // (ns, config) → by name
  std::map<NsName, std::string> revision_config_;  // (ns, revision) → its configuration label
};

}  // namespace ebb::controller
