// Integration tests of the activator inside the gateway: parking, the demand callback, queue
// bounds, deadlines, the breaker across workers, retries, load collection and shutdown.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <future>
#include <thread>

#include "gateway/gateway.h"
#include "gateway/gateway_testing.h"

namespace ebb::gateway {
namespace {

using namespace std::chrono_literals;  // NOLINT: test file
using testing::Connect;
using testing::FakeUpstream;
using testing::Fetch;
using testing::Get;
using testing::ReadResponse;
using testing::RefusingPort;
using testing::Respond;
using testing::Response;
using testing::Routes;
using testing::RouteSpec;
using testing::Signal;
using testing::TestConn;
using testing::UpstreamRequest;

constexpr char kHost[] = "hello.default.example.com";
constexpr char kRevision[] = "default/hello-00001";

class GatewayActivatorTest : public ::testing::Test {
 protected:
  // The gateway's callbacks use the members below: it stops first.
  ~GatewayActivatorTest() override {
    gateway_.reset();
    for (int fd : {start_ready_fd_, app_ready_fd_}) {
      if (fd >= 0) ::close(fd);
    }
  }

  // Parks a request, then stops the gateway, past its drain bound: the request is closed
  // without a response.
  void StopWithAParkedRequest() {
    Limits limits;
    limits.drain_timeout = 200ms;
    Start({}, limits);
    auto parked = Async();
    ASSERT_TRUE(demanded_.WaitFor());
    gateway_->Stop();
    EXPECT_EQ(parked.get().status, 0);
  }

  // on_demand will start `upstream` as instance i1 that accepts connections already (socket
  // activation).
  void StartsAccepting(const FakeUpstream& upstream) {
    std::lock_guard lock(mu_);
    start_ = upstream.endpoint("i1");
  }

  // on_demand will start `upstream` as instance i1 of an app that binds its own port: with a
  // ready socket (a datagram socketpair). Returns the app's end, where it sends READY=1.
  int StartsWithReadySocket(const FakeUpstream& upstream) {
    int pair[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair), 0);
    std::lock_guard lock(mu_);
    start_ = upstream.endpoint("i1");
    start_ready_fd_ = pair[0];  // the gateway's once on_demand has returned it
    return app_ready_fd_ = pair[1];
  }

  void Start(RouteSpec route, Limits limits = {}) {
    Options options;
    options.listen = "127.0.0.1:0";
    options.io = testing::TestIo();
    options.threads = 2;
    options.limits = limits;
    Callbacks callbacks;
    callbacks.on_demand = [this](const std::string& revision,
                                 bool none_ready) -> std::optional<ColdInstance> {
      std::lock_guard lock(mu_);
      demands_.push_back(revision + (none_ready ? " cold" : ""));
      demanded_.Notify();
      if (!start_) return std::nullopt;
      ColdInstance cold{*start_, std::exchange(start_ready_fd_, -1)};
      cold.settle = [this] {
        {
          std::lock_guard lock(mu_);
          happened_.push_back("settled");
        }
        settled_.Notify();
      };
      cold.settle_at = std::chrono::steady_clock::now() + settle_after_;
      return cold;
    };
    callbacks.on_instance_ready = [this](const std::string& revision, const std::string& id,
                                         std::chrono::steady_clock::time_point) {
      {
        std::lock_guard lock(mu_);
        ready_seen_.push_back(revision + " " + id);
        happened_.push_back("ready " + id);
      }
      reported_.Notify();
    };
    callbacks.on_instance_failure = [this](const std::string& revision, const std::string& id) {
      std::lock_guard lock(mu_);
      failures_.push_back(revision + " " + id);
    };
    auto started = Gateway::Start(options, callbacks);
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    gateway_ = std::move(started).value();
    route.host = kHost;
    route.revision = kRevision;
    gateway_->SetRoutes(Routes({route}));
  }
  // Sends a request on a new connection from another thread.
  std::future<Response> Async(std::string request = Get(kHost)) {
    return std::async(std::launch::async,
                      [address = gateway_->address(), request] { return Fetch(address, request); });
  }
  std::vector<std::string> demands() {
    std::lock_guard lock(mu_);
    return demands_;
  }
  std::vector<std::string> happened() {
    std::lock_guard lock(mu_);
    return happened_;
  }

