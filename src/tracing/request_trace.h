// The tracing state of the request a gateway connection is serving: ids and sampling decided
// when the request is routed, the phase times the session reports, and copies of the request
// head values that outlive the head buffer (only when a span or a log line will need them).
//
// One RequestTrace lives in each gateway Session and is reused from request to request (its
// strings keep their capacity). Thread-safety: the session's worker thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tracing/context.h"
#include "tracing/sampler.h"

namespace ebb::tracing {

using SteadyTime = std::chrono::steady_clock::time_point;

struct RequestTrace {
  // Set by WorkerTracer::Begin.
  bool traced = false;   // tracing is on: ids below are set and sent to the instance
  bool capture = false;  // a span or a log line will be written: head values are copied
  Sampling sampling = Sampling::kDeny;
  TraceId trace_id;
  std::uint64_t parent_id = 0;  // the caller's span (0: none)
  std::uint64_t server_id = 0;
  std::uint64_t call_id = 0;  // the client span: what the instance sees as its parent
  SteadyTime arrival{};
  std::chrono::system_clock::time_point wall_arrival{};  // sampled requests only
  std::string upstream_fields;  // propagation fields for the instance ("" when not traced)

  // Phases, reported by the session (sampled requests and request logs only).
  bool parked = false;
  SteadyTime park_start{}, park_end{};
  bool called = false;
  SteadyTime call_start{};

  // Copies of head values (when `capture`).
  std::string method, target, host, user_agent, referer;
  int version = 11;                  // HTTP/1.x minor version × 10 + 1: 10 or 11
  std::int64_t content_length = 0;   // -1: chunked
  std::vector<std::string> headers;  // RequestLogTemplate::header_names() values
  int client_port = -1;  // the client's port (-1: unknown)

  // The instance the request went to (when `capture`).
  std::string instance, instance_ip;
  int instance_port = 0;

  bool sampled() const { return traced && IsSampled(sampling); }
  void ResetPhases() {
    parked = called = false;
    instance.clear();
    instance_ip.clear();
    instance_port = 0;
  }
};

// How a request ended, as the gateway saw it.
struct RequestEnd {
  SteadyTime time{};
  int status = 0;                // what the client got (0: nothing was written)
  bool from_instance = false;    // `status` is the instance's answer, not the gateway's own
  std::uint64_t body_bytes = 0;  // response body bytes sent to the client
  std::string_view revision;     // "namespace/name"
  std::string_view client_ip;
};

}  // namespace ebb::tracing
