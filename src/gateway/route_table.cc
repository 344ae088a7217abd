#include "gateway/route_table.h"

#include <algorithm>

namespace ebb::gateway {
namespace {

// Characters of a reg-name or an IP literal (RFC 3986 host), already lowered.
bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
         c == '[' || c == ']' || c == ':';
}

bool IsPort(std::string_view s) {
  return s.size() <= 5 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The host part of "host[:port]" or "[v6][:port]"; "" when the port is not a number.
std::string_view StripPort(std::string_view host) {
  std::size_t colon = std::string_view::npos;
  if (!host.empty() && host.front() == '[') {
    std::size_t close = host.find(']');
    if (close == std::string_view::npos) return {};
    if (close + 1 < host.size()) colon = close + 1;
    if (colon != std::string_view::npos && host[colon] != ':') return {};
  } else {
    colon = host.find(':');
  }
  if (colon == std::string_view::npos) return host;
  return IsPort(host.substr(colon + 1)) ? host.substr(0, colon) : std::string_view();
}

}  // namespace

std::string_view NormalizeHost(std::string_view host, std::span<char, kMaxHostLength> out) {
  host = StripPort(host);
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty() || host.size() > out.size()) return {};
  for (std::size_t i = 0; i < host.size(); ++i) {
    char c = host[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!IsHostChar(c)) return {};
    out[i] = c;
  }
  return std::string_view(out.data(), host.size());
}

std::size_t PickWeighted(std::span<const std::uint32_t> cumulative, std::uint32_t random) {
  // Scale the 32-bit draw onto [0, total) without modulo bias worth caring about.
  std::uint64_t point = (static_cast<std::uint64_t>(random) * cumulative.back()) >> 32;
  auto it = std::upper_bound(cumulative.begin(), cumulative.end(), point);
  return static_cast<std::size_t>(it - cumulative.begin());
}

}  // namespace ebb::gateway