  std::unique_ptr<Gateway> gateway_;
  std::mutex mu_;
  std::vector<std::string> demands_;   // guarded by mu_
  std::vector<std::string> failures_;  // guarded by mu_
  std::optional<Endpoint> start_;      // what on_demand returns; guarded by mu_
  int start_ready_fd_ = -1;            // ... with this ready_fd (once); guarded by mu_
  int app_ready_fd_ = -1;              // the app's end of the ready socket
  std::vector<std::string> ready_seen_;  // on_instance_ready; guarded by mu_
  Signal reported_;                      // on_instance_ready was called
  Signal demanded_;
  // A start's settle runs this long after on_demand (unless sooner: READY=1, stop).
  std::chrono::steady_clock::duration settle_after_ = 1h;
  std::vector<std::string> happened_;  // settles and on_instance_ready, in order; by mu_
  Signal settled_;
};

TEST_F(GatewayActivatorTest, ParkedRequestIsReleasedWhenAnInstanceBecomesReady) {
  Start({});
  auto pending = Async();
  ASSERT_TRUE(demanded_.WaitFor());  // parked, autoscaler poked
  FakeUpstream upstream("cold");
  gateway_->SetEndpoints(kRevision, {upstream.endpoint("i1")});
  Response r = pending.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello from cold");
  EXPECT_EQ(demands(), std::vector<std::string>{std::string(kRevision) + " cold"});
  EXPECT_EQ(gateway_->Stats().requests_parked, 1u);
}

// A cold start on the worker: the demand callback returns an instance that accepts connections
// already (socket activation), and the parked request goes to it without SetEndpoints.
TEST_F(GatewayActivatorTest, AnInstanceStartedByTheDemandCallbackTakesTheParkedRequest) {
  FakeUpstream upstream("standby");
  StartsAccepting(upstream);
  Start({});
  Response r = Fetch(gateway_->address(), Get(kHost));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello from standby");
  EXPECT_EQ(demands(), std::vector<std::string>{std::string(kRevision) + " cold"});
  // The publication that follows names the same instance: it is kept, not replaced.
  gateway_->SetEndpoints(kRevision, {upstream.endpoint("i1")});
  EXPECT_EQ(Fetch(gateway_->address(), Get(kHost)).status, 200);
  EXPECT_EQ(demands().size(), 1u);
}

// The rest of a start (ColdInstance::settle) runs on its own time, after the parked request was
// served by the app started for it.
TEST_F(GatewayActivatorTest, AStartSettlesWhenItsQuietTimeIsOver) {
  FakeUpstream upstream("standby");
  StartsAccepting(upstream);
  settle_after_ = 300ms;
  Start({});
  auto demanded = std::chrono::steady_clock::now();
  Response r = Fetch(gateway_->address(), Get(kHost));
  EXPECT_EQ(r.status, 200);
  if (std::chrono::steady_clock::now() < demanded + 300ms) {
    EXPECT_TRUE(happened().empty());
  }
  ASSERT_TRUE(settled_.WaitFor());
  EXPECT_GE(std::chrono::steady_clock::now(), demanded + 300ms);
  EXPECT_EQ(happened(), std::vector<std::string>{"settled"});
}

TEST_F(GatewayActivatorTest, StopSettlesAStartThatHasNotSettledYet) {
  FakeUpstream upstream("standby");
  StartsAccepting(upstream);
  Start({});
  EXPECT_EQ(Fetch(gateway_->address(), Get(kHost)).status, 200);
  EXPECT_TRUE(happened().empty());  // an hour to go
  gateway_->Stop();
  EXPECT_EQ(happened(), std::vector<std::string>{"settled"});
}

// A cold start of an app that binds its own port: the demand callback also returns the socket
// the app's READY=1 (sd_notify) arrives on. The worker reads it and sends the parked request
// then, without SetEndpoints; other notifications do not release it.
TEST_F(GatewayActivatorTest, AnInstanceThatBindsItsPortTakesTheParkedRequestOnItsReady) {
  FakeUpstream upstream("own port");
  int app = StartsWithReadySocket(upstream);
  Start({});
  auto pending = Async();
  ASSERT_TRUE(demanded_.WaitFor());
  ASSERT_EQ(::send(app, "STATUS=starting", 15, 0), 15);
  EXPECT_EQ(pending.wait_for(100ms), std::future_status::timeout);  // still parked
  {
    std::lock_guard lock(mu_);
    EXPECT_TRUE(ready_seen_.empty());
  }
  const char ready[] = "STATUS=listening\nREADY=1";
  ASSERT_EQ(::send(app, ready, sizeof ready - 1, 0), static_cast<ssize_t>(sizeof ready - 1));
  Response r = pending.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello from own port");
  ASSERT_TRUE(reported_.WaitFor());  // a little later (Worker::ReadReady)
  {
    std::lock_guard lock(mu_);
    EXPECT_EQ(ready_seen_, std::vector<std::string>{std::string(kRevision) + " i1"});
  }
  // The start settled first, well before its time (an hour).
  EXPECT_EQ(happened(), (std::vector<std::string>{"settled", "ready i1"}));
}

// Without READY=1 the worker gives up with the parked request, and the instance arrives the
// usual way.
TEST_F(GatewayActivatorTest, AnInstanceThatNeverSaysReadyComesThroughSetEndpoints) {
  FakeUpstream upstream("probed");
  StartsWithReadySocket(upstream);
  RouteSpec route;
  route.timeout = 300ms;
  Start(route);
  EXPECT_EQ(Fetch(gateway_->address(), Get(kHost)).status, 504);
  gateway_->SetEndpoints(kRevision, {upstream.endpoint("i1")});
  EXPECT_EQ(Fetch(gateway_->address(), Get(kHost)).body, "hello from probed");
  std::lock_guard lock(mu_);
  EXPECT_TRUE(ready_seen_.empty());
}

TEST_F(GatewayActivatorTest, FullQueueAnswers503WithRetryAfter) {
  Limits limits;
  limits.queue_max_requests = 1;
  Start({}, limits);
  auto parked = Async();
  ASSERT_TRUE(demanded_.WaitFor());
  Response r = Fetch(gateway_->address(), Get(kHost));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.fields["retry-after"], "1");
  EXPECT_EQ(r.body, "activator queue full");
  FakeUpstream upstream("late");
  gateway_->SetEndpoints(kRevision, {upstream.endpoint("i1")});
  EXPECT_EQ(parked.get().status, 200);
}

