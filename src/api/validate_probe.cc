// Probe rules (knative-spec.md §1.3): one handler, ports matching the serving port, and the
// readiness rules for Knative's aggressive probing (periodSeconds == 0).
#include <climits>
#include <vector>

#include "api/validation_internal.h"

namespace ebb::api::internal {
namespace {

constexpr const char* kHandlers[] = {"httpGet", "tcpSocket", "exec", "grpc"};
constexpr const char* kNumbers[] = {"initialDelaySeconds", "timeoutSeconds", "periodSeconds",
                                    "successThreshold", "failureThreshold"};

std::int64_t NumberOr0(const json& probe, const char* key) {
  const json* v = Member(probe, key);
  std::optional<std::int64_t> n = v != nullptr ? IntValue(*v) : std::nullopt;
  return n.value_or(0);
}

// A named port must be the serving port's name, a numbered one its number.
void CheckPort(const json& handler, const std::string& path, const ServingPort* port,
               Errors* errs) {
  const json* p = Member(handler, "port");
  if (p == nullptr) return;
  std::string field = Child(path, "port");
  if (p->is_string()) {
    const std::string& name = p->get_ref<const std::string&>();
    bool matches = name.empty() || port == nullptr || name == port->name ||
                   (port->name.empty() && name == "http");
    if (!matches) errs->Invalid(field, "probe port must match container port");
    return;
  }
  std::optional<std::int64_t> n = IntValue(*p);
  if (!n) {
    errs->Invalid(field, "must be a port number or name");
  } else if (*n < 0 || *n > 65535) {
    errs->Invalid(field, OutOfBounds(*n, 0, 65535));
  } else if (port != nullptr && *n != 0 && *n != port->number) {
    errs->Invalid(field, "probe port must match container port " + std::to_string(port->number));
  }
}

void ValidateHttpGet(const json& h, const std::string& path, const ServingPort* port,
                     Errors* errs) {
  if (!CheckObject(h, path, errs)) return;
  CheckAllowedKeys(h, {"host", "httpHeaders", "path", "port", "scheme"}, path, errs);
  CheckPort(h, path, port, errs);
  for (const char* key : {"host", "path"}) {
    if (const json* v = Member(h, key)) CheckString(*v, Child(path, key), errs);
  }
  std::string scheme = StringField(h, "scheme");
  if (!scheme.empty() && scheme != "HTTP" && scheme != "HTTPS") {
    errs->NotSupported(Child(path, "scheme"), "supported values: \"HTTP\", \"HTTPS\"");
  }
  const json* headers = Member(h, "httpHeaders");
  if (headers == nullptr || !CheckArray(*headers, Child(path, "httpHeaders"), errs)) return;
  for (size_t i = 0; i < headers->size(); ++i) {
    std::string at = Index(Child(path, "httpHeaders"), i);
    if (!CheckObject((*headers)[i], at, errs)) continue;
    CheckAllowedKeys((*headers)[i], {"name", "value"}, at, errs);
    if (StringField((*headers)[i], "name").empty()) errs->Required(Child(at, "name"));
  }
}

void ValidateHandler(const char* type, const json& h, const std::string& path,
                     const ServingPort* port, Errors* errs) {
  std::string type_name = type;
  if (type_name == "httpGet") return ValidateHttpGet(h, path, port, errs);
  if (!CheckObject(h, path, errs)) return;
  if (type_name == "tcpSocket") {
    CheckAllowedKeys(h, {"host", "port"}, path, errs);
    CheckPort(h, path, port, errs);
  } else if (type_name == "exec") {
    CheckAllowedKeys(h, {"command"}, path, errs);
    if (const json* c = Member(h, "command")) CheckStringArray(*c, Child(path, "command"), errs);
  } else {
    CheckAllowedKeys(h, {"port", "service"}, path, errs);
    CheckPort(h, path, port, errs);
    if (const json* s = Member(h, "service")) CheckString(*s, Child(path, "service"), errs);
  }
}

void ValidateHandlers(const json& probe, const std::string& path, const ServingPort* port,
                      Errors* errs) {
  std::vector<std::string> set;
  for (const char* type : kHandlers) {
    if (const json* h = Member(probe, type)) {
      set.push_back(type);
      ValidateHandler(type, *h, Child(path, type), port, errs);
    }
  }
  if (set.empty()) {
    errs->Required(path, "must specify exactly one of httpGet, tcpSocket, exec or grpc");
  } else if (set.size() > 1) {
    std::string names;
    for (const std::string& s : set) names += (names.empty() ? "" : ", ") + s;
    errs->Invalid(path, "may not specify more than one handler type, got: " + names);
  }
}

void ValidateReadinessNumbers(const json& probe, const std::string& path, Errors* errs) {
  std::int64_t period = NumberOr0(probe, "periodSeconds");
  std::int64_t success = NumberOr0(probe, "successThreshold");
  std::int64_t failure = NumberOr0(probe, "failureThreshold");
  std::int64_t timeout = NumberOr0(probe, "timeoutSeconds");
  if (success < 1) {
    errs->Invalid(Child(path, "successThreshold"), OutOfBounds(success, 1, INT32_MAX));
  }
  if (period == 0) {
    if (failure != 0) {
      errs->Forbidden(Child(path, "failureThreshold"),
                      "failureThreshold is disallowed when periodSeconds is zero");
    }
    if (timeout != 0) {
      errs->Forbidden(Child(path, "timeoutSeconds"),
                      "timeoutSeconds is disallowed when periodSeconds is zero");
    }
    return;
  }
  if (timeout < 1) errs->Invalid(Child(path, "timeoutSeconds"), OutOfBounds(timeout, 1, INT32_MAX));
  if (failure < 1) {
    errs->Invalid(Child(path, "failureThreshold"), OutOfBounds(failure, 1, INT32_MAX));
  }
}

}  // namespace

void ValidateProbe(const json& probe, const std::string& path, const ServingPort* port,
                   bool readiness, Errors* errs) {
  if (!CheckObject(probe, path, errs)) return;
  CheckAllowedKeys(probe,
                   {"initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold",
                    "failureThreshold", "httpGet", "tcpSocket", "exec", "grpc"},
                   path, errs);
  bool numbers_ok = true;
  for (const char* key : kNumbers) {
    const json* v = Member(probe, key);
    if (v == nullptr) continue;
    if (!CheckInt(*v, Child(path, key), errs)) {
      numbers_ok = false;
    } else if (std::int64_t n = *IntValue(*v); n < 0) {
      errs->Invalid(Child(path, key), OutOfBounds(n, 0, INT32_MAX));
      numbers_ok = false;
    }
  }
  ValidateHandlers(probe, path, port, errs);
  if (readiness && numbers_ok) ValidateReadinessNumbers(probe, path, errs);
}

}  // namespace ebb::api::internal
