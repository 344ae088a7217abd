#include "metrics/histogram.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace ebb::metrics {

namespace {

// Our own constants are wrong: no error path would make sense, so stop loudly.
void Require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "metrics: invalid histogram bounds: %s\n", what);
  std::abort();
}

}  // namespace

Bounds::Bounds(std::initializer_list<double> upper, double unit_seconds)
    : upper_(upper), unit_ns_(unit_seconds * 1e9) {
  Require(upper_.size() < kMaxBuckets, "too many buckets");
  Require(unit_seconds > 0, "unit");
  for (std::size_t i = 0; i < upper_.size(); ++i) {
    Require(std::isfinite(upper_[i]) && (i == 0 || upper_[i] > upper_[i - 1]), "not ascending");
    upper_ns_.push_back(std::llround(upper_[i] * unit_seconds * 1e9));
  }
}

std::size_t Bounds::BucketOf(std::int64_t nanos) const {
  // First bound >= value; past the end is the +Inf bucket.
  return static_cast<std::size_t>(std::lower_bound(upper_ns_.begin(), upper_ns_.end(), nanos) -
                                  upper_ns_.begin());
}

const Bounds& KnativeLatencyBounds() {
  static const Bounds bounds(
      {5,   10,  20,  40,  60,  80,  100,  150,  200,  250,   300,   350,   400,
       450, 500, 600, 700, 800, 900, 1000, 2000, 5000, 10000, 20000, 50000, 100000},
      1e-3);
  return bounds;
}

const Bounds& ColdStartBounds() {
  static const Bounds bounds({0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                              2.5, 5, 10, 30, 60, 120, 300},
                             1);
  return bounds;
}

void HistogramSnapshot::Observe(const Bounds& bounds, std::chrono::nanoseconds value) {
  counts.resize(bounds.buckets());
  std::int64_t ns = std::max<std::int64_t>(0, value.count());
  ++counts[bounds.BucketOf(ns)];
  sum_ns += static_cast<std::uint64_t>(ns);
}

void HistogramSnapshot::Add(const HistogramSnapshot& other) {
  counts.resize(std::max(counts.size(), other.counts.size()));
  for (std::size_t i = 0; i < other.counts.size(); ++i) counts[i] += other.counts[i];
  sum_ns += other.sum_ns;
}

std::uint64_t HistogramSnapshot::count() const {
  std::uint64_t n = 0;
  for (std::uint64_t c : counts) n += c;
  return n;
}

void LocalHistogram::AddTo(const Bounds& bounds, HistogramSnapshot& out) const {
  out.counts.resize(bounds.buckets());
  for (std::size_t i = 0; i < bounds.buckets(); ++i) {
    out.counts[i] += counts_[i].load(std::memory_order_relaxed);
  }
  out.sum_ns += sum_ns_.load(std::memory_order_relaxed);
}

}  // namespace ebb::metrics
