#include "controller/work_queue.h"

#include <gtest/gtest.h>

#include <thread>

namespace ebb::controller {
namespace work_queue_test {

using std::chrono::milliseconds;
using std::chrono::seconds;

Key K(const std::string& name) { return Key{api::Kind::kService, "default", name}; }

TEST(WorkQueueTest, FifoAndDeduplicated) {
  FakeClock clock;
  WorkQueue q(clock);
  q.Add(K("a"));
  q.Add(K("b"));
  q.Add(K("a"));
  EXPECT_EQ(q.Pop(), K("a"));
  EXPECT_EQ(q.Pop(), K("b"));
  EXPECT_EQ(q.Pop(), std::nullopt);
  q.Add(K("a"));  // popped keys can be queued again
  EXPECT_EQ(q.Pop(), K("a"));
}

TEST(WorkQueueTest, DelayedKeysWaitForTheClock) {
  FakeClock clock;
  WorkQueue q(clock);
  q.AddAfter(K("a"), seconds(5));
  q.AddAfter(K("a"), seconds(10));  // the earlier due time stays
  EXPECT_EQ(q.Pop(), std::nullopt);
  clock.Advance(seconds(4));
  EXPECT_EQ(q.Pop(), std::nullopt);
  clock.Advance(seconds(1));
  EXPECT_EQ(q.Pop(), K("a"));
  EXPECT_EQ(q.Pop(), std::nullopt);
}

TEST(WorkQueueTest, AddNowSupersedesADelay) {
  FakeClock clock;
  WorkQueue q(clock);
  q.AddAfter(K("a"), seconds(5));
  q.Add(K("a"));
  EXPECT_EQ(q.Pop(), K("a"));
  clock.Advance(seconds(10));
  EXPECT_EQ(q.Pop(), std::nullopt);  // not delivered twice
}

TEST(WorkQueueTest, BackoffDoublesUpToACap) {
  EXPECT_EQ(WorkQueue::Backoff(1), milliseconds(10));
  EXPECT_EQ(WorkQueue::Backoff(2), milliseconds(20));
  EXPECT_EQ(WorkQueue::Backoff(5), milliseconds(160));
  EXPECT_EQ(WorkQueue::Backoff(14), seconds(60));
  EXPECT_EQ(WorkQueue::Backoff(1000), seconds(60));

  FakeClock clock;
  WorkQueue q(clock);
  q.AddWithBackoff(K("a"));
  clock.Advance(milliseconds(10));
  EXPECT_EQ(q.Pop(), K("a"));
  q.AddWithBackoff(K("a"));
  clock.Advance(milliseconds(10));
  EXPECT_EQ(q.Pop(), std::nullopt);  // second failure: 20 ms
  clock.Advance(milliseconds(10));
  EXPECT_EQ(q.Pop(), K("a"));
  q.Forget(K("a"));
  q.AddWithBackoff(K("a"));
  clock.Advance(milliseconds(10));
  EXPECT_EQ(q.Pop(), K("a"));  // back to 10 ms
}

TEST(WorkQueueTest, WaitPopGetsKeysFromOtherThreadsAndStopsOnShutDown) {
  RealClock clock;
  WorkQueue q(clock);
  std::thread producer([&] {
    q.Add(K("a"));
    q.AddAfter(K("b"), milliseconds(1));
  });
  std::optional<Key> first = q.WaitPop();
  std::optional<Key> second = q.WaitPop();
  producer.join();
  EXPECT_EQ(first, K("a"));
  EXPECT_EQ(second, K("b"));
  std::thread stopper([&] { q.ShutDown(); });
  EXPECT_EQ(q.WaitPop(), std::nullopt);
  stopper.join();
  q.Add(K("c"));  // dropped after shutdown
  EXPECT_EQ(q.Pop(), std::nullopt);
}

TEST(KeyTest, ToString) {
  EXPECT_EQ(ToString(Key{api::Kind::kRevision, "ns", "r"}), "Revision ns/r");
}

}  // namespace work_queue_test
}  // namespace ebb::controller
