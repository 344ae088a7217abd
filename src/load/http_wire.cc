#include "load/http_wire.h"

#include <limits>

namespace ebb::load {
namespace {

bool UsuallyHasBody(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

bool Has(const Target& target, std::string_view name) {
  for (const Header& h : target.headers) {
    if (EqualsIgnoreCase(h.name, name)) return true;
  }
  return false;
}

std::string Authority(const Url& url) {
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  return url.port == 80 ? host : host + ":" + std::to_string(url.port);
}

}  // namespace

std::string BuildRequest(const Target& target, const Url& url, bool keepalive) {
  std::string out = target.method + " " + url.target + " HTTP/1.1\r\n";
  if (!Has(target, "Host")) out += "Host: " + Authority(url) + "\r\n";
  for (const Header& h : target.headers) out += h.name + ": " + h.value + "\r\n";
  if (!Has(target, "User-Agent")) out += std::string("User-Agent: ") + kUserAgent + "\r\n";
  if (!Has(target, "Content-Length") && (!target.body.empty() || UsuallyHasBody(target.method))) {
    out += "Content-Length: " + std::to_string(target.body.size()) + "\r\n";
  }
  if (!keepalive) out += "Connection: close\r\n";
  return out + "\r\n" + target.body;
}

ResponseParser::ResponseParser(bool head_request) {
  eager(true);
  skip(head_request);
  body_limit(std::numeric_limits<std::uint64_t>::max());  // counted, not stored
  header_limit(64 * 1024);
}

void ResponseParser::on_response_impl(int code, boost::beast::string_view reason, int,
                                      error_code&) {
  status_ = code;
  reason_.assign(reason.data(), reason.size());
}

}  // namespace ebb::load
