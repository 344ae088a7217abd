#include "controller/service_rules.h"

#include <initializer_list>

#include "controller/meta.h"

namespace ebb::controller {

namespace {

using nlohmann::json;

// Knative labels a Configuration with its Service's name and uid, a Route with the name only.
json ChildMetadata(const json& service, bool with_uid) {
  json labels = Field(Field(service, "metadata"), "labels");
  if (!labels.is_object()) labels = json::object();
  labels[label::kService] = Name(service);
  if (with_uid) labels[label::kServiceUid] = Uid(service);
  json annotations = Field(Field(service, "metadata"), "annotations");
  if (!annotations.is_object()) annotations = json::object();
  annotations.erase(annotation::kLastApplied);
  return {{"name", Name(service)},
          {"namespace", Namespace(service)},
          {"labels", std::move(labels)},
          {"annotations", std::move(annotations)},
          {"ownerReferences", {ControllerRef(service, api::Kind::kService)}}};
}

// Annotations the registry stamps from the requesting user: not the controller's to compare.
constexpr const char* kUserAnnotations[] = {annotation::kCreator, annotation::kLastModifier};

json WithoutUserAnnotations(json annotations) {
  if (!annotations.is_object()) return json::object();
  for (const char* key : kUserAnnotations) annotations.erase(key);
  return annotations;
}

const json& Meta(const json& obj, const char* key) { return Field(Field(obj, "metadata"), key); }

json LabelsOrEmpty(const json& obj) {
  const json& labels = Meta(obj, "labels");
  return labels.is_object() ? labels : json::object();
}

bool Observed(const json& child) { return Generation(child) == ObservedGeneration(child); }

Condition Propagate(const json& child, const char* type) {
  std::optional<Condition> ready = GetCondition(child, "Ready");
  if (!ready) return MarkUnknown(type);
  return {type, ready->status, ready->reason, ready->message, ""};
}

void CopyFields(json& dst, const json& src, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    const json& v = Field(src, key);
    if (!v.is_null()) dst[key] = v;
  }
}

}  // namespace

json DesiredConfiguration(const json& service) {
  json tmpl = Field(Field(service, "spec"), "template");
  if (!tmpl.is_object()) tmpl = json::object();
  return {{"apiVersion", api::kApiVersion},
          {"kind", "Configuration"},
          {"metadata", ChildMetadata(service, /*with_uid=*/true)},
          {"spec", {{"template", std::move(tmpl)}}}};
}

json DesiredRoute(const json& service) {
  json traffic = Field(Field(service, "spec"), "traffic");
  if (!traffic.is_array() || traffic.empty()) {
    traffic = json::array({{{"latestRevision", true}, {"percent", 100}}});
  }
  for (json& target : traffic) {
    if (target.is_object() && Str(target, "revisionName").empty()) {
      target["configurationName"] = Name(service);
    }
  }
  return {{"apiVersion", api::kApiVersion},
          {"kind", "Route"},
          {"metadata", ChildMetadata(service, /*with_uid=*/false)},
          {"spec", {{"traffic", std::move(traffic)}}}};
}

std::optional<json> ChildUpdate(const json& existing, const json& desired) {
  bool same = Field(existing, "spec") == Field(desired, "spec") &&
              LabelsOrEmpty(existing) == LabelsOrEmpty(desired) &&
              WithoutUserAnnotations(Meta(existing, "annotations")) ==
                  WithoutUserAnnotations(Meta(desired, "annotations"));
  if (same) return std::nullopt;
  json out = existing;
  out["spec"] = Field(desired, "spec");
  out["metadata"]["labels"] = LabelsOrEmpty(desired);
  json annotations = WithoutUserAnnotations(Meta(desired, "annotations"));
  // The creator never changes once set; the last modifier follows the Service's.
  std::string creator = Annotation(existing, annotation::kCreator);
  if (creator.empty()) creator = Annotation(desired, annotation::kCreator);
  std::string modifier = Annotation(desired, annotation::kLastModifier);
  if (modifier.empty()) modifier = Annotation(existing, annotation::kLastModifier);
  if (!creator.empty()) annotations[annotation::kCreator] = creator;
  if (!modifier.empty()) annotations[annotation::kLastModifier] = modifier;
  out["metadata"]["annotations"] = std::move(annotations);
  return out;
}