TEST_F(GatewayActivatorTest, ParkedRequestTimesOutWith504) {
  RouteSpec route;
  route.timeout = 300ms;
  Start(route);
  auto start = std::chrono::steady_clock::now();
  Response r = Fetch(gateway_->address(), Get(kHost));
  EXPECT_EQ(r.status, 504);
  EXPECT_EQ(r.body, "activator request timeout");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
  EXPECT_EQ(gateway_->Stats().responses_timeout, 1u);
}

TEST_F(GatewayActivatorTest, SlowResponseStartTimesOutWith504) {
  Signal release;
  FakeUpstream upstream([&](const UpstreamRequest&, TestConn& c) {
    release.WaitFor();
    return Respond(c, 200, "too late");
  });
  RouteSpec route;
  route.response_start_timeout = 300ms;
  Start(route);
  gateway_->SetEndpoints(kRevision, {upstream.endpoint("i1")});
  Response r = Fetch(gateway_->address(), Get(kHost));
  release.Notify();
  EXPECT_EQ(r.status, 504);
  EXPECT_EQ(r.body, "activator request timeout");
}

TEST_F(GatewayActivatorTest, IdleResponseIsAbortedAfterItStarted) {
  Signal release;
  FakeUpstream upstream([&](const UpstreamRequest&, TestConn& c) {
    c.Send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf.");
    release.WaitFor();
    return false;
  });
  RouteSpec route;
  route.idle_timeout = 300ms;
  Start(route);
  gateway_->SetEndpoints(kRevision, {upstream.endpoint("i1")});
  auto conn = Connect(gateway_->address());
  ASSERT_TRUE(conn->Send(Get(kHost)));
  Response r = ReadResponse(*conn);
  release.Notify();
  EXPECT_EQ(r.status, -200);  // head relayed, body cut short
  EXPECT_EQ(r.body, "half.");
}

// What an app counts as in flight: from its handler's start until just before it answers (the
// FakeUpstream's own count ends after the answer is sent, by when the gateway may already have
// sent the next request on another connection).
struct AppConcurrency {
  std::atomic<int> now{0}, max{0};
  FakeUpstream::Handler Handler() {
    return [this](const UpstreamRequest&, TestConn& c) {
      int n = now.fetch_add(1) + 1;
      int seen = max.load();
      while (n > seen && !max.compare_exchange_weak(seen, n)) {
      }
      std::this_thread::sleep_for(20ms);  // the app's work, so that requests overlap
      now.fetch_sub(1);
      return Respond(c, 200, "done");
    };
  }
};

TEST_F(GatewayActivatorTest, ContainerConcurrencyHoldsAcrossWorkers) {
  AppConcurrency app_a, app_b;
  FakeUpstream a(app_a.Handler()), b(app_b.Handler());
  RouteSpec route;
  route.container_concurrency = 1;
  Start(route);
  gateway_->SetEndpoints(kRevision, {a.endpoint("a"), b.endpoint("b")});
  std::vector<std::future<Response>> clients;
  for (int i = 0; i < 10; ++i) clients.push_back(Async());
  for (auto& c : clients) EXPECT_EQ(c.get().status, 200);
  EXPECT_EQ(app_a.max.load(), 1);
  EXPECT_EQ(app_b.max.load(), 1);
  EXPECT_EQ(a.requests.load() + b.requests.load(), 10);
}

