#include "autoscaler/window.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <utility>
#include <vector>

#include "common/clock.h"

namespace ebb::autoscaler {
namespace window_test {

using std::chrono::milliseconds;

const Time kT0 = FakeClock().Steady();  // a whole second
Time At(int second) { return kT0 + Seconds(second); }

MetricWindow Linear(int seconds) { return MetricWindow(Seconds(seconds), Aggregation::kLinear); }

// Records value v at second s for each {s, v}.
void Fill(MetricWindow& w, const std::vector<std::pair<int, double>>& writes) {
  for (auto [s, v] : writes) w.Record(At(s), v);
}

struct LinearCase {
  const char* name;
  int window;
  std::vector<std::pair<int, double>> writes;
  int now;
  double want;
};

TEST(MetricWindow, LinearAverageTable) {
  const LinearCase cases[] = {
      {"full window of constant data", 5, {{0, 4}, {1, 4}, {2, 4}, {3, 4}, {4, 4}, {5, 4}}, 5, 4},
      {"only the last window counts",
       5,
       {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 6}, {6, 7}, {7, 8}, {8, 9}, {9, 10}},
       9,
       8},
      {"partial window at the start: only seconds since the first write",
       60,
       {{0, 10}, {1, 10}, {2, 10}, {3, 10}, {4, 10}},
       4,
       10},
      {"gaps between writes count as zeros", 10, {{0, 10}, {4, 10}}, 4, 4},
      {"trailing seconds after the last write are left out",
       10,
       {{0, 10}, {1, 10}, {2, 10}, {3, 10}, {4, 10}},
       7,
       10},
      {"trailing gap shrinks the window from the old end",
       5,
       {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 6}, {6, 7}, {7, 8}, {8, 9}, {9, 10}},
       11,
       9},  // seconds 7..9
      {"last bucket still inside the window", 5, {{0, 3}}, 4, 3},
      {"no write for a whole window is 0", 5, {{0, 3}}, 5, 0},
      {"a gap of a whole window starts a new activity period", 5, {{0, 10}, {5, 4}}, 5, 4},
      {"a gap shorter than the window does not", 5, {{0, 10}, {4, 4}}, 4, 14.0 / 5},
      {"rounded to 6 decimals", 10, {{0, 1}, {1, 0}, {2, 0}}, 2, 0.333333},
      {"rounded up at the 7th decimal", 10, {{0, 2}, {1, 0}, {2, 0}}, 2, 0.666667},
      {"now before the last write uses the whole recorded window", 5, {{0, 2}, {3, 4}}, 1, 1.5},
      {"never written", 5, {}, 3, 0},
  };
  for (const LinearCase& c : cases) {
    SCOPED_TRACE(c.name);
    MetricWindow w = Linear(c.window);
    Fill(w, c.writes);
    EXPECT_DOUBLE_EQ(w.LinearAverage(At(c.now)), c.want);
    EXPECT_DOUBLE_EQ(w.Average(At(c.now)), c.want);
  }
}

TEST(MetricWindow, ValuesInTheSameSecondAreSummed) {
  MetricWindow w = Linear(10);
  w.Record(At(0) + milliseconds(200), 1);
  w.Record(At(0) + milliseconds(700), 2.5);
  EXPECT_DOUBLE_EQ(w.LinearAverage(At(0) + milliseconds(999)), 3.5);  // now is truncated too
}

TEST(MetricWindow, IsEmptyOnlyAfterMoreThanAWindowWithoutWrites) {
  MetricWindow w = Linear(5);
  EXPECT_TRUE(w.IsEmpty(At(0)));
  w.Record(At(0), 0);  // a zero is data
  EXPECT_FALSE(w.IsEmpty(At(0)));
  EXPECT_FALSE(w.IsEmpty(At(5)));  // average already 0, but not "no data"
  EXPECT_TRUE(w.IsEmpty(At(6)));
}

