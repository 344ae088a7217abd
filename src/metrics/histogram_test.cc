#include "metrics/histogram.h"

#include <gtest/gtest.h>

#include <thread>

namespace ebb::metrics {
namespace {

using std::chrono::milliseconds;

TEST(BoundsTest, BucketsAreInclusiveUpperBounds) {
  Bounds b({1, 10}, 1e-3);
  EXPECT_EQ(b.buckets(), 3u);
  EXPECT_EQ(b.BucketOf(-5), 0u);
  EXPECT_EQ(b.BucketOf(0), 0u);
  EXPECT_EQ(b.BucketOf(1'000'000), 0u);  // exactly 1 ms
  EXPECT_EQ(b.BucketOf(1'000'001), 1u);
  EXPECT_EQ(b.BucketOf(10'000'000), 1u);
  EXPECT_EQ(b.BucketOf(10'000'001), 2u);  // +Inf
  EXPECT_DOUBLE_EQ(b.ToUnit(2'500'000), 2.5);
}

TEST(BoundsTest, KnativeLatencyBucketsInMilliseconds) {
  const Bounds& b = KnativeLatencyBounds();
  ASSERT_EQ(b.buckets(), 27u);
  EXPECT_EQ(b.upper(0), 5);
  EXPECT_EQ(b.upper(6), 100);
  EXPECT_EQ(b.upper(25), 100000);
  EXPECT_EQ(b.BucketOf(milliseconds(7).count() * 1'000'000), 1u);
  EXPECT_DOUBLE_EQ(b.ToUnit(1'000'000), 1.0);
}

TEST(BoundsTest, ColdStartBucketsInSeconds) {
  const Bounds& b = ColdStartBounds();
  EXPECT_EQ(b.upper(0), 0.0005);
  EXPECT_EQ(b.BucketOf(2'000'000), 2u);  // 2 ms ≤ 2.5 ms
  EXPECT_DOUBLE_EQ(b.ToUnit(1'500'000'000), 1.5);
}

TEST(HistogramSnapshotTest, ObservesAndAdds) {
  Bounds b({1}, 1);
  HistogramSnapshot x, y;
  x.Observe(b, milliseconds(10));
  y.Observe(b, milliseconds(2000));
  y.Observe(b, milliseconds(-1));  // counted as 0
  x.Add(y);
  EXPECT_EQ(x.counts, (std::vector<std::uint64_t>{2, 1}));
  EXPECT_EQ(x.count(), 3u);
  EXPECT_EQ(x.sum_ns, 2'010'000'000u);
}

TEST(LocalHistogramTest, WorkersAreSummedOnRead) {
  Bounds b({1, 2}, 1);
  LocalHistogram w1, w2;
  w1.Observe(b, 500'000'000);
  w1.Observe(b, 1'500'000'000);
  w2.Observe(b, 9'000'000'000);
  HistogramSnapshot s;
  w1.AddTo(b, s);
  w2.AddTo(b, s);
  EXPECT_EQ(s.counts, (std::vector<std::uint64_t>{1, 1, 1}));
  EXPECT_EQ(s.sum_ns, 11'000'000'000u);
}

// One writer, one concurrent reader: every read is a consistent-enough prefix (counts never go
// down) and the final read sees every observation.
TEST(LocalHistogramTest, ReaderSeesMonotonicCountsWhileWriterRuns) {
  const Bounds& b = KnativeLatencyBounds();
  LocalHistogram h;
  constexpr int kN = 200'000;
  std::thread writer([&] {
    for (int i = 0; i < kN; ++i) h.Observe(b, (i % 100) * 1'000'000);
  });
  std::uint64_t last = 0;
  for (int i = 0; i < 1000; ++i) {
    HistogramSnapshot s;
    h.AddTo(b, s);
    EXPECT_GE(s.count(), last);
    last = s.count();
  }
  writer.join();
  HistogramSnapshot s;
  h.AddTo(b, s);
  EXPECT_EQ(s.count(), static_cast<std::uint64_t>(kN));
}

}  // namespace
}  // namespace ebb::metrics
