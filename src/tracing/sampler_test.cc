#include "tracing/sampler.h"

#include <gtest/gtest.h>

#include <set>

namespace ebb::tracing {
namespace {

constexpr std::uint64_t kMax = ~0ull;

TEST(DecideTest, IncomingDecisionIsHonouredBothWays) {
  SamplerConfig none{0.0, false};
  SamplerConfig all{1.0, true};
  EXPECT_EQ(Decide(Sampling::kAccept, none, kMax), Sampling::kAccept);
  EXPECT_EQ(Decide(Sampling::kDebug, none, kMax), Sampling::kDebug);
  EXPECT_EQ(Decide(Sampling::kDeny, all, 0), Sampling::kDeny);
}

TEST(DecideTest, RateAgainstTheRandomDraw) {
  SamplerConfig tenth{0.1, false};
  EXPECT_EQ(Decide(Sampling::kUnset, tenth, 0), Sampling::kAccept);
  EXPECT_EQ(Decide(Sampling::kUnset, tenth, kMax / 10 - 4096), Sampling::kAccept);
  EXPECT_EQ(Decide(Sampling::kUnset, tenth, kMax / 10 + 4096), Sampling::kDeny);
  EXPECT_EQ(Decide(Sampling::kUnset, tenth, kMax), Sampling::kDeny);
}

TEST(DecideTest, Extremes) {
  EXPECT_EQ(Decide(Sampling::kUnset, SamplerConfig{0.0, false}, 0), Sampling::kDeny);
  EXPECT_EQ(Decide(Sampling::kUnset, SamplerConfig{1.0, false}, kMax), Sampling::kAccept);
  // config-tracing debug: everything, whatever the rate.
  EXPECT_EQ(Decide(Sampling::kUnset, SamplerConfig{0.0, true}, kMax), Sampling::kAccept);
}

TEST(DecideTest, RateIsRoughlyKeptWithTheRealGenerator) {
  IdGenerator rng(42);
  SamplerConfig config{0.01, false};
  int sampled = 0;
  for (int i = 0; i < 100000; ++i)
    sampled += IsSampled(Decide(Sampling::kUnset, config, rng.Next()));
  EXPECT_GT(sampled, 850);
  EXPECT_LT(sampled, 1150);
}

TEST(IdGeneratorTest, DistinctNonZeroIds) {
  IdGenerator ids(0);  // even seed 0 gives usable ids
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    std::uint64_t id = ids.NextSpanId();
    EXPECT_NE(id, 0u);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
  TraceId t = ids.NextTraceId();
  EXPECT_TRUE(t.wide);
  EXPECT_FALSE(t.zero());
}

}  // namespace
}  // namespace ebb::tracing
