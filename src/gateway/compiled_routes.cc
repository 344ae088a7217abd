#include "gateway/compiled_routes.h"

#include <algorithm>
#include <array>

namespace ebb::gateway {

CompiledRoutes::CompiledRoutes(const RouteTable& table,
                               const std::function<RevisionPtr(const std::string&)>& state_for) {
  for (const auto& [host, targets] : table.hosts) {
    if (targets.empty()) continue;
    HostRoute route;
    std::uint32_t sum = 0;
    for (const TrafficTarget& target : targets) {
      route.revisions.push_back(state_for(target.revision));
      sum += static_cast<std::uint32_t>(std::max(0, target.percent));
      route.cumulative.push_back(sum);
    }
    if (sum == 0) {  // all weights 0: everything to the first target
      std::fill(route.cumulative.begin(), route.cumulative.end(), 1);
    }
    std::array<char, kMaxHostLength> lowered{};
    std::string_view key = NormalizeHost(host, lowered);
    if (!key.empty()) hosts_.emplace(std::string(key), std::move(route));
  }
}

const HostRoute* CompiledRoutes::Find(std::string_view host) const {
  auto it = hosts_.find(host);
  return it == hosts_.end() ? nullptr : &it->second;
}

}  // namespace ebb::gateway
