#include "load/results.h"

#include <gtest/gtest.h>

namespace ebb::load {
namespace {

HitResult Hit(std::int64_t ts, std::int64_t latency, std::uint16_t code, std::uint32_t error = 0) {
  HitResult r;
  r.timestamp_ns = ts;
  r.latency_ns = latency;
  r.code = code;
  r.error = error;
  return r;
}

TEST(Quantile, NearestRank) {
  std::vector<std::int64_t> v = {10, 20, 30, 40};
  EXPECT_EQ(Quantile(v, 0.5), 20);
  EXPECT_EQ(Quantile(v, 0.51), 30);
  EXPECT_EQ(Quantile(v, 0.99), 40);
  EXPECT_EQ(Quantile(v, 0), 10);
  EXPECT_EQ(Quantile(v, 1), 40);
  EXPECT_EQ(Quantile({}, 0.5), 0);
  std::vector<std::int64_t> hundred;
  for (int i = 1; i <= 100; ++i) hundred.push_back(i);
  EXPECT_EQ(Quantile(hundred, 0.99), 99);
  EXPECT_EQ(Quantile(hundred, 0.95), 95);
}

TEST(ComputeMetrics, VegetaDefinitions) {
  ResultSet set;
  std::uint32_t refused = set.InternError("connection refused");
  std::uint32_t unavailable = set.InternError("503 Service Unavailable");
  set.results = {Hit(3'000'000'000, 100, 200), Hit(1'000'000'000, 300, 503, unavailable),
                 Hit(2'000'000'000, 200, 0, refused), Hit(4'000'000'000, 50, 301)};
  set.results[0].bytes_in = 10;
  set.results[3].bytes_out = 6;
  Metrics m = ComputeMetrics(set);
  EXPECT_EQ(m.requests, 4u);
  EXPECT_EQ(m.earliest_ns, 1'000'000'000);
  EXPECT_EQ(m.latest_ns, 4'000'000'000);
  EXPECT_EQ(m.end_ns, 4'000'000'050);
  EXPECT_EQ(m.duration, Nanos(3'000'000'000));
  EXPECT_EQ(m.wait, Nanos(50));
  EXPECT_DOUBLE_EQ(m.rate, 4.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.throughput, 2.0 / 3.00000005);
  EXPECT_DOUBLE_EQ(m.success, 0.5);  // 200 and 301 succeed
  EXPECT_EQ(m.latencies.total, Nanos(650));
  EXPECT_EQ(m.latencies.mean, Nanos(162));  // 162.5 truncated
  EXPECT_EQ(m.latencies.min, Nanos(50));
  EXPECT_EQ(m.latencies.max, Nanos(300));
  EXPECT_EQ(m.latencies.p50, Nanos(100));
  EXPECT_EQ(m.bytes_in.total, 10u);
  EXPECT_DOUBLE_EQ(m.bytes_out.mean, 1.5);
  EXPECT_EQ(m.status_codes,
            (std::map<std::string, std::uint64_t>{{"0", 1}, {"200", 1}, {"301", 1}, {"503", 1}}));
  // In order of first appearance by time, not by interning.
  EXPECT_EQ(m.errors, (std::vector<std::string>{"503 Service Unavailable", "connection refused"}));
}

TEST(ComputeMetrics, ZeroDurationKeepsRawCountsAsVegeta) {
  ResultSet set;
  set.results = {Hit(5, 10, 200), Hit(5, 20, 500)};
  Metrics m = ComputeMetrics(set);
  EXPECT_EQ(m.duration, Nanos(0));
  EXPECT_DOUBLE_EQ(m.rate, 2);
  EXPECT_DOUBLE_EQ(m.throughput, 1);
}

TEST(ResultSet, MergeTranslatesErrorIds) {
  ResultSet a, b;
  a.results.push_back(Hit(1, 1, 0, a.InternError("x")));
  b.InternError("y");
  b.results.push_back(Hit(2, 1, 0, b.InternError("x")));
  b.results.push_back(Hit(3, 1, 0, b.InternError("y")));
  b.results.push_back(Hit(4, 1, 200));
  a.Merge(std::move(b));
  ASSERT_EQ(a.results.size(), 4u);
  EXPECT_EQ(a.ErrorText(a.results[1]), "x");
  EXPECT_EQ(a.ErrorText(a.results[2]), "y");
  EXPECT_EQ(a.ErrorText(a.results[3]), "");
  EXPECT_EQ(a.errors.size(), 2u);
  EXPECT_EQ(a.InternError("y"), 2u);
}

TEST(ResultSet, SortByTimeThenSeq) {
  ResultSet set;
  set.results = {Hit(2, 0, 200), Hit(1, 0, 200), Hit(1, 0, 200)};
  set.results[1].seq = 9;
  set.results[2].seq = 3;
  set.SortByTime();
  EXPECT_EQ(set.results[0].seq, 3u);
  EXPECT_EQ(set.results[1].seq, 9u);
  EXPECT_EQ(set.results[2].timestamp_ns, 2);
}

}  // namespace
}  // namespace ebb::load
