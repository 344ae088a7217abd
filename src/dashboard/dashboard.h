// The live dashboard on the admin listener (read-only, loopback by default).
//
// Routes added by AddAdminRoutes:
//   /, /dashboard       the page (assets.h): one self-contained HTML document whose script
//                       polls /metrics (Prometheus text, from the metrics component),
//                       /api/overview and /api/traces (from the tracing component) and keeps
//                       the history in the browser
//   /api/overview       JSON: services, revisions, instances and their conditions (overview.h)
//   /api/logs           ?pod=NAME[&namespace=NS][&tail=N]: the instance's log as text, the last
//                       N lines (default 200, at most 10000); 400 without pod, 404 unknown pod
//
// Threading: handlers run on the admin server's thread and call Sources from it; each Source
// function must be safe to call from there (the registry is; the serving plane's Pods/Logs are).
// Sources' targets must outlive the admin server.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "admin/admin_server.h"
#include "api/kinds.h"
#include "common/clock.h"
#include "common/status.h"

namespace ebb::registry {
class Registry;
}

namespace ebb::dashboard {

struct Sources {
  // Every object of a kind, in every namespace, ordered by namespace then name.
  std::function<Result<std::vector<nlohmann::json>>(api::Kind)> list;
  // Pod objects of every instance (runtime/pods.h).
  std::function<std::vector<nlohmann::json>()> pods;
  // The instance's log (last `tail` lines); kNotFound for unknown pods.
  std::function<Result<std::string>(const std::string& pod, std::optional<int> tail)> logs;
  const Clock* clock = nullptr;
};

// Sources::list over the registry.
std::function<Result<std::vector<nlohmann::json>>(api::Kind)> ListFrom(
    registry::Registry& registry);

void AddAdminRoutes(std::map<std::string, admin::Handler>& routes, Sources sources);

// The handlers themselves, for tests.
admin::Response OverviewResponse(const Sources& sources);
admin::Response LogsResponse(const Sources& sources, const std::string& query);
admin::Response PageResponse();

}  // namespace ebb::dashboard
