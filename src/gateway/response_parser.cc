#include "gateway/response_parser.h"

#include <boost/beast/core/string.hpp>
#include <limits>

namespace ebb::gateway {

namespace http = boost::beast::http;
using boost::beast::string_view;

void ResponseHead::Clear() {
  size = line_end = 0;
  status = 0;
  version = 11;
  connection.clear();
  transfer_encoding_field = -1;
  fields.clear();
}

ResponseParser::ResponseParser(ResponseHead& head, std::uint32_t header_limit, bool head_request)
    : head_(head) {
  head_.Clear();
  this->header_limit(header_limit);
  body_limit(std::numeric_limits<std::uint64_t>::max());
  if (head_request) skip(true);
}

std::size_t ResponseParser::Parse(const char* base, std::size_t from, std::size_t size,
                                  error_code& ec) {
  base_ = base;
  size_ = size;
  chunk_data_.clear();
  const bool head_was_done = is_header_done();
  std::size_t n = put(boost::asio::const_buffer(base + from, size - from), ec);
  if (!head_was_done && is_header_done() && !ec) {
    head_.size = static_cast<std::uint32_t>(from + n);
    CloseFieldLines(head_.fields, head_.size);
  }
  return n;
}

void ResponseParser::on_response_impl(int code, string_view reason, int version, error_code&) {
  head_.status = code;
  head_.version = version;
  // "HTTP/1.x SSS " precedes the reason; the line ends after it.
  head_.line_end = Offset(reason.data()) + static_cast<std::uint32_t>(reason.size()) + 2;
}

void ResponseParser::on_field_impl(http::field name, string_view name_str, string_view value,
                                   error_code& ec) {
  if (value.data() < base_ || value.data() > base_ + size_) {  // obs-fold
    ec = http::error::bad_value;
    return;
  }
  HeadField f;
  f.begin = Offset(name_str.data());
  f.name_size = static_cast<std::uint16_t>(name_str.size());
  switch (name) {
    case http::field::connection:
      if (!head_.connection.empty()) head_.connection.push_back(',');
      head_.connection.append(value.data(), value.size());
      f.drop = true;
      break;
    case http::field::keep_alive:
    case http::field::proxy_connection:
      f.drop = true;
      break;
    case http::field::transfer_encoding:
      head_.transfer_encoding_field = static_cast<int>(head_.fields.size());
      break;
    default:
      break;
  }
  head_.fields.push_back(f);
}

void ResponseParser::on_header_impl(error_code&) {
  DropConnectionNamedFields(head_.fields, base_, head_.connection);
}

std::size_t ResponseParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  if (dechunk_ && !body.empty()) {
    chunk_data_.emplace_back(Offset(body.data()), Offset(body.data() + body.size()));
  }
  return body.size();
}

void BuildClientHead(const ResponseHead& head, const char* base, const ClientFraming& framing,
                     GatherList& out) {
  out.clear();
  if (head.version == 11) {
    out.Add(base, head.line_end);
  } else {
    out.Add("HTTP/1.1");  // same length as "HTTP/1.0": the rest of the line follows
    out.Add(base + 8, head.line_end - 8);
  }
  for (std::size_t i = 0; i < head.fields.size(); ++i) {
    const HeadField& f = head.fields[i];
    bool drop = f.drop || (framing.dechunk && static_cast<int>(i) == head.transfer_encoding_field);
    if (!drop) out.Add(base + f.begin, f.end - f.begin);
  }
  if (framing.close) {
    out.Add("Connection: close\r\n\r\n");
  } else if (framing.keep_alive_header) {
    out.Add("Connection: keep-alive\r\n\r\n");
  } else {
    out.Add("\r\n");
  }
}

}  // namespace ebb::gateway
