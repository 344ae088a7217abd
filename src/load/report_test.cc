// The three report layouts against Vegeta's own examples (its README and real runs quoted in
// shared/reference/anchors.md §5 sources), from result sets built so that exact order statistics
// give the same numbers.
#include "load/report.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

namespace ebb::load {
namespace {

using Group = std::pair<int, std::int64_t>;  // count, latency ns

std::vector<std::int64_t> Expand(const std::vector<Group>& groups) {
  std::vector<std::int64_t> out;
  for (const auto& [count, latency] : groups) out.insert(out.end(), count, latency);
  return out;
}

// Hits at `timestamps`; the last one gets `last_latency`, the others the remaining latencies
// from the largest down, so that the last hit is the one that ends last (Vegeta's "wait").
ResultSet Build(const std::vector<std::int64_t>& timestamps, std::vector<std::int64_t> latencies,
                std::int64_t last_latency) {
  auto it = std::find(latencies.begin(), latencies.end(), last_latency);
  latencies.erase(it);
  std::sort(latencies.rbegin(), latencies.rend());
  latencies.push_back(last_latency);
  ResultSet set;
  for (size_t i = 0; i < timestamps.size(); ++i) {
    HitResult r;
    r.timestamp_ns = timestamps[i];
    r.latency_ns = latencies[i];
    r.seq = i;
    r.code = 200;
    set.results.push_back(r);
  }
  return set;
}

std::vector<std::int64_t> Evenly(int n, std::int64_t first, std::int64_t step) {
  std::vector<std::int64_t> out;
  for (int i = 0; i < n; ++i) out.push_back(first + i * step);
  return out;
}

// echo "GET http://localhost:8080/users" | vegeta attack -duration=15s -rate=200 | vegeta report
TEST(TextReport, MatchesVegetaRunAllOk) {
  std::vector<Group> groups = {{1499, 428'250},  {961, 1'252'000}, {1, 1'339'000},
                               {1, 1'598'250},   {238, 3'208'000}, {150, 4'227'000},
                               {120, 8'217'000}, {30, 33'845'000}};
  ResultSet set =
      Build(Evenly(3000, 1'700'000'000'000'000'000, 5'000'000), Expand(groups), 1'339'000);
  for (HitResult& r : set.results) r.bytes_in = 47;
  EXPECT_EQ(TextReport(ComputeMetrics(set)),
            "Requests      [total, rate, throughput]         3000, 200.07, 200.05\n"
            "Duration      [total, attack, wait]             14.996s, 14.995s, 1.339ms\n"
            "Latencies     [min, mean, 50, 90, 95, 99, max]  428.25µs, 1.749ms, 1.252ms, "
            "3.208ms, 4.227ms, 8.217ms, 33.845ms\n"
            "Bytes In      [total, mean]                     141000, 47.00\n"
            "Bytes Out     [total, mean]                     0, 0.00\n"
            "Success       [ratio]                           100.00%\n"
            "Status Codes  [code:count]                      200:3000  \n"
            "Error Set:\n");
}

// A run with connection errors (code 0) and several distinct errors.
TEST(TextReport, MatchesVegetaRunWithErrors) {
  std::vector<Group> groups = {{2999, 609'326},      {2400, 1'154'000},  {299, 1'566'000},
                               {1, 2'909'000},       {138, 34'676'000},  {1, 1'048'600'326},
                               {102, 2'178'000'000}, {60, 2'740'000'000}};
  std::vector<std::int64_t> times = Evenly(6000, 1'700'000'000'000'000'000, 10'000'000);
  times.back() = times.front() + 59'992'000'000;
  ResultSet set = Build(times, Expand(groups), 2'909'000);
  const char* errors[] = {
      "Get \"https://cafe.example.com/tea\": read: connection reset by peer",
      "Get \"https://cafe.example.com/tea\": EOF",
      "Get \"https://cafe.example.com/tea\": dial tcp 10.138.0.107:443: connect: connection "
      "refused",
      "Get \"https://cafe.example.com/tea\": timeout: no response within 30s"};
  for (int i = 0; i < 18; ++i) {
    HitResult& r = set.results[100 + i * 7];
    r.code = 0;
    r.error = set.InternError(errors[std::min(i, 3)]);
  }
  int extra = 929'228 - 5982 * 155;  // spread the bytes over the answered hits
  for (HitResult& r : set.results) {
    if (r.code == 0) continue;
    r.bytes_in = 155 + (extra-- > 0 ? 1 : 0);
  }
  EXPECT_EQ(TextReport(ComputeMetrics(set)),
            "Requests      [total, rate, throughput]         6000, 100.01, 99.71\n"
            "Duration      [total, attack, wait]             59.995s, 59.992s, 2.909ms\n"
            "Latencies     [min, mean, 50, 90, 95, 99, max]  609.326µs, 66.243ms, 1.154ms, "
            "1.566ms, 34.676ms, 2.178s, 2.74s\n"
            "Bytes In      [total, mean]                     929228, 154.87\n"
            "Bytes Out     [total, mean]                     0, 0.00\n"
            "Success       [ratio]                           99.70%\n"
            "Status Codes  [code:count]                      0:18  200:5982  \n"
            "Error Set:\n" +
                std::string(errors[0]) + "\n" + errors[1] + "\n" + errors[2] + "\n" + errors[3] +
                "\n");
}

TEST(TextReport, StatusCodesSortAsStringsAndEmptyRunPrints) {
  ResultSet set;
  for (int code : {503, 200, 0, 1000, 404, 200}) {
    HitResult r;
    r.code = static_cast<std::uint16_t>(code);
    r.latency_ns = 1'000'000;
    set.results.push_back(r);
  }
  std::string text = TextReport(ComputeMetrics(set));
  EXPECT_NE(text.find("0:1  1000:1  200:2  404:1  503:1  \n"), std::string::npos) << text;
  EXPECT_EQ(TextReport(ComputeMetrics(ResultSet{})),
            "Requests      [total, rate, throughput]         0, 0.00, 0.00\n"
            "Duration      [total, attack, wait]             0s, 0s, 0s\n"
            "Latencies     [min, mean, 50, 90, 95, 99, max]  0s, 0s, 0s, 0s, 0s, 0s, 0s\n"
            "Bytes In      [total, mean]                     0, 0.00\n"
            "Bytes Out     [total, mean]                     0, 0.00\n"
            "Success       [ratio]                           0.00%\n"
            "Status Codes  [code:count]                      \n"
            "Error Set:\n");
}

// Vegeta README's json example (the fields it shows); 90th, min and throughput from this set.
TEST(JsonReport, MatchesVegetaReadmeExample) {
  std::vector<Group> groups = {{43, 1'000'000}, {1, 2'697'595}, {6, 2'854'306}, {45, 3'478'629},
                               {1, 3'507'222},  {3, 3'530'000}, {1, 3'660'505}};
  // 2015-09-19T14:45:50.645818631+02:00
  const std::int64_t earliest = 1'442'666'750'645'818'631;
  std::vector<std::int64_t> times;
  for (int i = 0; i < 100; ++i) times.push_back(earliest + 989'999'944LL * i / 99);
  ResultSet set = Build(times, Expand(groups), 3'507'222);
  for (HitResult& r : set.results) r.bytes_in = 6067;
  Metrics m = ComputeMetrics(set);
  EXPECT_EQ(JsonReport(m, nullptr, 7200),
            "{\"latencies\":{\"total\":237119463,\"mean\":2371194,\"50th\":2854306,"
            "\"90th\":3478629,\"95th\":3478629,\"99th\":3530000,\"max\":3660505,"
            "\"min\":1000000},"
            "\"bytes_in\":{\"total\":606700,\"mean\":6067},"
            "\"bytes_out\":{\"total\":0,\"mean\":0},"
            "\"earliest\":\"2015-09-19T14:45:50.645818631+02:00\","
            "\"latest\":\"2015-09-19T14:45:51.635818575+02:00\","
            "\"end\":\"2015-09-19T14:45:51.639325797+02:00\","
            "\"duration\":989999944,\"wait\":3507222,\"requests\":100,"
            "\"rate\":101.01010672380401,\"throughput\":100.65352663998802,\"success\":1,"
            "\"status_codes\":{\"200\":100},\"errors\":[]}\n");
}

TEST(JsonReport, BucketsAfterLatenciesAndErrorsListed) {
  ResultSet set;
  for (std::int64_t latency : {500'000, 1'500'000, 2'500'000, 7'000'000}) {
    HitResult r;
    r.latency_ns = latency;
    r.code = latency > 5'000'000 ? 503 : 200;
    r.error = r.code == 503 ? set.InternError("503 Service Unavailable") : 0;
    set.results.push_back(r);
  }
  Histogram h = ComputeHistogram(set, {Nanos(0), Nanos(1'000'000), Nanos(2'000'000)});
  std::string json = JsonReport(ComputeMetrics(set), &h, 0);
  EXPECT_NE(json.find("\"min\":500000},\"buckets\":{\"0\":1,\"1000000\":1,\"2000000\":2},"
                      "\"bytes_in\""),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"status_codes\":{\"200\":3,\"503\":1},"
                      "\"errors\":[\"503 Service Unavailable\"]}\n"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"earliest\":\"1970-01-01T00:00:00Z\""), std::string::npos) << json;
}

// Vegeta README: cat results.bin | vegeta report -type='hist[0,2ms,4ms,6ms]'
TEST(HistReport, MatchesVegetaReadmeExample) {
  Histogram h;
  h.buckets = {Nanos(0), std::chrono::milliseconds(2), std::chrono::milliseconds(4),
               std::chrono::milliseconds(6)};
  h.counts = {6007, 5505, 2117, 4771};
  h.total = 18400;
  // The README predates Go printing a zero Duration as "0s" (Go 1.7); current Vegeta prints it.
  EXPECT_EQ(HistReport(h),
            "Bucket         #     %       Histogram\n"
            "[0s,    2ms]   6007  32.65%  ########################\n"
            "[2ms,   4ms]   5505  29.92%  ######################\n"
            "[4ms,   6ms]   2117  11.51%  ########\n"
            "[6ms,   +Inf]  4771  25.93%  ###################\n");
}

TEST(HistReport, CountsFromResultsWithUpperBoundsExclusive) {
  ResultSet set;
  for (std::int64_t latency : {0, 999'999, 1'000'000, 9'999'999, 10'000'000, 50'000'000}) {
    HitResult r;
    r.latency_ns = latency;
    set.results.push_back(r);
  }
  Result<ReportType> type = ParseReportType("hist[0,1ms,10ms]", "");
  ASSERT_TRUE(type.ok());
  EXPECT_EQ(WriteReport(*type, set),
            "Bucket         #  %       Histogram\n"
            "[0s,    1ms]   2  33.33%  #########################\n"
            "[1ms,   10ms]  2  33.33%  #########################\n"
            "[10ms,  +Inf]  2  33.33%  #########################\n");
}

TEST(ComputeHistogram, LatencyBelowFirstBucketFallsToLastAsVegeta) {
  ResultSet set;
  HitResult r;
  r.latency_ns = 500'000;
  set.results.push_back(r);
  Histogram h = ComputeHistogram(set, {std::chrono::milliseconds(1), std::chrono::milliseconds(2)});
  EXPECT_EQ(h.counts, (std::vector<std::uint64_t>{0, 1}));
}

TEST(ParseReportType, Forms) {
  EXPECT_EQ(ParseReportType("text", "")->kind, ReportType::kText);
  EXPECT_EQ(ParseReportType("json", "")->kind, ReportType::kJson);
  EXPECT_EQ(ParseReportType("json", "[0,1ms]")->buckets.size(), 2u);
  Result<ReportType> hist = ParseReportType("hist[0, 100us, 1.5ms, 1s]", "");
  ASSERT_TRUE(hist.ok());
  EXPECT_EQ(hist->buckets,
            (std::vector<Nanos>{Nanos(0), Nanos(100'000), Nanos(1'500'000), Nanos(1'000'000'000)}));
  EXPECT_EQ(ParseReportType("hist", "[0,1ms]")->buckets.size(), 2u);
  EXPECT_FALSE(ParseReportType("hist", "").ok());
  EXPECT_FALSE(ParseReportType("hist[1ms,0]", "").ok());  // not increasing
  EXPECT_FALSE(ParseReportType("hist[0,1xs]", "").ok());
  EXPECT_FALSE(ParseReportType("csv", "").ok());
}

TEST(GoJson, FloatsAsGoWritesThem) {
  EXPECT_EQ(GoJsonFloat(1), "1");
  EXPECT_EQ(GoJsonFloat(0), "0");
  EXPECT_EQ(GoJsonFloat(0.5), "0.5");
  EXPECT_EQ(GoJsonFloat(101.01010672380401), "101.01010672380401");
  EXPECT_EQ(GoJsonFloat(1e-7), "1e-7");
  EXPECT_EQ(GoJsonFloat(1e21), "1e+21");
  EXPECT_EQ(GoJsonFloat(123456789.0), "123456789");
}

TEST(GoJson, StringsEscapeAsGo) {
  EXPECT_EQ(GoJsonString("a\"b\\c\n<&>\x01"), "\"a\\\"b\\\\c\\n\\u003c\\u0026\\u003e\\u0001\"");
  EXPECT_EQ(GoJsonString("µs"), "\"µs\"");
}

TEST(FormatRfc3339Nano, TrimsZerosAndWritesOffsets) {
  EXPECT_EQ(FormatRfc3339Nano(1'442'666'750'645'818'631, 7200),
            "2015-09-19T14:45:50.645818631+02:00");
  EXPECT_EQ(FormatRfc3339Nano(1'442'666'750'500'000'000, 0), "2015-09-19T12:45:50.5Z");
  EXPECT_EQ(FormatRfc3339Nano(1'442'666'750'000'000'000, -5 * 3600 - 1800),
            "2015-09-19T07:15:50-05:30");
}

}  // namespace
}  // namespace ebb::load
