#include "metrics/admin_routes.h"

namespace ebb::metrics {

void AddAdminRoutes(std::map<std::string, admin::Handler>& routes, const Registry& registry,
                    bool enabled) {
  if (!enabled) {
    routes["/metrics"] = [](const std::string&) {
      return admin::Response{404, "text/plain; charset=utf-8",
                             "metrics are disabled (observability metrics-protocol: none)\n"};
    };
    return;
  }
  routes["/metrics"] = [&registry](const std::string&) {
    return admin::Response{200, kContentType, registry.Render()};
  };
}

}  // namespace ebb::metrics
