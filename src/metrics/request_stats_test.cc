#include "metrics/request_stats.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace ebb::metrics {
namespace {

constexpr std::int64_t kMs = 1'000'000;

TEST(RequestStatsTest, CodeClasses) {
  EXPECT_EQ(CodeClass(0), 0);
  EXPECT_EQ(CodeClass(99), 0);
  EXPECT_EQ(CodeClass(101), 1);
  EXPECT_EQ(CodeClass(200), 2);
  EXPECT_EQ(CodeClass(599), 5);
  EXPECT_EQ(CodeClass(600), 0);
  EXPECT_EQ(CodeClassLabel(2), "2xx");
  EXPECT_EQ(CodeClassLabel(0), "0xx");
}

TEST(RequestStatsTest, CountsCodesAndLatenciesByClass) {
  RequestStats stats;
  stats.Record(200, 3 * kMs, false);
  stats.Record(200, 7 * kMs, false);
  stats.Record(404, 1 * kMs, false);
  stats.Record(0, 50 * kMs, false);
  stats.Record(200, 2000 * kMs, true);
  RequestStatsSnapshot s;
  stats.AddTo(s);
  EXPECT_EQ(s.all.codes, (std::map<int, std::uint64_t>{{0, 1}, {200, 3}, {404, 1}}));
  EXPECT_EQ(s.all.requests(), 5u);
  const HistogramSnapshot& ok = s.all.latency[2];
  EXPECT_EQ(ok.count(), 3u);
  EXPECT_EQ(ok.counts[0], 1u);   // 3 ms ≤ 5
  EXPECT_EQ(ok.counts[1], 1u);   // 7 ms ≤ 10
  EXPECT_EQ(ok.counts[20], 1u);  // 2000 ms ≤ 2000
  EXPECT_EQ(ok.sum_ns, static_cast<std::uint64_t>(2010 * kMs));
  EXPECT_EQ(s.all.latency[4].count(), 1u);
  EXPECT_EQ(s.all.latency[0].count(), 1u);
  // Only the parked request is an activator request.
  EXPECT_EQ(s.activator.codes, (std::map<int, std::uint64_t>{{200, 1}}));
  EXPECT_EQ(s.activator.latency[2].count(), 1u);
}

TEST(RequestStatsTest, CodesPastTheTableAreCountedByClass) {
  RequestStats stats;
  for (int code = 200; code < 200 + kCodeSlots; ++code) stats.Record(code, kMs, false);
  stats.Record(299, kMs, false);  // one code too many
  stats.Record(299, kMs, false);
  stats.Record(503, kMs, false);  // ditto, other class
  stats.Record(200, kMs, false);  // still in the table
  RequestStatsSnapshot s;
  stats.AddTo(s);
  EXPECT_EQ(s.all.codes.size(), static_cast<std::size_t>(kCodeSlots));
  EXPECT_EQ(s.all.codes[200], 2u);
  EXPECT_EQ(s.all.overflow[2], 2u);
  EXPECT_EQ(s.all.overflow[5], 1u);
  EXPECT_EQ(s.all.requests(), static_cast<std::uint64_t>(kCodeSlots + 4));
  EXPECT_EQ(s.all.latency[2].count() + s.all.latency[5].count(), s.all.requests());
}

TEST(RequestStatsTest, QueueWait) {
  RequestStats stats;
  stats.RecordQueueWait(2 * kMs);
  stats.RecordQueueWait(400 * kMs);
  RequestStatsSnapshot s;
  stats.AddTo(s);
  EXPECT_EQ(s.queue_wait.count(), 2u);
  EXPECT_EQ(s.queue_wait.counts[2], 1u);  // ≤ 2.5 ms
  EXPECT_EQ(s.queue_wait.sum_ns, static_cast<std::uint64_t>(402 * kMs));
}

// The gateway's pattern: each worker thread writes its own RequestStats, a scrape sums them
// while they run, and the sum at the end is exact.
TEST(RequestStatsTest, PerWorkerStatsSumExactlyUnderConcurrentScrapes) {
  constexpr int kWorkers = 3;
  constexpr int kRequests = 50'000;
  std::vector<RequestStats> workers(kWorkers);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kRequests; ++i) {
        workers[w].Record(i % 10 == 0 ? 503 : 200, (i % 50) * kMs, i % 4 == 0);
      }
    });
  }
  std::uint64_t last = 0;
  for (int scrape = 0; scrape < 200; ++scrape) {
    RequestStatsSnapshot s;
    for (const RequestStats& w : workers) w.AddTo(s);
    EXPECT_GE(s.all.requests(), last);
    last = s.all.requests();
  }
  for (std::thread& t : threads) t.join();
  RequestStatsSnapshot s;
  for (const RequestStats& w : workers) w.AddTo(s);
  EXPECT_EQ(s.all.requests(), static_cast<std::uint64_t>(kWorkers * kRequests));
  EXPECT_EQ(s.all.codes[503], static_cast<std::uint64_t>(kWorkers * kRequests / 10));
  EXPECT_EQ(s.activator.requests(), static_cast<std::uint64_t>(kWorkers * kRequests / 4));
  EXPECT_EQ(s.all.latency[2].count() + s.all.latency[5].count(), s.all.requests());
}

}  // namespace
}  // namespace ebb::metrics
