// Integration tests of the gateway's request metrics: per-revision counts by response code,
// latency histograms by class, activator (parked) requests, queue wait, the cold-start
// first-byte callback, and the switch that turns recording off.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "gateway/gateway.h"
#include "gateway/gateway_testing.h"

namespace ebb::gateway {
namespace {

using namespace std::chrono_literals;  // NOLINT: test file
using testing::FakeUpstream;
using testing::Fetch;
using testing::Get;
using testing::Respond;
using testing::Response;
using testing::Routes;
using testing::RouteSpec;
using testing::Signal;
using testing::TestConn;
using testing::UpstreamRequest;

constexpr char kHost[] = "hello.default.example.com";
constexpr char kRevision[] = "default/hello-00001";

// Answers 404 for /missing, 200 otherwise.
bool Answer(const UpstreamRequest& req, TestConn& c) {
  return req.target == "/missing" ? Respond(c, 404, "no") : Respond(c, 200, "yes");
}

class GatewayMetricsTest : public ::testing::Test {
 protected:
  void Start(bool metrics = true, RouteSpec route = {}) {
    Options options;
    options.listen = "127.0.0.1:0";
    options.io = testing::TestIo();
    options.threads = 2;
    options.metrics = metrics;
    Callbacks callbacks;
    callbacks.on_demand = [this](const std::string&, bool) -> std::optional<ColdInstance> {
      demanded_.Notify();
      return std::nullopt;
    };
    callbacks.on_cold_response = [this](const std::string& revision,
                                        std::chrono::steady_clock::time_point t) {
      std::lock_guard lock(mu_);
      cold_.push_back(revision);
      EXPECT_LE(t, std::chrono::steady_clock::now());
    };
    auto started = Gateway::Start(options, callbacks);
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    gateway_ = std::move(started).value();
    route.host = kHost;
    route.revision = kRevision;
    gateway_->SetRoutes(Routes({route}));
  }
  std::future<Response> Async(std::string target = "/") {
    return std::async(std::launch::async, [address = gateway_->address(), target] {
      return Fetch(address, Get(kHost, target));
    });
  }
  // The revision's metrics once `requests` have been recorded: a request is counted when the
  // worker finishes it, which may be just after the client has read the response.
  RevisionMetrics WaitFor(std::uint64_t requests) {
    auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
      RevisionMetrics m = Find();
      if (m.requests.all.requests() >= requests || std::chrono::steady_clock::now() > deadline) {
        return m;
      }
      std::this_thread::yield();
    }
  }
  RevisionMetrics Find() {
    for (RevisionMetrics& m : gateway_->Metrics()) {
      if (m.revision == kRevision) return m;
    }
    return {};
  }
  std::vector<std::string> cold() {
    std::lock_guard lock(mu_);
    return cold_;
  }

  std::unique_ptr<Gateway> gateway_;
  Signal demanded_;
  std::mutex mu_;
  std::vector<std::string> cold_;  // guarded by mu_
};

TEST_F(GatewayMetricsTest, CountsRequestsByCodeWithLatencyByClass) {
  FakeUpstream upstream(Answer);
  Start();
  gateway_->SetEndpoints(kRevision, {upstream.endpoint("i1")});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Fetch(gateway_->address(), Get(kHost)).status, 200);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(Fetch(gateway_->address(), Get(kHost, "/missing")).status, 404);
  }
  RevisionMetrics m = WaitFor(7);
  EXPECT_EQ(m.requests.all.codes, (std::map<int, std::uint64_t>{{200, 5}, {404, 2}}));
  EXPECT_EQ(m.requests.all.latency[2].count(), 5u);
  EXPECT_EQ(m.requests.all.latency[4].count(), 2u);
  EXPECT_GT(m.requests.all.latency[2].sum_ns, 0u);
  EXPECT_EQ(m.requests.activator.requests(), 0u);  // nobody parked
  EXPECT_EQ(m.requests.queue_wait.count(), 0u);
  EXPECT_EQ(m.parked, 0);
  EXPECT_TRUE(cold().empty());
}

