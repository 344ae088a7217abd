// MetricWindow: the 1 s bucketed window of one metric series (knative-spec.md §2.4; Knative's
// aggregation.TimedFloat64Buckets / WeightedFloat64Buckets).
//
// Values recorded in the same 1 s bucket are summed, so a bucket holds the revision-wide total
// for that second. A write starts an "activity period" when nothing was written for a whole
// window (or never); the period's first write bounds the averages from below.
//
// Linear average at `now` (the default algorithm): the mean of the buckets from
// max(first write, now − window + 1 s) to the last write. So a partial window at the start
// averages only the seconds since the first write; seconds after the last write are left out
// (no data is not zero); gaps between writes count as zeros. Nothing written for ≥ window → 0.
// Rounded to 6 decimals.
//
// Weighted exponential (opt-in): α = max(1 − 0.0001^(1/buckets), 0.2); walking back from the
// last write, bucket i (0 = newest) weighs α(1−α)^(i+k) where k is how many whole seconds `now`
// is past the last write; only buckets within the window count.
//
// Single-threaded: the owner (a RevisionAutoscaler) serialises all calls.
#pragma once

#include <cstdint>
#include <vector>

#include "autoscaler/spec.h"
#include "autoscaler/timing.h"

namespace ebb::autoscaler {

class MetricWindow {
 public:
  MetricWindow(Seconds window, Aggregation algorithm);

  // Adds `value` to the bucket of t's second. Writes older than the last write are added to
  // their bucket while it is still inside the window, and dropped when it is not.
  void Record(Time t, double value);

  // The algorithm's average at `now`.
  double Average(Time now) const;
  double LinearAverage(Time now) const;
  double WeightedAverage(Time now) const;

  // True when nothing was written within the window before `now` (Knative: "no data").
  bool IsEmpty(Time now) const;

  // Changes the window length, keeping the newest min(old, new) seconds of data.
  void Resize(Seconds window);
  void set_algorithm(Aggregation algorithm) { algorithm_ = algorithm; }

  Seconds window() const { return Seconds(Size()); }
  Aggregation algorithm() const { return algorithm_; }
  // The smoothing factor α of the weighted average for this window length.
  double Alpha() const;

 private:
  std::int64_t Size() const { return static_cast<std::int64_t>(buckets_.size()); }
  double& Bucket(std::int64_t second);
  double Bucket(std::int64_t second) const;
  void Reset(std::int64_t second);

  std::vector<double> buckets_;  // second s lives at s mod size
  Aggregation algorithm_;
  bool written_ = false;          // anything recorded yet
  std::int64_t first_write_ = 0;  // absolute seconds (SecondIndex)
  std::int64_t last_write_ = 0;
};

// x rounded to 6 decimals, as Knative rounds window averages.
double RoundToMicros(double x);

}  // namespace ebb::autoscaler
