// RevisionSpec (pkg/apis/serving/v1/revision_validation.go and ValidatePodSpec): the masked
// PodSpec, the single serving port, timeouts and containerConcurrency.
#include "api/naming.h"
#include "api/validation_internal.h"

namespace ebb::api::internal {
namespace {

// Names every volumeMount refers to, so that unused volumes can be reported.
std::set<std::string> MountedVolumes(const json& containers) {
  std::set<std::string> out;
  for (const json& c : containers) {
    const json* mounts = Member(c, "volumeMounts");
    if (mounts == nullptr || !mounts->is_array()) continue;
    for (const json& m : *mounts) out.insert(StringField(m, "name"));
  }
  return out;
}

bool HasPorts(const json& c) {
  const json* ports = Member(c, "ports");
  return ports != nullptr && ports->is_array() && !ports->empty();
}

// Knative's validateContainersPorts: one port across all containers; none is fine for a single
// container (8080 is assumed).
ServingPort CheckServingPort(const json& containers, const std::string& path, Errors* errs) {
  ServingPort port;
  size_t count = 0;
  for (const json& c : containers) {
    if (!HasPorts(c)) continue;
    const json& first = (*Member(c, "ports"))[0];
    if (count == 0) {
      port.name = StringField(first, "name");
      const json* n = Member(first, "containerPort");
      std::optional<std::int64_t> number = n != nullptr ? IntValue(*n) : std::nullopt;
      if (number.value_or(0) != 0) port.number = *number;
    }
    count += Member(c, "ports")->size();
  }
  std::string field = Child(path, "containers[*].ports");
  if (count == 0 && containers.size() > 1) {
    errs->Required(field,
                   "the serving container must declare its port when there are several "
                   "containers");
  } else if (count > 1) {
    errs->Invalid(field,
                  "more than one container port is set: only a single port is allowed "
                  "across all containers");
  }
  return port;
}

void ValidateContainers(const json& spec, const std::string& path, Errors* errs) {
  const json* containers = Member(spec, "containers");
  std::string field = Child(path, "containers");
  if (containers == nullptr || (containers->is_array() && containers->empty())) {
    errs->Required(field);
    return;
  }
  if (!CheckArray(*containers, field, errs)) return;
  VolumeMap volumes = ValidateVolumes(Member(spec, "volumes"), Child(path, "volumes"),
                                      MountedVolumes(*containers), errs);
  ContainerContext ctx{true, CheckServingPort(*containers, path, errs), &volumes};
  std::set<std::string> names;
  for (size_t i = 0; i < containers->size(); ++i) {
    const json& c = (*containers)[i];
    std::string at = Index(field, i);
    ctx.serving = containers->size() == 1 || HasPorts(c);
    std::string name = StringField(c, "name");
    if (!name.empty() && !names.insert(name).second) {
      errs->Duplicate(Child(at, "name"), "duplicate container name \"" + name + "\"");
    }
    ValidateContainer(c, at, ctx, errs);
  }
}

// An integer field within [low, high]; returns its value when present and valid.
std::optional<std::int64_t> CheckRange(const json& spec, const char* key, const std::string& path,
                                       std::int64_t low, std::int64_t high, Errors* errs) {
  const json* v = Member(spec, key);
  if (v == nullptr || !CheckInt(*v, Child(path, key), errs)) return std::nullopt;
  std::int64_t n = *IntValue(*v);
  if (n < low || n > high) {
    errs->Invalid(Child(path, key), OutOfBounds(n, low, high));
    return std::nullopt;
  }
  return n;
}

void ValidateTimeouts(const json& spec, const std::string& path, const config::Defaults& d,
                      Errors* errs) {
  std::optional<std::int64_t> timeout =
      CheckRange(spec, "timeoutSeconds", path, 0, d.max_revision_timeout_seconds, errs);
  // The other two timers cannot outlast the request as a whole (0 = the configured default; an
  // invalid timeoutSeconds is already reported, so bound by the maximum then).
  std::int64_t limit = d.revision_timeout_seconds;
  if (timeout.value_or(0) > 0) {
    limit = *timeout;
  } else if (!timeout && Member(spec, "timeoutSeconds") != nullptr) {
    limit = d.max_revision_timeout_seconds;
  }
  CheckRange(spec, "responseStartTimeoutSeconds", path, 0, limit, errs);
  CheckRange(spec, "idleTimeoutSeconds", path, 0, limit, errs);
  std::int64_t min_cc = d.allow_container_concurrency_zero ? 0 : 1;
  CheckRange(spec, "containerConcurrency", path, min_cc, d.container_concurrency_max_limit, errs);
}

void ValidatePodFields(const json& spec, const std::string& path, Errors* errs) {
  if (const json* sa = Member(spec, "serviceAccountName");
      sa != nullptr && CheckString(*sa, Child(path, "serviceAccountName"), errs)) {
    const std::string& name = sa->get_ref<const std::string&>();
    if (std::string why = Dns1123SubdomainError(name); !name.empty() && !why.empty()) {
      errs->Invalid(Child(path, "serviceAccountName"), why);
    }
  }
  for (const char* key : {"enableServiceLinks", "automountServiceAccountToken"}) {
    if (const json* v = Member(spec, key)) CheckBool(*v, Child(path, key), errs);
  }
  const json* secrets = Member(spec, "imagePullSecrets");
  std::string field = Child(path, "imagePullSecrets");
  if (secrets == nullptr || !CheckArray(*secrets, field, errs)) return;
  for (size_t i = 0; i < secrets->size(); ++i) {
    std::string at = Index(field, i);
    if (!CheckObject((*secrets)[i], at, errs)) continue;
    CheckAllowedKeys((*secrets)[i], {"name"}, at, errs);
    if (StringField((*secrets)[i], "name").empty()) errs->Required(Child(at, "name"));
  }
}

}  // namespace

void ValidateRevisionSpec(const json& spec, const std::string& path, const config::Config& cfg,
                          Errors* errs) {
  if (!CheckObject(spec, path, errs)) return;
  CheckAllowedKeys(
      spec,
      {"containers", "containerConcurrency", "timeoutSeconds", "responseStartTimeoutSeconds",
       "idleTimeoutSeconds", "volumes", "serviceAccountName", "enableServiceLinks",
       "imagePullSecrets", "automountServiceAccountToken"},
      path, errs);
  ValidateContainers(spec, path, errs);
  ValidateTimeouts(spec, path, cfg.defaults, errs);
  ValidatePodFields(spec, path, errs);
}

}  // namespace ebb::api::internal