TEST(MetricWindow, LateWritesInsideTheWindowCountAndOlderOnesAreDropped) {
  MetricWindow w = Linear(5);
  w.Record(At(10), 6);
  w.Record(At(8), 3);  // late, still inside: extends the activity period back to second 8
  EXPECT_DOUBLE_EQ(w.LinearAverage(At(10)), 3);  // (3 + 0 + 6) / 3
  w.Record(At(5), 100);                          // 5 seconds before the last write: gone
  EXPECT_DOUBLE_EQ(w.LinearAverage(At(10)), 3);
}

TEST(MetricWindow, ResizeKeepsTheNewestSeconds) {
  MetricWindow w = Linear(10);
  for (int s = 0; s < 10; ++s) w.Record(At(s), s + 1);
  w.Resize(Seconds(5));
  EXPECT_EQ(w.window(), Seconds(5));
  EXPECT_DOUBLE_EQ(w.LinearAverage(At(9)), 8);  // (6+7+8+9+10) / 5
  w.Resize(Seconds(10));  // growing cannot bring back what was dropped: those are zeros now
  EXPECT_DOUBLE_EQ(w.LinearAverage(At(9)), 4);
  w.Record(At(10), 11);
  EXPECT_DOUBLE_EQ(w.LinearAverage(At(10)), 5.1);  // (0*4 + 6..11) / 10 over seconds 1..10
}

MetricWindow Weighted(int seconds) {
  return MetricWindow(Seconds(seconds), Aggregation::kWeightedExponential);
}

TEST(MetricWindow, WeightedAlpha) {
  EXPECT_DOUBLE_EQ(Weighted(60).Alpha(), 0.2);  // 1 - 0.0001^(1/60) = 0.142 < 0.2
  EXPECT_NEAR(Weighted(6).Alpha(), 1 - std::pow(0.0001, 1.0 / 6), 1e-12);
  EXPECT_NEAR(Weighted(6).Alpha(), 0.784557, 1e-6);
}

TEST(MetricWindow, WeightedExponentialAverage) {
  MetricWindow w = Weighted(60);
  w.Record(At(0), 10);
  EXPECT_NEAR(w.WeightedAverage(At(0)), 2, 1e-12);                 // 10·α
  EXPECT_NEAR(w.WeightedAverage(At(3)), 10 * 0.2 * 0.512, 1e-12);  // k = 3 seconds later
  w.Record(At(1), 5);
  EXPECT_NEAR(w.WeightedAverage(At(1)), 5 * 0.2 + 10 * 0.16, 1e-12);  // newest weighs most
  EXPECT_NEAR(w.Average(At(1)), 2.6, 1e-12);
  EXPECT_DOUBLE_EQ(w.WeightedAverage(At(61)), 0);  // the last write has left the window
  EXPECT_DOUBLE_EQ(Weighted(5).WeightedAverage(At(0)), 0);
}

TEST(MetricWindow, WeightedOnlyCountsBucketsInsideTheWindow) {
  MetricWindow w = Weighted(3);  // α = 1 − 0.0001^(1/3) ≈ 0.954
  for (int s = 0; s < 4; ++s) w.Record(At(s), 1);
  double a = w.Alpha();
  // At second 4 (one past the last write) only seconds 2 and 3 are inside the window.
  EXPECT_NEAR(w.WeightedAverage(At(4)), a * (1 - a) + a * (1 - a) * (1 - a), 1e-12);
}

TEST(MetricWindow, AlgorithmCanBeSwitched) {
  MetricWindow w = Linear(60);
  w.Record(At(0), 10);
  EXPECT_DOUBLE_EQ(w.Average(At(0)), 10);
  w.set_algorithm(Aggregation::kWeightedExponential);
  EXPECT_NEAR(w.Average(At(0)), 2, 1e-12);
}

TEST(RoundToMicros, SixDecimals) {
  EXPECT_DOUBLE_EQ(RoundToMicros(1.0 / 3), 0.333333);
  EXPECT_DOUBLE_EQ(RoundToMicros(0.0000005), 0.000001);
  EXPECT_DOUBLE_EQ(RoundToMicros(12.5), 12.5);
}

}  // namespace window_test
}  // namespace ebb::autoscaler
