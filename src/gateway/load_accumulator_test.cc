#include "gateway/load_accumulator.h"

#include <gtest/gtest.h>

namespace ebb::gateway {
namespace {

using std::chrono::milliseconds;
using Time = LoadAccumulator::Time;

const Time kT0 = Time(std::chrono::seconds(100));

TEST(LoadAccumulatorTest, AveragesConcurrencyOverTheWindow) {
  LoadAccumulator acc(kT0);
  acc.Arrive(kT0);                      // 1 in flight for 500 ms
  acc.Arrive(kT0 + milliseconds(500));  // 2 in flight for 250 ms
  acc.Depart(kT0 + milliseconds(750));  // 1 for the last 250 ms
  LoadWindow w = acc.Take(kT0 + milliseconds(1000));
  EXPECT_DOUBLE_EQ(w.average_concurrency, (0.5 * 1 + 0.25 * 2 + 0.25 * 1) / 1.0);
  EXPECT_EQ(w.requests, 2u);
  EXPECT_EQ(w.in_flight, 1);
}

TEST(LoadAccumulatorTest, WindowsAreIndependent) {
  LoadAccumulator acc(kT0);
  acc.Arrive(kT0);
  acc.Take(kT0 + milliseconds(1000));
  // Still one in flight for the whole next window, but no new arrival.
  LoadWindow w = acc.Take(kT0 + milliseconds(3000));
  EXPECT_DOUBLE_EQ(w.average_concurrency, 1.0);
  EXPECT_EQ(w.requests, 0u);
  acc.Depart(kT0 + milliseconds(3500));
  w = acc.Take(kT0 + milliseconds(4000));
  EXPECT_DOUBLE_EQ(w.average_concurrency, 0.5);
  w = acc.Take(kT0 + milliseconds(5000));
  EXPECT_DOUBLE_EQ(w.average_concurrency, 0.0);
  EXPECT_EQ(w.in_flight, 0);
}

TEST(LoadAccumulatorTest, EmptyWindowReportsCurrentConcurrency) {
  LoadAccumulator acc(kT0);
  acc.Arrive(kT0);
  acc.Arrive(kT0);
  LoadWindow w = acc.Take(kT0);
  EXPECT_DOUBLE_EQ(w.average_concurrency, 2.0);
  EXPECT_EQ(w.requests, 2u);
}

}  // namespace
}  // namespace ebb::gateway
