// Reconciler: the I/O half of the controller. For one key it reads the object and what it
// depends on from the Registry, asks the pure rules (service_rules.h, configuration_rules.h,
// revision_rules.h, route_rules.h, gc.h) what should be, and writes only what differs — so a
// reconcile of an object already in its desired state writes nothing.
//
// Each Reconcile is idempotent and may fail half-way (a conflict with a concurrent writer): the
// caller requeues the key and the next run continues from what is stored.
//
// Thread-safety: one thread at a time (the controller's worker).
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "config/config.h"
#include "controller/index.h"
#include "controller/revision_health.h"
#include "controller/work_queue.h"
#include "registry/registry.h"

namespace ebb::controller {

class Reconciler {
 public:
  // After a successful reconcile: look at the key again after this long (0: no need).
  struct Outcome {
    std::chrono::seconds requeue_after{0};
  };

  // `index` (kept by the Controller from its watches) says which revisions are routed and
  // which revisions each configuration has.
  Reconciler(registry::Registry& registry, const config::Config& config, const Clock& clock,
             RevisionHealth& health, const ControllerIndex& index);

  // Never throws: a malformed object is a kInternal Status.
  Result<Outcome> Reconcile(const Key& key);

  // A failed revision is looked at again this often (its executable may appear).
  static constexpr std::chrono::seconds kFailedRevisionRecheck{30};

 private:
  Result<Outcome> ReconcileService(const std::string& ns, const std::string& name);
  Result<Outcome> ReconcileConfiguration(const std::string& ns, const std::string& name);
  Result<Outcome> ReconcileRevision(const std::string& ns, const std::string& name);
  Result<Outcome> ReconcileRoute(const std::string& ns, const std::string& name);

  // Service helpers (reconcile_service.cc).
  struct Child;
  Result<Child> EnsureChild(api::Kind kind, const nlohmann::json& service, nlohmann::json desired);
  Result<std::string> TakenRevisionName(const nlohmann::json& configuration);

  // Configuration helpers (reconcile_configuration.cc).
  Result<nlohmann::json> EnsureRevision(const nlohmann::json& configuration,
                                        std::string* creation_error);
  Status CollectGarbage(const nlohmann::json& configuration,
                        const std::vector<nlohmann::json>& revisions, Outcome* outcome);

  // Shared (reconciler.cc).
  // Writes `status` as obj's status unless it already is; returns the stored object.
  Result<nlohmann::json> WriteStatus(api::Kind kind, const nlohmann::json& obj,
                                     nlohmann::json status);
  // Sets the revision's routingState label (and its modified-time annotation) to active when
  // some route sends it traffic, else reserve.
  Status SyncRoutingState(const nlohmann::json& revision);
  std::string Now() const;

  registry::Registry& registry_;
  const config::Config& config_;
  const Clock& clock_;
  RevisionHealth& health_;
  const ControllerIndex& index_;
  registry::WriteOptions write_options_;
};

}  // namespace ebb::controller
