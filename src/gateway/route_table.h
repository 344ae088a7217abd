// The routing snapshot the gateway is fed (RouteTable) and the pure helpers that read it.
//
// A RouteTable is built by the glue from the Routes and Revisions in the store and handed to
// Gateway::SetRoutes as an immutable snapshot; the gateway never reads the store. Hosts are
// lowercase and carry no port; tag hosts ({tag}-{name}.{ns}.{domain}) are ordinary entries.
// Revision keys are "namespace/name".
//
// Thread-safety: the structs are plain values; the functions are pure and reentrant.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ebb::gateway {

// What the gateway needs to know about one Revision (Knative §3.2, §4.2).
struct RevisionConfig {
  std::string key;                // "namespace/name"
  int container_concurrency = 0;  // requests per instance at once; 0 = unlimited
  // Whole request, from arrival at the gateway (parking included): 504 if nothing was written.
  std::chrono::milliseconds timeout{300'000};
  // Arrival to the first response byte; 0 = off.
  std::chrono::milliseconds response_start_timeout{0};
  // Longest pause between response writes; 0 = off.
  std::chrono::milliseconds idle_timeout{0};
};

// One share of a host's traffic.
struct TrafficTarget {
  std::string revision;  // RevisionConfig::key
  int percent = 100;     // weight; a host whose weights are all 0 sends everything to the first
};

struct RouteTable {
  // Every revision some host routes to (others are ignored).
  std::vector<RevisionConfig> revisions;
  // Lowercase host without port → its traffic split.
  std::unordered_map<std::string, std::vector<TrafficTarget>> hosts;
};

// Longest host name we route (RFC 1035: 253, plus room for an IPv6 literal).
inline constexpr std::size_t kMaxHostLength = 255;

// Turns a Host header value into a RouteTable key: the port (":8080") and a trailing dot are
// removed and ASCII letters lowered; "[::1]:80" gives "[::1]". The result is written into `out`
// and returned as a view of it. Returns "" when the value is empty, longer than
// kMaxHostLength, or contains bytes that cannot be part of a host.
std::string_view NormalizeHost(std::string_view host, std::span<char, kMaxHostLength> out);

// Weighted choice: `cumulative` holds running sums of the weights (last = total > 0) and
// `random` is uniform over [0, 2^32). Returns the index whose range contains the draw.
// REQUIRES: cumulative is non-empty and its last element is > 0.
std::size_t PickWeighted(std::span<const std::uint32_t> cumulative, std::uint32_t random);

}  // namespace ebb::gateway
