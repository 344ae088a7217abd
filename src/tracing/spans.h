// The spans of one sampled request and their Zipkin v2 JSON.
//
// A gateway worker fills a RequestRecord when a sampled request ends (plain fields, strings
// whose capacity is reused) and hands it to the exporter thread, which turns it into spans:
//
//   gateway        SERVER  arrival at the gateway → end of the response to the client;
//                          parent: the caller's span (traceparent / B3), if any
//   ├ throttler_try        the activator wait: parked in the revision's queue until an
//   │                      instance had a free slot (only when the request parked; Knative's
//   │                      name for its activator's wait, and the cold-start span)
//   └ proxy        CLIENT  the call to the instance, from the first connect (or pooled
//                          connection) to the end of the response; its id is the one sent to
//                          the instance (traceparent parent-id, X-B3-SpanId)
//
// throttler_try and proxy are siblings under the server span, as in Knative's activator
// (`throttler_try` then `activator_proxy`, both children of the request's span): the wait ends
// before the call starts, so nesting the call in the wait would give it a parent that ended
// first.
//
// Every span's localEndpoint.serviceName is "ebb-gateway": in Zipkin the local endpoint is the
// process that recorded the span, and Knative users know the same shape from the activator's
// "activator-service". The revision is the client span's remoteEndpoint.serviceName (so
// Zipkin's dependency graph draws ebb-gateway → helloworld-00001) and a tag on every span.
// An app that traces itself reports under its own name, as a child of the client span.
//
// Tags: http.method, http.path (target without the query), http.url (target), http.host,
// http.status_code (server: what the client got; client: what the instance answered),
// revision, namespace, service and configuration (when known), instance (client span: the
// instance's name), error ("<status>" when >= 500, or what went wrong when there was no
// response).
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "tracing/context.h"

namespace ebb::tracing {

inline constexpr std::string_view kLocalServiceName = "ebb-gateway";
inline constexpr std::string_view kServerSpanName = "gateway";
inline constexpr std::string_view kWaitSpanName = "throttler_try";
inline constexpr std::string_view kClientSpanName = "proxy";

// Labels of a revision beyond its key (from the Revision's metadata).
struct RevisionLabels {
  std::string service;        // serving.knative.dev/service ("" for a bare Configuration)
  std::string configuration;  // serving.knative.dev/configuration
};

// "namespace/name" → {namespace, name} (namespace "" when there is no slash).
std::pair<std::string_view, std::string_view> SplitRevisionKey(std::string_view key);

// The labels of a Revision object (JSON as stored); missing ones are "".
RevisionLabels LabelsOf(const nlohmann::json& revision);

struct RequestRecord {
  TraceId trace_id;
  std::uint64_t parent_id = 0;  // the caller's span; 0 = the gateway's span is the root
  std::uint64_t server_id = 0;
  std::uint64_t wait_id = 0;  // 0 = the request did not park
  std::uint64_t call_id = 0;
  bool debug = false;

  std::int64_t start_us = 0;     // arrival, microseconds since the Unix epoch
  std::int64_t duration_us = 0;  // arrival → end
  std::int64_t wait_offset_us = 0, wait_duration_us = 0;  // from arrival
  bool called = false;                                    // a call to an instance was started
  std::int64_t call_offset_us = 0, call_duration_us = 0;

  int status = 0;       // to the client (0 = none: the client went away)
  int call_status = 0;  // from the instance (0 = no response)
  std::string error;    // why there was no response, when known

  std::string method;
  std::string target;  // path and query as sent
  std::string host;
  std::string revision;  // "namespace/name"
  std::string client_ip;
  std::string instance;  // instance (pod) name
  std::string instance_ip;
  int instance_port = 0;
};

// Appends the record's spans (server, wait if any, client if any) to `out` as Zipkin v2 JSON
// objects separated by commas (no brackets, so that batches and traces are concatenations).
// Returns how many. `labels` may be null. Written as text directly: this runs for every
// sampled request, and building a JSON tree first costs ten times more.
int AppendZipkinSpans(const RequestRecord& record, const RevisionLabels* labels, std::string& out);

// Appends `s` as a JSON string literal. Bytes that are not valid UTF-8 (a request target may
// carry any) become U+FFFD, so the output is always valid JSON.
void AppendJsonString(std::string_view s, std::string& out);

}  // namespace ebb::tracing
