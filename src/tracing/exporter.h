// Zipkin v2 export: finished request records become spans, kept in the TraceStore and sent in
// batches (a JSON array of spans per POST) through a SpanTransport.
//
// The exporter runs on the tracing thread only (Tracer drives it); the request path never
// sees it. A batch that cannot be sent is dropped and counted (as Zipkin's reporters do): no
// retry queue to grow while the collector is down.
//
// Thread-safety: SpanExporter is used by one thread; stats() may be read from any thread.
// HttpSpanTransport::Send may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "tracing/spans.h"
#include "tracing/trace_store.h"

namespace ebb::tracing {

class SpanTransport {
 public:
  virtual ~SpanTransport() = default;
  // Delivers one batch: `body` is a JSON array of Zipkin v2 spans.
  virtual Status Send(const std::string& body) = 0;
};

// POST http://host:port/path with Content-Type application/json, one connection per batch
// (a batch leaves at most once a second). Any 2xx is success; other statuses and I/O errors
// are kUnavailable naming the endpoint, a slow collector kTimeout.
class HttpSpanTransport final : public SpanTransport {
 public:
  // `url` must be "http://host[:port][/path]" (https is not supported: kInvalid).
  static Result<std::unique_ptr<HttpSpanTransport>> Create(
      const std::string& url, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  Status Send(const std::string& body) override;

 private:
  HttpSpanTransport(std::string host, std::string port, std::string path,
                    std::chrono::milliseconds timeout)
      : host_(std::move(host)), port_(std::move(port)), path_(std::move(path)), timeout_(timeout) {}
  std::string Request(const std::string& body) const;

  const std::string host_, port_, path_;
  const std::chrono::milliseconds timeout_;
};

// tracing.<name> counters.
struct ExportStats {
  std::uint64_t spans_exported = 0;  // accepted by the collector
  std::uint64_t spans_dropped = 0;   // in batches the collector did not take
  std::uint64_t batches_failed = 0;
};

class SpanExporter {
 public:
  // `transport` may be null: spans are then only kept in `store`.
  SpanExporter(TraceStore& store, std::unique_ptr<SpanTransport> transport,
               std::size_t max_batch_spans = 500)
      : store_(store), transport_(std::move(transport)), max_batch_(max_batch_spans) {}

  // Converts a record to spans, adds them to the store and to the next batch.
  void Add(const RequestRecord& record, const RevisionLabels* labels);
  // Sends what Add collected, in batches of at most max_batch_spans (a request's spans are
  // never split; one request with more spans than that is a batch of its own).
  void Flush();

  ExportStats stats() const;
  const Status& last_error() const { return last_error_; }  // exporter thread only

 private:
  void SendBatch(std::string& batch, std::size_t spans);

  TraceStore& store_;
  std::unique_ptr<SpanTransport> transport_;
  const std::size_t max_batch_;
  struct Pending {
    std::string spans;  // comma-separated JSON objects
    std::size_t count;
  };
  std::vector<Pending> pending_;
  Status last_error_;
  std::atomic<std::uint64_t> exported_{0}, dropped_{0}, failed_{0};
};

}  // namespace ebb::tracing
