#include "autoscaler/concurrency.h"

#include <algorithm>
#include <thread>

namespace ebb::autoscaler {
namespace {

std::uint64_t Nanos(Time t) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
}

}  // namespace

double Sample::RequestsPerSecond() const {
  double seconds = ToSeconds(period);
  return seconds > 0 ? static_cast<double>(request_count) / seconds : 0;
}

Sample& Sample::operator+=(const Sample& other) {
  average_concurrency += other.average_concurrency;
  request_count += other.request_count;
  period = std::max(period, other.period);
  return *this;
}

ConcurrencyRecorder::ConcurrencyRecorder(Time start) : last_time_(start) {}

void ConcurrencyRecorder::Start(Time t) {
  // Only this thread writes the counters, so plain relaxed loads see its own latest values.
  Publish(in_flight_.load(std::memory_order_relaxed) + 1,
          offset_.load(std::memory_order_relaxed) - Nanos(t),
          arrivals_.load(std::memory_order_relaxed) + 1);
}

void ConcurrencyRecorder::End(Time t) {
  Publish(in_flight_.load(std::memory_order_relaxed) - 1,
          offset_.load(std::memory_order_relaxed) + Nanos(t),
          arrivals_.load(std::memory_order_relaxed));
}

// Writer half of a sequence lock: the collector retries any read that overlaps these stores,
// so it never combines an updated in-flight count with a stale offset (an error of T·1 ns).
// Release stores on the data (no standalone fences, which TSan cannot model): a reader whose
// acquire load sees any of them also sees the odd sequence number stored before them.
void ConcurrencyRecorder::Publish(std::uint64_t in_flight, std::uint64_t offset,
                                  std::uint64_t arrivals) {
  std::uint64_t seq = seq_.load(std::memory_order_relaxed);
  seq_.store(seq + 1, std::memory_order_relaxed);
  in_flight_.store(in_flight, std::memory_order_release);
  offset_.store(offset, std::memory_order_release);
  arrivals_.store(arrivals, std::memory_order_release);
  seq_.store(seq + 2, std::memory_order_release);
}

ConcurrencyRecorder::Snapshot ConcurrencyRecorder::Read() const {
  for (;;) {
    std::uint64_t before = seq_.load(std::memory_order_acquire);
    Snapshot s{in_flight_.load(std::memory_order_acquire), offset_.load(std::memory_order_acquire),
               arrivals_.load(std::memory_order_acquire)};
    if ((before & 1) == 0 && seq_.load(std::memory_order_relaxed) == before) return s;
    std::this_thread::yield();  // the owner is mid-update; it finishes in a few instructions
  }
}

Sample ConcurrencyRecorder::Collect(Time now) {
  if (now <= last_time_) return Sample{};
  Snapshot s = Read();
  std::uint64_t area = s.offset + s.in_flight * Nanos(now);
  // Signed: an event the owner stamped on one side of `now` but published on the other (it
  // read its clock, then was preempted) can make the period's share slightly negative. Report
  // 0 and keep the old baseline, so the next period absorbs the deficit and the sum of all
  // periods stays exact.
  auto delta = static_cast<std::int64_t>(area - last_area_);
  std::int64_t share = std::max<std::int64_t>(0, delta);
  Sample sample;
  sample.period = now - last_time_;
  auto period_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(sample.period).count();
  sample.average_concurrency = static_cast<double>(share) / static_cast<double>(period_ns);
  sample.request_count = static_cast<std::int64_t>(s.arrivals - last_arrivals_);
  last_time_ = now;
  last_area_ += static_cast<std::uint64_t>(share);
  last_arrivals_ = s.arrivals;
  return sample;
}

std::int64_t ConcurrencyRecorder::InFlight() const {
  return static_cast<std::int64_t>(in_flight_.load(std::memory_order_relaxed));
}

}  // namespace ebb::autoscaler
