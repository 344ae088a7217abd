#include "gateway/balancer.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace ebb::gateway {
namespace {

int Pick(const std::vector<int>& loads, int cc, Rng& rng, std::uint32_t& cursor) {
  return PickInstance(
      loads.size(), cc, [&](std::size_t i) { return loads[i]; }, rng, cursor);
}

TEST(BreakerTest, AdmitsUpToContainerConcurrency) {
  EXPECT_TRUE(HasCapacity(0, 1));
  EXPECT_FALSE(HasCapacity(1, 1));
  EXPECT_TRUE(HasCapacity(9, 10));
  EXPECT_FALSE(HasCapacity(10, 10));
  EXPECT_TRUE(HasCapacity(1'000'000, 0));  // 0 = unlimited
  EXPECT_FALSE(HasCapacity(kUnusable, 0));

  std::atomic<int> in_flight{0};
  EXPECT_TRUE(TryReserve(in_flight, 2));
  EXPECT_TRUE(TryReserve(in_flight, 2));
  EXPECT_FALSE(TryReserve(in_flight, 2));
  EXPECT_EQ(in_flight.load(), 2);
  EXPECT_TRUE(TryReserve(in_flight, 0));
  EXPECT_EQ(in_flight.load(), 3);
}

TEST(BreakerTest, ReserveIsExactAcrossThreads) {
  std::atomic<int> in_flight{0};
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10'000; ++i) {
        if (TryReserve(in_flight, 3)) granted.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 3);
  EXPECT_EQ(in_flight.load(), 3);
}

TEST(BalancerTest, PolicyFollowsContainerConcurrency) {
  EXPECT_EQ(PolicyFor(0), BalancePolicy::kPowerOfTwo);
  EXPECT_EQ(PolicyFor(1), BalancePolicy::kFirstAvailable);
  EXPECT_EQ(PolicyFor(3), BalancePolicy::kFirstAvailable);
  EXPECT_EQ(PolicyFor(4), BalancePolicy::kRoundRobin);
}

TEST(BalancerTest, PowerOfTwoPrefersTheLessLoaded) {
  Rng rng(7);
  std::uint32_t cursor = 0;
  // With two instances both are always drawn: the idle one wins every time.
  for (int i = 0; i < 100; ++i) EXPECT_EQ(Pick({5, 0}, 0, rng, cursor), 1);
  // With three, the busiest can never win (it loses to whichever other is drawn).
  for (int i = 0; i < 1000; ++i) EXPECT_NE(Pick({1, 9, 1}, 0, rng, cursor), 1);
}

TEST(BalancerTest, PowerOfTwoBreaksTiesBothWays) {
  Rng rng(11);
  std::uint32_t cursor = 0;
  int first = 0;
  for (int i = 0; i < 1000; ++i) first += Pick({3, 3}, 0, rng, cursor) == 0;
  EXPECT_GT(first, 400);
  EXPECT_LT(first, 600);
}

TEST(BalancerTest, PowerOfTwoSkipsUnusable) {
  Rng rng(3);
  std::uint32_t cursor = 0;
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(Pick({kUnusable, kUnusable, 7, kUnusable}, 0, rng, cursor), 2);
  }
  EXPECT_EQ(Pick({kUnusable}, 0, rng, cursor), -1);
  EXPECT_EQ(Pick({4}, 0, rng, cursor), 0);
  EXPECT_EQ(Pick({}, 0, rng, cursor), -1);
}

TEST(BalancerTest, FirstAvailableTakesTheFirstFreeSlotInOrder) {
  Rng rng(1);
  std::uint32_t cursor = 0;
  EXPECT_EQ(Pick({0, 0, 0}, 1, rng, cursor), 0);
  EXPECT_EQ(Pick({1, 0, 0}, 1, rng, cursor), 1);
  EXPECT_EQ(Pick({1, 1, 0}, 1, rng, cursor), 2);
  EXPECT_EQ(Pick({1, 1, 1}, 1, rng, cursor), -1);
  EXPECT_EQ(Pick({2, 1, 0}, 3, rng, cursor), 0);
  EXPECT_EQ(Pick({3, kUnusable, 2}, 3, rng, cursor), 2);
}

TEST(BalancerTest, RoundRobinRotatesOverInstancesWithCapacity) {
  Rng rng(1);
  std::uint32_t cursor = 0;
  std::vector<int> loads = {0, 0, 0};
  EXPECT_EQ(Pick(loads, 10, rng, cursor), 0);
  EXPECT_EQ(Pick(loads, 10, rng, cursor), 1);
  EXPECT_EQ(Pick(loads, 10, rng, cursor), 2);
  EXPECT_EQ(Pick(loads, 10, rng, cursor), 0);
  loads = {0, 10, 0};  // the full one is skipped
  EXPECT_EQ(Pick(loads, 10, rng, cursor), 2);
  EXPECT_EQ(Pick(loads, 10, rng, cursor), 0);
  EXPECT_EQ(Pick({10, 10, 10}, 10, rng, cursor), -1);
}

}  // namespace
}  // namespace ebb::gateway
