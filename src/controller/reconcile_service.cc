// Service → its Configuration and Route, and its status from theirs.
#include <optional>

#include "api/validation.h"
#include "controller/configuration_rules.h"
#include "controller/meta.h"
#include "controller/reconciler.h"
#include "controller/service_rules.h"

namespace ebb::controller {

namespace {

using nlohmann::json;

bool Observed(const json& obj) { return Generation(obj) == ObservedGeneration(obj); }

std::string TemplateName(const json& obj) {
  return Str(Field(Field(Field(obj, "spec"), "template"), "metadata"), "name");
}

}  // namespace

struct Reconciler::Child {
  std::optional<json> object;  // the stored child, when the Service owns it
  bool not_owned = false;      // a child of that name exists and belongs to someone else
};

Result<Reconciler::Child> Reconciler::EnsureChild(api::Kind kind, const json& service,
                                                  json desired) {
  const std::string ns = Namespace(service);
  const std::string name = Name(service);
  Result<json> existing = registry_.Get(kind, ns, name);
  if (!existing.ok()) {
    if (existing.status().code() != Code::kNotFound) return existing.status();
    Result<json> created = registry_.Create(kind, ns, std::move(desired), write_options_);
    if (!created.ok()) return created.status();
    return Child{std::move(*created), false};
  }
  if (!IsControlledBy(*existing, service)) return Child{std::nullopt, true};
  // Compare like with like: the stored child went through defaulting, so must the desired.
  api::SetDefaults(kind, desired, &*existing, config_);
  std::optional<json> update = ChildUpdate(*existing, desired);
  if (!update) return Child{std::move(*existing), false};
  Result<json> updated = registry_.Update(kind, ns, name, std::move(*update), write_options_);
  if (!updated.ok()) return updated.status();
  return Child{std::move(*updated), false};
}

Result<std::string> Reconciler::TakenRevisionName(const json& configuration) {
  std::string byo = TemplateName(configuration);
  if (byo.empty()) return std::string();
  Result<json> rev = registry_.Get(api::Kind::kRevision, Namespace(configuration), byo);
  if (!rev.ok()) {
    if (rev.status().code() == Code::kNotFound) return std::string();
    return rev.status();
  }
  return CheckRevisionName(configuration, *rev) == NameCheck::kTaken ? byo : std::string();
}

Result<Reconciler::Outcome> Reconciler::ReconcileService(const std::string& ns,
                                                         const std::string& name) {
  Result<json> service = registry_.Get(api::Kind::kService, ns, name);
  if (!service.ok()) {
    // Deleted: the registry cascades the delete to the children it owned.
    if (service.status().code() == Code::kNotFound) return Outcome{};
    return service.status();
  }
  ServiceView view;
  Result<Child> config =
      EnsureChild(api::Kind::kConfiguration, *service, DesiredConfiguration(*service));
  if (!config.ok()) return config.status();
  view.configuration = config->object ? &*config->object : nullptr;
  view.configuration_not_owned = config->not_owned;

  Result<Child> route = Child{};
  if (view.configuration == nullptr ||
      (!TemplateName(*view.configuration).empty() && !Observed(*view.configuration))) {
    // Not ours, or a bring-your-own name the Configuration has not created yet: re-pointing
    // the Route now could send traffic to a Revision that is not this template's.
    view.route_skipped = true;
  } else {
    Result<std::string> taken = TakenRevisionName(*view.configuration);
    if (!taken.ok()) return taken.status();
    view.taken_revision_name = *taken;
    view.route_skipped = !taken->empty();
    if (!view.route_skipped)
      route = EnsureChild(api::Kind::kRoute, *service, DesiredRoute(*service));
  }
  if (!route.ok()) return route.status();
  view.route = route->object ? &*route->object : nullptr;
  view.route_not_owned = route->not_owned;

  Result<json> written =
      WriteStatus(api::Kind::kService, *service, ServiceStatus(*service, view, Now()));
  if (!written.ok()) return written.status();
  return Outcome{};
}

}  // namespace ebb::controller
