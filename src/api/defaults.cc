// SetDefaults (pkg/apis/serving/v1/*_defaults.go, knative-spec.md §1.2). Only values of the
// expected type are defaulted or rewritten; anything else is left for Validate to report.
#include <nlohmann/json.hpp>
#include <set>

#include "api/naming.h"
#include "api/validation.h"
#include "api/validation_internal.h"

namespace ebb::api {
namespace {

using internal::Member;
using internal::MutableMember;
using internal::StringField;
using nlohmann::json;

// obj[key] as an object, created when absent or null; nullptr when it holds something else.
json* ObjectMember(json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  json& v = obj[key];
  if (v.is_null()) v = json::object();
  return v.is_object() ? &v : nullptr;
}

bool IsZeroOrAbsent(const json* v) {
  return v == nullptr || (internal::IntValue(*v) && *internal::IntValue(*v) == 0);
}

void DefaultTimeouts(json& spec, const config::Defaults& d) {
  if (IsZeroOrAbsent(Member(spec, "timeoutSeconds"))) {
    spec["timeoutSeconds"] = d.revision_timeout_seconds;
  }
  if (Member(spec, "containerConcurrency") == nullptr) {
    spec["containerConcurrency"] = d.container_concurrency;
  }
  std::optional<std::int64_t> timeout = internal::IntValue(spec["timeoutSeconds"]);
  auto maybe_default = [&](const char* key, std::int64_t value) {
    if (Member(spec, key) == nullptr && value != 0 && timeout && value < *timeout) {
      spec[key] = value;
    }
  };
  maybe_default("responseStartTimeoutSeconds", d.revision_response_start_timeout_seconds);
  maybe_default("idleTimeoutSeconds", d.revision_idle_timeout_seconds);
}

// container-name-template may use {{.Name}}, the name of the object owning the template.
std::string BaseContainerName(const config::Defaults& d, const std::string& parent_name) {
  Result<std::string> name =
      config::ExpandTemplate(d.container_name_template, {{"Name", parent_name}});
  return name.ok() && !name->empty() ? *name : "user-container";
}

// "user-container" for one container, "user-container-0", "-1", ... for several, skipping
// names the user already took.
void DefaultContainerNames(json& containers, const std::string& base) {
  std::set<std::string> taken;
  for (const json& c : containers) taken.insert(StringField(c, "name"));
  int next_suffix = 0;
  for (json& c : containers) {
    if (!c.is_object() || Member(c, "name") != nullptr) continue;
    std::string name = base;
    if (containers.size() > 1 || taken.count(name) != 0) {
      do {
        name = ChildName(base, "-" + std::to_string(next_suffix++));
      } while (taken.count(name) != 0);
    }
    taken.insert(name);
    c["name"] = name;
  }
}

bool HasHandler(const json& probe) {
  for (const char* h : {"httpGet", "tcpSocket", "exec", "grpc"}) {
    if (Member(probe, h) != nullptr) return true;
  }
  return false;
}

// The serving container's readiness probe: a TCP probe on the serving port unless the user gave
// a handler; Kubernetes' thresholds when a period is set.
void DefaultReadinessProbe(json& container) {
  json* probe = ObjectMember(container, "readinessProbe");
  if (probe == nullptr) return;
  if (!HasHandler(*probe)) (*probe)["tcpSocket"] = {{"port", 0}};
  if (IsZeroOrAbsent(Member(*probe, "successThreshold"))) (*probe)["successThreshold"] = 1;
  if (IsZeroOrAbsent(Member(*probe, "periodSeconds"))) return;
  if (IsZeroOrAbsent(Member(*probe, "failureThreshold"))) (*probe)["failureThreshold"] = 3;
  if (IsZeroOrAbsent(Member(*probe, "timeoutSeconds"))) (*probe)["timeoutSeconds"] = 1;
}

void DefaultGrpcService(json& container) {
  for (const char* key : {"readinessProbe", "livenessProbe", "startupProbe"}) {
    json* probe = MutableMember(container, key);
    json* grpc = probe != nullptr ? MutableMember(*probe, "grpc") : nullptr;
    if (grpc != nullptr && grpc->is_object() && Member(*grpc, "service") == nullptr) {
      (*grpc)["service"] = "";
    }
  }
}

// Mounts of volume types a container cannot write to are forced read-only.
void DefaultReadOnlyMounts(json& container, const json& spec) {
  std::set<std::string> read_only_volumes;
  const json* volumes = Member(spec, "volumes");
  if (volumes != nullptr && volumes->is_array()) {
    for (const json& v : *volumes) {
      if (v.is_object() && !internal::VolumeIsWritable(v)) {
        read_only_volumes.insert(StringField(v, "name"));
      }
    }
  }
  json* mounts = MutableMember(container, "volumeMounts");
  if (mounts == nullptr || !mounts->is_array()) return;
  for (json& m : *mounts) {
    if (m.is_object() && read_only_volumes.count(StringField(m, "name")) != 0) m["readOnly"] = true;
  }
}

bool HasPorts(const json& c) {
  const json* ports = Member(c, "ports");
  return ports != nullptr && ports->is_array() && !ports->empty();
}

void DefaultRevisionSpec(json& spec, const std::string& parent_name, const config::Config& cfg) {
  DefaultTimeouts(spec, cfg.defaults);
  json* containers = MutableMember(spec, "containers");
  if (containers == nullptr || !containers->is_array()) return;
  DefaultContainerNames(*containers, BaseContainerName(cfg.defaults, parent_name));
  for (json& c : *containers) {
    if (!c.is_object()) continue;
    // Only the serving container gets a readiness probe: the only one, or the one with a port.
    if (containers->size() == 1 || HasPorts(c)) DefaultReadinessProbe(c);
    DefaultGrpcService(c);
    DefaultReadOnlyMounts(c, spec);
  }
}

void DefaultTemplate(json& obj, const config::Config& cfg) {
  json* spec = ObjectMember(obj, "spec");
  json* tmpl = spec != nullptr ? ObjectMember(*spec, "template") : nullptr;
  json* tmpl_spec = tmpl != nullptr ? ObjectMember(*tmpl, "spec") : nullptr;
  if (tmpl_spec == nullptr) return;
  const json* meta = Member(obj, "metadata");
  DefaultRevisionSpec(*tmpl_spec, meta != nullptr ? StringField(*meta, "name") : "", cfg);
}

// `default_target` replaces a missing or empty traffic list (null: leave it empty).
void DefaultTraffic(json& spec, const json& default_target) {
  json* traffic = MutableMember(spec, "traffic");
  bool empty = traffic == nullptr || (traffic->is_array() && traffic->empty());
  if (empty && !default_target.is_null()) {
    spec["traffic"] = json::array({default_target});
    return;
  }
  if (traffic == nullptr || !traffic->is_array()) return;
  for (json& t : *traffic) {
    if (!t.is_object()) continue;
    if (Member(t, "latestRevision") == nullptr) {
      const json* rev = Member(t, "revisionName");
      t["latestRevision"] = rev == nullptr || (rev->is_string() && rev->get<std::string>().empty());
    }
    if (Member(t, "percent") == nullptr) t["percent"] = 0;
  }
}

// The name of the Service owning `obj`, "" if none.
std::string OwningService(const json& obj) {
  const json* meta = Member(obj, "metadata");
  const json* refs = meta != nullptr ? Member(*meta, "ownerReferences") : nullptr;
  if (refs == nullptr || !refs->is_array()) return "";
  for (const json& ref : *refs) {
    if (StringField(ref, "kind") == "Service") return StringField(ref, "name");
  }
  return "";
}

// A Service's route follows its own configuration; a Route made for a Service does too, and
// names that configuration (same name as the Service) since a Route has no implied one.
json DefaultTarget(Kind kind, const json& obj) {
  json target = {{"latestRevision", true}, {"percent", 100}};
  if (kind == Kind::kService) return target;
  std::string service = OwningService(obj);
  if (service.empty()) return nullptr;
  target["configurationName"] = service;
  return target;
}

void DefaultRevision(json& obj, const config::Config& cfg) {
  json* spec = ObjectMember(obj, "spec");
  if (spec == nullptr) return;
  const json* meta = Member(obj, "metadata");
  const json* labels = meta != nullptr ? Member(*meta, "labels") : nullptr;
  std::string parent =
      labels != nullptr ? StringField(*labels, "serving.knative.dev/configuration") : "";
  DefaultRevisionSpec(*spec, parent, cfg);
}

}  // namespace

void SetDefaults(Kind kind, json& obj, const json* old, const config::Config& cfg) {
  if (!obj.is_object()) return;
  if (Member(obj, "apiVersion") == nullptr) obj["apiVersion"] = kApiVersion;
  if (Member(obj, "kind") == nullptr) obj["kind"] = Info(kind).name;
  switch (kind) {
    case Kind::kService:
      DefaultTemplate(obj, cfg);
      if (json* spec = ObjectMember(obj, "spec")) DefaultTraffic(*spec, DefaultTarget(kind, obj));
      break;
    case Kind::kConfiguration:
      DefaultTemplate(obj, cfg);
      break;
    case Kind::kRoute:
      if (json* spec = ObjectMember(obj, "spec")) DefaultTraffic(*spec, DefaultTarget(kind, obj));
      break;
    case Kind::kRevision:
      if (old == nullptr) DefaultRevision(obj, cfg);  // a Revision's spec is immutable
      break;
  }
}

void StampUserInfo(json& obj, const json* old, std::string_view user) {
  json* meta = ObjectMember(obj, "metadata");
  if (user.empty() || meta == nullptr || Member(*meta, "ownerReferences") != nullptr) return;
  json* annotations = ObjectMember(*meta, "annotations");
  if (annotations == nullptr) return;
  if (old == nullptr) {
    (*annotations)[internal::kCreatorAnnotation] = user;
    (*annotations)[internal::kLastModifierAnnotation] = user;
    return;
  }
  const json* old_meta = Member(*old, "metadata");
  const json* old_annotations = old_meta != nullptr ? Member(*old_meta, "annotations") : nullptr;
  for (const char* key : {internal::kCreatorAnnotation, internal::kLastModifierAnnotation}) {
    std::string before = old_annotations != nullptr ? StringField(*old_annotations, key) : "";
    if (!before.empty()) (*annotations)[key] = before;
  }
  const json* spec = Member(obj, "spec");
  const json* old_spec = Member(*old, "spec");
  if ((spec != nullptr) != (old_spec != nullptr) || (spec != nullptr && *spec != *old_spec)) {
    (*annotations)[internal::kLastModifierAnnotation] = user;
  }
}

}  // namespace ebb::api
