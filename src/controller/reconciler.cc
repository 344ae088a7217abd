#include "controller/reconciler.h"

#include <map>
#include <utility>

#include "controller/meta.h"
#include "controller/revision_rules.h"
#include "controller/route_rules.h"

namespace ebb::controller {

namespace {

using nlohmann::json;

bool IsNotFound(const Status& s) { return s.code() == Code::kNotFound; }

}  // namespace

Reconciler::Reconciler(registry::Registry& registry, const config::Config& config,
                       const Clock& clock, RevisionHealth& health, const ControllerIndex& index)
    : registry_(registry), config_(config), clock_(clock), health_(health), index_(index) {}

Result<Reconciler::Outcome> Reconciler::Reconcile(const Key& key) {
  try {
    switch (key.kind) {
      case api::Kind::kService:
        return ReconcileService(key.ns, key.name);
      case api::Kind::kConfiguration:
        return ReconcileConfiguration(key.ns, key.name);
      case api::Kind::kRevision:
        return ReconcileRevision(key.ns, key.name);
      case api::Kind::kRoute:
        return ReconcileRoute(key.ns, key.name);
    }
    return Status(Code::kInternal, "unknown kind");
  } catch (const json::exception& e) {
    // The accessors tolerate malformed objects; this is the backstop for a JSON operation
    // that still threw, so that one bad object cannot take the worker thread down.
    return Status(Code::kInternal, ToString(key) + ": " + e.what());
  }
}

Result<Reconciler::Outcome> Reconciler::ReconcileRevision(const std::string& ns,
                                                          const std::string& name) {
  Result<json> rev = registry_.Get(api::Kind::kRevision, ns, name);
  if (!rev.ok()) return IsNotFound(rev.status()) ? Result<Outcome>(Outcome{}) : rev.status();
  RevisionHealth::Report report = health_.Check(*rev);
  Result<json> written =
      WriteStatus(api::Kind::kRevision, *rev, RevisionStatus(*rev, report, Now()));
  if (!written.ok()) return written.status();
  EBB_RETURN_IF_ERROR(SyncRoutingState(*written));
  Outcome out;
  if (report.state != RevisionHealth::Report::State::kReady) {
    out.requeue_after = kFailedRevisionRecheck;
  }
  return out;
}

Result<Reconciler::Outcome> Reconciler::ReconcileRoute(const std::string& ns,
                                                       const std::string& name) {
  Result<json> route = registry_.Get(api::Kind::kRoute, ns, name);
  if (!route.ok()) {
    // A deleted route's revisions are requeued by its watch event (their routingState).
    return IsNotFound(route.status()) ? Result<Outcome>(Outcome{}) : route.status();
  }
  // Only what the traffic names: the configurations, their latest ready revisions, and the
  // revisions named directly (a missing one is the route's RevisionMissing, not an error).
  std::map<std::string, json> configurations, revisions;
  auto fetch = [&](api::Kind kind, const std::string& target,
                   std::map<std::string, json>& into) -> Status {
    if (target.empty() || into.count(target)) return Status::Ok();
    Result<json> obj = registry_.Get(kind, ns, target);
    if (obj.ok()) {
      into.emplace(target, std::move(*obj));
    } else if (!IsNotFound(obj.status())) {
      return obj.status();
    }
    return Status::Ok();
  };
  const json& targets = Field(Field(*route, "spec"), "traffic");
  if (targets.is_array()) {
    for (const json& t : targets) {
      std::string config_name = Str(t, "configurationName");
      EBB_RETURN_IF_ERROR(fetch(api::Kind::kConfiguration, config_name, configurations));
      if (auto it = configurations.find(config_name); it != configurations.end()) {
        EBB_RETURN_IF_ERROR(fetch(api::Kind::kRevision,
                                  Str(Field(it->second, "status"), "latestReadyRevisionName"),
                                  revisions));
      }
      EBB_RETURN_IF_ERROR(fetch(api::Kind::kRevision, Str(t, "revisionName"), revisions));
    }
  }
  TrafficResolution resolution = ResolveTraffic(*route, configurations, revisions, config_);
  Result<json> written =
      WriteStatus(api::Kind::kRoute, *route, RouteStatus(*route, resolution, config_, Now()));
  if (!written.ok()) return written.status();
  return Outcome{};
}

Result<json> Reconciler::WriteStatus(api::Kind kind, const json& obj, json status) {
  if (Field(obj, "status") == status) return obj;
  json updated = obj;
  updated["status"] = std::move(status);
  // obj carries the resourceVersion it was read at: a concurrent change is a kConflict and
  // the key is retried against the newer object.
  return registry_.UpdateStatus(kind, Namespace(obj), Name(obj), std::move(updated),
                                write_options_);
}

Status Reconciler::SyncRoutingState(const json& revision) {
  const std::string ns = Namespace(revision);
  const std::string name = Name(revision);
  const char* want = index_.Routed(ns, name) ? kRoutingActive : kRoutingReserve;
  if (Label(revision, label::kRoutingState) == want) return Status::Ok();
  json patch = {{"metadata",
                 {{"labels", {{label::kRoutingState, want}}},
                  {"annotations", {{annotation::kRoutingStateModified, Now()}}}}}};
  Result<json> patched = registry_.Patch(api::Kind::kRevision, ns, name,
                                         registry::PatchType::kMerge, patch.dump(), write_options_);
  if (!patched.ok() && !IsNotFound(patched.status())) return patched.status();
  return Status::Ok();
}

std::string Reconciler::Now() const { return FormatRfc3339(clock_.Now()); }

}  // namespace ebb::controller
