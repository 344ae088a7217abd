// The last N traces, in memory, for the dashboard (admin route /api/traces).
//
// Spans are kept as the JSON text the exporter wrote (AppendZipkinSpans), grouped by traceId;
// a trace that gets new spans becomes the newest. Beyond `max_traces` the trace updated least
// recently is forgotten; one trace keeps at most `max_spans_per_trace` spans (a client that
// reuses one traceparent forever cannot grow it without bound).
//
// Thread-safety: all methods may be called from any thread (one mutex; the exporter thread
// adds, the admin thread reads; never the request path).
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ebb::tracing {

class TraceStore {
 public:
  explicit TraceStore(std::size_t max_traces = 200, std::size_t max_spans_per_trace = 1000)
      : max_traces_(max_traces), max_spans_(max_spans_per_trace) {}

  // Adds the `count` spans of one request of revision `revision` ("namespace/name") to trace
  // `trace_id`: `spans` holds them as comma-separated JSON objects.
  void Add(std::string_view trace_id, std::string_view revision, std::string spans, int count);

  // JSON text: newest first, at most `limit` traces (0 = all), each an array of its spans in
  // the order they were added. With `revision` ("name" or "namespace/name") only the traces
  // with a request of that revision.
  std::string Traces(std::size_t limit = 0, std::string_view revision = {}) const;

  std::size_t size() const;

 private:
  struct Trace {
    std::string id;
    std::vector<std::string> chunks;  // each: one request's spans, comma-separated
    std::size_t spans = 0;
    std::vector<std::string> revisions;  // "namespace/name" of its requests
    bool Matches(std::string_view revision) const;
  };

  const std::size_t max_traces_;
  const std::size_t max_spans_;
  mutable std::mutex mu_;
  std::list<Trace> traces_;  // newest first; guarded by mu_
  std::unordered_map<std::string_view, std::list<Trace>::iterator> by_id_;  // guarded by mu_
};

}  // namespace ebb::tracing
