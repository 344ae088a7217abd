// The sd_notify protocol's one message ebb acts on: READY=1. An app sends newline-separated
// VAR=VALUE lines in a datagram to NOTIFY_SOCKET; both the runtime (its shared socket) and a
// gateway worker (a standby's own socket, gateway/worker.cc) read them.
#pragma once

#include <cstddef>
#include <string_view>

namespace ebb {

// True when a notification payload has the line READY=1.
inline bool NotifyPayloadReady(std::string_view payload) {
  std::size_t start = 0;
  while (start <= payload.size()) {
    std::size_t nl = payload.find('\n', start);
    if (nl == std::string_view::npos) nl = payload.size();
    if (payload.substr(start, nl - start) == "READY=1") return true;
    start = nl + 1;
  }
  return false;
}

}  // namespace ebb
