// "host:port" listen and endpoint addresses, as the --listen flags take them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ebb {

struct HostPort {
  std::string host;  // "127.0.0.1", "::1" (brackets stripped), "localhost"
  std::uint16_t port = 0;
  std::string ToString() const;  // brackets an IPv6 host again
};

// Accepts "127.0.0.1:8080", ":8080" (= 127.0.0.1), "[::1]:8080", "localhost:0". kBadRequest
// naming the text otherwise.
Result<HostPort> ParseListenAddress(std::string_view text);

}  // namespace ebb
