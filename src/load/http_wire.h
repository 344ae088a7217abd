// HTTP/1.1 on the wire for `ebb load`: the bytes of a request, built once per target and reused
// for every hit, and a response parser that keeps only what a result needs (status, reason,
// body length, whether the connection stays open) without storing the body.
// Pure; one parser per exchange, on its connection's thread.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <cstdint>
#include <string>

#include "load/targets.h"

namespace ebb::load {

inline constexpr char kUserAgent[] = "ebb-load/0.1";

// "METHOD /path HTTP/1.1\r\nHost: ...\r\n...\r\n\r\nbody". Host is the -H Host value or the
// URL's authority; User-Agent unless given; Content-Length when there is a body or the method
// usually carries one; "Connection: close" when !keepalive.
std::string BuildRequest(const Target& target, const Url& url, bool keepalive);

class ResponseParser final : public boost::beast::http::basic_parser<false> {
 public:
  using error_code = boost::beast::error_code;

  explicit ResponseParser(bool head_request);

  int status() const { return status_; }
  // "503 Service Unavailable", as Go's Response.Status.
  std::string StatusLine() const { return std::to_string(status_) + " " + reason_; }
  std::uint64_t body_bytes() const { return body_bytes_; }

 private:
  void on_request_impl(boost::beast::http::verb, boost::beast::string_view,
                       boost::beast::string_view, int, error_code&) override {}
  void on_response_impl(int code, boost::beast::string_view reason, int version,
                        error_code& ec) override;
  void on_field_impl(boost::beast::http::field, boost::beast::string_view,
                     boost::beast::string_view, error_code&) override {}
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  std::size_t on_body_impl(boost::beast::string_view body, error_code&) override {
    body_bytes_ += body.size();
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, boost::beast::string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body,
                                 error_code&) override {
    body_bytes_ += body.size();
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  int status_ = 0;
  std::string reason_;
  std::uint64_t body_bytes_ = 0;
};

}  // namespace ebb::load
