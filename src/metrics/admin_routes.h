// The /metrics route of the admin listener (DESIGN.md: 127.0.0.1:9090 by default), added to
// the route table that src/serve builds, so that every component registers its routes with
// one call.
#pragma once

#include <map>
#include <string>

#include "admin/admin_server.h"
#include "metrics/registry.h"

namespace ebb::metrics {

// The Prometheus text exposition's content type.
inline constexpr char kContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// Adds GET /metrics: `registry` rendered at each request. With `enabled` false (config
// observability metrics-protocol / metrics.backend-destination: none) /metrics answers 404
// saying that metrics are off. `registry` must outlive the admin server.
void AddAdminRoutes(std::map<std::string, admin::Handler>& routes, const Registry& registry,
                    bool enabled);

}  // namespace ebb::metrics
