// Test support for the tracing tests: a transport that records what it is given, and a
// finished request record. Header-only (CMake compiles every non-test .cc into the library).
#pragma once

#include <string>
#include <vector>

#include "tracing/exporter.h"
#include "tracing/spans.h"

namespace ebb::tracing {

class FakeTransport final : public SpanTransport {
 public:
  Status Send(const std::string& body) override {
    if (fail) return Status(Code::kUnavailable, "zipkin endpoint fake: cannot connect");
    bodies.push_back(body);
    return Status::Ok();
  }
  bool fail = false;
  std::vector<std::string> bodies;
};

// A warm request (no wait) of trace `n` (trace id n, span ids from n).
inline RequestRecord TestRecord(std::uint64_t n, const std::string& revision = "default/hello-1") {
  RequestRecord r;
  r.trace_id = TraceId{0, n, true};
  r.server_id = n * 16 + 1;
  r.call_id = n * 16 + 2;
  r.start_us = 1'000'000 * static_cast<std::int64_t>(n);
  r.duration_us = 100;
  r.called = true;
  r.call_offset_us = 10;
  r.call_duration_us = 80;
  r.status = r.call_status = 200;
  r.method = "GET";
  r.target = "/";
  r.host = "hello.default.example.com";
  r.revision = revision;
  return r;
}

}  // namespace ebb::tracing