TEST_F(GatewayMetricsTest, ColdStartIsAnActivatorRequestAndReportsItsFirstByte) {
  Start();
  auto pending = Async();
  ASSERT_TRUE(demanded_.WaitFor());
  auto parked = std::chrono::steady_clock::now() + 10s;
  while (Find().parked != 1 && std::chrono::steady_clock::now() < parked) {
    std::this_thread::yield();
  }
  EXPECT_EQ(Find().parked, 1);
  FakeUpstream upstream(Answer);
  gateway_->SetEndpoints(kRevision, {upstream.endpoint("i1")});
  EXPECT_EQ(pending.get().status, 200);
  RevisionMetrics m = WaitFor(1);
  EXPECT_EQ(m.requests.all.codes, (std::map<int, std::uint64_t>{{200, 1}}));
  EXPECT_EQ(m.requests.activator.codes, (std::map<int, std::uint64_t>{{200, 1}}));
  EXPECT_EQ(m.requests.queue_wait.count(), 1u);
  EXPECT_EQ(m.parked, 0);
  EXPECT_EQ(cold(), std::vector<std::string>{kRevision});
}

TEST_F(GatewayMetricsTest, ParkingBehindABusyInstanceIsNoColdStart) {
  Signal release;
  FakeUpstream upstream([&](const UpstreamRequest&, TestConn& c) {
    release.WaitFor();
    return Respond(c, 200, "done");
  });
  RouteSpec route;
  route.container_concurrency = 1;
  Start(true, route);
  gateway_->SetEndpoints(kRevision, {upstream.endpoint("i1")});
  auto first = Async();
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (upstream.in_flight.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  auto second = Async();  // the only slot is taken: parks
  ASSERT_TRUE(demanded_.WaitFor());
  release.Notify();
  EXPECT_EQ(first.get().status, 200);
  EXPECT_EQ(second.get().status, 200);
  RevisionMetrics m = WaitFor(2);
  EXPECT_EQ(m.requests.all.codes[200], 2u);
  EXPECT_EQ(m.requests.activator.codes[200], 1u);
  EXPECT_EQ(m.requests.queue_wait.count(), 1u);
  EXPECT_TRUE(cold().empty());
}

TEST_F(GatewayMetricsTest, GatewayRepliesAreCountedWithTheirStatus) {
  RouteSpec route;
  route.timeout = 200ms;
  Start(true, route);
  EXPECT_EQ(Fetch(gateway_->address(), Get(kHost)).status, 504);  // parked, nobody came
  RevisionMetrics m = WaitFor(1);
  EXPECT_EQ(m.requests.all.codes, (std::map<int, std::uint64_t>{{504, 1}}));
  EXPECT_EQ(m.requests.activator.codes, (std::map<int, std::uint64_t>{{504, 1}}));
  EXPECT_GE(m.requests.all.latency[5].sum_ns, 150'000'000u);
  EXPECT_TRUE(cold().empty());  // no instance ever answered
}

TEST_F(GatewayMetricsTest, NothingIsRecordedWithMetricsOff) {
  Start(false);
  auto pending = Async();
  ASSERT_TRUE(demanded_.WaitFor());
  FakeUpstream upstream(Answer);
  gateway_->SetEndpoints(kRevision, {upstream.endpoint("i1")});
  EXPECT_EQ(pending.get().status, 200);
  EXPECT_EQ(Fetch(gateway_->address(), Get(kHost)).status, 200);
  EXPECT_EQ(gateway_->Stats().requests, 2u);  // the gateway's own totals still count
  RevisionMetrics m = Find();
  EXPECT_EQ(m.revision, kRevision);
  EXPECT_EQ(m.requests.all.requests(), 0u);
  EXPECT_EQ(m.requests.queue_wait.count(), 0u);
  EXPECT_TRUE(cold().empty());
}

}  // namespace
}  // namespace ebb::gateway
