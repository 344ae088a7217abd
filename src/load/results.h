// The outcome of every request of an attack, kept whole (memory is plentiful: 40 bytes a hit),
// and the summary metrics Vegeta's reports print, computed exactly from all of them.
//
// Metrics follow Vegeta's lib/metrics.go definitions:
//   duration (attack) = latest - earliest timestamp; wait = end - latest, where end is the
//   largest timestamp + latency; rate = requests / duration; throughput = successes /
//   (duration + wait) (with a zero duration both stay raw counts, as Vegeta); success = share of
//   codes in [200, 400); mean = total / requests (truncated); errors = distinct error strings
//   in order of first appearance by timestamp; status codes keyed by the code as a string.
// Percentiles are exact order statistics (nearest rank: the smallest latency with at least
// q * N samples at or below it), where Vegeta estimates them.
// Pure; any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "load/duration.h"

namespace ebb::load {

struct HitResult {
  std::int64_t timestamp_ns = 0;  // Unix ns of the hit's scheduled send time
  std::int64_t latency_ns = 0;    // from the scheduled send time to the end of the response
  std::uint64_t seq = 0;          // the hit's index in the attack
  std::uint32_t bytes_in = 0;     // response body bytes
  std::uint32_t bytes_out = 0;    // request body bytes
  std::uint32_t error = 0;        // 0 = none, else 1 + index in ResultSet::errors
  std::uint16_t code = 0;         // HTTP status; 0 = no response
  std::uint16_t target = 0;       // index in ResultSet::targets
};

struct TargetInfo {
  std::string method;
  std::string url;
};

struct ResultSet {
  std::vector<HitResult> results;
  std::vector<std::string> errors;  // interned error strings
  std::vector<TargetInfo> targets;

  // The id (for HitResult::error) of `text`, adding it when new.
  std::uint32_t InternError(const std::string& text);
  const std::string& ErrorText(const HitResult& r) const;
  // Sorts results by timestamp (then seq).
  void SortByTime();
  // Moves `other`'s results in, translating its error ids.
  void Merge(ResultSet&& other);

 private:
  std::unordered_map<std::string, std::uint32_t> error_ids_;  // mirrors `errors`
};

struct LatencyMetrics {
  Nanos total{0}, mean{0}, p50{0}, p90{0}, p95{0}, p99{0}, max{0}, min{0};
};

struct ByteMetrics {
  std::uint64_t total = 0;
  double mean = 0;
};

struct Metrics {
  LatencyMetrics latencies;
  ByteMetrics bytes_in, bytes_out;
  std::int64_t earliest_ns = 0, latest_ns = 0, end_ns = 0;  // Unix ns
  Nanos duration{0}, wait{0};
  std::uint64_t requests = 0;
  std::uint64_t successes = 0;
  double rate = 0, throughput = 0, success = 0;
  std::map<std::string, std::uint64_t> status_codes;  // "200" -> count, sorted as strings
  std::vector<std::string> errors;
};

// `results` in any order.
Metrics ComputeMetrics(const ResultSet& set);

// The nearest-rank quantile q (0..1) of sorted values; 0 for none.
std::int64_t Quantile(const std::vector<std::int64_t>& sorted, double q);

// Vegeta's histogram: bucket i counts latencies in [b[i], b[i+1]); the last one is open-ended.
// As Vegeta, a latency below b[0] falls through to the last bucket.
struct Histogram {
  std::vector<Nanos> buckets;
  std::vector<std::uint64_t> counts;
  std::uint64_t total = 0;
};
Histogram ComputeHistogram(const ResultSet& set, const std::vector<Nanos>& buckets);

}  // namespace ebb::load
