// Responses the gateway writes itself (unknown host, bad requests, queue full, timeouts, ...).
// Plain text, one line, as Knative's activator answers ("activator request timeout").
#pragma once

#include <string>
#include <string_view>

namespace ebb::gateway {

// Fixed body text for `status`, e.g. 504 → "activator request timeout".
std::string_view ReplyText(int status);

// Writes a complete HTTP/1.1 response into `out` (cleared first). The body is ReplyText(status)
// followed by `detail` (for 404: ` for host "x"`). 503 carries "Retry-After: 1".
void FormatReply(int status, std::string_view detail, bool close, std::string& out);

}  // namespace ebb::gateway
