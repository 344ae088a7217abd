#include "load/results.h"

#include <algorithm>
#include <cmath>

namespace ebb::load {
namespace {

bool IsSuccess(std::uint16_t code) { return code >= 200 && code < 400; }

void AddLatencyQuantiles(std::vector<std::int64_t>& latencies, LatencyMetrics& m) {
  std::sort(latencies.begin(), latencies.end());
  m.p50 = Nanos(Quantile(latencies, 0.50));
  m.p90 = Nanos(Quantile(latencies, 0.90));
  m.p95 = Nanos(Quantile(latencies, 0.95));
  m.p99 = Nanos(Quantile(latencies, 0.99));
  m.min = Nanos(latencies.empty() ? 0 : latencies.front());
  m.max = Nanos(latencies.empty() ? 0 : latencies.back());
}

// Rates and means, as Vegeta's Metrics.Close.
void CloseMetrics(Metrics& m) {
  if (m.requests == 0) return;
  auto n = static_cast<double>(m.requests);
  m.duration = Nanos(m.latest_ns - m.earliest_ns);
  m.wait = Nanos(m.end_ns - m.latest_ns);
  m.rate = n;
  m.throughput = static_cast<double>(m.successes);
  if (m.duration.count() > 0) {
    m.rate /= static_cast<double>(m.duration.count()) / 1e9;
    m.throughput /= static_cast<double>((m.duration + m.wait).count()) / 1e9;
  }
  m.bytes_in.mean = static_cast<double>(m.bytes_in.total) / n;
  m.bytes_out.mean = static_cast<double>(m.bytes_out.total) / n;
  m.success = static_cast<double>(m.successes) / n;
  m.latencies.mean =
      Nanos(static_cast<std::int64_t>(static_cast<double>(m.latencies.total.count()) / n));
}

}  // namespace

std::uint32_t ResultSet::InternError(const std::string& text) {
  if (error_ids_.size() != errors.size()) {  // `errors` was filled directly
    error_ids_.clear();
    for (size_t i = 0; i < errors.size(); ++i) {
      error_ids_.emplace(errors[i], static_cast<std::uint32_t>(i + 1));
    }
  }
  auto [it, added] = error_ids_.emplace(text, static_cast<std::uint32_t>(errors.size() + 1));
  if (added) errors.push_back(text);
  return it->second;
}

const std::string& ResultSet::ErrorText(const HitResult& r) const {
  static const std::string kNone;
  return r.error == 0 || r.error > errors.size() ? kNone : errors[r.error - 1];
}

void ResultSet::SortByTime() {
  std::sort(results.begin(), results.end(), [](const HitResult& a, const HitResult& b) {
    return a.timestamp_ns != b.timestamp_ns ? a.timestamp_ns < b.timestamp_ns : a.seq < b.seq;
  });
}

void ResultSet::Merge(ResultSet&& other) {
  std::vector<std::uint32_t> ids(other.errors.size() + 1, 0);
  for (size_t i = 0; i < other.errors.size(); ++i) ids[i + 1] = InternError(other.errors[i]);
  results.reserve(results.size() + other.results.size());
  for (HitResult r : other.results) {
    r.error = r.error < ids.size() ? ids[r.error] : 0;
    results.push_back(r);
  }
  if (targets.empty()) targets = std::move(other.targets);
}

std::int64_t Quantile(const std::vector<std::int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

Metrics ComputeMetrics(const ResultSet& set) {
  Metrics m;
  std::vector<std::int64_t> latencies;
  latencies.reserve(set.results.size());
  std::vector<const HitResult*> by_time;
  by_time.reserve(set.results.size());
  for (const HitResult& r : set.results) by_time.push_back(&r);
  std::stable_sort(by_time.begin(), by_time.end(), [](const HitResult* a, const HitResult* b) {
    return a->timestamp_ns < b->timestamp_ns;
  });
  m.earliest_ns = by_time.empty() ? 0 : by_time.front()->timestamp_ns;
  m.latest_ns = m.earliest_ns;
  std::vector<bool> seen(set.errors.size() + 1, false);
  for (const HitResult* r : by_time) {
    ++m.requests;
    latencies.push_back(r->latency_ns);
    m.latencies.total += Nanos(r->latency_ns);
    m.bytes_in.total += r->bytes_in;
    m.bytes_out.total += r->bytes_out;
    m.successes += IsSuccess(r->code) ? 1 : 0;
    ++m.status_codes[std::to_string(r->code)];
    m.latest_ns = std::max(m.latest_ns, r->timestamp_ns);
    m.end_ns = std::max(m.end_ns, r->timestamp_ns + r->latency_ns);
    if (r->error != 0 && r->error < seen.size() && !seen[r->error]) {
      seen[r->error] = true;
      m.errors.push_back(set.errors[r->error - 1]);
    }
  }
  AddLatencyQuantiles(latencies, m.latencies);
  CloseMetrics(m);
  return m;
}

Histogram ComputeHistogram(const ResultSet& set, const std::vector<Nanos>& buckets) {
  Histogram h;
  h.buckets = buckets;
  h.counts.assign(buckets.size(), 0);
  if (buckets.empty()) return h;
  for (const HitResult& r : set.results) {
    size_t i = 0;
    for (; i + 1 < buckets.size(); ++i) {
      if (r.latency_ns >= buckets[i].count() && r.latency_ns < buckets[i + 1].count()) break;
    }
    ++h.counts[i];
    ++h.total;
  }
  return h;
}

}  // namespace ebb::load
