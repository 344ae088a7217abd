#include "tracing/trace_store.h"

#include <algorithm>

namespace ebb::tracing {

bool TraceStore::Trace::Matches(std::string_view revision) const {
  bool qualified = revision.find('/') != std::string_view::npos;
  return std::any_of(revisions.begin(), revisions.end(), [&](const std::string& key) {
    if (qualified) return key == revision;
    std::size_t slash = key.find('/');
    return std::string_view(key).substr(slash == std::string::npos ? 0 : slash + 1) == revision;
  });
}

void TraceStore::Add(std::string_view trace_id, std::string_view revision, std::string spans,
                     int count) {
  std::lock_guard lock(mu_);
  auto found = by_id_.find(trace_id);
  if (found != by_id_.end()) {
    traces_.splice(traces_.begin(), traces_, found->second);  // now the newest
  } else {
    traces_.push_front(Trace{std::string(trace_id)});
    by_id_[traces_.front().id] = traces_.begin();  // the key views the list's own string
    if (traces_.size() > max_traces_) {
      by_id_.erase(traces_.back().id);
      traces_.pop_back();
    }
  }
  Trace& trace = traces_.front();
  if (trace.spans + static_cast<std::size_t>(count) > max_spans_) return;
  trace.chunks.push_back(std::move(spans));
  trace.spans += static_cast<std::size_t>(count);
  if (std::find(trace.revisions.begin(), trace.revisions.end(), revision) ==
      trace.revisions.end()) {
    trace.revisions.emplace_back(revision);
  }
}

std::string TraceStore::Traces(std::size_t limit, std::string_view revision) const {
  std::string out = "[";
  std::size_t listed = 0;
  std::lock_guard lock(mu_);
  for (const Trace& trace : traces_) {
    if (limit != 0 && listed >= limit) break;
    if (!revision.empty() && !trace.Matches(revision)) continue;
    if (listed++ > 0) out.push_back(',');
    out.push_back('[');
    for (std::size_t i = 0; i < trace.chunks.size(); ++i) {
      if (i > 0) out.push_back(',');
      out.append(trace.chunks[i]);
    }
    out.push_back(']');
  }
  out.push_back(']');
  return out;
}

std::size_t TraceStore::size() const {
  std::lock_guard lock(mu_);
  return traces_.size();
}

}  // namespace ebb::tracing
