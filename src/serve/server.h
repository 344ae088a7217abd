// Server: the components of `ebb serve` wired together, started in dependency order and
// stopped in reverse.
//
//   store (SQLite in DATA_DIR/ebb.db) → registry → controller (watches, reconciles)
//                                     → API server (HTTPS, kubectl)
//                                     → serving plane: gateway, runtime, autoscaler
//   admin listener (health; later metrics and dashboard)
//
// Start() and Stop() are called from the main thread; the components run their own threads.
#pragma once

#include <atomic>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/apiserver.h"
#include "admin/admin_server.h"
#include "common/address.h"
#include "common/clock.h"
#include "config/config.h"
#include "controller/controller.h"
#include "registry/registry.h"
#include "serving/serving_plane.h"
#include "serve/serve.h"
#include "store/store.h"

namespace ebb::tracing {
class Tracer;
}  // namespace ebb::tracing

namespace ebb::serve {

class Server {
 public:
  Server(const Options& options, const config::Config& config, const Clock& clock);
  ~Server();

  // Opens the store, starts every component, writes DATA_DIR/endpoints.json once all listen.
  Status Start();
  // Applies every manifest in `path` (server-side apply, as `ebb apply -f`), printing one line per
  // object like kubectl does.
  Status ApplyFile(const std::string& path);
  // The bound addresses and, for each applied service, the curl command that reaches it.
  void PrintWelcome(std::ostream& out) const;
  void Stop();

 private:
  class Core;  // the read-only core v1 objects served by the API server
  Status WriteEndpoints() const;
  Status ApplyObject(const std::string& file, nlohmann::json obj);

  Options options_;
  config::Config config_;
  const Clock& clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<tracing::Tracer> tracer_;       // outlives the plane's gateway
  std::unique_ptr<serving::ServingPlane> plane_;  // gateway + runtime + autoscaler
  std::unique_ptr<controller::Controller> controller_;
  // The plane pokes the controller when a revision's health changes; set once it exists.
  std::atomic<controller::Controller*> controller_ptr_{nullptr};
  std::unique_ptr<Core> core_;
  std::unique_ptr<apiserver::ApiServer> api_;
  std::unique_ptr<admin::AdminServer> admin_;
  std::vector<std::string> applied_hosts_;  // "name.ns.domain" of services applied at start
};

}  // namespace ebb::serve
