// Followed pod logs (log_stream.cc) over HTTPS against a real ApiServer (see test_support.h).
#include <thread>

#include "apiserver/test_support.h"

namespace ebb::apiserver::test {
namespace {

constexpr char kLog[] = "/api/v1/namespaces/default/pods/hello-00001-deployment-a/log";

class LogStreamTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    core_.SetPods({MakePod("default", "hello-00001-deployment-a", {{"app", "hello"}}, true)});
  }

  std::unique_ptr<net::LineStream> Follow(const std::string& query) {
    auto stream = net::HttpsStream(endpoint_, "GET", std::string(kLog) + query, "", "", "*/*");
    EXPECT_TRUE(stream.ok()) << stream.status().ToString();
    if (!stream.ok()) return nullptr;
    return std::move(stream).value();
  }

  // The next line; "<none>" (and a test failure) if none comes within 10 s.
  static std::string Next(net::LineStream& stream) {
    auto line = stream.NextLine(std::chrono::milliseconds(10'000));
    EXPECT_TRUE(line.ok()) << line.status().ToString();
    if (!line.ok() || !line->has_value()) return "<none>";
    return **line;
  }

  // Waits (for the server thread, at most 10 s) until `n` followers are registered.
  bool WaitForFollowers(int n) {
    for (int i = 0; i < 1000 && core_.followers() != n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return core_.followers() == n;
  }
};

TEST_F(LogStreamTest, StreamsTheTailThenLinesAsTheyAreWrittenAndEndsWithTheLog) {
  core_.SetLog("one\ntwo\n");
  auto stream = Follow("?follow=true&tailLines=1&container=user-container");
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(stream->status(), 200);
  EXPECT_EQ(stream->content_type(), "text/plain");
  EXPECT_EQ(Next(*stream), "two");
  core_.AppendLog("three\n");
  EXPECT_EQ(Next(*stream), "three");
  core_.AppendLog("four\nfive\n");
  EXPECT_EQ(Next(*stream), "four");
  EXPECT_EQ(Next(*stream), "five");
  core_.EndLog();
  auto end = stream->NextLine(std::chrono::milliseconds(10'000));
  ASSERT_TRUE(end.ok()) << end.status().ToString();
  EXPECT_FALSE(end->has_value());  // the response ended cleanly
  EXPECT_TRUE(WaitForFollowers(0));
}

TEST_F(LogStreamTest, AClientThatHangsUpIsForgotten) {
  core_.SetLog("one\n");
  auto stream = Follow("?follow=true");
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(Next(*stream), "one");
  EXPECT_TRUE(WaitForFollowers(1));
  stream.reset();  // closes the connection
  EXPECT_TRUE(WaitForFollowers(0));
  core_.AppendLog("after\n");  // nobody to wake; the server keeps serving
  EXPECT_EQ(Call("GET", kLog)->body, "one\nafter\n");
}

TEST_F(LogStreamTest, ErrorsComeAsStatusObjects) {
  auto missing = Call("GET", "/api/v1/namespaces/default/pods/nope/log?follow=true");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  auto body = nlohmann::json::parse(missing->body);
  EXPECT_EQ(body["message"], "pods \"nope\" not found");
  EXPECT_EQ(body["details"]["kind"], "pods");
  auto bad = Call("GET", std::string(kLog) + "?follow=true&tailLines=-1");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(core_.followers(), 0);
}

TEST_F(LogStreamTest, StopEndsAFollowedLog) {
  core_.SetLog("one\n");
  auto stream = Follow("?follow=1");
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(Next(*stream), "one");
  server_->Stop();
  auto end = stream->NextLine(std::chrono::milliseconds(10'000));
  EXPECT_TRUE(!end.ok() || !end->has_value());  // closed, not hanging
  EXPECT_EQ(core_.followers(), 0);
}

// A CoreSource that cannot stream: the default follower gives the log as it is now, then ends.
class SnapshotOnly : public CoreSource {
 public:
  Result<std::string> PodLog(std::string_view, std::string_view name,
                             std::optional<int> tail) override {
    if (name != "p") return Status(Code::kNotFound, "pods \"x\" not found");
    return tail ? std::string("b\n") : std::string("a\nb\n");
  }
};

TEST(DefaultFollowPodLog, ReadsTheLogOnceAndEnds) {
  SnapshotOnly source;
  auto follower = source.FollowPodLog("default", "p", 1, [] {});
  ASSERT_TRUE(follower.ok());
  PodLogFollower::Chunk first = (*follower)->Read();
  EXPECT_EQ(first.data, "b\n");
  EXPECT_TRUE(first.ended);
  EXPECT_EQ((*follower)->Read().data, "");
  EXPECT_EQ(source.FollowPodLog("default", "q", std::nullopt, [] {}).status().code(),
            Code::kNotFound);
}

}  // namespace
}  // namespace ebb::apiserver::test
