// The route snapshot in the form the request path reads: host → revision states with
// cumulative weights. Built from a RouteTable on SetRoutes (any thread), then handed to every
// worker, which keeps its own shared_ptr (no atomics on lookup).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gateway/balancer.h"
#include "gateway/revision_state.h"
#include "gateway/route_table.h"

namespace ebb::gateway {

struct HostRoute {
  std::vector<RevisionPtr> revisions;
  std::vector<std::uint32_t> cumulative;  // running sums of the weights; last > 0
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class CompiledRoutes {
 public:
  // `state_for(key)` returns the shared state of a revision (creating it when new).
  CompiledRoutes(const RouteTable& table,
                 const std::function<RevisionPtr(const std::string&)>& state_for);
  CompiledRoutes() = default;

  // The route of a normalized host (see NormalizeHost), or nullptr.
  const HostRoute* Find(std::string_view host) const;

 private:
  std::unordered_map<std::string, HostRoute, StringHash, std::equal_to<>> hosts_;
};

// The weighted choice of a revision for one request.
inline const RevisionPtr& PickRevision(const HostRoute& route, Rng& rng) {
  if (route.revisions.size() == 1) return route.revisions.front();
  return route.revisions[PickWeighted(route.cumulative, rng.Next())];
}

}  // namespace ebb::gateway
