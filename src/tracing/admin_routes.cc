#include "tracing/admin_routes.h"

#include <charconv>
#include <string_view>

namespace ebb::tracing {

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding of a query value ('+' is a space).
std::string Decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && HexDigit(s[i + 1]) >= 0 &&
               HexDigit(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// The decoded value of `name` in "a=1&b=2", or "".
std::string QueryValue(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string() : Decode(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

admin::Response Traces(const Tracer* tracer, const std::string& query) {
  std::string limit_text = QueryValue(query, "limit");
  std::size_t limit = 0;
  if (!limit_text.empty()) {
    auto [end, ec] =
        std::from_chars(limit_text.data(), limit_text.data() + limit_text.size(), limit);
    if (ec != std::errc() || end != limit_text.data() + limit_text.size()) {
      return admin::Response{400, "text/plain; charset=utf-8",
                             "limit must be a non-negative integer\n"};
    }
  }
  std::string body =
      tracer != nullptr ? tracer->traces().Traces(limit, QueryValue(query, "revision")) : "[]";
  return admin::Response{200, "application/json", body + "\n"};
}

}  // namespace

void AddAdminRoutes(std::map<std::string, admin::Handler>& routes, const Tracer* tracer) {
  routes["/api/traces"] = [tracer](const std::string& query) { return Traces(tracer, query); };
}

}  // namespace ebb::tracing
