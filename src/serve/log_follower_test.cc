#include "serve/log_follower.h"

#include <gtest/gtest.h>

namespace ebb::serve {
namespace {

TEST(LogBufferFollower, StartsAtTheTailThenReadsWhatIsAppended) {
  auto log = std::make_shared<runtime::LogBuffer>(1024);
  log->Append("one\ntwo\nthree\n");
  int wakes = 0;
  LogBufferFollower follower(log, 2, [&] { ++wakes; });
  apiserver::PodLogFollower::Chunk first = follower.Read();
  EXPECT_EQ(first.data, "two\nthree\n");
  EXPECT_FALSE(first.ended);
  EXPECT_EQ(follower.Read().data, "");
  log->Append("four\n");
  EXPECT_EQ(wakes, 1);
  EXPECT_EQ(follower.Read().data, "four\n");
  log->Close();
  EXPECT_EQ(wakes, 2);
  apiserver::PodLogFollower::Chunk last = follower.Read();
  EXPECT_EQ(last.data, "");
  EXPECT_TRUE(last.ended);
}

TEST(LogBufferFollower, WithoutATailStartsAtTheOldestWholeLine) {
  auto log = std::make_shared<runtime::LogBuffer>(8);
  log->Append("abcdef\ngh\n");  // wrapped: "cdef\ngh\n" kept, "cdef" is a partial line
  LogBufferFollower follower(log, std::nullopt, [] {});
  EXPECT_EQ(follower.Read().data, "gh\n");
  LogBufferFollower zero(log, 0, [] {});
  EXPECT_EQ(zero.Read().data, "");
}

TEST(LogBufferFollower, AReaderThatFellBehindTheRingResumesAtTheOldestKeptByte) {
  auto log = std::make_shared<runtime::LogBuffer>(8);
  LogBufferFollower follower(log, std::nullopt, [] {});
  log->Append("0123456789");
  EXPECT_EQ(follower.Read().data, "23456789");
}

TEST(LogBufferFollower, DestroyingItStopsTheWakeUps) {
  auto log = std::make_shared<runtime::LogBuffer>(64);
  int wakes = 0;
  {
    LogBufferFollower follower(log, std::nullopt, [&] { ++wakes; });
    log->Append("a\n");
  }
  log->Append("b\n");
  log->Close();
  EXPECT_EQ(wakes, 1);
}

}  // namespace
}  // namespace ebb::serve
