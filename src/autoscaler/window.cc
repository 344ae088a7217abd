#include "autoscaler/window.h"

#include <algorithm>
#include <cmath>

namespace ebb::autoscaler {
namespace {

// Weighted average: the oldest bucket of a long window still counts for at least this much.
constexpr double kMinExponent = 0.0001;
constexpr double kMinAlpha = 0.2;

std::int64_t Mod(std::int64_t a, std::int64_t n) { return ((a % n) + n) % n; }

}  // namespace

double RoundToMicros(double x) { return std::round(x * 1e6) / 1e6; }

MetricWindow::MetricWindow(Seconds window, Aggregation algorithm)
    : buckets_(static_cast<size_t>(std::max<Seconds::rep>(1, window.count())), 0.0),
      algorithm_(algorithm) {}

double& MetricWindow::Bucket(std::int64_t second) {
  return buckets_[static_cast<size_t>(Mod(second, Size()))];
}

double MetricWindow::Bucket(std::int64_t second) const {
  return buckets_[static_cast<size_t>(Mod(second, Size()))];
}

void MetricWindow::Reset(std::int64_t second) {
  std::fill(buckets_.begin(), buckets_.end(), 0.0);
  written_ = true;
  first_write_ = second;
  last_write_ = second;
}

void MetricWindow::Record(Time t, double value) {
  std::int64_t s = SecondIndex(t);
  if (!written_ || s - last_write_ >= Size()) {
    Reset(s);  // a new activity period
  } else if (s > last_write_) {
    // The seconds skipped since the last write had no data: their slots still hold values
    // from a window ago.
    for (std::int64_t gap = last_write_ + 1; gap <= s; ++gap) Bucket(gap) = 0;
    last_write_ = s;
  } else if (last_write_ - s >= Size()) {
    return;  // a late write for a second that has left the window
  }
  first_write_ = std::min(first_write_, s);
  Bucket(s) += value;
}

double MetricWindow::Average(Time now) const {
  return algorithm_ == Aggregation::kLinear ? LinearAverage(now) : WeightedAverage(now);
}

double MetricWindow::LinearAverage(Time now) const {
  std::int64_t now_s = SecondIndex(now);
  if (!written_ || now_s - last_write_ >= Size()) return 0;
  std::int64_t lo = std::max(first_write_, std::max(now_s, last_write_) - Size() + 1);
  double sum = 0;
  for (std::int64_t s = lo; s <= last_write_; ++s) sum += Bucket(s);
  return RoundToMicros(sum / static_cast<double>(last_write_ - lo + 1));
}

double MetricWindow::Alpha() const {
  return std::max(1 - std::pow(kMinExponent, 1.0 / static_cast<double>(Size())), kMinAlpha);
}

double MetricWindow::WeightedAverage(Time now) const {
  std::int64_t since_last = std::max<std::int64_t>(0, SecondIndex(now) - last_write_);
  if (!written_ || since_last >= Size()) return 0;
  double alpha = Alpha();
  double weight = alpha * std::pow(1 - alpha, static_cast<double>(since_last));
  double sum = 0;
  std::int64_t oldest = std::max(first_write_, last_write_ - (Size() - since_last) + 1);
  for (std::int64_t s = last_write_; s >= oldest; --s) {
    sum += Bucket(s) * weight;
    weight *= 1 - alpha;
  }
  return sum;
}

bool MetricWindow::IsEmpty(Time now) const {
  return !written_ || SecondIndex(now) - last_write_ > Size();
}

void MetricWindow::Resize(Seconds window) {
  std::int64_t size = std::max<Seconds::rep>(1, window.count());
  if (size == Size()) return;
  std::vector<double> resized(static_cast<size_t>(size), 0.0);
  if (written_) {
    std::int64_t keep = std::min(size, Size());
    for (std::int64_t s = last_write_; s > last_write_ - keep; --s) {
      resized[static_cast<size_t>(Mod(s, size))] = Bucket(s);
    }
  }
  buckets_ = std::move(resized);
}

}  // namespace ebb::autoscaler
