#include "controller/reconciler.h"

#include <map>
#include <utility>

#include "api/selector.h"
#include "controller/meta.h"
#include "controller/revision_rules.h"
#include "controller/route_rules.h"

namespace ebb::controller {

namespace {

using nlohmann::json;

bool IsNotFound(const Status& s) { return s.code() == Code::kNotFound; }

std::map<std::string, json> ByName(std::vector<json> objects) {
  std::map<std::string, json> out;
  for (json& obj : objects) {
    std::string name = Name(obj);
    out.emplace(std::move(name), std::move(obj));
  }
  return out;
}

}  // namespace

Reconciler::Reconciler(registry::Registry& registry, const config::Config& config,
                       const Clock& clock, RevisionHealth& health)
    : registry_(registry), config_(config), clock_(clock), health_(health) {}

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
    if (!IsNotFound(route.status())) return route.status();
    // A deleted route no longer holds its revisions active.
    EBB_RETURN_IF_ERROR(SyncRoutingStates(ns));
    return Outcome{};
  }
  Result<std::vector<json>> configurations = List(api::Kind::kConfiguration, ns);
  if (!configurations.ok()) return configurations.status();
  Result<std::vector<json>> revisions = List(api::Kind::kRevision, ns);
  if (!revisions.ok()) return revisions.status();
  TrafficResolution resolution = ResolveTraffic(*route, ByName(std::move(*configurations)),
                                                ByName(std::move(*revisions)), config_);
  Result<json> written =
      WriteStatus(api::Kind::kRoute, *route, RouteStatus(*route, resolution, config_, Now()));
  if (!written.ok()) return written.status();
  EBB_RETURN_IF_ERROR(SyncRoutingStates(ns));
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

Result<std::vector<json>> Reconciler::List(api::Kind kind, const std::string& ns,
                                           const std::string& label_selector) {
  registry::ListOptions opts;
  if (!label_selector.empty()) {
    Result<api::LabelSelector> selector = api::LabelSelector::Parse(label_selector);
    if (!selector.ok()) return selector.status();
    opts.labels = std::move(*selector);
  }
  Result<registry::ObjectList> list = registry_.List(kind, ns, opts);
  if (!list.ok()) return list.status();
  return std::move(list->items);
}

Status Reconciler::SyncRoutingStates(const std::string& ns) {
  Result<std::vector<json>> routes = List(api::Kind::kRoute, ns);
  if (!routes.ok()) return routes.status();
  Result<std::vector<json>> revisions = List(api::Kind::kRevision, ns);
  if (!revisions.ok()) return revisions.status();
  for (const auto& [name, state] : RoutingStateChanges(*revisions, RoutedRevisions(*routes))) {
    json patch = {{"metadata",
                   {{"labels", {{label::kRoutingState, state}}},
                    {"annotations", {{annotation::kRoutingStateModified, Now()}}}}}};
    Result<json> patched = registry_.Patch(
        api::Kind::kRevision, ns, name, registry::PatchType::kMerge, patch.dump(), write_options_);
    if (!patched.ok() && !IsNotFound(patched.status())) return patched.status();
  }
  return Status::Ok();
}

std::string Reconciler::Now() const { return FormatRfc3339(clock_.Now()); }

}  // namespace ebb::controller
