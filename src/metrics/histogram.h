// Histograms of durations with fixed bucket bounds.
//
//   Bounds            the upper bounds of a histogram's buckets, in the unit the exposition
//                     shows (milliseconds for Knative's latencies, seconds for ebb's own), and
//                     the same bounds in nanoseconds for observing std::chrono durations;
//   LocalHistogram    the hot-path form: one writer thread observes with relaxed loads and
//                     stores (no locked instruction, no allocation), any thread reads it;
//   HistogramSnapshot plain counts that readers add LocalHistograms into (summing the workers'
//                     copies) and that cold-path owners observe into directly under their lock.
//
// A value v goes into the first bucket whose bound b satisfies v <= b (Prometheus's `le`),
// or into the last (+Inf) bucket. Counts are per bucket (not cumulative); the exposition makes
// them cumulative, and a snapshot's count is the sum of its buckets, so _count always equals
// the +Inf bucket even when a scrape races with the writer.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace ebb::metrics {

class Bounds {
 public:
  // The most buckets (+Inf included) a LocalHistogram holds.
  static constexpr std::size_t kMaxBuckets = 28;

  // `upper`: strictly ascending, finite, at most kMaxBuckets - 1 of them, in `unit_seconds`
  // per unit (1e-3 for milliseconds, 1 for seconds). Violations are programming errors and
  // abort.
  Bounds(std::initializer_list<double> upper, double unit_seconds);

  std::size_t buckets() const { return upper_.size() + 1; }  // +Inf included
  double upper(std::size_t i) const { return upper_[i]; }    // i < buckets() - 1
  // The bucket of a duration (negative durations count as zero).
  std::size_t BucketOf(std::int64_t nanos) const;
  // A nanosecond total in this histogram's unit (for _sum).
  // (A division, correctly rounded: 12 ms is exactly the double nearest 0.012.)
  double ToUnit(std::uint64_t nanos) const { return static_cast<double>(nanos) / unit_ns_; }

 private:
  std::vector<double> upper_;
  std::vector<std::int64_t> upper_ns_;
  double unit_ns_;  // nanoseconds per unit
};

// Knative's request latency buckets in milliseconds (knative-spec.md §5.2): 5 … 100000.
const Bounds& KnativeLatencyBounds();
// ebb's own durations in seconds (cold-start phases, activator queue wait): 0.5 ms … 300 s,
// fine at the low end where socket-activated starts land (about 2 ms).
const Bounds& ColdStartBounds();

struct HistogramSnapshot {
  std::vector<std::uint64_t> counts;  // per bucket; sized on first use
  std::uint64_t sum_ns = 0;

  void Observe(const Bounds& bounds, std::chrono::nanoseconds value);
  void Add(const HistogramSnapshot& other);
  std::uint64_t count() const;
};

class LocalHistogram {
 public:
  // Owner thread only. `bounds` must be the same on every call.
  void Observe(const Bounds& bounds, std::int64_t nanos) {
    Bump(counts_[bounds.BucketOf(nanos)], 1);
    Bump(sum_ns_, nanos > 0 ? static_cast<std::uint64_t>(nanos) : 0);
  }
  // Any thread: adds this histogram's counts into `out` (sized to `bounds`).
  void AddTo(const Bounds& bounds, HistogramSnapshot& out) const;

 private:
  // Single writer: a relaxed load and store, no read-modify-write.
  static void Bump(std::atomic<std::uint64_t>& cell, std::uint64_t n) {
    cell.store(cell.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  std::array<std::atomic<std::uint64_t>, Bounds::kMaxBuckets> counts_{};
  std::atomic<std::uint64_t> sum_ns_{0};
};

}  // namespace ebb::metrics
