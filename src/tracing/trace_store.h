// The last N traces, in memory, for the dashboard (admin route /api/traces).
//
// Spans are grouped by traceId; a trace that gets new spans becomes the newest. Beyond
// `max_traces` the trace updated least recently is forgotten; one trace keeps at most
// `max_spans_per_trace` spans (a client that reuses one traceparent forever cannot grow it
// without bound).
//
// Thread-safety: all methods may be called from any thread (one mutex; the exporter thread
// adds, the admin thread reads; never the request path).
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ebb::tracing {

class TraceStore {
 public:
  explicit TraceStore(std::size_t max_traces = 200, std::size_t max_spans_per_trace = 1000)
      : max_traces_(max_traces), max_spans_(max_spans_per_trace) {}

  // Adds Zipkin v2 spans (objects with a "traceId").
  void Add(const nlohmann::json& spans);

  // Newest first, at most `limit` traces (0 = all), each a JSON array of spans in the order
  // they were added. With `revision` ("name" or "namespace/name") only traces with a span
  // tagged with that revision.
  nlohmann::json Traces(std::size_t limit = 0, std::string_view revision = {}) const;

  std::size_t size() const;

 private:
  struct Trace {
    std::string id;
    nlohmann::json spans = nlohmann::json::array();
  };
  void AddSpan(const nlohmann::json& span);

  const std::size_t max_traces_;
  const std::size_t max_spans_;
  mutable std::mutex mu_;
  std::list<Trace> traces_;  // newest first; guarded by mu_
  std::unordered_map<std::string, std::list<Trace>::iterator> by_id_;  // guarded by mu_
};

}  // namespace ebb::tracing
