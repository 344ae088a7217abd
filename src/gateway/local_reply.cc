#include "gateway/local_reply.h"

namespace ebb::gateway {
namespace {

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 413:
      return "Content Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Error";
  }
}

}  // namespace

std::string_view ReplyText(int status) {
  switch (status) {
    case 400:
      return "malformed request";
    case 404:
      return "no route";
    case 405:
      return "method not allowed";
    case 413:
      return "request body too large";
    case 431:
      return "request header fields too large";
    case 502:
      return "upstream connection failed";
    case 503:
      return "activator queue full";
    case 504:
      return "activator request timeout";
    default:
      return "error";
  }
}

void FormatReply(int status, std::string_view detail, bool close, std::string& out) {
  std::string_view text = ReplyText(status);
  out.clear();
  out.append("HTTP/1.1 ").append(std::to_string(status)).append(" ");
  out.append(ReasonPhrase(status)).append("\r\n");
  out.append("Content-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n");
  if (status == 503) out.append("Retry-After: 1\r\n");
  out.append("Content-Length: ").append(std::to_string(text.size() + detail.size()));
  out.append(close ? "\r\nConnection: close\r\n\r\n" : "\r\n\r\n");
  out.append(text).append(detail);
}

}  // namespace ebb::gateway
