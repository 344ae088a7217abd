// Integration tests of the proxy itself: real sockets on 127.0.0.1, a gateway with two
// workers, and plain-socket upstreams and clients (gateway_testing.h).
#include <gtest/gtest.h>

#include <pthread.h>

#include <condition_variable>
#include <fstream>
#include <future>
#include <mutex>
#include <set>
#include <string>

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
using testing::Respond;
using testing::Routes;
using testing::Signal;
using testing::TestConn;
using testing::UpstreamRequest;

constexpr char kHost[] = "hello.default.example.com";
constexpr char kRevision[] = "default/hello-00001";

class GatewayProxyTest : public ::testing::Test {
 protected:
  void Start(Limits limits = {}, int container_concurrency = 0) {
    Options options;
    options.listen = "127.0.0.1:0";
    options.io = testing::TestIo();
    options.threads = 2;
    options.limits = limits;
    auto started = Gateway::Start(options, {});
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    gateway_ = std::move(started).value();
    gateway_->SetRoutes(Routes({{kHost, kRevision, container_concurrency}}));
  }
  void Serve(FakeUpstream& upstream) {
    gateway_->SetEndpoints(kRevision, {upstream.endpoint("i1")});
  }
  std::string address() const { return gateway_->address(); }

  std::unique_ptr<Gateway> gateway_;
};

TEST_F(GatewayProxyTest, StartReportsBadAndBusyAddresses) {
  Start();
  Options options;
  options.listen = "nonsense";
  EXPECT_EQ(Gateway::Start(options, {}).status().code(), Code::kBadRequest);
  options.listen = "127.0.0.1:99999";
  EXPECT_EQ(Gateway::Start(options, {}).status().code(), Code::kBadRequest);
  options.listen = address();  // taken by the gateway of this test
  EXPECT_EQ(Gateway::Start(options, {}).status().code(), Code::kUnavailable);
}

// The serving plane readies each worker thread to start instances before it serves.
TEST(GatewayWorkerStartTest, EachWorkerThreadRunsTheStartHook) {
  std::mutex mu;
  std::condition_variable cv;
  std::set<std::string> names;
  Callbacks callbacks;
  callbacks.on_worker_start = [&] {
    char name[16] = {};
    ::pthread_getname_np(::pthread_self(), name, sizeof name);
    std::lock_guard lock(mu);
    names.insert(name);
    cv.notify_all();
  };
  Options options;
  options.listen = "127.0.0.1:0";
  options.io = testing::TestIo();
  options.threads = 2;
  auto started = Gateway::Start(options, callbacks);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  std::unique_lock lock(mu);
  EXPECT_TRUE(cv.wait_for(lock, 10s, [&] { return names.size() == 2; }));
  EXPECT_EQ(names, (std::set<std::string>{"ebb-gateway-0", "ebb-gateway-1"}));
}

TEST_F(GatewayProxyTest, ProxiesWithKeepAliveOnBothSides) {
  FakeUpstream upstream("i1");
  Start();
  Serve(upstream);
  auto conn = Connect(address());
  ASSERT_TRUE(conn);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(conn->Send("GET /p?q=" + std::to_string(i) +
                           " HTTP/1.1\r\nHost: Hello.Default.Example.com:8080\r\n\r\n"));
    auto r = ReadResponse(*conn);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "hello from i1");
    EXPECT_EQ(r.fields.count("connection"), 0u);
  }
  EXPECT_EQ(upstream.connections.load(), 1);  // the pooled connection was reused
  auto seen = upstream.Seen();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2].target, "/p?q=2");
  EXPECT_EQ(seen[0].fields["host"], "Hello.Default.Example.com:8080");
  EXPECT_EQ(seen[0].fields["x-forwarded-for"], "127.0.0.1");
  EXPECT_EQ(seen[0].fields["x-forwarded-proto"], "http");
  EXPECT_EQ(seen[0].fields["x-forwarded-host"], "Hello.Default.Example.com:8080");
  EXPECT_EQ(seen[0].fields["forwarded"],
            "for=127.0.0.1;host=\"Hello.Default.Example.com:8080\";proto=http");
  EXPECT_EQ(gateway_->Stats().requests, 3u);
}

