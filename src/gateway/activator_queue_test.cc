#include "gateway/activator_queue.h"

#include <gtest/gtest.h>

namespace ebb::gateway {
namespace {

using std::chrono::seconds;

const SteadyTime kT0 = SteadyTime(seconds(1000));

TicketPtr Ticket(std::size_t bytes, SteadyTime deadline, int* woken = nullptr) {
  auto t = std::make_shared<ParkTicket>();
  t->bytes = bytes;
  t->deadline = deadline;
  if (woken) t->wake = [woken] { ++*woken; };
  return t;
}

TEST(ActivatorQueueTest, ReleasesInArrivalOrder) {
  ActivatorQueue q(10, 1000);
  auto a = Ticket(1, kT0 + seconds(10));
  auto b = Ticket(1, kT0 + seconds(10));
  auto c = Ticket(1, kT0 + seconds(10));
  ASSERT_TRUE(q.Push(a));
  ASSERT_TRUE(q.Push(b));
  ASSERT_TRUE(q.Push(c));
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.PopNext(kT0), a);
  EXPECT_EQ(q.PopNext(kT0), b);
  EXPECT_EQ(q.PopNext(kT0), c);
  EXPECT_EQ(q.PopNext(kT0), nullptr);
  EXPECT_EQ(q.size(), 0u);
}

TEST(ActivatorQueueTest, BoundsCountAndBytes) {
  ActivatorQueue by_count(2, 1000);
  EXPECT_TRUE(by_count.Push(Ticket(1, kT0)));
  EXPECT_TRUE(by_count.Push(Ticket(1, kT0)));
  EXPECT_FALSE(by_count.Push(Ticket(1, kT0)));
  EXPECT_EQ(by_count.size(), 2u);

  ActivatorQueue by_bytes(10, 100);
  EXPECT_TRUE(by_bytes.Push(Ticket(60, kT0)));
  EXPECT_FALSE(by_bytes.Push(Ticket(41, kT0)));
  EXPECT_TRUE(by_bytes.Push(Ticket(40, kT0)));
  EXPECT_EQ(by_bytes.bytes(), 100u);
}

TEST(ActivatorQueueTest, ExpiredTicketsAreNeverHandedCapacity) {
  ActivatorQueue q(10, 1000);
  int woken = 0;
  auto early = Ticket(1, kT0 + seconds(1), &woken);
  auto late = Ticket(1, kT0 + seconds(5), &woken);
  q.Push(early);
  q.Push(late);
  // At t0+2s the first ticket's deadline has passed: it is expired and woken, the next wins.
  EXPECT_EQ(q.PopNext(kT0 + seconds(2)), late);
  EXPECT_EQ(early->state, ParkTicket::State::kExpired);
  EXPECT_EQ(woken, 1);
  EXPECT_EQ(late->state, ParkTicket::State::kWaiting);  // the caller assigns it
  EXPECT_EQ(q.size(), 0u);
}

TEST(ActivatorQueueTest, CancelFreesRoomAndIsSkipped) {
  ActivatorQueue q(2, 1000);
  auto a = Ticket(10, kT0 + seconds(10));
  auto b = Ticket(10, kT0 + seconds(10));
  q.Push(a);
  q.Push(b);
  EXPECT_TRUE(q.Cancel(*a, ParkTicket::State::kExpired));
  EXPECT_FALSE(q.Cancel(*a, ParkTicket::State::kCancelled));  // only once
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.bytes(), 10u);
  auto c = Ticket(10, kT0 + seconds(10));
  EXPECT_TRUE(q.Push(c));  // the cancelled one no longer counts
  EXPECT_EQ(q.PopNext(kT0), b);
  EXPECT_EQ(q.PopNext(kT0), c);
  EXPECT_EQ(q.PopNext(kT0), nullptr);
}

TEST(ActivatorQueueTest, ManyCancellationsDoNotAccumulate) {
  ActivatorQueue q(100, 100'000);
  for (int i = 0; i < 10'000; ++i) {
    auto t = Ticket(1, kT0 + seconds(10));
    ASSERT_TRUE(q.Push(t));
    ASSERT_TRUE(q.Cancel(*t, ParkTicket::State::kExpired));
  }
  EXPECT_EQ(q.size(), 0u);
  EXPECT_EQ(q.PopNext(kT0), nullptr);
}

}  // namespace
}  // namespace ebb::gateway
