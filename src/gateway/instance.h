// One ready instance of a revision as the request path sees it, shared by all workers.
//
// Instances are created by Gateway::SetEndpoints (any thread) and live as long as a request, a
// pooled upstream connection or an endpoint snapshot refers to them. The counters are atomics:
// `in_flight` is the breaker's slot count, exact across workers.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ioloop/socket.h"

namespace ebb::gateway {

struct Instance {
  Instance(std::string id, std::string ip, int port)
      : id(std::move(id)), ip(std::move(ip)), port(port) {
    if (!ioloop::ParseAddress(this->ip, port, address, address_size)) address_size = 0;
  }

  const std::string id;  // Endpoint::id
  const std::string ip;  // numeric address the workers connect to
  const int port;
  // ip:port as a socket address (size 0 if ip is not numeric: connecting then fails).
  sockaddr_storage address{};
  socklen_t address_size = 0;

  // Requests using the instance now (reserved slots); the breaker keeps it <= CC.
  alignas(64) std::atomic<int> in_flight{0};
  // Set once the instance leaves the ready set: no new requests, pooled connections closed.
  std::atomic<bool> removed{false};
  // After a failed connect the instance is skipped until this steady-clock time (ns).
  std::atomic<std::int64_t> ejected_until_ns{0};

  bool EjectedAt(std::chrono::steady_clock::time_point now) const {
    return now.time_since_epoch().count() < ejected_until_ns.load(std::memory_order_relaxed);
  }
};

using InstancePtr = std::shared_ptr<Instance>;

// The ready instances of a revision, sorted by id (first-available scans in this order).
// Immutable once published.
struct InstanceSet {
  std::vector<InstancePtr> items;
};

}  // namespace ebb::gateway
