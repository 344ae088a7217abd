// The attack engine against a real (in-process) HTTP server on loopback. These tests wait for
// I/O, never sleep; they take a few hundred milliseconds of wall time in all.
#include "load/attack.h"

#include <gtest/gtest.h>

#include <set>

#include "load/test_server.h"

namespace ebb::load {
namespace {

using std::chrono::milliseconds;
using testing::TestServer;

const RealClock kClock;

AttackOptions Open(std::vector<Target> targets, const char* rate, std::uint64_t n) {
  AttackOptions o;
  o.targets = std::move(targets);
  o.rate = *ParseRate(rate);
  o.requests = n;
  return o;
}

AttackOptions Closed(std::vector<Target> targets, int workers, std::uint64_t n) {
  AttackOptions o = Open(std::move(targets), "0", n);
  o.concurrency = workers;
  return o;
}

Target Get(const std::string& url) { return Target{"GET", url, {}, ""}; }

ResultSet RunToEnd(AttackOptions options, LiveStats* live_out = nullptr) {
  LiveStats live;
  Result<std::unique_ptr<Attack>> attack =
      Attack::Prepare(std::move(options), live_out ? *live_out : live);
  EXPECT_TRUE(attack.ok()) << attack.status().message();
  if (!attack.ok()) return {};
  (*attack)->Start(kClock);
  while (!(*attack)->WaitFor(milliseconds(100))) {
  }
  return (*attack)->Finish();
}

TEST(Attack, OpenLoopSendsOnScheduleAndRecordsEveryHit) {
  TestServer server;
  ResultSet r = RunToEnd(Open({Get(server.Url("/ok"))}, "400/1s", 20));
  ASSERT_EQ(r.results.size(), 20u);
  for (size_t i = 0; i < r.results.size(); ++i) {
    const HitResult& h = r.results[i];
    EXPECT_EQ(h.seq, i);
    EXPECT_EQ(h.code, 200);
    EXPECT_EQ(h.error, 0u);
    EXPECT_EQ(h.bytes_in, 5u);
    EXPECT_GT(h.latency_ns, 0);
    // Timestamps are the schedule itself: exactly 2.5 ms apart.
    EXPECT_EQ(h.timestamp_ns - r.results[0].timestamp_ns, static_cast<std::int64_t>(i) * 2'500'000);
  }
  EXPECT_EQ(server.requests(), 20);
  EXPECT_LE(server.connections(), 20);
  ASSERT_EQ(r.targets.size(), 1u);
  EXPECT_EQ(r.targets[0].url, server.Url("/ok"));
  EXPECT_NE(server.last_request().find("User-Agent: ebb-load/0.1"), std::string::npos);
}

TEST(Attack, DurationBoundsTheOpenLoop) {
  TestServer server;
  AttackOptions o = Open({Get(server.Url("/ok"))}, "1000/1s", 0);
  o.requests.reset();
  o.duration = milliseconds(30);
  EXPECT_EQ(RunToEnd(std::move(o)).results.size(), 30u);
}

TEST(Attack, ClosedLoopKeepsItsWorkersConnections) {
  TestServer server;
  ResultSet r = RunToEnd(Closed({Get(server.Url("/ok"))}, 4, 50));
  ASSERT_EQ(r.results.size(), 50u);
  std::set<std::uint64_t> seqs;
  for (const HitResult& h : r.results) {
    EXPECT_EQ(h.code, 200);
    seqs.insert(h.seq);
  }
  EXPECT_EQ(seqs.size(), 50u);
  EXPECT_EQ(server.connections(), 4);
}

TEST(Attack, ErrorStatusesAndRoundRobinTargets) {
  TestServer server;
  ResultSet r = RunToEnd(Closed({Get(server.Url("/ok")), Get(server.Url("/fail"))}, 1, 10));
  ASSERT_EQ(r.results.size(), 10u);
  for (const HitResult& h : r.results) {
    EXPECT_EQ(h.target, h.seq % 2);
    EXPECT_EQ(h.code, h.seq % 2 == 0 ? 200 : 503);
    EXPECT_EQ(r.ErrorText(h), h.seq % 2 == 0 ? "" : "503 Service Unavailable");
  }
}

TEST(Attack, ConnectionRefusedReadsLikeGo) {
  int port = 0;
  {
    TestServer gone;
    port = std::stoi(gone.Url("").substr(17));
  }
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  ResultSet r = RunToEnd(Closed({Get(url)}, 1, 2));
  ASSERT_EQ(r.results.size(), 2u);
  EXPECT_EQ(r.results[0].code, 0);
  EXPECT_EQ(r.ErrorText(r.results[0]), "Get \"" + url + "\": dial tcp 127.0.0.1:" +
                                           std::to_string(port) + ": connect: connection refused");
}

TEST(Attack, TimeoutEndsASilentExchange) {
  TestServer server;
  AttackOptions o = Closed({Get(server.Url("/silent"))}, 2, 2);
  o.timeout = milliseconds(50);
  ResultSet r = RunToEnd(std::move(o));
  ASSERT_EQ(r.results.size(), 2u);
  for (const HitResult& h : r.results) {
    EXPECT_EQ(h.code, 0);
    EXPECT_GE(h.latency_ns, 50'000'000);
    EXPECT_EQ(r.ErrorText(h),
              "Get \"" + server.Url("/silent") + "\": timeout: no response within 50ms");
  }
}

TEST(Attack, KeepaliveFalseOpensAConnectionPerRequest) {
  TestServer server;
  AttackOptions o = Closed({Get(server.Url("/ok"))}, 1, 5);
  o.keepalive = false;
  ResultSet r = RunToEnd(std::move(o));
  ASSERT_EQ(r.results.size(), 5u);
  EXPECT_EQ(server.connections(), 5);
  EXPECT_NE(server.last_request().find("Connection: close"), std::string::npos);
}

TEST(Attack, ServerClosingConnectionsIsNotAnError) {
  TestServer server;
  ResultSet closes = RunToEnd(Closed({Get(server.Url("/close"))}, 1, 5));
  for (const HitResult& h : closes.results) EXPECT_EQ(h.code, 200);
  EXPECT_EQ(server.connections(), 5);
  // Closed without notice: the next request on that connection is retried on a new one.
  ResultSet stale = RunToEnd(Closed({Get(server.Url("/idle-close"))}, 1, 5));
  ASSERT_EQ(stale.results.size(), 5u);
  for (const HitResult& h : stale.results) EXPECT_EQ(h.code, 200) << stale.ErrorText(h);
}

TEST(Attack, ChunkedBodiesAreCounted) {
  TestServer server;
  ResultSet r = RunToEnd(Closed({Get(server.Url("/chunked"))}, 1, 3));
  ASSERT_EQ(r.results.size(), 3u);
  EXPECT_EQ(r.results[0].bytes_in, 7u);
}

TEST(Attack, ThreadsShareTheSchedule) {
  TestServer server;
  AttackOptions o = Open({Get(server.Url("/ok"))}, "2000/1s", 40);
  o.threads = 2;
  ResultSet r = RunToEnd(std::move(o));
  ASSERT_EQ(r.results.size(), 40u);
  for (size_t i = 0; i < r.results.size(); ++i) {
    EXPECT_EQ(r.results[i].seq, i);
    EXPECT_EQ(r.results[i].timestamp_ns - r.results[0].timestamp_ns,
              static_cast<std::int64_t>(i) * 500'000);
  }
}

TEST(Attack, ConnectionLimitQueuesHits) {
  TestServer server;
  AttackOptions o = Open({Get(server.Url("/ok"))}, "10000/1s", 30);
  o.max_connections = 1;
  ResultSet r = RunToEnd(std::move(o));
  ASSERT_EQ(r.results.size(), 30u);
  for (const HitResult& h : r.results) EXPECT_EQ(h.code, 200);
  EXPECT_EQ(server.connections(), 1);
}

TEST(Attack, StopEndsAnOpenEndedAttackWithItsHitsAnswered) {
  TestServer server;
  AttackOptions o = Open({Get(server.Url("/ok"))}, "500/1s", 0);
  o.requests.reset();
  LiveStats live;
  Result<std::unique_ptr<Attack>> attack = Attack::Prepare(std::move(o), live);
  ASSERT_TRUE(attack.ok());
  EXPECT_EQ((*attack)->planned_hits(), std::nullopt);
  (*attack)->Start(kClock);
  while (live.Read().done < 5) (*attack)->WaitFor(milliseconds(1));
  (*attack)->Stop();
  while (!(*attack)->WaitFor(milliseconds(100))) {
  }
  ResultSet r = (*attack)->Finish();
  EXPECT_GE(r.results.size(), 5u);
  EXPECT_EQ(static_cast<int>(r.results.size()), server.requests());
  for (const HitResult& h : r.results) EXPECT_EQ(h.code, 200);
}

TEST(Attack, PrepareRejectsBadOptionsAndHosts) {
  LiveStats live;
  AttackOptions none;
  EXPECT_FALSE(Attack::Prepare(none, live).ok());
  AttackOptions unlimited = Open({Get("http://127.0.0.1:1/")}, "0", 1);
  EXPECT_NE(Attack::Prepare(unlimited, live).status().message().find("-c"), std::string::npos);
  AttackOptions both = Closed({Get("http://127.0.0.1:1/")}, 2, 1);
  both.rate = *ParseRate("10");
  EXPECT_FALSE(Attack::Prepare(both, live).ok());
  AttackOptions unresolvable = Open({Get("http://no-such-host.invalid/")}, "10", 1);
  EXPECT_NE(Attack::Prepare(unresolvable, live).status().message().find("cannot resolve"),
            std::string::npos);
}

}  // namespace
}  // namespace ebb::load
