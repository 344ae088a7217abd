#include "tracing/spsc_ring.h"

#include <gtest/gtest.h>

#include <thread>

namespace ebb::tracing {
namespace {

TEST(SpscRingTest, FillsDrainsAndWraps) {
  SpscRing<int> ring(3);  // rounded up to 4
  EXPECT_EQ(ring.capacity(), 4u);
  EXPECT_EQ(ring.Front(), nullptr);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4; ++i) {
      int* slot = ring.BeginPush();
      ASSERT_NE(slot, nullptr);
      *slot = round * 10 + i;
      ring.CommitPush();
    }
    EXPECT_EQ(ring.BeginPush(), nullptr);  // full
    for (int i = 0; i < 4; ++i) {
      int* front = ring.Front();
      ASSERT_NE(front, nullptr);
      EXPECT_EQ(*front, round * 10 + i);
      ring.Pop();
    }
    EXPECT_EQ(ring.Front(), nullptr);
  }
}

TEST(SpscRingTest, SlotsKeepTheirStorage) {
  SpscRing<std::string> ring(2);
  *ring.BeginPush() = std::string(100, 'x');
  ring.CommitPush();
  ring.Pop();
  ring.BeginPush();
  ring.CommitPush();
  ring.Pop();
  // Back to the first slot: its string still has its capacity.
  EXPECT_GE(ring.BeginPush()->capacity(), 100u);
}

TEST(SpscRingTest, TwoThreadsLoseNothingAndKeepOrder) {
  SpscRing<std::uint64_t> ring(64);
  constexpr std::uint64_t kCount = 20000;
  std::thread producer([&] {
    for (std::uint64_t i = 0; i < kCount;) {
      if (std::uint64_t* slot = ring.BeginPush()) {
        *slot = i++;
        ring.CommitPush();
      } else {
        std::this_thread::yield();
      }
    }
  });
  std::uint64_t next = 0;
  while (next < kCount) {
    if (std::uint64_t* v = ring.Front()) {
      ASSERT_EQ(*v, next);
      ++next;
      ring.Pop();
    } else {
      std::this_thread::yield();
    }
  }
  producer.join();
}

TEST(ByteRingTest, AllOrNothingAndWrap) {
  ByteRing ring(64);
  std::string out;
  EXPECT_TRUE(ring.Push(std::string(40, 'a')));
  EXPECT_FALSE(ring.Push(std::string(30, 'b')));  // 24 bytes left
  EXPECT_TRUE(ring.Push(std::string(24, 'c')));
  ring.DrainTo(out);
  EXPECT_EQ(out, std::string(40, 'a') + std::string(24, 'c'));
  out.clear();
  EXPECT_TRUE(ring.Push("line one\n"));  // crosses the end of the buffer
  EXPECT_TRUE(ring.Push(std::string(50, 'd')));
  ring.DrainTo(out);
  EXPECT_EQ(out, "line one\n" + std::string(50, 'd'));
  out.clear();
  ring.DrainTo(out);
  EXPECT_EQ(out, "");
}

TEST(ByteRingTest, TwoThreads) {
  ByteRing ring(256);
  constexpr int kLines = 4000;
  std::thread producer([&] {
    for (int i = 0; i < kLines;) {
      if (ring.Push("line " + std::to_string(i) + "\n")) {
        ++i;
      } else {
        std::this_thread::yield();
      }
    }
  });
  std::string all;
  std::size_t lines = 0;
  while (lines < kLines) {
    std::size_t before = all.size();
    ring.DrainTo(all);
    for (std::size_t i = before; i < all.size(); ++i) lines += all[i] == '\n';
    if (all.size() == before) std::this_thread::yield();
  }
  producer.join();
  std::string want;
  for (int i = 0; i < kLines; ++i) want += "line " + std::to_string(i) + "\n";
  EXPECT_EQ(all, want);
}

}  // namespace
}  // namespace ebb::tracing
