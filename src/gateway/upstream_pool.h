// Idle keep-alive connections to instances, per worker (connections never cross threads).
//
// LIFO per instance, so that the warmest connection is reused and the rest can age out at the
// instance's own keep-alive timeout. A connection the instance closed while idle is found when
// it is next used (the session retries a replayable request once on a fresh connection).
//
// Thread-safety: owned and used by one worker thread.
#pragma once

#include <cstddef>
#include <optional>
#include <unordered_map>
#include <vector>

#include "gateway/io_types.h"
#include "gateway/instance.h"

namespace ebb::gateway {

class UpstreamPool {
 public:
  explicit UpstreamPool(std::size_t max_idle_per_instance) : max_idle_(max_idle_per_instance) {}

  // An idle connection to `instance`, if any.
  std::optional<Socket> Take(const InstancePtr& instance);
  // Keeps `socket` for reuse, or closes it when the instance left or its pool is full.
  void Put(const InstancePtr& instance, Socket socket);
  // Closes the idle connections to an instance that left the ready set.
  void Drop(const Instance* instance);
  void Clear() { idle_.clear(); }
  std::size_t idle_count() const;

 private:
  struct Idle {
    InstancePtr instance;  // keeps the key's address from being reused while listed
    std::vector<Socket> sockets;
  };
  const std::size_t max_idle_;
  std::unordered_map<const Instance*, Idle> idle_;
};

}  // namespace ebb::gateway
