#include "load/duration.h"

#include <gtest/gtest.h>

namespace ebb::load {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// Expected strings are what Go's time.Duration.String() prints for the same values.
TEST(FormatGoDuration, MatchesGo) {
  EXPECT_EQ(FormatGoDuration(Nanos(0)), "0s");
  EXPECT_EQ(FormatGoDuration(Nanos(1)), "1ns");
  EXPECT_EQ(FormatGoDuration(Nanos(999)), "999ns");
  EXPECT_EQ(FormatGoDuration(Nanos(1'000)), "1µs");
  EXPECT_EQ(FormatGoDuration(microseconds(450)), "450µs");
  EXPECT_EQ(FormatGoDuration(Nanos(428'250)), "428.25µs");
  EXPECT_EQ(FormatGoDuration(Nanos(1'234'567)), "1.234567ms");
  EXPECT_EQ(FormatGoDuration(milliseconds(100)), "100ms");
  EXPECT_EQ(FormatGoDuration(Nanos(999'999'999)), "999.999999ms");
  EXPECT_EQ(FormatGoDuration(seconds(1)), "1s");
  EXPECT_EQ(FormatGoDuration(milliseconds(2500)), "2.5s");
  EXPECT_EQ(FormatGoDuration(Nanos(10'094'965'987)), "10.094965987s");
  EXPECT_EQ(FormatGoDuration(seconds(60)), "1m0s");
  EXPECT_EQ(FormatGoDuration(milliseconds(60'500)), "1m0.5s");
  EXPECT_EQ(FormatGoDuration(minutes(5)), "5m0s");
  EXPECT_EQ(FormatGoDuration(hours(1)), "1h0m0s");
  EXPECT_EQ(FormatGoDuration(hours(1) + minutes(15) + Nanos(30'918'273'645)), "1h15m30.918273645s");
  EXPECT_EQ(FormatGoDuration(Nanos(-1'500'000)), "-1.5ms");
  EXPECT_EQ(FormatGoDuration(Nanos(INT64_MAX)), "2562047h47m16.854775807s");
  EXPECT_EQ(FormatGoDuration(Nanos(INT64_MIN)), "-2562047h47m16.854775808s");
}

TEST(RoundGoDuration, HalfAwayFromZero) {
  EXPECT_EQ(RoundGoDuration(Nanos(1'500), Nanos(1'000)), Nanos(2'000));
  EXPECT_EQ(RoundGoDuration(Nanos(1'499), Nanos(1'000)), Nanos(1'000));
  EXPECT_EQ(RoundGoDuration(Nanos(-1'500), Nanos(1'000)), Nanos(-2'000));
  EXPECT_EQ(RoundGoDuration(Nanos(7), Nanos(0)), Nanos(7));
}

TEST(RoundForReport, NextFinerUnit) {
  EXPECT_EQ(FormatGoDuration(RoundForReport(Nanos(10'094'965'987))), "10.095s");
  EXPECT_EQ(FormatGoDuration(RoundForReport(Nanos(145'082'066))), "145.082ms");
  EXPECT_EQ(FormatGoDuration(RoundForReport(Nanos(428'250))), "428.25µs");
  EXPECT_EQ(FormatGoDuration(RoundForReport(Nanos(999))), "999ns");
  EXPECT_EQ(FormatGoDuration(RoundForReport(Nanos(59'999'600'000))), "1m0s");
  EXPECT_EQ(FormatGoDuration(RoundForReport(milliseconds(60'500))), "1m1s");
  EXPECT_EQ(FormatGoDuration(RoundForReport(hours(1) + seconds(90))), "1h2m0s");
  EXPECT_EQ(FormatGoDuration(RoundForReport(Nanos(0))), "0s");
}

TEST(ParseGoDuration, AcceptsGoSyntax) {
  EXPECT_EQ(*ParseGoDuration("0"), Nanos(0));
  EXPECT_EQ(*ParseGoDuration("30s"), seconds(30));
  EXPECT_EQ(*ParseGoDuration("1m30.5s"), milliseconds(90'500));
  EXPECT_EQ(*ParseGoDuration("250ms"), milliseconds(250));
  EXPECT_EQ(*ParseGoDuration("100us"), microseconds(100));
  EXPECT_EQ(*ParseGoDuration("100µs"), microseconds(100));
  EXPECT_EQ(*ParseGoDuration("100μs"), microseconds(100));  // Greek mu
  EXPECT_EQ(*ParseGoDuration("42ns"), Nanos(42));
  EXPECT_EQ(*ParseGoDuration("1.5h"), minutes(90));
  EXPECT_EQ(*ParseGoDuration(".5s"), milliseconds(500));
  EXPECT_EQ(*ParseGoDuration("1.s"), seconds(1));
  EXPECT_EQ(*ParseGoDuration("-2s"), seconds(-2));
  EXPECT_EQ(*ParseGoDuration("+2s"), seconds(2));
  EXPECT_EQ(*ParseGoDuration("1.0000000009s"), seconds(1));  // fraction truncated, as Go
}

TEST(ParseGoDuration, RejectsWhatGoRejects) {
  for (const char* bad : {"", "s", "30", "1m30", ".s", "1x", "-", "1.2.3s", "9999999999999h"}) {
    EXPECT_FALSE(ParseGoDuration(bad).ok()) << bad;
  }
  EXPECT_EQ(ParseGoDuration("30").status().code(), Code::kBadRequest);
}

}  // namespace
}  // namespace ebb::load
