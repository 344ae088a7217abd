#include "load/plot.h"

#include <gtest/gtest.h>

namespace ebb::load {
namespace {

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

ResultSet Results(int ok, int errors) {
  ResultSet set;
  std::uint32_t error = set.InternError("503 Service Unavailable");
  for (int i = 0; i < ok + errors; ++i) {
    HitResult r;
    r.timestamp_ns = 1'000'000'000 + i * 10'000'000LL;
    r.latency_ns = 1'000'000 + (i % 7) * 100'000;
    r.code = i < ok ? 200 : 503;
    r.error = i < ok ? 0 : error;
    set.results.push_back(r);
  }
  return set;
}

TEST(BuildSeries, SplitsOkAndErrorsRelativeToOrigin) {
  PlotSeries s = BuildSeries(Results(3, 2), 1'000'000'000, 100);
  ASSERT_EQ(s.ok.size(), 3u);
  ASSERT_EQ(s.errors.size(), 2u);
  EXPECT_DOUBLE_EQ(s.ok[1].seconds, 0.01);
  EXPECT_DOUBLE_EQ(s.ok[1].latency_ms, 1.1);
  EXPECT_DOUBLE_EQ(s.errors[0].seconds, 0.03);
  EXPECT_EQ(s.ok_total, 3u);
}

TEST(BuildSeries, ThinsLongSeriesKeepingExtremes) {
  ResultSet set = Results(10'000, 0);
  set.results[5'000].latency_ns = 900'000'000;  // an outlier must survive thinning
  PlotSeries s = BuildSeries(set, 1'000'000'000, 1'000);
  EXPECT_LE(s.ok.size(), 1'002u);
  EXPECT_GE(s.ok.size(), 500u);
  EXPECT_EQ(s.ok_total, 10'000u);
  double max = 0;
  for (const PlotPoint& p : s.ok) max = std::max(max, p.latency_ms);
  EXPECT_DOUBLE_EQ(max, 900);
}

TEST(PlotHtml, SelfContainedWithDataAndChartScript) {
  PlotInput input;
  input.title = "ebb load: GET http://127.0.0.1/ </script> at 50/1s";
  input.subtitle = "Instances of service default/hello";
  input.series = BuildSeries(Results(3, 2), 1'000'000'000, 100);
  input.instances = {{std::chrono::milliseconds(0), {0, 0}},
                     {std::chrono::milliseconds(500), {2, 1}}};
  std::string html = PlotHtml(input);
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  EXPECT_EQ(Count(html, "https://"), 0u);
  EXPECT_EQ(Count(html, "<link"), 0u);
  EXPECT_EQ(Count(html, "</script>"), 2u) << "the title must not close the data block";
  EXPECT_EQ(Count(html, "src="), 0u);
  EXPECT_NE(html.find("\"ok\":[[0.0000,1.0000],[0.0100,1.1000],[0.0200,1.2000]]"),
            std::string::npos);
  EXPECT_NE(html.find("\"err\":[[0.0300,1.3000],[0.0400,1.4000]]"), std::string::npos);
  EXPECT_NE(html.find("\"instances\":[[0.000,0,0],[0.500,2,1]]"), std::string::npos);
  EXPECT_NE(html.find("data-error-points"), std::string::npos);
  EXPECT_NE(html.find("Time since start (s)"), std::string::npos);
  EXPECT_NE(html.find("Instances ready"), std::string::npos);
}

}  // namespace
}  // namespace ebb::load
