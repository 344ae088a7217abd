// Tracer: request tracing (Knative's config-tracing) and the request log (config-observability
// logging.enable-request-log) for the gateway, with all I/O off the request path.
//
//   gateway worker ── WorkerTracer ──▶ SpscRing<RequestRecord> ──▶ export thread ──▶ TraceStore
//        (Begin: ids, sampling,        (bounded; full → drop,       (every second: (/api/traces)
//         propagation fields;           counted)                     Zipkin v2 JSON,
//         End: fill a record,                                        POST in batches)
//         format a log line) ───────▶ ByteRing (log lines) ──────▶ log thread ──▶ stdout
//
// The request log goes to ebb serve's standard output, one line per request, as Knative's
// queue-proxy writes it to its container's stdout (where log collectors expect it).
//
// Costs on the request path: with tracing `none` and the log off there is no Tracer worker at
// all (the gateway checks one pointer). With tracing on: a scan of the header names for
// propagation fields, four random numbers and ~250 bytes of propagation fields per request;
// a sampled request also copies a few head values and fills a ring slot (no lock, no
// allocation once warm). With the log on: one line formatted into a reused buffer and copied
// into the worker's ring.
//
// Thread-safety: Start/Stop/NewWorker from the starting thread; SetRevisionLabels,
// RemoveRevision, traces(), stats() and Flush() from any thread; a WorkerTracer from its own
// gateway worker thread only.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "tracing/exporter.h"
#include "tracing/request_log.h"
#include "tracing/request_trace.h"
#include "tracing/sampler.h"
#include "tracing/spans.h"
#include "tracing/spsc_ring.h"
#include "tracing/trace_store.h"

namespace ebb::tracing {

struct TracerOptions {
  config::Tracing tracing;
  config::Observability observability;
  // Where request log lines go (not owned; default standard output).
  int log_fd = 1;
  // Where export failures are reported, at most once a minute (not owned; standard error).
  int error_fd = 2;
  std::size_t max_traces = 200;
  std::size_t records_per_worker = 4096;       // finished sampled requests waiting for export
  std::size_t log_bytes_per_worker = 1 << 20;  // request log lines waiting to be written
  std::chrono::milliseconds export_interval{1000};
  std::chrono::milliseconds log_interval{200};
  // Null: an HttpSpanTransport to tracing.zipkin-endpoint. Tests pass a fake.
  std::unique_ptr<SpanTransport> transport;
  // False: no threads; Flush() does their work (tests).
  bool start_threads = true;
};

// tracing.<name> counters, summed over workers.
struct TracerStats {
  std::uint64_t requests_sampled = 0;
  std::uint64_t records_dropped = 0;  // sampled requests lost to a full ring
  std::uint64_t log_lines = 0;
  std::uint64_t log_lines_dropped = 0;  // lost to a full ring
  std::uint64_t log_write_errors = 0;
  ExportStats export_stats;
};

class Tracer;

// One gateway worker's side. Every method runs on that worker's thread.
class WorkerTracer {
 public:
  WorkerTracer(Tracer& owner, std::uint64_t seed);

  bool tracing() const { return tracing_; }
  const RequestLogTemplate* log_template() const { return log_template_; }
  // Whether Begin needs the incoming context (tracing, or a log template showing .TraceID).
  bool wants_context() const { return tracing_ || wants_trace_id_; }

  // A request was routed. Decides sampling (honouring `incoming`), assigns the ids and writes
  // the propagation fields when tracing; says whether head values must be captured.
  void Begin(const SpanContext& incoming, SteadyTime arrival, RequestTrace& trace);

  // After Begin, when trace.capture: one request head field, kept if the log template shows
  // it (index .Request.Header).
  void CaptureField(std::string_view name, std::string_view value, RequestTrace& trace);

  // The request ended: queues its record (sampled) and its log line (log on). Never blocks;
  // a full ring drops and counts.
  void End(const RequestTrace& trace, const RequestEnd& end);

  // The labels of revision `key`, or nullptr. A fresh copy of the table is taken (under the
  // tracer's mutex) only after it changed.
  const RevisionLabels* Labels(std::string_view key);

 private:
  friend class Tracer;
  void Publish(const RequestTrace& trace, const RequestEnd& end);
  void Log(const RequestTrace& trace, const RequestEnd& end);
  static void Bump(std::atomic<std::uint64_t>& counter) {
    counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  Tracer& owner_;
  const bool tracing_;
  const SamplerConfig sampler_;
  const RequestLogTemplate* const log_template_;
  const bool wants_trace_id_;
  IdGenerator ids_;
  std::string line_;                        // reused log line buffer
  std::vector<std::string> headers_;        // reused: header values shown by the log line
  std::string remote_addr_, trace_id_hex_;  // reused
  std::shared_ptr<const std::map<std::string, RevisionLabels, std::less<>>> labels_;
  std::uint64_t labels_version_ = 0;

  SpscRing<RequestRecord> records_;  // consumer: the export thread
  ByteRing log_;                     // consumer: the log thread
  std::atomic<std::uint64_t> sampled_{0}, records_dropped_{0}, lines_{0}, lines_dropped_{0};
};

class Tracer {
 public:
  // kInvalid for an unusable endpoint (https) or request log template.
  static Result<std::unique_ptr<Tracer>> Start(TracerOptions options);
  // Start with the config file's tracing and observability sections, threads running.
  static Result<std::unique_ptr<Tracer>> Start(const config::Config& config);
  ~Tracer();  // Stop()
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  // Whether the gateway needs workers at all (tracing on or request log on).
  bool enabled() const { return tracing_ || log_template_ != nullptr; }
  bool tracing() const { return tracing_; }

  // Before the gateway's workers run: the state of one more worker (owned by the tracer).
  WorkerTracer* NewWorker();

  void SetRevisionLabels(const std::string& key, RevisionLabels labels);
  void RemoveRevision(const std::string& key);

  const TraceStore& traces() const { return store_; }
  TracerStats stats() const;

  // Exports the finished requests and writes the queued log lines now.
  void Flush();
  // Stops the threads after a last Flush. Idempotent. The gateway must be stopped first.
  void Stop();

 private:
  friend class WorkerTracer;
  explicit Tracer(TracerOptions options);
  void ExportLoop();
  void LogLoop();
  void ExportRecords();
  void ReportExportFailures();
  void WriteLogs();

  const TracerOptions options_;
  const bool tracing_;
  std::unique_ptr<RequestLogTemplate> log_template_owned_;
  const RequestLogTemplate* log_template_ = nullptr;
  TraceStore store_;

  mutable std::mutex workers_mu_;
  std::vector<std::unique_ptr<WorkerTracer>> workers_;  // guarded by workers_mu_

  std::mutex labels_mu_;
  std::shared_ptr<const std::map<std::string, RevisionLabels, std::less<>>>
      labels_;  // guarded by labels_mu_
  std::atomic<std::uint64_t> labels_version_{1};

  std::mutex export_mu_;                    // one consumer of the record rings at a time
  std::unique_ptr<SpanExporter> exporter_;  // guarded by export_mu_
  std::uint64_t failures_reported_ = 0;     // guarded by export_mu_
  std::chrono::steady_clock::time_point last_report_{};  // guarded by export_mu_
  std::mutex log_mu_;                                    // one consumer of the log rings at a time
  std::string log_out_;                                  // guarded by log_mu_
  std::atomic<std::uint64_t> log_write_errors_{0};

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by stop_mu_
  std::thread export_thread_, log_thread_;
};

}  // namespace ebb::tracing
