#include "tracing/tracer.h"

#include <unistd.h>

#include <cerrno>
#include <random>

#include "common/thread.h"

namespace ebb::tracing {

namespace {

using LabelMap = std::map<std::string, RevisionLabels, std::less<>>;

// Writes all of `data` to `fd`; false on an error other than EINTR.
bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

WorkerTracer::WorkerTracer(Tracer& owner, std::uint64_t seed)
    : owner_(owner),
      tracing_(owner.tracing_),
      sampler_{owner.options_.tracing.sample_rate, owner.options_.tracing.debug},
      log_template_(owner.log_template_),
      wants_trace_id_(log_template_ != nullptr &&
                      log_template_->uses(RequestLogTemplate::Field::kTraceId)),
      ids_(seed),
      records_(owner.options_.records_per_worker),
      log_(log_template_ != nullptr ? owner.options_.log_bytes_per_worker : 64) {}

void WorkerTracer::Begin(const SpanContext& incoming, SteadyTime arrival, RequestTrace& t) {
  t.arrival = arrival;
  t.ResetPhases();
  t.traced = tracing_;
  t.trace_id = incoming.has_ids() ? incoming.trace_id : TraceId{};
  t.parent_id = incoming.has_ids() ? incoming.span_id : 0;
  t.upstream_fields.clear();
  if (tracing_) {
    t.sampling = Decide(incoming.sampling, sampler_, ids_.Next());
    if (t.trace_id.zero()) t.trace_id = ids_.NextTraceId();
    t.server_id = ids_.NextSpanId();
    t.call_id = ids_.NextSpanId();
    AppendPropagationFields(Outgoing{t.trace_id, t.call_id, t.server_id, t.sampling},
                            t.upstream_fields);
    if (IsSampled(t.sampling)) {
      Bump(sampled_);
      t.wall_arrival = std::chrono::system_clock::now();
    }
  } else {
    t.sampling = Sampling::kDeny;
  }
  t.capture = t.sampled() || log_template_ != nullptr;
  t.user_agent.clear();
  t.referer.clear();
  if (log_template_ != nullptr) {
    t.headers.resize(log_template_->header_names().size());
    for (std::string& value : t.headers) value.clear();
  }
}

const RevisionLabels* WorkerTracer::Labels(std::string_view key) {
  std::uint64_t version = owner_.labels_version_.load(std::memory_order_acquire);
  if (version != labels_version_) {
    std::lock_guard lock(owner_.labels_mu_);
    labels_ = owner_.labels_;
    labels_version_ = version;
  }
  if (!labels_) return nullptr;
  auto it = labels_->find(key);
  return it == labels_->end() ? nullptr : &it->second;
}

Tracer::Tracer(TracerOptions options)
    : options_(std::move(options)),
      tracing_(options_.tracing.backend == "zipkin"),
      store_(options_.max_traces),
      labels_(std::make_shared<const LabelMap>()) {}

Tracer::~Tracer() { Stop(); }

Result<std::unique_ptr<Tracer>> Tracer::Start(TracerOptions options) {
  std::unique_ptr<SpanTransport> transport = std::move(options.transport);
  std::unique_ptr<Tracer> tracer(new Tracer(std::move(options)));
  const TracerOptions& o = tracer->options_;
  if (tracer->tracing_ && !transport) {
    auto http = HttpSpanTransport::Create(o.tracing.zipkin_endpoint);
    if (!http.ok()) return http.status();
    transport = std::move(*http);
  }
  tracer->exporter_ = std::make_unique<SpanExporter>(tracer->store_, std::move(transport));
  if (o.observability.enable_request_log) {
    auto compiled = RequestLogTemplate::Compile(o.observability.request_log_template);
    if (!compiled.ok()) return compiled.status();
    tracer->log_template_owned_ = std::make_unique<RequestLogTemplate>(std::move(*compiled));
    tracer->log_template_ = tracer->log_template_owned_.get();
  }
  if (o.start_threads && tracer->tracing_) {
    tracer->export_thread_ = std::thread([t = tracer.get()] {
      NameThisThread("ebb-trace-export");
      MakeThisThreadBackground();
      t->ExportLoop();
    });
  }
  if (o.start_threads && tracer->log_template_ != nullptr) {
    tracer->log_thread_ = std::thread([t = tracer.get()] {
      NameThisThread("ebb-request-log");
      t->LogLoop();
    });
  }
  return tracer;
}

Result<std::unique_ptr<Tracer>> Tracer::Start(const config::Config& config) {
  TracerOptions options;
  options.tracing = config.tracing;
  options.observability = config.observability;
  return Start(std::move(options));
}

WorkerTracer* Tracer::NewWorker() {
  std::lock_guard lock(workers_mu_);
  workers_.push_back(std::make_unique<WorkerTracer>(*this, std::random_device{}()));
  return workers_.back().get();
}

void Tracer::SetRevisionLabels(const std::string& key, RevisionLabels labels) {
  std::lock_guard lock(labels_mu_);
  auto next = std::make_shared<LabelMap>(*labels_);
  (*next)[key] = std::move(labels);
  labels_ = std::move(next);
  labels_version_.fetch_add(1, std::memory_order_release);
}

void Tracer::RemoveRevision(const std::string& key) {
  std::lock_guard lock(labels_mu_);
  if (labels_->count(key) == 0) return;
  auto next = std::make_shared<LabelMap>(*labels_);
  next->erase(key);
  labels_ = std::move(next);
  labels_version_.fetch_add(1, std::memory_order_release);
}

TracerStats Tracer::stats() const {
  TracerStats s;
  {
    std::lock_guard lock(workers_mu_);
    for (const auto& w : workers_) {
      s.requests_sampled += w->sampled_.load(std::memory_order_relaxed);
      s.records_dropped += w->records_dropped_.load(std::memory_order_relaxed);
      s.log_lines += w->lines_.load(std::memory_order_relaxed);
      s.log_lines_dropped += w->lines_dropped_.load(std::memory_order_relaxed);
    }
  }
  s.log_write_errors = log_write_errors_.load(std::memory_order_relaxed);
  if (exporter_) s.export_stats = exporter_->stats();
  return s;
}

void Tracer::Flush() {
  ExportRecords();
  WriteLogs();
}

// Drains every worker's finished requests into spans, then sends them.
void Tracer::ExportRecords() {
  if (!tracing_ || !exporter_) return;  // no exporter: Start failed
  std::lock_guard export_lock(export_mu_);
  std::shared_ptr<const LabelMap> labels;
  {
    std::lock_guard lock(labels_mu_);
    labels = labels_;
  }
  {
    std::lock_guard lock(workers_mu_);
    for (auto& w : workers_) {
      while (RequestRecord* r = w->records_.Front()) {
        auto it = labels->find(r->revision);
        exporter_->Add(*r, it == labels->end() ? nullptr : &it->second);
        w->records_.Pop();
      }
    }
  }
  exporter_->Flush();  // network I/O: outside workers_mu_
  ReportExportFailures();
}

// A collector that is down would otherwise go unnoticed: say so on standard error, at most
// once a minute, with what was lost meanwhile.
void Tracer::ReportExportFailures() {
  constexpr auto kEvery = std::chrono::minutes(1);
  ExportStats stats = exporter_->stats();
  if (stats.batches_failed == failures_reported_) return;
  auto now = std::chrono::steady_clock::now();
  if (failures_reported_ != 0 && now - last_report_ < kEvery) return;
  std::string line = "ebb: tracing: " + exporter_->last_error().message() + " (" +
                     std::to_string(stats.spans_dropped) + " spans dropped so far)\n";
  if (!WriteAll(options_.error_fd, line)) log_write_errors_.fetch_add(1, std::memory_order_relaxed);
  failures_reported_ = stats.batches_failed;
  last_report_ = now;
}

void Tracer::WriteLogs() {
  if (log_template_ == nullptr) return;
  std::lock_guard log_lock(log_mu_);
  log_out_.clear();
  {
    std::lock_guard lock(workers_mu_);
    for (auto& w : workers_) w->log_.DrainTo(log_out_);
  }
  if (!log_out_.empty() && !WriteAll(options_.log_fd, log_out_)) {
    log_write_errors_.fetch_add(1, std::memory_order_relaxed);
  }
}

void Tracer::ExportLoop() {
  std::unique_lock lock(stop_mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, options_.export_interval);
    lock.unlock();
    ExportRecords();
    lock.lock();
  }
}

void Tracer::LogLoop() {
  std::unique_lock lock(stop_mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, options_.log_interval);
    lock.unlock();
    WriteLogs();
    lock.lock();
  }
}

void Tracer::Stop() {
  {
    std::lock_guard lock(stop_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (export_thread_.joinable()) export_thread_.join();
  if (log_thread_.joinable()) log_thread_.join();
  Flush();
}

}  // namespace ebb::tracing