TEST_F(GatewayProxyTest, PipelinedRequestsAreAnsweredInOrder) {
  FakeUpstream upstream(
      [](const UpstreamRequest& req, TestConn& c) { return Respond(c, 200, req.target); });
  Start();
  Serve(upstream);
  auto conn = Connect(address());
  ASSERT_TRUE(conn->Send(Get(kHost, "/one") + Get(kHost, "/two") + Get(kHost, "/three")));
  EXPECT_EQ(ReadResponse(*conn).body, "/one");
  EXPECT_EQ(ReadResponse(*conn).body, "/two");
  EXPECT_EQ(ReadResponse(*conn).body, "/three");
}

TEST_F(GatewayProxyTest, UnknownHostGets404) {
  Start();
  auto r = Fetch(address(), Get("nope.example.com"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "no route for host \"nope.example.com\"");
  EXPECT_EQ(gateway_->Stats().responses_not_found, 1u);
}

TEST_F(GatewayProxyTest, ChunkedRequestAndResponse) {
  FakeUpstream upstream([](const UpstreamRequest& req, TestConn& c) {
    return c.Send(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "4\r\ngot \r\n" +
        [&] {
          char hex[16];
          std::snprintf(hex, sizeof hex, "%zx", req.body.size());
          return std::string(hex) + "\r\n" + req.body + "\r\n0\r\n\r\n";
        }());
  });
  Start();
  Serve(upstream);
  auto conn = Connect(address());
  ASSERT_TRUE(conn->Send(std::string("POST /echo HTTP/1.1\r\nHost: ") + kHost +
                         "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));
  ASSERT_TRUE(conn->Send("6\r\n world\r\n0\r\n\r\n"));
  auto r = ReadResponse(*conn);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.fields["transfer-encoding"], "chunked");
  EXPECT_EQ(r.body, "got hello world");
  // The connection is still usable.
  ASSERT_TRUE(conn->Send(std::string("POST /echo HTTP/1.1\r\nHost: ") + kHost +
                         "\r\nContent-Length: 2\r\n\r\nok"));
  EXPECT_EQ(ReadResponse(*conn).body, "got ok");
}

TEST_F(GatewayProxyTest, Http10ClientGetsDechunkedBodyAndClose) {
  FakeUpstream upstream([](const UpstreamRequest&, TestConn& c) {
    return c.Send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  });
  Start();
  Serve(upstream);
  auto conn = Connect(address());
  ASSERT_TRUE(conn->Send(std::string("GET / HTTP/1.0\r\nHost: ") + kHost + "\r\n\r\n"));
  std::string all = conn->ReadUntilClosed();
  EXPECT_TRUE(all.starts_with("HTTP/1.1 200 OK\r\n")) << all;
  EXPECT_NE(all.find("Connection: close\r\n"), std::string::npos) << all;
  EXPECT_EQ(all.find("Transfer-Encoding"), std::string::npos) << all;
  EXPECT_TRUE(all.ends_with("\r\n\r\nabc")) << all;
}

TEST_F(GatewayProxyTest, ExpectContinueIsAnsweredBeforeTheBody) {
  FakeUpstream upstream([](const UpstreamRequest& req, TestConn& c) {
    return Respond(c, 201, "stored " + req.body);
  });
  Start();
  Serve(upstream);
  auto conn = Connect(address());
  ASSERT_TRUE(conn->Send(std::string("PUT /f HTTP/1.1\r\nHost: ") + kHost +
                         "\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
  auto interim = ReadResponse(*conn);
  EXPECT_EQ(interim.status, 100);
  ASSERT_TRUE(conn->Send("data"));
  auto r = ReadResponse(*conn);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "stored data");
  EXPECT_EQ(upstream.Seen()[0].fields.count("expect"), 0u);
}

TEST_F(GatewayProxyTest, WebSocketUpgradeIsTunnelled) {
  // Answers 101, then echoes each line back until the client closes.
  FakeUpstream echo([](const UpstreamRequest&, TestConn& c) {
    c.Send("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
    for (;;) {
      auto line = c.ReadLine();
      if (!line) return false;
      if (!c.Send("echo:" + *line + "\r\n")) return false;
    }
  });
  Start();
  gateway_->SetEndpoints(kRevision, {echo.endpoint("ws")});
  auto conn = Connect(address());
  ASSERT_TRUE(conn->Send(std::string("GET /ws HTTP/1.1\r\nHost: ") + kHost +
                         "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                         "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: x\r\n\r\n"));
  auto r = ReadResponse(*conn);
  ASSERT_EQ(r.status, 101);
  EXPECT_EQ(r.fields["upgrade"], "websocket");
  for (std::string msg : {"one", "two"}) {
    ASSERT_TRUE(conn->Send(msg + "\r\n"));
    EXPECT_EQ(conn->ReadLine(), "echo:" + msg);
  }
  auto seen = echo.Seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].fields["connection"], "Upgrade");
  EXPECT_EQ(seen[0].fields["sec-websocket-key"], "x");
  conn->ShutdownWrite();
  EXPECT_EQ(conn->ReadUntilClosed(), "");
}

TEST_F(GatewayProxyTest, ServerSentEventsArriveBeforeTheStreamEnds) {
  Signal first_event_seen;
  FakeUpstream upstream([&](const UpstreamRequest&, TestConn& c) {
    c.Send(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
        "Transfer-Encoding: chunked\r\n\r\n");
    c.Send("f\r\ndata: event 1\n\n\r\n");
    // The rest only after the client has seen the first event through the gateway.
    if (!first_event_seen.WaitFor()) return false;
    return c.Send("f\r\ndata: event 2\n\n\r\n0\r\n\r\n");
  });
  Start();
  Serve(upstream);
  auto conn = Connect(address());
  ASSERT_TRUE(conn->Send(Get(kHost, "/events")));
  auto head = conn->ReadHead();
  ASSERT_TRUE(head);
  EXPECT_NE(head->find("text/event-stream"), std::string::npos);
  EXPECT_EQ(conn->ReadLine(), "f");
  EXPECT_EQ(conn->ReadExactly(17), "data: event 1\n\n\r\n");
  first_event_seen.Notify();
  EXPECT_EQ(conn->ReadLine(), "f");
  EXPECT_EQ(conn->ReadExactly(17), "data: event 2\n\n\r\n");
  EXPECT_EQ(conn->ReadExactly(5), "0\r\n\r\n");
}

TEST_F(GatewayProxyTest, LargeDownloadArrivesIntact) {
  std::string big(3 << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 % 251);
  FakeUpstream upstream([&](const UpstreamRequest&, TestConn& c) { return Respond(c, 200, big); });
  Start();
  Serve(upstream);
  auto r = Fetch(address(), Get(kHost));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body == big);
}

long RssKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return -1;
}

// A 100 MB upload streams through without being held in memory.
TEST_F(GatewayProxyTest, LargeUploadStreamsWithBoundedMemory) {
  FakeUpstream upstream([](const UpstreamRequest& req, TestConn& c) {
    return Respond(c, 200, std::to_string(req.body_bytes));
  });
  Start();
  Serve(upstream);
  constexpr std::uint64_t kSize = 100ull << 20;
  long before = RssKiB();
  std::atomic<long> peak{before};
  std::atomic<bool> done{false};
  std::thread sampler([&] {
    while (!done.load()) {
      peak.store(std::max(peak.load(), RssKiB()));
      std::this_thread::yield();
    }
  });
  auto conn = Connect(address());
  ASSERT_TRUE(conn->Send(std::string("POST /upload HTTP/1.1\r\nHost: ") + kHost +
                         "\r\nContent-Length: " + std::to_string(kSize) + "\r\n\r\n"));
  std::string chunk(1 << 20, 'u');
  for (std::uint64_t sent = 0; sent < kSize; sent += chunk.size()) ASSERT_TRUE(conn->Send(chunk));
  auto r = ReadResponse(*conn);
  done = true;
  sampler.join();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, std::to_string(kSize));
  // Growth of the whole test process (client, gateway and upstream), in KiB. Under ASan freed
  // memory sits in its quarantine (256 MB by default) instead of being reused, so RSS says
  // nothing about what the gateway holds; tests/e2e_gateway.sh checks the real binary's RSS.
#if !defined(__SANITIZE_ADDRESS__)
  EXPECT_LT(peak.load() - before, 64 * 1024);
#endif
}

TEST_F(GatewayProxyTest, MalformedRequestsGet400) {
  Start();
  auto r = Fetch(address(), "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.fields["connection"], "close");
  EXPECT_EQ(Fetch(address(), "NOT A REQUEST\r\n\r\n").status, 400);
  EXPECT_EQ(Fetch(address(), std::string("POST / HTTP/1.1\r\nHost: ") + kHost +
                                 "\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")
                .status,
            400);
  EXPECT_EQ(gateway_->Stats().responses_bad_request, 3u);
}

TEST_F(GatewayProxyTest, OversizedHeadGets431AndBodyOverLimitGets413) {
  Limits limits;
  limits.max_header_bytes = 4096;
  limits.max_body_bytes = 1000;
  FakeUpstream upstream("i1");
  Start(limits);
  Serve(upstream);
  std::string big_head = std::string("GET / HTTP/1.1\r\nHost: ") + kHost +
                         "\r\nX-Big: " + std::string(8000, 'x') + "\r\n\r\n";
  EXPECT_EQ(Fetch(address(), big_head).status, 431);
  std::string big_body =
      std::string("POST / HTTP/1.1\r\nHost: ") + kHost + "\r\nContent-Length: 1001\r\n\r\n";
  EXPECT_EQ(Fetch(address(), big_body).status, 413);
  // Chunked: the limit is found while streaming, before any response was written.
  std::string chunked = std::string("POST / HTTP/1.1\r\nHost: ") + kHost +
                        "\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" + std::string(1024, 'c') +
                        "\r\n0\r\n\r\n";
  EXPECT_EQ(Fetch(address(), chunked).status, 413);
  // Other clients are not disturbed.
  EXPECT_EQ(Fetch(address(), Get(kHost)).status, 200);
}

TEST_F(GatewayProxyTest, SlowHeadIsCutWithoutDisturbingOthers) {
  Limits limits;
  limits.header_read_timeout = 300ms;
  FakeUpstream upstream("i1");
  Start(limits);
  Serve(upstream);
  auto slow = Connect(address());
  ASSERT_TRUE(slow->Send("GET / HTTP/1.1\r\nHo"));
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Fetch(address(), Get(kHost)).status, 200);  // meanwhile, others are served
  EXPECT_TRUE(slow->ClosedByPeer());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
}

TEST_F(GatewayProxyTest, StalePooledConnectionIsReplacedTransparently) {
  // The upstream closes every connection after its response without saying so, like an app
  // whose keep-alive timeout passed while the connection sat in the pool.
  FakeUpstream upstream([](const UpstreamRequest&, TestConn& c) {
    Respond(c, 200, "fresh");
    return false;
  });
  Start();
  Serve(upstream);
  auto conn = Connect(address());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(conn->Send(Get(kHost)));
    EXPECT_EQ(ReadResponse(*conn).body, "fresh");
  }
}

