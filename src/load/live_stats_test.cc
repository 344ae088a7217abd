#include "load/live_stats.h"

#include <gtest/gtest.h>

namespace ebb::load {
namespace {

TEST(LiveStats, BucketsCoverValuesWithinTwoPercent) {
  for (std::uint64_t v : {0ull, 1ull, 127ull, 128ull, 129ull, 1000ull, 123456ull, 1'000'000'007ull,
                          30'000'000'000ull, 1ull << 62}) {
    size_t b = LiveStats::Bucket(v);
    ASSERT_LT(b, LiveStats::kBuckets);
    std::uint64_t top = LiveStats::BucketTop(b);
    EXPECT_GE(top, v);
    EXPECT_LE(static_cast<double>(top - v), static_cast<double>(v) / 64 + 1) << v;
    if (b > 0) {
      EXPECT_LT(LiveStats::BucketTop(b - 1), v);
    }
  }
}

TEST(LiveStats, CountsAndP99) {
  LiveStats live;
  for (int i = 1; i <= 100; ++i) {
    live.OnSent();
    live.OnDone(i * 1'000'000, i % 10 == 0);
  }
  live.OnSent();
  LiveStats::Snapshot s = live.Read();
  EXPECT_EQ(s.sent, 101u);
  EXPECT_EQ(s.done, 100u);
  EXPECT_EQ(s.errors, 10u);
  EXPECT_GE(s.p99, std::chrono::milliseconds(99));
  EXPECT_LE(s.p99, std::chrono::microseconds(99 * 1000 * 65 / 64));
}

TEST(FormatProgress, Line) {
  LiveStats::Snapshot s{1200, 1199, 3, Nanos(1'234'567)};
  EXPECT_EQ(FormatProgress(std::chrono::seconds(12), s),
            "   12.0s  sent 1200  100.0/s  errors 3  p99 1.235ms");
}

}  // namespace
}  // namespace ebb::load
