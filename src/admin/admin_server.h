// The admin listener (default 127.0.0.1:9090, plain HTTP, read-only): /healthz and /readyz now;
// /metrics and the dashboard hang off the same handler table later.
//
// Runs its own io_context on one thread; handlers run on that thread and must be quick.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/status.h"

namespace ebb::admin {

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// Path (without query) → handler. The query string is passed as is.
using Handler = std::function<Response(const std::string& query)>;

class AdminServer {
 public:
  // Binds `listen` ("host:port"; port 0 = any free port) and starts serving `routes`.
  static Result<std::unique_ptr<AdminServer>> Start(const std::string& listen,
                                                    std::map<std::string, Handler> routes);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  std::string address() const;  // "127.0.0.1:PORT" as bound
  void Stop();                  // idempotent; closes the listener and connections, joins

  struct Impl;

 private:
  explicit AdminServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ebb::admin
