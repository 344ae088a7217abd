#include "dashboard/dashboard.h"

#include "dashboard/assets.h"
#include "dashboard/overview.h"
#include "net/query.h"
#include "registry/registry.h"

namespace ebb::dashboard {
namespace {

using nlohmann::json;

constexpr int kDefaultTail = 200;
constexpr int kMaxTail = 10000;

admin::Response Text(int status, std::string body) {
  return {status, "text/plain; charset=utf-8", std::move(body)};
}

admin::Response Error(const Status& st) { return Text(st.HttpCode(), st.message() + "\n"); }

// The pod's namespace must match when the caller names one: pod names are unique across
// namespaces in ebb (they carry the revision's name), but a page asking for ns/name must not get
// another namespace's log.
bool PodExists(const Sources& sources, const std::string& ns, const std::string& name) {
  for (const json& pod : sources.pods()) {
    const json& meta = pod["metadata"];
    if (meta.value("name", "") == name && (ns.empty() || meta.value("namespace", "") == ns)) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::function<Result<std::vector<json>>(api::Kind)> ListFrom(registry::Registry& registry) {
  return [&registry](api::Kind kind) -> Result<std::vector<json>> {
    auto list = registry.List(kind, "", {});
    if (!list.ok()) return list.status();
    return std::move(list->items);
  };
}

admin::Response OverviewResponse(const Sources& sources) {
  OverviewInput in;
  for (auto [kind, out] :
       {std::pair{api::Kind::kService, &in.services}, std::pair{api::Kind::kRoute, &in.routes},
        std::pair{api::Kind::kRevision, &in.revisions}}) {
    auto items = sources.list(kind);
    if (!items.ok()) return Error(items.status());
    *out = std::move(*items);
  }
  in.pods = sources.pods();
  json overview = BuildOverview(in, sources.clock->Now());
  return {200, "application/json", overview.dump()};
}

admin::Response LogsResponse(const Sources& sources, const std::string& query) {
  auto params = net::ParseQuery(query);
  std::string pod = params["pod"];
  if (pod.empty()) return Text(400, "missing ?pod=NAME\n");
  std::optional<int> tail = kDefaultTail;
  if (params.contains("tail")) {
    tail = net::IntParam(params, "tail", 0, kMaxTail);
    if (!tail) return Text(400, "tail must be a number from 0 to 10000\n");
  }
  if (!PodExists(sources, params["namespace"], pod)) {
    return Text(404, "pods \"" + pod + "\" not found\n");
  }
  auto log = sources.logs(pod, tail);
  if (!log.ok()) return Error(log.status());
  return Text(200, std::move(*log));
}

admin::Response PageResponse() { return {200, "text/html; charset=utf-8", PageHtml()}; }

void AddAdminRoutes(std::map<std::string, admin::Handler>& routes, Sources sources) {
  auto page = [](const std::string&) { return PageResponse(); };
  routes["/"] = page;
  routes["/dashboard"] = page;
  routes["/api/overview"] = [sources](const std::string&) { return OverviewResponse(sources); };
  routes["/api/logs"] = [sources](const std::string& q) { return LogsResponse(sources, q); };
}

}  // namespace ebb::dashboard
