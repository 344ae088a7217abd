#include "tracing/exporter.h"

namespace ebb::tracing {

using nlohmann::json;

void SpanExporter::Add(const RequestRecord& record, const RevisionLabels* labels) {
  json spans = json::array();
  AppendZipkinSpans(record, labels, spans);
  store_.Add(spans);
  if (!transport_) return;
  for (json& span : spans) pending_.push_back(std::move(span));
}

void SpanExporter::Flush() {
  if (pending_.empty()) return;
  json batch = json::array();
  for (json& span : pending_) {
    batch.push_back(std::move(span));
    if (batch.size() == max_batch_) {
      SendBatch(batch);
      batch = json::array();
    }
  }
  if (!batch.empty()) SendBatch(batch);
  pending_ = json::array();
}

void SpanExporter::SendBatch(const json& batch) {
  Status sent = transport_->Send(batch.dump());
  if (sent.ok()) {
    exported_.fetch_add(batch.size(), std::memory_order_relaxed);
    return;
  }
  last_error_ = sent;
  dropped_.fetch_add(batch.size(), std::memory_order_relaxed);
  failed_.fetch_add(1, std::memory_order_relaxed);
}

ExportStats SpanExporter::stats() const {
  return ExportStats{exported_.load(std::memory_order_relaxed),
                     dropped_.load(std::memory_order_relaxed),
                     failed_.load(std::memory_order_relaxed)};
}

}  // namespace ebb::tracing
