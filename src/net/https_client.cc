#include "net/https_client.h"

// clang-format off
#include <utility>  // before asio: Boost 1.74's asio/awaitable.hpp uses std::exchange unincluded
// clang-format on

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <limits>

namespace ebb::net {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;

constexpr std::uint64_t kMaxBodyBytes = 256ull << 20;  // HttpsRequest reads bodies into memory
constexpr std::size_t kReadChunk = 16 * 1024;

// Every blocking step is an async operation run to completion on a private io_context, so that
// beast::tcp_stream's timeouts apply (its synchronous calls have none).
template <typename Start>
error_code RunOp(asio::io_context& ioc, Start start) {
  error_code result = asio::error::would_block;
  start([&result](error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

Status IoError(const HttpsEndpoint& ep, std::string_view what, error_code ec) {
  std::string where = ep.host + ":" + std::to_string(ep.port);
  if (ec == beast::error::timeout) {
    return Status(Code::kTimeout, where + ": timed out during " + std::string(what));
  }
  return Status(Code::kUnavailable, where + ": " + std::string(what) + ": " + ec.message());
}

bool IsIpLiteral(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

// One TLS connection and the parser of its response. Member order matters: the SSL context must
// outlive the stream, and the io_context every I/O object.
struct LineStream::Impl {
  explicit Impl(const HttpsEndpoint& ep) : endpoint(ep) {}

  HttpsEndpoint endpoint;
  asio::io_context ioc{1};
  ssl::context tls{ssl::context::tls_client};
  std::unique_ptr<ssl::stream<beast::tcp_stream>> stream;
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  std::string content_type;
  std::string pending;  // body bytes read but not yet returned as lines
  bool closed = false;

  Status ConfigureTls();
  Status Connect();
  Status SendRequest(std::string_view method, std::string_view target,
                     std::string_view content_type, std::string_view body, std::string_view accept);
  Status ReadHeader();
  Result<bool> ReadMore(std::optional<std::chrono::milliseconds> idle_timeout);
  std::optional<std::string> TakeLine(bool at_end);
};

Status LineStream::Impl::ConfigureTls() {
  if (endpoint.insecure) {
    tls.set_verify_mode(ssl::verify_none);
    return Status::Ok();
  }
  error_code ec;
  tls.add_certificate_authority(asio::buffer(endpoint.ca_pem), ec);
  if (ec) return Status(Code::kBadRequest, "cannot load CA certificate: " + ec.message());
  tls.set_verify_mode(ssl::verify_peer);
  return Status::Ok();
}

Status LineStream::Impl::Connect() {
  EBB_RETURN_IF_ERROR(ConfigureTls());
  stream = std::make_unique<ssl::stream<beast::tcp_stream>>(ioc, tls);
  if (!endpoint.insecure) {
    stream->set_verify_callback(ssl::host_name_verification(endpoint.host));
  }
  // SNI only carries DNS names, never IP literals (RFC 6066).
  if (!IsIpLiteral(endpoint.host)) {
    SSL_set_tlsext_host_name(stream->native_handle(), endpoint.host.c_str());
  }
  tcp::resolver resolver(ioc);
  error_code ec;
  auto addrs = resolver.resolve(endpoint.host, std::to_string(endpoint.port), ec);
  if (ec) return IoError(endpoint, "resolve", ec);
  auto& tcp_layer = beast::get_lowest_layer(*stream);
  tcp_layer.expires_after(endpoint.timeout);
  ec = RunOp(ioc, [&](auto h) { tcp_layer.async_connect(addrs, std::move(h)); });
  if (ec) return IoError(endpoint, "connect", ec);
  ec = RunOp(ioc, [&](auto h) { stream->async_handshake(ssl::stream_base::client, std::move(h)); });
  if (ec) return IoError(endpoint, "TLS handshake", ec);
  return Status::Ok();
}

Status LineStream::Impl::SendRequest(std::string_view method, std::string_view target,
                                     std::string_view req_content_type, std::string_view body,
                                     std::string_view accept) {
  http::request<http::string_body> req;
  req.method_string(beast::string_view(method.data(), method.size()));
  req.target(beast::string_view(target.data(), target.size()));
  req.version(11);
  req.set(http::field::host, endpoint.host + ":" + std::to_string(endpoint.port));
  req.set(http::field::user_agent, "ebb");
  if (!accept.empty())
    req.set(http::field::accept, beast::string_view(accept.data(), accept.size()));
  if (!req_content_type.empty()) {
    req.set(http::field::content_type,
            beast::string_view(req_content_type.data(), req_content_type.size()));
  }
  if (!endpoint.bearer_token.empty()) {
    req.set(http::field::authorization, "Bearer " + endpoint.bearer_token);
  }
  req.body() = std::string(body);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req.prepare_payload();
  }
  error_code ec = RunOp(ioc, [&](auto h) { http::async_write(*stream, req, std::move(h)); });
  if (ec) return IoError(endpoint, "send request", ec);
  return Status::Ok();
}

Status LineStream::Impl::ReadHeader() {
  parser.body_limit(
      std::numeric_limits<std::uint64_t>::max());  // body_limit(none) is broken in 1.74
  error_code ec =
      RunOp(ioc, [&](auto h) { http::async_read_header(*stream, buffer, parser, std::move(h)); });
  if (ec) return IoError(endpoint, "read response", ec);
  auto ct = parser.get()[http::field::content_type];
  content_type.assign(ct.data(), ct.size());
  return Status::Ok();
}

// Reads the next piece of the body into `pending`. Returns false at the end of the body.
Result<bool> LineStream::Impl::ReadMore(std::optional<std::chrono::milliseconds> idle_timeout) {
  if (parser.is_done()) return false;
  char chunk[kReadChunk];
  parser.get().body().data = chunk;
  parser.get().body().size = sizeof(chunk);
  auto& tcp_layer = beast::get_lowest_layer(*stream);
  if (idle_timeout) {
    tcp_layer.expires_after(*idle_timeout);
  } else {
    tcp_layer.expires_never();
  }
  error_code ec =
      RunOp(ioc, [&](auto h) { http::async_read_some(*stream, buffer, parser, std::move(h)); });
  if (ec && ec != http::error::need_buffer) {
    closed = true;
    return IoError(endpoint, "read response body", ec);
  }
  pending.append(chunk, sizeof(chunk) - parser.get().body().size);
  return true;
}

std::optional<std::string> LineStream::Impl::TakeLine(bool at_end) {
  auto nl = pending.find('\n');
  if (nl == std::string::npos) {
    if (!at_end || pending.empty()) return std::nullopt;
    nl = pending.size();
  }
  std::string line = pending.substr(0, nl);
  pending.erase(0, std::min(nl + 1, pending.size()));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

LineStream::LineStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LineStream::~LineStream() = default;

int LineStream::status() const { return impl_->parser.get().result_int(); }
const std::string& LineStream::content_type() const { return impl_->content_type; }

Result<std::optional<std::string>> LineStream::NextLine(
    std::optional<std::chrono::milliseconds> idle_timeout) {
  if (impl_->closed) return Status(Code::kTimeout, "stream closed after an earlier error");
  while (true) {
    if (auto line = impl_->TakeLine(false)) return std::optional<std::string>(std::move(*line));
    auto more = impl_->ReadMore(idle_timeout);
    if (!more.ok()) return more.status();
    if (!*more) return impl_->TakeLine(true);
  }
}

namespace {

Result<std::unique_ptr<LineStream::Impl>> Open(const HttpsEndpoint& endpoint,
                                               std::string_view method, std::string_view target,
                                               std::string_view content_type, std::string_view body,
                                               std::string_view accept) {
  if (endpoint.host.empty() || endpoint.port <= 0 || endpoint.port > 65535) {
    return Status(Code::kBadRequest,
                  "invalid endpoint " + endpoint.host + ":" + std::to_string(endpoint.port));
  }
  auto impl = std::make_unique<LineStream::Impl>(endpoint);
  EBB_RETURN_IF_ERROR(impl->Connect());
  EBB_RETURN_IF_ERROR(impl->SendRequest(method, target, content_type, body, accept));
  EBB_RETURN_IF_ERROR(impl->ReadHeader());
  return impl;
}

}  // namespace

Result<std::unique_ptr<LineStream>> HttpsStream(const HttpsEndpoint& endpoint,
                                                std::string_view method, std::string_view target,
                                                std::string_view content_type,
                                                std::string_view body, std::string_view accept) {
  auto impl = Open(endpoint, method, target, content_type, body, accept);
  if (!impl.ok()) return impl.status();
  // The header deadline is over; line reads set their own (idle) deadline.
  beast::get_lowest_layer(*impl.value()->stream).expires_never();
  return std::make_unique<LineStream>(std::move(impl).value());
}

Result<HttpResponse> HttpsRequest(const HttpsEndpoint& endpoint, std::string_view method,
                                  std::string_view target, std::string_view content_type,
                                  std::string_view body, std::string_view accept) {
  auto opened = Open(endpoint, method, target, content_type, body, accept);
  if (!opened.ok()) return opened.status();
  LineStream::Impl& impl = *opened.value();
  // The same deadline (armed in Connect) also bounds reading the body.
  http::response_parser<http::string_body> parser(std::move(impl.parser));
  parser.body_limit(kMaxBodyBytes);
  error_code ec = RunOp(
      impl.ioc, [&](auto h) { http::async_read(*impl.stream, impl.buffer, parser, std::move(h)); });
  if (ec) return IoError(endpoint, "read response body", ec);
  HttpResponse out;
  out.status = parser.get().result_int();
  out.content_type = impl.content_type;
  out.body = std::move(parser.get().body());
  return out;
}

}  // namespace ebb::net
