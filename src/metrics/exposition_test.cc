#include "metrics/exposition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace ebb::metrics {
namespace {

TEST(ExpositionTest, EscapesLabelValues) {
  EXPECT_EQ(EscapeLabelValue("plain"), "plain");
  EXPECT_EQ(EscapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
}

TEST(ExpositionTest, EscapesHelpButNotQuotes) {
  EXPECT_EQ(EscapeHelp("say \"hi\"\\now\nnext"), "say \"hi\"\\\\now\\nnext");
}

TEST(ExpositionTest, FormatsValues) {
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(37), "37");
  EXPECT_EQ(FormatValue(-3), "-3");
  EXPECT_EQ(FormatValue(0.5), "0.5");
  EXPECT_EQ(FormatValue(0.0005), "0.0005");
  EXPECT_EQ(FormatValue(123456789012.0), "123456789012");
  EXPECT_EQ(FormatValue(1e20), "1e+20");
  EXPECT_EQ(FormatValue(1795657859.33), "1795657859.33");
  EXPECT_EQ(FormatValue(0.019826588), "0.019826588");
  EXPECT_EQ(FormatValue(1.5e-9), "1.5e-09");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
}

TEST(ExpositionTest, RendersFamiliesOnceInDeclarationOrder) {
  Exposition e;
  e.Declare("b_total", MetricType::kCounter, "B things.");
  e.Add("b_total", {{"x", "1"}}, 2);
  e.Declare("a", MetricType::kGauge, "An \"a\".\nSecond line.");
  e.Add("a", {}, 0.25);
  e.Declare("b_total", MetricType::kCounter, "ignored second help");
  e.Add("b_total", {{"x", "2"}, {"y", "q\""}}, 3);
  e.Declare("c", MetricType::kUntyped, "C.");
  EXPECT_EQ(e.Render(),
            "# HELP b_total B things.\n"
            "# TYPE b_total counter\n"
            "b_total{x=\"1\"} 2\n"
            "b_total{x=\"2\",y=\"q\\\"\"} 3\n"
            "# HELP a An \"a\".\\nSecond line.\n"
            "# TYPE a gauge\n"
            "a 0.25\n"
            "# HELP c C.\n"
            "# TYPE c untyped\n");
}

TEST(ExpositionTest, DropsUndeclaredAndMistypedSamples) {
  Exposition e;
  e.Add("nobody", {}, 1);
  e.Declare("h", MetricType::kHistogram, "H.");
  e.Add("h", {}, 1);  // a plain sample into a histogram family
  e.Declare("g", MetricType::kGauge, "G.");
  e.AddHistogram("g", {}, ColdStartBounds(), HistogramSnapshot{});
  EXPECT_EQ(e.Render(), "# HELP h H.\n# TYPE h histogram\n# HELP g G.\n# TYPE g gauge\n");
}

TEST(ExpositionTest, RendersCumulativeHistogramBuckets) {
  Bounds bounds({1, 2.5}, 1e-3);  // milliseconds
  HistogramSnapshot h;
  h.Observe(bounds, std::chrono::microseconds(500));
  h.Observe(bounds, std::chrono::milliseconds(1));  // on the bound: le is inclusive
  h.Observe(bounds, std::chrono::milliseconds(3));
  Exposition e;
  e.Declare("lat", MetricType::kHistogram, "Latency.");
  e.AddHistogram("lat", {{"rev", "r"}}, bounds, h);
  EXPECT_EQ(e.Render(),
            "# HELP lat Latency.\n"
            "# TYPE lat histogram\n"
            "lat_bucket{rev=\"r\",le=\"1\"} 2\n"
            "lat_bucket{rev=\"r\",le=\"2.5\"} 2\n"
            "lat_bucket{rev=\"r\",le=\"+Inf\"} 3\n"
            "lat_sum{rev=\"r\"} 4.5\n"
            "lat_count{rev=\"r\"} 3\n");
}

TEST(ExpositionTest, EmptyHistogramHasZeroBuckets) {
  Bounds bounds({1}, 1);
  Exposition e;
  e.Declare("w_seconds", MetricType::kHistogram, "W.");
  e.AddHistogram("w_seconds", {}, bounds, HistogramSnapshot{});
  EXPECT_EQ(e.Render(),
            "# HELP w_seconds W.\n# TYPE w_seconds histogram\n"
            "w_seconds_bucket{le=\"1\"} 0\nw_seconds_bucket{le=\"+Inf\"} 0\n"
            "w_seconds_sum 0\nw_seconds_count 0\n");
}

}  // namespace
}  // namespace ebb::metrics