TEST_F(GatewayActivatorTest, RefusedConnectRetriesOnAnotherInstance) {
  FakeUpstream good("good");
  Start({});
  gateway_->SetEndpoints(kRevision,
                         {Endpoint{"dead", "127.0.0.1", RefusingPort()}, good.endpoint("good")});
  for (int i = 0; i < 10; ++i) {
    Response r = Fetch(gateway_->address(), Get(kHost));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "hello from good");
  }
  std::lock_guard lock(mu_);
  ASSERT_FALSE(failures_.empty());
  EXPECT_EQ(failures_[0], std::string(kRevision) + " dead");
}

TEST_F(GatewayActivatorTest, OnlyDeadInstancesGive502) {
  Start({});
  gateway_->SetEndpoints(kRevision, {Endpoint{"dead", "127.0.0.1", RefusingPort()}});
  Response r = Fetch(gateway_->address(), Get(kHost));
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.body, "upstream connection failed");
}

// Collects until nothing is in flight (bounded) and returns the requests counted meanwhile. A
// client can read its response before the gateway's worker has moved past writing it and
// released the request, so a test waits for that instead of a fixed time. A collection that
// leaves the revision out saw no load at all: nothing in flight.
std::uint64_t CollectUntilIdle(Gateway& gateway) {
  std::uint64_t requests = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    std::vector<RevisionLoad> loads = gateway.Collect();
    if (loads.empty()) return requests;
    EXPECT_EQ(loads.size(), 1u);
    requests += loads[0].requests;
    if (loads[0].in_flight == 0) return requests;
    std::this_thread::yield();
  }
  ADD_FAILURE() << "a request stayed in flight";
  return requests;
}

TEST_F(GatewayActivatorTest, CollectReportsRequestsAndConcurrency) {
  Signal release;
  Signal arrived;
  FakeUpstream upstream([&](const UpstreamRequest& req, TestConn& c) {
    if (req.target == "/hold") {
      arrived.Notify();
      release.WaitFor();
    }
    return Respond(c, 200, "ok");
  });
  Start({});
  gateway_->SetEndpoints(kRevision, {upstream.endpoint("i1")});
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Fetch(gateway_->address(), Get(kHost)).status, 200);
  EXPECT_EQ(CollectUntilIdle(*gateway_), 4u);
  auto held = Async(Get(kHost, "/hold"));
  ASSERT_TRUE(arrived.WaitFor());
  std::vector<RevisionLoad> loads = gateway_->Collect();
  ASSERT_EQ(loads.size(), 1u);
  EXPECT_EQ(loads[0].revision, kRevision);
  EXPECT_EQ(loads[0].requests, 1u);
  EXPECT_EQ(loads[0].in_flight, 1);
  EXPECT_GT(loads[0].average_concurrency, 0.0);
  release.Notify();
  EXPECT_EQ(held.get().status, 200);
  EXPECT_EQ(CollectUntilIdle(*gateway_), 0u);  // nothing new since the last Collect
}

TEST_F(GatewayActivatorTest, StopLetsTheRequestInFlightFinish) {
  Signal release;
  Signal arrived;
  FakeUpstream upstream([&](const UpstreamRequest&, TestConn& c) {
    arrived.Notify();
    release.WaitFor();
    return Respond(c, 200, "finished");
  });
  Start({});
  gateway_->SetEndpoints(kRevision, {upstream.endpoint("i1")});
  auto idle = Connect(gateway_->address());  // an idle keep-alive connection
  auto busy = Async();
  ASSERT_TRUE(arrived.WaitFor());
  auto stopped = std::async(std::launch::async, [&] { gateway_->Stop(); });
  EXPECT_TRUE(idle->ClosedByPeer());  // idle connections close at once
  release.Notify();
  Response r = busy.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "finished");
  EXPECT_EQ(r.fields["connection"], "close");
  stopped.get();
  EXPECT_EQ(Connect(gateway_->address()), nullptr);  // no longer listening
}

TEST_F(GatewayActivatorTest, StopAbortsParkedRequestsAfterTheDrainBound) {
  StopWithAParkedRequest();
}

// A worker waiting for an instance's READY=1 still stops (its loop ends only when nothing is
// pending).
TEST_F(GatewayActivatorTest, StopEndsTheWaitForAReady) {
  FakeUpstream upstream("never");
  StartsWithReadySocket(upstream);
  StopWithAParkedRequest();
  EXPECT_EQ(happened(), std::vector<std::string>{"settled"});
}

}  // namespace
}  // namespace ebb::gateway
