#include "load/live_stats.h"

#include <bit>
#include <cstdio>

namespace ebb::load {

size_t LiveStats::Bucket(std::uint64_t v) {
  if (v < 128) return static_cast<size_t>(v);
  int exponent = 63 - std::countl_zero(v);  // >= 7
  int shift = exponent - 6;
  return 128 + static_cast<size_t>(exponent - 7) * 64 + static_cast<size_t>((v >> shift) - 64);
}

std::uint64_t LiveStats::BucketTop(size_t bucket) {
  if (bucket < 128) return bucket;
  size_t octave = (bucket - 128) / 64;
  std::uint64_t mantissa = 64 + (bucket - 128) % 64;
  int shift = static_cast<int>(octave) + 1;
  return ((mantissa + 1) << shift) - 1;
}

void LiveStats::OnDone(std::int64_t latency_ns, bool error) {
  std::uint64_t v = latency_ns < 0 ? 0 : static_cast<std::uint64_t>(latency_ns);
  counts_[Bucket(v)].fetch_add(1, std::memory_order_relaxed);
  if (error) errors_.fetch_add(1, std::memory_order_relaxed);
}

LiveStats::Snapshot LiveStats::Read() const {
  Snapshot s;
  s.sent = sent_.load(std::memory_order_relaxed);
  s.errors = errors_.load(std::memory_order_relaxed);
  std::uint64_t total = 0;
  std::array<std::uint64_t, kBuckets> counts;
  for (size_t i = 0; i < kBuckets; ++i) {
    counts[i] = counts_[i].load(std::memory_order_relaxed);
    total += counts[i];
  }
  s.done = total;
  // Nearest rank over the buckets: the first bucket at which 99 % of samples are counted.
  std::uint64_t rank = (total * 99 + 99) / 100, seen = 0;
  for (size_t i = 0; i < kBuckets && total > 0; ++i) {
    seen += counts[i];
    if (seen >= rank) {
      s.p99 = Nanos(static_cast<std::int64_t>(BucketTop(i)));
      break;
    }
  }
  return s;
}

std::string FormatProgress(Nanos elapsed, const LiveStats::Snapshot& s) {
  double seconds = static_cast<double>(elapsed.count()) / 1e9;
  double rate = seconds > 0 ? static_cast<double>(s.sent) / seconds : 0;
  char buf[160];
  std::snprintf(buf, sizeof buf, "%7.1fs  sent %llu  %.1f/s  errors %llu  p99 %s", seconds,
                static_cast<unsigned long long>(s.sent), rate,
                static_cast<unsigned long long>(s.errors),
                FormatGoDuration(RoundForReport(s.p99)).c_str());
  return buf;
}

}  // namespace ebb::load
