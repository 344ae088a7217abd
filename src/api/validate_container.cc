// One container of a RevisionSpec (pkg/apis/serving/k8s_validation.go): Knative's container
// field subset, image, env, ports, resources, security context, probes and mounts.
#include <climits>
#include <regex>

#include "api/naming.h"
#include "api/validation_internal.h"

namespace ebb::api::internal {
namespace {

bool IsOneOf(const std::string& s, std::initializer_list<const char*> values) {
  for (const char* v : values) {
    if (s == v) return true;
  }
  return false;
}

void ValidateName(const json& c, const std::string& path, Errors* errs) {
  const json* name = Member(c, "name");
  if (name != nullptr && !CheckString(*name, Child(path, "name"), errs)) return;
  std::string text = StringField(c, "name");
  if (text.empty()) {
    errs->Required(Child(path, "name"));
  } else if (text == "queue-proxy") {
    errs->Invalid(Child(path, "name"), "\"queue-proxy\" is a reserved container name");
  } else if (std::string why = Dns1123LabelError(text); !why.empty()) {
    errs->Invalid(Child(path, "name"), why);
  }
}

void ValidateImage(const json& c, const std::string& path, Errors* errs) {
  const json* image = Member(c, "image");
  std::string field = Child(path, "image");
  if (image == nullptr || (image->is_string() && image->get_ref<const std::string&>().empty())) {
    errs->Required(field);
  } else if (CheckString(*image, field, errs)) {
    const std::string& text = image->get_ref<const std::string&>();
    if (std::string why = ImageReferenceError(text); !why.empty()) {
      errs->Invalid(field, "failed to parse image reference \"" + text + "\": " + why);
    }
  }
}

// Kubernetes' classic rule: [-._a-zA-Z][-._a-zA-Z0-9]*.
bool IsEnvVarName(const std::string& name) {
  static const std::regex kEnvName("[-._a-zA-Z][-._a-zA-Z0-9]*");
  return std::regex_match(name, kEnvName);
}

void ValidateKeyRef(const json& ref, const std::string& path, Errors* errs) {
  if (!CheckObject(ref, path, errs)) return;
  CheckAllowedKeys(ref, {"name", "key", "optional"}, path, errs);
  if (StringField(ref, "key").empty()) errs->Required(Child(path, "key"));
  if (const json* o = Member(ref, "optional")) CheckBool(*o, Child(path, "optional"), errs);
}

void ValidateValueFrom(const json& from, const std::string& path, Errors* errs) {
  if (!CheckObject(from, path, errs)) return;
  CheckAllowedKeys(from, {"configMapKeyRef", "secretKeyRef"}, path, errs);
  const json* cm = Member(from, "configMapKeyRef");
  const json* secret = Member(from, "secretKeyRef");
  if (cm != nullptr) ValidateKeyRef(*cm, Child(path, "configMapKeyRef"), errs);
  if (secret != nullptr) ValidateKeyRef(*secret, Child(path, "secretKeyRef"), errs);
  if (cm != nullptr && secret != nullptr) {
    errs->Invalid(path, "may not have more than one field specified at a time");
  } else if (cm == nullptr && secret == nullptr && from.size() == 0) {
    errs->Required(path, "must specify one of: configMapKeyRef or secretKeyRef");
  }
}

void ValidateEnvVar(const json& env, const std::string& path, bool serving, Errors* errs) {
  if (!CheckObject(env, path, errs)) return;
  CheckAllowedKeys(env, {"name", "value", "valueFrom"}, path, errs);
  std::string name = StringField(env, "name");
  if (name.empty()) {
    errs->Required(Child(path, "name"));
  } else if (!IsEnvVarName(name)) {
    errs->Invalid(Child(path, "name"),
                  "a valid environment variable name must consist of alphabetic characters, "
                  "digits, '_', '-', or '.', and must not start with a digit");
  } else if ((serving && name == "PORT") ||
             IsOneOf(name, {"K_SERVICE", "K_CONFIGURATION", "K_REVISION"})) {
    errs->Invalid(Child(path, "name"), "\"" + name + "\" is a reserved environment variable");
  }
  const json* value = Member(env, "value");
  if (value != nullptr) CheckString(*value, Child(path, "value"), errs);
  const json* from = Member(env, "valueFrom");
  if (from == nullptr) return;
  ValidateValueFrom(*from, Child(path, "valueFrom"), errs);
  if (value != nullptr && value->is_string() && !value->get_ref<const std::string&>().empty()) {
    errs->Invalid(Child(path, "valueFrom"), "may not be specified when `value` is not empty");
  }
}

void ValidateEnvFrom(const json& list, const std::string& path, Errors* errs) {
  if (!CheckArray(list, path, errs)) return;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string at = Index(path, i);
    if (!CheckObject(list[i], at, errs)) continue;
    CheckAllowedKeys(list[i], {"prefix", "configMapRef", "secretRef"}, at, errs);
    const json* cm = Member(list[i], "configMapRef");
    const json* secret = Member(list[i], "secretRef");
    for (auto [ref, key] : {std::pair{cm, "configMapRef"}, std::pair{secret, "secretRef"}}) {
      if (ref == nullptr || !CheckObject(*ref, Child(at, key), errs)) continue;
      CheckAllowedKeys(*ref, {"name", "optional"}, Child(at, key), errs);
    }
    if (cm != nullptr && secret != nullptr) {
      errs->Invalid(at, "expected exactly one of configMapRef or secretRef, got both");
    } else if (cm == nullptr && secret == nullptr) {
      errs->Required(at, "expected exactly one of configMapRef or secretRef, got neither");
    }
  }
}

bool IsReservedPort(std::int64_t port) {
  for (std::int64_t reserved : {8012, 8013, 8022, 9090, 9091, 8008}) {
    if (port == reserved) return true;
  }
  return false;
}

void ValidatePort(const json& port, const std::string& path, Errors* errs) {
  if (!CheckObject(port, path, errs)) return;
  CheckAllowedKeys(port, {"containerPort", "name", "protocol"}, path, errs);
  if (const json* n = Member(port, "containerPort");
      n != nullptr && CheckInt(*n, Child(path, "containerPort"), errs)) {
    std::int64_t number = *IntValue(*n);
    if (IsReservedPort(number)) {
      errs->Invalid(Child(path, "containerPort"), std::to_string(number) +
                                                      " is a reserved port, please use a "
                                                      "different value");
    } else if (number < 0 || number > 65535) {
      errs->Invalid(Child(path, "containerPort"), OutOfBounds(number, 0, 65535));
    }
  }
  std::string name = StringField(port, "name");
  if (!IsOneOf(name, {"", "h2c", "http1"})) {
    errs->NotSupported(Child(path, "name"), "supported values: \"\", \"h2c\", \"http1\"");
  }
  std::string protocol = StringField(port, "protocol");
  if (!IsOneOf(protocol, {"", "TCP"})) {
    errs->NotSupported(Child(path, "protocol"), "supported values: \"TCP\"");
  }
}

void ValidateResources(const json& r, const std::string& path, Errors* errs) {
  if (!CheckObject(r, path, errs)) return;
  CheckAllowedKeys(r, {"limits", "requests"}, path, errs);
  for (const char* key : {"limits", "requests"}) {
    const json* list = Member(r, key);
    if (list == nullptr || !CheckObject(*list, Child(path, key), errs)) continue;
    for (const auto& [name, q] : list->items()) {
      std::string field = Child(Child(path, key), name);
      if (!IsQualifiedName(name)) errs->Invalid(field, "invalid resource name");
      if (!IsQuantity(q)) errs->Invalid(field, "must be a quantity such as 500m, 1, 128Mi");
    }
  }
}

void ValidateSecurityContext(const json& sc, const std::string& path, Errors* errs) {
  if (!CheckObject(sc, path, errs)) return;
  CheckAllowedKeys(sc,
                   {"allowPrivilegeEscalation", "capabilities", "readOnlyRootFilesystem",
                    "runAsGroup", "runAsNonRoot", "runAsUser", "seccompProfile"},
                   path, errs);
  for (const char* key : {"allowPrivilegeEscalation", "readOnlyRootFilesystem", "runAsNonRoot"}) {
    if (const json* v = Member(sc, key)) CheckBool(*v, Child(path, key), errs);
  }
  for (const char* key : {"runAsUser", "runAsGroup"}) {
    const json* v = Member(sc, key);
    if (v == nullptr || !CheckInt(*v, Child(path, key), errs)) continue;
    if (std::int64_t id = *IntValue(*v); id < 0 || id > INT32_MAX) {
      errs->Invalid(Child(path, key), OutOfBounds(id, 0, INT32_MAX));
    }
  }
  if (const json* caps = Member(sc, "capabilities");
      caps != nullptr && CheckObject(*caps, Child(path, "capabilities"), errs)) {
    CheckAllowedKeys(*caps, {"add", "drop"}, Child(path, "capabilities"), errs);
    for (const char* key : {"add", "drop"}) {
      if (const json* v = Member(*caps, key)) {
        CheckStringArray(*v, Child(Child(path, "capabilities"), key), errs);
      }
    }
  }
  if (const json* sp = Member(sc, "seccompProfile");
      sp != nullptr && CheckObject(*sp, Child(path, "seccompProfile"), errs)) {
    CheckAllowedKeys(*sp, {"type", "localhostProfile"}, Child(path, "seccompProfile"), errs);
    if (!IsOneOf(StringField(*sp, "type"), {"RuntimeDefault", "Unconfined", "Localhost"})) {
      errs->NotSupported(Child(Child(path, "seccompProfile"), "type"),
                         "supported values: \"RuntimeDefault\", \"Unconfined\", \"Localhost\"");
    }
  }
}

void ValidateEnums(const json& c, const std::string& path, Errors* errs) {
  std::string policy = StringField(c, "terminationMessagePolicy");
  if (!IsOneOf(policy, {"", "File", "FallbackToLogsOnError"})) {
    errs->NotSupported(Child(path, "terminationMessagePolicy"),
                       "supported values: \"File\", \"FallbackToLogsOnError\"");
  }
  std::string pull = StringField(c, "imagePullPolicy");
  if (!IsOneOf(pull, {"", "Always", "IfNotPresent", "Never"})) {
    errs->NotSupported(Child(path, "imagePullPolicy"),
                       "supported values: \"Always\", \"IfNotPresent\", \"Never\"");
  }
  for (const char* key :
       {"workingDir", "terminationMessagePath", "terminationMessagePolicy", "imagePullPolicy"}) {
    if (const json* v = Member(c, key)) CheckString(*v, Child(path, key), errs);
  }
}

void ValidateLists(const json& c, const std::string& path, const ContainerContext& ctx,
                   Errors* errs) {
  for (const char* key : {"command", "args"}) {
    if (const json* v = Member(c, key)) CheckStringArray(*v, Child(path, key), errs);
  }
  if (const json* env = Member(c, "env");
      env != nullptr && CheckArray(*env, Child(path, "env"), errs)) {
    for (size_t i = 0; i < env->size(); ++i) {
      ValidateEnvVar((*env)[i], Index(Child(path, "env"), i), ctx.serving, errs);
    }
  }
  if (const json* v = Member(c, "envFrom")) ValidateEnvFrom(*v, Child(path, "envFrom"), errs);
  if (const json* ports = Member(c, "ports");
      ports != nullptr && CheckArray(*ports, Child(path, "ports"), errs)) {
    for (size_t i = 0; i < ports->size(); ++i) {
      ValidatePort((*ports)[i], Index(Child(path, "ports"), i), errs);
    }
  }
  if (const json* v = Member(c, "volumeMounts")) {
    ValidateVolumeMounts(*v, Child(path, "volumeMounts"), *ctx.volumes, errs);
  }
}

}  // namespace

