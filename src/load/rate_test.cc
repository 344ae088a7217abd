#include "load/rate.h"

#include <gtest/gtest.h>

namespace ebb::load {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ParseRate, VegetaForms) {
  Result<Rate> r = ParseRate("50/1s");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->freq, 50);
  EXPECT_EQ(r->per, seconds(1));
  EXPECT_EQ(ParseRate("50")->per, seconds(1));
  EXPECT_EQ(ParseRate("50/s")->per, seconds(1));
  EXPECT_EQ(ParseRate("1000/1m")->per, seconds(60));
  EXPECT_EQ(ParseRate("1/100ms")->per, milliseconds(100));
  EXPECT_EQ(ParseRate("3/ms")->per, milliseconds(1));
  EXPECT_DOUBLE_EQ(ParseRate("1000/1m")->PerSecond(), 1000.0 / 60);
  EXPECT_TRUE(ParseRate("0")->unlimited());
  EXPECT_TRUE(ParseRate("infinity")->unlimited());
}

TEST(ParseRate, Rejects) {
  for (const char* bad :
       {"", "fast", "-5", "50/", "50/0s", "50/-1s", "50/1x", "5.5/1s", "50/1s/2"}) {
    EXPECT_FALSE(ParseRate(bad).ok()) << bad;
  }
}

TEST(Pacer, ExactScheduleWithoutDrift) {
  Pacer pacer(*ParseRate("3/1s"));  // 333.33.. ms apart: rounding must not accumulate
  EXPECT_EQ(pacer.SendOffset(0), Nanos(0));
  EXPECT_EQ(pacer.SendOffset(1), Nanos(333'333'333));
  EXPECT_EQ(pacer.SendOffset(2), Nanos(666'666'666));
  EXPECT_EQ(pacer.SendOffset(3), seconds(1));
  EXPECT_EQ(pacer.SendOffset(3'000'000), seconds(1'000'000));
  Pacer fifty(*ParseRate("50/1s"));
  EXPECT_EQ(fifty.SendOffset(7), milliseconds(140));
}

TEST(Pacer, HitsWithinDurationStopBeforeIt) {
  EXPECT_EQ(Pacer(*ParseRate("100/1s")).HitsWithin(seconds(3)), 300u);
  EXPECT_EQ(Pacer(*ParseRate("50/1s")).HitsWithin(seconds(300)), 15'000u);
  EXPECT_EQ(Pacer(*ParseRate("3/1s")).HitsWithin(seconds(1)), 3u);
  EXPECT_EQ(Pacer(*ParseRate("3/1s")).HitsWithin(Nanos(1'000'000'001)), 4u);
  EXPECT_EQ(Pacer(*ParseRate("2/1s")).HitsWithin(milliseconds(1)), 1u);
  EXPECT_EQ(Pacer(*ParseRate("2/1s")).HitsWithin(Nanos(0)), 0u);
}

TEST(Pacer, HitsDueByAFakeClock) {
  Pacer pacer(*ParseRate("100/1s"));  // one every 10 ms, the first at 0
  Nanos now(0);
  EXPECT_EQ(pacer.HitsDueBy(now), 1u);
  now += milliseconds(9);
  EXPECT_EQ(pacer.HitsDueBy(now), 1u);
  now += milliseconds(1);
  EXPECT_EQ(pacer.HitsDueBy(now), 2u);
  now += milliseconds(95);  // a late scheduler catches up at once: hits 2..10 are due
  EXPECT_EQ(pacer.HitsDueBy(now), 11u);
  for (std::uint64_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(pacer.HitsDueBy(pacer.SendOffset(i)), i + 1);
    EXPECT_EQ(pacer.HitsDueBy(pacer.SendOffset(i) - Nanos(1)), i);
  }
  EXPECT_EQ(pacer.HitsDueBy(Nanos(-1)), 0u);
}

}  // namespace
}  // namespace ebb::load
