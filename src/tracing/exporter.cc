#include "tracing/exporter.h"

namespace ebb::tracing {

void SpanExporter::Add(const RequestRecord& record, const RevisionLabels* labels) {
  std::string spans;
  int count = AppendZipkinSpans(record, labels, spans);
  if (transport_) pending_.push_back(Pending{spans, static_cast<std::size_t>(count)});
  store_.Add(TraceIdHex(record.trace_id), record.revision, std::move(spans), count);
}

void SpanExporter::Flush() {
  std::string batch;
  std::size_t in_batch = 0;
  for (const Pending& p : pending_) {
    if (in_batch > 0 && in_batch + p.count > max_batch_) {
      SendBatch(batch, in_batch);
      in_batch = 0;
    }
    batch.append(batch.empty() ? "[" : ",").append(p.spans);
    in_batch += p.count;
  }
  if (in_batch > 0) SendBatch(batch, in_batch);
  pending_.clear();
}

// Sends `batch` (the spans without the closing bracket) and empties it.
void SpanExporter::SendBatch(std::string& batch, std::size_t spans) {
  batch.push_back(']');
  Status sent = transport_->Send(batch);
  batch.clear();
  if (sent.ok()) {
    exported_.fetch_add(spans, std::memory_order_relaxed);
    return;
  }
  last_error_ = sent;
  dropped_.fetch_add(spans, std::memory_order_relaxed);
  failed_.fetch_add(1, std::memory_order_relaxed);
}

ExportStats SpanExporter::stats() const {
  return ExportStats{exported_.load(std::memory_order_relaxed),
                     dropped_.load(std::memory_order_relaxed),
                     failed_.load(std::memory_order_relaxed)};
}

}  // namespace ebb::tracing