void ValidateContainer(const json& c, const std::string& path, const ContainerContext& ctx,
                       Errors* errs) {
  if (!CheckObject(c, path, errs)) return;
  CheckAllowedKeys(
      c,
      {"name", "args", "command", "env", "envFrom", "image", "imagePullPolicy", "livenessProbe",
       "ports", "readinessProbe", "startupProbe", "resources", "securityContext",
       "terminationMessagePath", "terminationMessagePolicy", "volumeMounts", "workingDir"},
      path, errs);
  ValidateName(c, path, errs);
  ValidateImage(c, path, errs);
  ValidateLists(c, path, ctx, errs);
  ValidateEnums(c, path, errs);
  const ServingPort* port = ctx.serving ? &ctx.port : nullptr;
  if (const json* p = Member(c, "readinessProbe")) {
    ValidateProbe(*p, Child(path, "readinessProbe"), port, true, errs);
  }
  for (const char* key : {"livenessProbe", "startupProbe"}) {
    if (const json* p = Member(c, key)) ValidateProbe(*p, Child(path, key), port, false, errs);
  }
  if (const json* r = Member(c, "resources")) ValidateResources(*r, Child(path, "resources"), errs);
  if (const json* sc = Member(c, "securityContext")) {
    ValidateSecurityContext(*sc, Child(path, "securityContext"), errs);
  }
}

}  // namespace ebb::api::internal