TEST_F(GatewayProxyTest, AfterA502TheClientConnectionGoesOn) {
  // The first request dies with its instance (its connection closes before any response, as
  // when the app is killed while serving it): 502, and the client may send the next one on the
  // same connection. A 502 that kept "keep-alive" but closed would fail that next request.
  std::atomic<int> seen{0};
  FakeUpstream upstream([&](const UpstreamRequest&, TestConn& c) {
    if (seen++ == 0) return false;
    return Respond(c, 200, "alive");
  });
  Start();
  Serve(upstream);
  auto conn = Connect(address());
  ASSERT_TRUE(conn->Send(Get(kHost)));
  auto failed = ReadResponse(*conn);
  EXPECT_EQ(failed.status, 502);
  EXPECT_EQ(failed.fields.count("connection"), 0u) << failed.fields["connection"];
  ASSERT_TRUE(conn->Send(Get(kHost)));
  EXPECT_EQ(ReadResponse(*conn).body, "alive");
}

TEST_F(GatewayProxyTest, HeadResponseHasNoBody) {
  FakeUpstream upstream([](const UpstreamRequest& req, TestConn& c) {
    return c.Send(std::string("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n") +
                  (req.method == "HEAD" ? "" : "12345"));
  });
  Start();
  Serve(upstream);
  auto conn = Connect(address());
  ASSERT_TRUE(conn->Send(std::string("HEAD / HTTP/1.1\r\nHost: ") + kHost + "\r\n\r\n"));
  auto r = ReadResponse(*conn, true);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.fields["content-length"], "5");
  ASSERT_TRUE(conn->Send(Get(kHost)));
  EXPECT_EQ(ReadResponse(*conn).status, 200);  // still in sync
}

}  // namespace
}  // namespace ebb::gateway
