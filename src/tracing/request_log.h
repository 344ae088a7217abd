// The request log: one line per request, shaped by Knative's `logging.request-log-template`
// (config-observability), a Go text/template over the request, the response and the revision.
//
// The template is compiled once, at start-up, into literal and field pieces; formatting a line
// is then appending strings and numbers into a reused buffer (no parsing, no allocation once
// warm). What is understood of Go's template language:
//   {{.Request.Method}} {{.Request.URL}} {{.Request.RequestURI}} {{.Request.Host}}
//   {{.Request.RemoteAddr}} ("ip:port") {{.Request.UserAgent}} {{.Request.Referer}}
//   {{.Request.Proto}} ("HTTP/1.1") {{.Request.ContentLength}} (-1 when chunked)
//   {{.Response.Code}} {{.Response.Size}} (body bytes) {{.Response.Latency}} (seconds, printed
//   as Go prints a float64: 0.0123, 1.2e-05)
//   {{.Revision.Name}} {{.Revision.Namespace}} {{.Revision.Service}}
//   {{.Revision.Configuration}} {{.Revision.PodName}} (the instance) {{.Revision.PodIP}}
//   {{.TraceID}} (ebb's addition: the trace id the gateway used or passed on, "" if none)
//   {{index .Request.Header "X-B3-Traceid"}}: the field's values printed as Go prints a
//   []string ("[v]", "[]" when absent); names match in any case. With tracing on, the
//   propagation fields show what the gateway sent the instance (as Knative's queue-proxy sees
//   the headers its activator wrote), so the default template's traceId is always filled.
//   Functions js, html, urlquery, as a call ({{js .Request.UserAgent}}) or at the end of a
//   pipeline ({{.Request.UserAgent | js}}); trim markers {{- and -}}; comments {{/* */}}.
// Anything else (range, if, printf, variables, unknown fields) is refused at compile time
// with the action named, rather than failing on every request as Go would.
//
// An empty template means Knative's DefaultRequestLogTemplate (kDefaultRequestLogTemplate).
// As in Knative, a newline is added to a template that does not end with one.
//
// Thread-safety: a compiled template is immutable; Format may run on many threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ebb::tracing {

inline constexpr std::string_view kDefaultRequestLogTemplate =
    R"({"httpRequest": {"requestMethod": "{{.Request.Method}}", "requestUrl": )"
    R"("{{js .Request.RequestURI}}", "requestSize": "{{.Request.ContentLength}}", "status": )"
    R"({{.Response.Code}}, "responseSize": "{{.Response.Size}}", "userAgent": )"
    R"("{{js .Request.UserAgent}}", "remoteIp": "{{js .Request.RemoteAddr}}", "serverIp": )"
    R"("{{.Revision.PodIP}}", "referer": "{{js .Request.Referer}}", "latency": )"
    R"("{{.Response.Latency}}s", "protocol": "{{.Request.Proto}}"}, "traceId": )"
    R"("{{index .Request.Header "X-B3-Traceid"}}"})";

// The values of one request. Views must stay valid during Format.
struct RequestLogEntry {
  std::string_view method, target, host, proto, remote_addr, user_agent, referer;
  std::int64_t content_length = 0;
  int status = 0;
  std::int64_t response_size = 0;
  double latency_seconds = 0;
  std::string_view revision_name, revision_namespace, service, configuration;
  std::string_view pod_name, pod_ip, trace_id;
  // Values of RequestLogTemplate::header_names(), same order: the field's values joined with
  // " " ("" when absent).
  const std::string* headers = nullptr;
};

class RequestLogTemplate {
 public:
  // kInvalid naming the offending action (field "observability.logging.request-log-template").
  static Result<RequestLogTemplate> Compile(std::string_view text);

  // Appends the line for `entry` to `out`.
  void Format(const RequestLogEntry& entry, std::string& out) const;

  // Lower-case names used with `index .Request.Header`.
  const std::vector<std::string>& header_names() const { return header_names_; }

  enum class Field : std::uint8_t {
    kLiteral,
    kMethod,
    kUrl,
    kRequestUri,
    kHost,
    kRemoteAddr,
    kUserAgent,
    kReferer,
    kProto,
    kContentLength,
    kCode,
    kSize,
    kLatency,
    kRevisionName,
    kRevisionNamespace,
    kService,
    kConfiguration,
    kPodName,
    kPodIp,
    kTraceId,
    kHeader,
  };
  enum class Escape : std::uint8_t { kNone, kJs, kHtml, kUrlQuery };
  struct Piece {
    Field field = Field::kLiteral;
    Escape escape = Escape::kNone;
    int header = -1;      // kHeader: index in header_names_
    std::string literal;  // kLiteral
  };

  bool uses(Field field) const;

 private:
  Status AddAction(std::string_view action);
  void AppendField(const Piece& piece, const RequestLogEntry& entry, std::string& out) const;

  std::vector<Piece> pieces_;
  std::vector<std::string> header_names_;
};

// How Go's fmt prints a float64 with %v (shortest digits; exponent form below 1e-4 and from
// 1e6): 0.25, 1.5e-05, 3, 1e+06.
void AppendGoFloat(double v, std::string& out);
// Go's template.JSEscapeString, for ASCII (other bytes pass through).
void AppendJsEscaped(std::string_view s, std::string& out);
// Go's template.HTMLEscapeString.
void AppendHtmlEscaped(std::string_view s, std::string& out);
// Go's url.QueryEscape.
void AppendQueryEscaped(std::string_view s, std::string& out);

}  // namespace ebb::tracing
