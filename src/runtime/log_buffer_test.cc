#include "runtime/log_buffer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace ebb::runtime {
namespace {

TEST(LogBuffer, TailReturnsTheLastLines) {
  LogBuffer log(1024);
  log.Append("one\ntwo\nthr");
  log.Append("ee\nfour\n");
  EXPECT_EQ(log.Tail(2), "three\nfour\n");
  EXPECT_EQ(log.Tail(1), "four\n");
  EXPECT_EQ(log.Tail(10), "one\ntwo\nthree\nfour\n");
  EXPECT_EQ(log.Tail(std::nullopt), "one\ntwo\nthree\nfour\n");
  EXPECT_EQ(log.Tail(0), "");
  EXPECT_EQ(log.LastLines(2), (std::vector<std::string>{"three", "four"}));
}

TEST(LogBuffer, TailCountsAnUnfinishedLastLine) {
  LogBuffer log(1024);
  log.Append("a\nb\npartial");
  EXPECT_EQ(log.Tail(1), "partial");
  EXPECT_EQ(log.Tail(2), "b\npartial");
}

TEST(LogBuffer, StaysWithinItsCapacityAndDropsThePartialOldestLine) {
  LogBuffer log(16);
  log.Append("0123456789\n");
  log.Append("abcdefghi\n");  // 21 bytes written; the first 5 fell off
  EXPECT_EQ(log.end_offset(), 21u);
  EXPECT_EQ(log.ReadFrom(0).data, "56789\nabcdefghi\n");
  EXPECT_EQ(log.Tail(std::nullopt), "abcdefghi\n");
  EXPECT_EQ(log.Tail(5), "abcdefghi\n");
}

TEST(LogBuffer, AHugeAppendKeepsOnlyItsEnd) {
  LogBuffer log(8);
  log.Append(std::string(100, 'x') + "tail\n");
  EXPECT_EQ(log.end_offset(), 105u);
  EXPECT_EQ(log.ReadFrom(0).data,
            "xxx"
            "tail\n");
}

TEST(LogBuffer, GrowsWithItsOutputAndKeepsOffsetsAcrossGrowthAndWrap) {
  LogBuffer log(10'000);
  EXPECT_EQ(log.allocated(), 0u);  // nothing up front: instances start on the request path
  log.Append("listening\n");
  EXPECT_GT(log.allocated(), 0u);
  EXPECT_LT(log.allocated(), 10'000u);
  std::string line = std::string(999, 'a') + "\n";
  std::string all = "listening\n";
  for (int i = 0; i < 12; ++i) {  // 12'010 bytes: grows past 4096 and 8192, then wraps
    line[0] = static_cast<char>('A' + i);
    log.Append(line);
    all += line;
    std::uint64_t begin = all.size() > 10'000 ? all.size() - 10'000 : 0;
    ASSERT_EQ(log.ReadFrom(0).data, all.substr(begin)) << "after line " << i;
  }
  EXPECT_EQ(log.allocated(), 10'000u);
  EXPECT_EQ(log.end_offset(), 12'010u);
  EXPECT_EQ(log.Tail(1), line);
  EXPECT_EQ(log.LastLines(2).front()[0], 'K');
}

TEST(LogBuffer, ReadFromFollowsByOffset) {
  LogBuffer log(64);
  log.Append("hello ");
  LogBuffer::Chunk first = log.ReadFrom(0);
  EXPECT_EQ(first.data, "hello ");
  EXPECT_EQ(first.next, 6u);
  EXPECT_FALSE(first.closed);
  log.Append("world\n");
  EXPECT_EQ(log.ReadFrom(first.next).data, "world\n");
  EXPECT_EQ(log.ReadFrom(12).data, "");
  log.Close();
  EXPECT_TRUE(log.ReadFrom(12).closed);
  EXPECT_EQ(log.TailOffset(1), 0u);
}

TEST(LogBuffer, WaitForWakesOnAppendAndClose) {
  LogBuffer log(64);
  EXPECT_FALSE(log.WaitFor(0, std::chrono::milliseconds(0)));
  std::thread writer([&] { log.Append("x"); });
  EXPECT_TRUE(log.WaitFor(0, std::chrono::seconds(10)));
  writer.join();
  std::thread closer([&] { log.Close(); });
  EXPECT_FALSE(log.WaitFor(1, std::chrono::seconds(10)));  // closed, nothing new
  closer.join();
}

TEST(LogBuffer, ListenersHearAppendsUntilRemoved) {
  LogBuffer log(64);
  int calls = 0;
  const LogBuffer& view = log;  // followers hold a const view
  int id = view.AddListener([&] { ++calls; });
  log.Append("a");
  log.Append("");  // nothing appended: no call
  log.Close();
  EXPECT_EQ(calls, 2);
  view.RemoveListener(id);
  log.Append("b");
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace ebb::runtime
