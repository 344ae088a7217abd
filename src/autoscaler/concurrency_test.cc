#include "autoscaler/concurrency.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include "common/clock.h"

namespace ebb::autoscaler {
namespace concurrency_test {

using std::chrono::microseconds;
using std::chrono::milliseconds;

class ConcurrencyRecorderTest : public ::testing::Test {
 protected:
  Time At(milliseconds ms) const { return t0_ + ms; }

  FakeClock clock_;
  Time t0_ = clock_.Steady();
  ConcurrencyRecorder rec_{t0_};
};

TEST_F(ConcurrencyRecorderTest, IdlePeriodIsZero) {
  Sample s = rec_.Collect(At(milliseconds(1000)));
  EXPECT_DOUBLE_EQ(s.average_concurrency, 0);
  EXPECT_EQ(s.request_count, 0);
  EXPECT_EQ(s.period, Seconds(1));
}

TEST_F(ConcurrencyRecorderTest, TwoRequestsOverlappingHalfASecond) {
  rec_.Start(At(milliseconds(0)));
  rec_.Start(At(milliseconds(500)));
  rec_.End(At(milliseconds(1000)));
  rec_.End(At(milliseconds(1000)));
  Sample s = rec_.Collect(At(milliseconds(1000)));
  EXPECT_DOUBLE_EQ(s.average_concurrency, 1.5);
  EXPECT_EQ(s.request_count, 2);
  EXPECT_DOUBLE_EQ(s.RequestsPerSecond(), 2);
}

TEST_F(ConcurrencyRecorderTest, ShortRequestInTheMiddle) {
  rec_.Start(At(milliseconds(250)));
  rec_.End(At(milliseconds(750)));
  EXPECT_DOUBLE_EQ(rec_.Collect(At(milliseconds(1000))).average_concurrency, 0.5);
}

TEST_F(ConcurrencyRecorderTest, RequestSpanningPeriodsIsSplitBetweenThem) {
  rec_.Start(At(milliseconds(500)));
  Sample first = rec_.Collect(At(milliseconds(1000)));
  EXPECT_DOUBLE_EQ(first.average_concurrency, 0.5);
  EXPECT_EQ(first.request_count, 1);
  EXPECT_EQ(rec_.InFlight(), 1);
  rec_.End(At(milliseconds(1250)));
  Sample second = rec_.Collect(At(milliseconds(2000)));
  EXPECT_DOUBLE_EQ(second.average_concurrency, 0.25);
  EXPECT_EQ(second.request_count, 0);  // arrivals are counted once, when they start
  EXPECT_EQ(rec_.InFlight(), 0);
}

TEST_F(ConcurrencyRecorderTest, LongRequestCountsOneInEveryPeriod) {
  rec_.Start(At(milliseconds(0)));
  for (int i = 1; i <= 5; ++i) {
    EXPECT_DOUBLE_EQ(rec_.Collect(At(milliseconds(1000 * i))).average_concurrency, 1) << i;
  }
}

TEST_F(ConcurrencyRecorderTest, AverageIsOverTheWholeElapsedPeriod) {
  for (int i = 0; i < 4; ++i) rec_.Start(At(milliseconds(0)));
  for (int i = 0; i < 4; ++i) rec_.End(At(milliseconds(1000)));
  Sample s = rec_.Collect(At(milliseconds(2000)));  // a 2 s period: 4 busy for half of it
  EXPECT_DOUBLE_EQ(s.average_concurrency, 2);
  EXPECT_EQ(s.request_count, 4);
  EXPECT_DOUBLE_EQ(s.RequestsPerSecond(), 2);
}

TEST_F(ConcurrencyRecorderTest, CollectingTwiceAtTheSameInstantGivesAnEmptySample) {
  rec_.Start(At(milliseconds(100)));
  rec_.Collect(At(milliseconds(1000)));
  Sample s = rec_.Collect(At(milliseconds(1000)));
  EXPECT_EQ(s, Sample{});
  EXPECT_DOUBLE_EQ(s.RequestsPerSecond(), 0);
  // ... and the next period still starts at 1000 ms.
  EXPECT_DOUBLE_EQ(rec_.Collect(At(milliseconds(1500))).average_concurrency, 1);
}

TEST_F(ConcurrencyRecorderTest, StartStampedAfterTheCollectInstantIsNeverNegative) {
  // The owner read its clock after the collector did: this period gets nothing of it (not -10
  // ms) and the next period gets exactly the whole request.
  rec_.Start(At(milliseconds(1010)));
  EXPECT_DOUBLE_EQ(rec_.Collect(At(milliseconds(1000))).average_concurrency, 0);
  rec_.End(At(milliseconds(1510)));
  EXPECT_DOUBLE_EQ(rec_.Collect(At(milliseconds(2000))).average_concurrency, 0.5);
}

TEST(Sample, SumsRecordersOfTheSamePeriod) {
  Sample a{1.5, 3, Seconds(1)};
  Sample b{0.25, 1, Seconds(1)};
  a += b;
  EXPECT_DOUBLE_EQ(a.average_concurrency, 1.75);
  EXPECT_EQ(a.request_count, 4);
  EXPECT_EQ(a.period, Seconds(1));
}

// The owner thread records while the collector thread collects. A consistent reading of the
// counters gives an integral within a few seconds' worth of the truth; a torn one (the in-flight
// count of one update with the offset of another) would be off by about the clock's value since
// its epoch, ~1.78e18 ns here. A reading may legitimately count a request as running until the
// collect instant although it ended earlier in the owner's time; later periods absorb that, so
// the shares add up to at least the true total (the largest integral seen).
TEST(ConcurrencyRecorderThreads, CollectorSeesConsistentCounters) {
  constexpr int kRequests = 300'000;
  const Time base = FakeClock().Steady();
  ConcurrencyRecorder rec(base);
  std::atomic<bool> done{false};
  std::thread owner([&] {
    for (int i = 0; i < kRequests; ++i) {
      Time t = base + microseconds(3 * i);
      rec.Start(t);
      rec.Start(t + microseconds(1));
      rec.End(t + microseconds(2));
      rec.End(t + microseconds(3));
    }
    done.store(true, std::memory_order_release);
  });
  const double total_ns = kRequests * 4'000.0;  // 3 µs + 1 µs of busy time per iteration
  const Time after = base + microseconds(3 * kRequests) + Seconds(1);
  const double sane_ns = 1e12;  // far above any legitimate share, far below a torn one
  double sum_ns = 0;
  std::int64_t arrivals = 0;
  std::int64_t collects = 0;
  auto collect = [&] {
    Sample s = rec.Collect(after + std::chrono::nanoseconds(++collects));
    double share = s.average_concurrency * static_cast<double>(s.period.count());
    EXPECT_LT(share, sane_ns) << "collect " << collects;
    sum_ns += share;
    arrivals += s.request_count;
  };
  while (!done.load(std::memory_order_acquire)) collect();
  owner.join();
  collect();
  EXPECT_GE(sum_ns, total_ns * (1 - 1e-9));
  EXPECT_EQ(arrivals, 2 * kRequests);
  EXPECT_EQ(rec.InFlight(), 0);
}

}  // namespace concurrency_test
}  // namespace ebb::autoscaler
