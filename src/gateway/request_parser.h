// The client side of the gateway's HTTP/1.1 handling: tokenizes a request in the connection's
// read buffer (RequestParser) and writes the head to send upstream (BuildUpstreamHead).
//
// RequestParser is Beast's basic_parser with callbacks that store only offsets and the few
// values the gateway re-emits (Host, prior X-Forwarded-For / Forwarded, Connection tokens). It
// rejects, as parse errors: Content-Length together with Transfer-Encoding, a
// Transfer-Encoding whose last coding is not chunked, several Host fields, an HTTP/1.1
// request without Host, and obs-folded lines (RFC 9112 §5.2 lets a proxy reject them).
// Beast reports header_limit (→ 431) and body_limit (→ 413).
//
// The body is relayed raw: in the body phase the parser only finds where the message ends.
//
// Thread-safety: one parser per connection, used by its worker only.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/http_head.h"

namespace ebb::gateway {

// What the gateway knows about a request head. Reused across requests (capacity kept).
struct RequestHead {
  std::uint32_t size = 0;      // bytes of the head, blank line included; 0 until complete
  std::uint32_t line_end = 0;  // one past the request line's CRLF
  std::uint32_t method_begin = 0, method_size = 0;
  std::uint32_t target_begin = 0, target_size = 0;
  int version = 11;  // 10 or 11
  boost::beast::http::verb method = boost::beast::http::verb::unknown;
  std::string host;           // the Host value as sent (port included)
  std::string forwarded_for;  // values of X-Forwarded-For fields, joined with ", "
  std::string forwarded;      // values of Forwarded fields, joined with ", "
  std::string connection;     // values of Connection fields, joined with ","
  int host_fields = 0;
  bool expect_continue = false;  // "Expect: 100-continue" (answered by the gateway)
  bool upgrade = false;          // Connection: upgrade + Upgrade (tunnel after a 101)
  bool has_content_length = false;
  bool has_transfer_encoding = false;
  std::vector<HeadField> fields;

  void Clear();
};

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  using error_code = boost::beast::error_code;

  // `body_limit` 0 = unlimited.
  RequestParser(RequestHead& head, std::uint32_t header_limit, std::uint64_t body_limit);

  // Feeds bytes [from, size) of the message that starts at base[0] and returns how many of
  // them were consumed; ec = need_more when more input is needed. While the head is
  // incomplete the caller keeps every byte from base[0] (offsets refer to it) and calls again
  // with `from` advanced by the consumed count. When this call completes the head,
  // RequestHead::size is set and the return value ends at the blank line.
  std::size_t Parse(const char* base, std::size_t from, std::size_t size, error_code& ec);

 private:
  void on_request_impl(boost::beast::http::verb method, boost::beast::string_view method_str,
                       boost::beast::string_view target, int version, error_code& ec) override;
  void on_response_impl(int, boost::beast::string_view, int, error_code&) override {}
  void on_field_impl(boost::beast::http::field name, boost::beast::string_view name_str,
                     boost::beast::string_view value, error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  std::size_t on_body_impl(boost::beast::string_view body, error_code&) override {
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, boost::beast::string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body,
                                 error_code&) override {
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  bool InBuffer(const char* p) const { return p >= base_ && p <= base_ + size_; }
  std::uint32_t Offset(const char* p) const { return static_cast<std::uint32_t>(p - base_); }

  RequestHead& head_;
  const char* base_ = nullptr;  // start of the message during the current Parse call
  std::size_t size_ = 0;
};

// Writes the head to send upstream into `out`: the request line (rewritten to HTTP/1.1 for
// 1.0 clients), the kept fields, then generated ones: "Connection: Upgrade" when tunnelling,
// X-Forwarded-For (prior values + client), X-Forwarded-Host, X-Forwarded-Proto and Forwarded
// (RFC 7239, prior elements + ours), then `extra_fields` (complete "Name: value\r\n" lines:
// the trace context, see tracing/context.h), and the blank line. Generated text lives in
// `scratch`, which must stay unchanged until `out` has been written, as must `extra_fields`.
void BuildUpstreamHead(const RequestHead& head, const char* base, std::string_view client_ip,
                       std::string& scratch, GatherList& out,
                       std::string_view extra_fields = {});

}  // namespace ebb::gateway
