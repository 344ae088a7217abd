// Running totals of an attack for the progress line: written by every shard thread, read by the
// progress printer, lock-free (relaxed atomics). The p99 here comes from a log-linear histogram
// (64 buckets per power of two, so within 1.6 %); the final report is exact, from all samples.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "load/duration.h"

namespace ebb::load {

class LiveStats {
 public:
  struct Snapshot {
    std::uint64_t sent = 0;
    std::uint64_t done = 0;
    std::uint64_t errors = 0;
    Nanos p99{0};
  };

  void OnSent() { sent_.fetch_add(1, std::memory_order_relaxed); }
  void OnDone(std::int64_t latency_ns, bool error);
  Snapshot Read() const;

  // The histogram's bucket for a latency, and the largest latency that bucket holds.
  static size_t Bucket(std::uint64_t latency_ns);
  static std::uint64_t BucketTop(size_t bucket);

  static constexpr size_t kBuckets = 128 + 57 * 64;

 private:
  std::atomic<std::uint64_t> sent_{0};
  std::atomic<std::uint64_t> errors_{0};
  std::array<std::atomic<std::uint64_t>, kBuckets> counts_{};
};

// "  12.0s  sent 1200  100.0/s  errors 0  p99 1.234ms" (no newline).
std::string FormatProgress(Nanos elapsed, const LiveStats::Snapshot& s);

}  // namespace ebb::load
