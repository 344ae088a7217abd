#include "apiserver/route.h"

#include <vector>

namespace ebb::apiserver {
namespace {

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > pos) out.push_back(PercentDecode(path.substr(pos, slash - pos), false));
    pos = slash + 1;
  }
  return out;
}

std::optional<api::Kind> KnativePlural(std::string_view plural) {
  for (api::Kind kind : api::kAllKinds) {
    if (plural == api::Info(kind).plural) return kind;
  }
  return std::nullopt;
}

std::optional<CoreResource> CorePlural(std::string_view plural) {
  if (plural == "pods") return CoreResource::kPods;
  if (plural == "services") return CoreResource::kServices;
  if (plural == "events") return CoreResource::kEvents;
  if (plural == "namespaces") return CoreResource::kNamespaces;
  return std::nullopt;
}

// segs after "/apis/serving.knative.dev/v1": [namespaces/{ns}/]{plural}[/{name}[/status]]
Route KnativeRoute(const std::vector<std::string>& segs) {
  Route r;
  size_t i = 0;
  if (segs.size() >= 2 && segs[0] == "namespaces" && segs.size() != 2) {
    r.ns = segs[1];
    i = 2;
  }
  auto kind = i < segs.size() ? KnativePlural(segs[i]) : std::nullopt;
  size_t rest = segs.size() - i - 1;  // segments after the plural
  if (!kind || rest > 2 || (rest > 0 && r.ns.empty())) return r;
  if (rest == 2 && segs[i + 2] != "status") return r;
  r.endpoint = Endpoint::kKnative;
  r.kind = *kind;
  if (rest >= 1) r.name = segs[i + 1];
  if (rest == 2) r.subresource = "status";
  return r;
}

// segs after "/api/v1".
Route CoreRoute(const std::vector<std::string>& segs) {
  Route r;
  if (segs.size() == 1) {  // cluster-wide collection
    auto res = CorePlural(segs[0]);
    if (!res) return r;
    r.endpoint = Endpoint::kCore;
    r.core = *res;
    return r;
  }
  if (segs[0] != "namespaces" || segs.size() > 5) return r;
  r.endpoint = Endpoint::kCore;
  if (segs.size() == 2) {  // /api/v1/namespaces/{ns}: the namespace object
    r.core = CoreResource::kNamespaces;
    r.name = segs[1];
    return r;
  }
  r.ns = segs[1];
  auto res = CorePlural(segs[2]);
  bool is_log = segs.size() == 5 && res == CoreResource::kPods && segs[4] == "log";
  if (!res || res == CoreResource::kNamespaces || (segs.size() == 5 && !is_log)) return Route{};
  r.core = *res;
  if (segs.size() >= 4) r.name = segs[3];
  if (is_log) r.subresource = "log";
  return r;
}

Route Simple(Endpoint endpoint) {
  Route r;
  r.endpoint = endpoint;
  return r;
}

bool StartsWith(const std::vector<std::string>& segs, std::initializer_list<std::string_view> p) {
  if (segs.size() < p.size()) return false;
  size_t i = 0;
  for (std::string_view s : p) {
    if (segs[i++] != s) return false;
  }
  return true;
}

}  // namespace

std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

std::optional<bool> ParseBool(std::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") return true;
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") {
    return false;
  }
  return std::nullopt;
}

std::string_view QueryValue(const Query& query, std::string_view key) {
  auto it = query.find(key);
  return it == query.end() ? std::string_view() : std::string_view(it->second);
}

Route ParseRoute(std::string_view path) {
  std::vector<std::string> segs = Segments(path);
  if (segs.size() == 1 && segs[0] == "version") return Simple(Endpoint::kVersion);
  if (segs.size() == 1 && (segs[0] == "healthz" || segs[0] == "livez" || segs[0] == "readyz")) {
    return Simple(Endpoint::kHealth);
  }
  if (StartsWith(segs, {"api"})) {
    if (segs.size() == 1) return Simple(Endpoint::kCoreVersions);
    if (segs[1] != "v1") return Route{};
    if (segs.size() == 2) return Simple(Endpoint::kCoreResources);
    return CoreRoute({segs.begin() + 2, segs.end()});
  }
  if (StartsWith(segs, {"apis"})) {
    if (segs.size() == 1) return Simple(Endpoint::kGroups);
    if (segs[1] != api::kGroup) return Route{};
    if (segs.size() == 2) return Simple(Endpoint::kKnativeGroup);
    if (segs[2] != api::kVersion) return Route{};
    if (segs.size() == 3) return Simple(Endpoint::kKnativeResources);
    return KnativeRoute({segs.begin() + 3, segs.end()});
  }
  if (segs.size() == 2 && StartsWith(segs, {"openapi", "v3"})) {
    return Simple(Endpoint::kOpenApiRoot);
  }
  if (segs.size() == 5 && StartsWith(segs, {"openapi", "v3", "apis", api::kGroup, api::kVersion})) {
    return Simple(Endpoint::kOpenApiKnative);
  }
  return Route{};
}

}  // namespace ebb::apiserver
