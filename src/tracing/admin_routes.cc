#include "tracing/admin_routes.h"

#include <optional>
#include <string_view>

#include "net/query.h"

namespace ebb::tracing {

namespace {

admin::Response Traces(const Tracer* tracer, const std::string& query) {
  net::Query params = net::ParseQuery(query);
  std::optional<int> limit = 0;
  if (params.count("limit")) limit = net::IntParam(params, "limit", 0, 1 << 30);
  if (!limit) {
    return admin::Response{400, "text/plain; charset=utf-8",
                           "limit must be a non-negative integer\n"};
  }
  std::string revision = params.count("revision") ? params["revision"] : "";
  std::string body =
      tracer != nullptr ? tracer->traces().Traces(static_cast<std::size_t>(*limit), revision)
                        : "[]";
  return admin::Response{200, "application/json", body + "\n"};
}

}  // namespace

void AddAdminRoutes(std::map<std::string, admin::Handler>& routes, const Tracer* tracer) {
  routes["/api/traces"] = [tracer](const std::string& query) { return Traces(tracer, query); };
}

}  // namespace ebb::tracing
