// What the request path pays for /metrics: RequestStats::Record (every request, at its end)
// and RecordQueueWait (parked requests), next to a steady_clock read for scale, and the cost
// of a scrape's per-revision sum. Built by hand, optimised, outside the CMake project:
//
//   g++ -O2 -g -std=c++20 -I src bench/metrics_record_bench.cc src/metrics/request_stats.cc
//       src/metrics/histogram.cc -lbenchmark -lpthread -o /tmp/metrics_record_bench
//   /tmp/metrics_record_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// Compare the per-request figure with the gateway's CPU per proxied request (about 20 µs on
// this machine, shared/reference/beast-spike.md): the goal is at most 3 %.
#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <vector>

#include "metrics/request_stats.h"

namespace {

using ebb::metrics::RequestStats;
using ebb::metrics::RequestStatsSnapshot;

// Latencies spread over the low buckets, as a fast app's are.
constexpr std::int64_t kLatencies[] = {900'000,    2'300'000, 4'100'000, 7'000'000,
                                       12'000'000, 3'300'000, 1'700'000, 45'000'000};

void BM_SteadyClockNow(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(std::chrono::steady_clock::now());
}
BENCHMARK(BM_SteadyClockNow);

void BM_RecordRequest(benchmark::State& state) {
  auto stats = std::make_unique<RequestStats>();
  std::size_t i = 0;
  for (auto _ : state) {
    stats->Record(200, kLatencies[i++ & 7], false);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_RecordRequest);

// Several codes in the table: the slot scan goes further.
void BM_RecordRequestMixedCodes(benchmark::State& state) {
  constexpr int kCodes[] = {200, 404, 200, 503, 200, 302, 200, 500};
  auto stats = std::make_unique<RequestStats>();
  std::size_t i = 0;
  for (auto _ : state) {
    stats->Record(kCodes[i & 7], kLatencies[i & 7], false);
    ++i;
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_RecordRequestMixedCodes);

void BM_RecordParkedRequest(benchmark::State& state) {
  auto stats = std::make_unique<RequestStats>();
  std::size_t i = 0;
  for (auto _ : state) {
    stats->RecordQueueWait(kLatencies[i & 7] / 2);
    stats->Record(200, kLatencies[i++ & 7], true);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_RecordParkedRequest);

// Each thread is a worker with its own RequestStats: nothing is shared, so the per-request
// cost must not grow with threads.
void BM_RecordRequestPerWorker(benchmark::State& state) {
  static std::vector<std::unique_ptr<RequestStats>> workers;
  if (state.thread_index() == 0) {
    workers.clear();
    for (int t = 0; t < state.threads(); ++t) workers.push_back(std::make_unique<RequestStats>());
  }
  std::size_t i = 0;
  for (auto _ : state) {
    workers[state.thread_index()]->Record(200, kLatencies[i++ & 7], false);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_RecordRequestPerWorker)->Threads(1)->Threads(2);

// Scrape side (not on the request path): summing one revision over two workers.
void BM_ScrapeOneRevisionTwoWorkers(benchmark::State& state) {
  RequestStats w1, w2;
  w1.Record(200, 1'000'000, false);
  w2.Record(404, 9'000'000, true);
  for (auto _ : state) {
    RequestStatsSnapshot s;
    w1.AddTo(s);
    w2.AddTo(s);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_ScrapeOneRevisionTwoWorkers);

}  // namespace

BENCHMARK_MAIN();
