// The upstream side of the gateway's HTTP/1.1 handling: tokenizes a response in the upstream
// read buffer (ResponseParser) and writes the head to send to the client (BuildClientHead).
//
// The body is relayed as raw bytes (Content-Length, chunked or up to EOF), except for HTTP/1.0
// clients of a chunked response: those get the de-chunked data (the parser records where the
// chunk data lies in the buffer) and a closed connection as the end marker.
// Interim responses (1xx) are complete messages here; the caller relays them verbatim and
// parses the next head with a fresh parser.
//
// Thread-safety: one parser per exchange, used by its worker only.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gateway/http_head.h"

namespace ebb::gateway {

struct ResponseHead {
  std::uint32_t size = 0;      // bytes of the head, blank line included; 0 until complete
  std::uint32_t line_end = 0;  // one past the status line's CRLF
  int status = 0;
  int version = 11;
  std::string connection;            // values of Connection fields, joined with ","
  int transfer_encoding_field = -1;  // index in `fields`, dropped when de-chunking
  std::vector<HeadField> fields;

  void Clear();
};

class ResponseParser final : public boost::beast::http::basic_parser<false> {
 public:
  using error_code = boost::beast::error_code;

  // `head_request`: the response has no body whatever its fields say.
  ResponseParser(ResponseHead& head, std::uint32_t header_limit, bool head_request);

  // As RequestParser::Parse.
  std::size_t Parse(const char* base, std::size_t from, std::size_t size, error_code& ec);

  // De-chunking: when set (before the body), Parse records the chunk data it meets as
  // [begin, end) offsets from `base` of that call, replacing the previous call's list.
  void set_dechunk(bool on) { dechunk_ = on; }
  const std::vector<std::pair<std::uint32_t, std::uint32_t>>& chunk_data() const {
    return chunk_data_;
  }

 private:
  void on_request_impl(boost::beast::http::verb, boost::beast::string_view,
                       boost::beast::string_view, int, error_code&) override {}
  void on_response_impl(int code, boost::beast::string_view reason, int version,
                        error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, boost::beast::string_view name_str,
                     boost::beast::string_view value, error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  std::size_t on_body_impl(boost::beast::string_view body, error_code&) override {
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, boost::beast::string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t remain, boost::beast::string_view body,
                                 error_code& ec) override;
  void on_finish_impl(error_code&) override {}

  std::uint32_t Offset(const char* p) const { return static_cast<std::uint32_t>(p - base_); }

  ResponseHead& head_;
  const char* base_ = nullptr;
  std::size_t size_ = 0;
  bool dechunk_ = false;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> chunk_data_;
};

// How the gateway frames the response it sends the client.
struct ClientFraming {
  bool close = false;              // add "Connection: close" (the gateway closes after)
  bool keep_alive_header = false;  // add "Connection: keep-alive" (HTTP/1.0 client kept alive)
  bool dechunk = false;            // drop Transfer-Encoding (body sent de-chunked)
};

// Writes the final response head for the client into `out`: the status line (as HTTP/1.1),
// the fields minus hop-by-hop ones, the gateway's Connection field, the blank line.
void BuildClientHead(const ResponseHead& head, const char* base, const ClientFraming& framing,
                     GatherList& out);

}  // namespace ebb::gateway
