#include "tracing/trace_store.h"

namespace ebb::tracing {

using nlohmann::json;

namespace {

bool MatchesRevision(const json& span, std::string_view revision) {
  auto tags = span.find("tags");
  if (tags == span.end() || !tags->is_object()) return false;
  std::string name = tags->value("revision", "");
  if (revision == name) return true;
  return revision == tags->value("namespace", "") + "/" + name;
}

bool TraceMatches(const json& spans, std::string_view revision) {
  for (const json& span : spans) {
    if (MatchesRevision(span, revision)) return true;
  }
  return false;
}

}  // namespace

void TraceStore::Add(const json& spans) {
  std::lock_guard lock(mu_);
  for (const json& span : spans) AddSpan(span);
}

void TraceStore::AddSpan(const json& span) {
  std::string id = span.value("traceId", "");
  auto found = by_id_.find(id);
  if (found != by_id_.end()) {
    traces_.splice(traces_.begin(), traces_, found->second);  // now the newest
  } else {
    traces_.push_front(Trace{id});
    by_id_[id] = traces_.begin();
    if (traces_.size() > max_traces_) {
      by_id_.erase(traces_.back().id);
      traces_.pop_back();
    }
  }
  json& spans = traces_.front().spans;
  if (spans.size() < max_spans_) spans.push_back(span);
}

json TraceStore::Traces(std::size_t limit, std::string_view revision) const {
  json out = json::array();
  std::lock_guard lock(mu_);
  for (const Trace& trace : traces_) {
    if (limit != 0 && out.size() >= limit) break;
    if (!revision.empty() && !TraceMatches(trace.spans, revision)) continue;
    out.push_back(trace.spans);
  }
  return out;
}

std::size_t TraceStore::size() const {
  std::lock_guard lock(mu_);
  return traces_.size();
}

}  // namespace ebb::tracing
