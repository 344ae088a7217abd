#include "common/address.h"

#include <charconv>

namespace ebb {

std::string HostPort::ToString() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<HostPort> ParseListenAddress(std::string_view text) {
  auto bad = [&](const char* why) {
    return Status(Code::kBadRequest,
                  "invalid address \"" + std::string(text) + "\": " + why + " (want HOST:PORT)");
  };
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("no port");
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad("IPv6 hosts need brackets");
  }
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || value > 65535) {
    return bad("port must be a number from 0 to 65535");
  }
  HostPort hp{host.empty() ? "127.0.0.1" : std::string(host), static_cast<std::uint16_t>(value)};
  return hp;
}

}  // namespace ebb