bool TrafficMigrated(const json& configuration, const json& route) {
  const json& want = Field(Field(route, "spec"), "traffic");
  const json& got = Field(Field(route, "status"), "traffic");
  if (!want.is_array() || !got.is_array() || want.size() != got.size()) return false;
  std::string latest_ready = Str(Field(configuration, "status"), "latestReadyRevisionName");
  for (std::size_t i = 0; i < want.size(); ++i) {
    bool follows = Str(want[i], "configurationName") == Name(configuration);
    std::string revision = follows ? latest_ready : Str(want[i], "revisionName");
    if (Str(got[i], "revisionName") != revision || Str(got[i], "tag") != Str(want[i], "tag") ||
        Int(got[i], "percent") != Int(want[i], "percent")) {
      return false;
    }
  }
  return true;
}

Condition ConfigurationsReady(const json& service, const ServiceView& view) {
  constexpr char kType[] = "ConfigurationsReady";
  if (view.configuration_not_owned) {
    return MarkFalse(
        kType, "NotOwned",
        "There is an existing Configuration \"" + Name(service) + "\" that we do not own.");
  }
  if (view.configuration == nullptr) return MarkUnknown(kType);
  if (!Observed(*view.configuration)) {
    return MarkUnknown(kType, "OutOfDate",
                       "The Configuration is still working to reflect the latest desired "
                       "specification.");
  }
  return Propagate(*view.configuration, kType);
}

Condition RoutesReady(const json& service, const ServiceView& view) {
  constexpr char kType[] = "RoutesReady";
  if (!view.taken_revision_name.empty()) {
    return MarkFalse(kType, "RevisionNameTaken",
                     "The revision name \"" + view.taken_revision_name +
                         "\" is taken by a conflicting Revision, so traffic will not be migrated");
  }
  if (view.route_not_owned) {
    return MarkFalse(kType, "NotOwned",
                     "There is an existing Route \"" + Name(service) + "\" that we do not own.");
  }
  if (view.route_skipped || view.route == nullptr) {
    std::optional<Condition> old = GetCondition(service, kType);
    return old ? *old : MarkUnknown(kType);
  }
  if (!Observed(*view.route)) {
    return MarkUnknown(kType, "OutOfDate",
                       "The Route is still working to reflect the latest desired specification.");
  }
  Condition c = Propagate(*view.route, kType);
  if (c.status == kTrue && view.configuration != nullptr &&
      !TrafficMigrated(*view.configuration, *view.route)) {
    return MarkUnknown(kType, "TrafficNotMigrated",
                       "Traffic is not yet migrated to the latest revision.");
  }
  return c;
}

json ServiceStatus(const json& service, const ServiceView& view, const std::string& now) {
  const json& old = Field(service, "status");
  json status = {{"observedGeneration", Generation(service)}};
  const json* config = view.configuration;
  bool config_fresh = config != nullptr && Observed(*config);
  CopyFields(status, config_fresh ? Field(*config, "status") : old,
             {"latestCreatedRevisionName", "latestReadyRevisionName"});
  const json* route = view.route;
  bool route_fresh = route != nullptr && !view.route_skipped && Observed(*route);
  CopyFields(status, route_fresh ? Field(*route, "status") : old, {"url", "address", "traffic"});
  Condition configs_ready = ConfigurationsReady(service, view);
  Condition routes_ready = RoutesReady(service, view);
  Condition ready = Happy("Ready", {configs_ready, routes_ready});
  status["conditions"] =
      ConditionsJson({configs_ready, routes_ready, ready}, Field(old, "conditions"), now);
  return status;
}

}  // namespace ebb::controller
