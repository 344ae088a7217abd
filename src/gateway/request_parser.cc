#include "gateway/request_parser.h"

#include <boost/beast/core/string.hpp>
#include <limits>

namespace ebb::gateway {

namespace http = boost::beast::http;
using boost::beast::iequals;
using boost::beast::string_view;

namespace {

void AppendListValue(std::string& list, string_view value, std::string_view separator) {
  if (!list.empty()) list.append(separator);
  list.append(value.data(), value.size());
}

// Names of fields the gateway replaces with its own (compared case-insensitively).
bool IsReplacedForwardingField(string_view name) {
  return iequals(name, "x-forwarded-proto") || iequals(name, "x-forwarded-host");
}

}  // namespace

void RequestHead::Clear() {
  size = line_end = method_begin = method_size = target_begin = target_size = 0;
  version = 11;
  method = http::verb::unknown;
  host.clear();
  forwarded_for.clear();
  forwarded.clear();
  connection.clear();
  host_fields = 0;
  expect_continue = upgrade = has_content_length = has_transfer_encoding = false;
  fields.clear();
}

RequestParser::RequestParser(RequestHead& head, std::uint32_t header_limit,
                             std::uint64_t body_limit)
    : head_(head) {
  head_.Clear();
  this->header_limit(header_limit);
  // Beast 1.74's body_limit(boost::none) rejects every body; "unlimited" is the maximum.
  this->body_limit(body_limit ? body_limit : std::numeric_limits<std::uint64_t>::max());
}

std::size_t RequestParser::Parse(const char* base, std::size_t from, std::size_t size,
                                 error_code& ec) {
  base_ = base;
  size_ = size;
  const bool head_was_done = is_header_done();
  std::size_t n = put(boost::asio::const_buffer(base + from, size - from), ec);
  if (!head_was_done && is_header_done() && !ec) {
    head_.size = static_cast<std::uint32_t>(from + n);
    CloseFieldLines(head_.fields, head_.size);
  }
  return n;
}

void RequestParser::on_request_impl(http::verb method, string_view method_str, string_view target,
                                    int version, error_code&) {
  head_.method = method;
  head_.method_begin = Offset(method_str.data());
  head_.method_size = static_cast<std::uint32_t>(method_str.size());
  head_.target_begin = Offset(target.data());
  head_.target_size = static_cast<std::uint32_t>(target.size());
  head_.version = version;
  head_.line_end = head_.target_begin + head_.target_size + 11;  // " HTTP/1.x\r\n"
}

void RequestParser::on_field_impl(http::field name, string_view name_str, string_view value,
                                  error_code& ec) {
  if (!InBuffer(value.data())) {  // Beast unfolded an obs-fold into its own buffer
    ec = http::error::bad_value;
    return;
  }
  HeadField f;
  f.begin = Offset(name_str.data());
  f.name_size = static_cast<std::uint16_t>(name_str.size());
  switch (name) {
    case http::field::host:
      ++head_.host_fields;
      head_.host.assign(value.data(), value.size());
      break;
    case http::field::connection:
      AppendListValue(head_.connection, value, ",");
      f.drop = true;
      break;
    case http::field::keep_alive:
    case http::field::proxy_connection:
    case http::field::te:
    case http::field::upgrade:  // kept again in on_header_impl when tunnelling
      f.drop = true;
      break;
    case http::field::expect:
      if (iequals(value, "100-continue")) {
        head_.expect_continue = true;
        f.drop = true;
      }
      break;
    case http::field::forwarded:
      AppendListValue(head_.forwarded, value, ", ");
      f.drop = true;
      break;
    case http::field::content_length:
      head_.has_content_length = true;
      break;
    case http::field::transfer_encoding:
      head_.has_transfer_encoding = true;
      break;
    default:
      if (iequals(name_str, "x-forwarded-for")) {
        AppendListValue(head_.forwarded_for, value, ", ");
        f.drop = true;
      } else if (IsReplacedForwardingField(name_str)) {
        f.drop = true;
      }
  }
  head_.fields.push_back(f);
}

void RequestParser::on_header_impl(error_code& ec) {
  // Request smuggling: a message framed two ways, or by a coding we cannot find the end of.
  if (head_.has_transfer_encoding && (head_.has_content_length || !chunked())) {
    ec = http::error::bad_transfer_encoding;
    return;
  }
  if (head_.host_fields > 1 || (head_.version >= 11 && head_.host_fields == 0)) {
    ec = http::error::bad_value;
    return;
  }
  DropConnectionNamedFields(head_.fields, base_, head_.connection);
  head_.upgrade = HasToken(head_.connection, "upgrade") && head_.version >= 11;
  bool has_upgrade_field = false;
  for (HeadField& f : head_.fields) {
    if (iequals(string_view(base_ + f.begin, f.name_size), "upgrade")) {
      f.drop = !head_.upgrade;
      has_upgrade_field = true;
    }
  }
  head_.upgrade = head_.upgrade && has_upgrade_field;
}

void BuildUpstreamHead(const RequestHead& head, const char* base, std::string_view client_ip,
                       std::string& scratch, GatherList& out, std::string_view extra_fields) {
  scratch.clear();
  out.clear();
  // 1. Text the gateway writes, all built before any view of it is taken.
  if (head.version < 11) {
    scratch.append(base + head.method_begin, head.method_size).append(" ");
    scratch.append(base + head.target_begin, head.target_size).append(" HTTP/1.1\r\n");
  }
  const std::size_t line_size = scratch.size();
  if (head.upgrade) scratch.append("Connection: Upgrade\r\n");
  scratch.append("X-Forwarded-For: ").append(head.forwarded_for);
  if (!head.forwarded_for.empty()) scratch.append(", ");
  scratch.append(client_ip).append("\r\n");
  if (!head.host.empty()) scratch.append("X-Forwarded-Host: ").append(head.host).append("\r\n");
  scratch.append("X-Forwarded-Proto: http\r\nForwarded: ").append(head.forwarded);
  if (!head.forwarded.empty()) scratch.append(", ");
  const bool v6 = client_ip.find(':') != std::string_view::npos;
  scratch.append(v6 ? "for=\"[" : "for=").append(client_ip).append(v6 ? "]\"" : "");
  if (!head.host.empty()) scratch.append(";host=\"").append(head.host).append("\"");
  scratch.append(";proto=http\r\n\r\n");
  // 2. The head: request line, kept fields, generated fields.
  std::string_view text(scratch);
  if (head.version < 11) {
    out.Add(text.substr(0, line_size));
  } else {
    out.Add(base, head.line_end);
  }
  AddKeptFields(head.fields, base, out);
  std::string_view generated = text.substr(line_size);
  out.Add(generated.substr(0, generated.size() - 2));  // up to the blank line
  out.Add(extra_fields);
  out.Add(generated.substr(generated.size() - 2));
}

}  // namespace ebb::gateway
