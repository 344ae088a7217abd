// Integration tests of tracing and the request log on the real request path: a gateway with a
// tracing::Tracer whose exporter sends to a fake transport, plain-socket upstreams and clients
// (gateway_testing.h).
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>

#include "gateway/gateway.h"
#include "gateway/gateway_testing.h"
#include "tracing/test_util.h"
#include "tracing/tracer.h"

namespace ebb::gateway {
namespace {

using nlohmann::json;
using testing::Connect;
using testing::FakeUpstream;
using testing::Fetch;
using testing::Response;
using testing::Routes;
using testing::Signal;
using testing::UpstreamRequest;

constexpr char kHost[] = "hello.default.example.com";
constexpr char kRevision[] = "default/hello-00001";
constexpr char kTrace[] = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr char kParent[] = "00f067aa0ba902b7";

class GatewayTracingTest : public ::testing::Test {
 protected:
  void Start(std::string backend, double rate, bool log = false, std::string templ = "") {
    tracing::TracerOptions o;
    o.tracing.backend = std::move(backend);
    o.tracing.zipkin_endpoint = "http://127.0.0.1:9/api/v2/spans";
    o.tracing.sample_rate = rate;
    o.observability.enable_request_log = log;
    o.observability.request_log_template = std::move(templ);
    o.start_threads = false;
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_NONBLOCK), 0);
    log_read_ = fds[0];
    o.log_fd = log_write_ = fds[1];
    auto fake = std::make_unique<tracing::FakeTransport>();
    transport_ = fake.get();
    o.transport = std::move(fake);
    auto tracer = tracing::Tracer::Start(std::move(o));
    ASSERT_TRUE(tracer.ok()) << tracer.status().ToString();
    tracer_ = std::move(*tracer);
    tracer_->SetRevisionLabels(kRevision, {"hello", "hello"});

    Options options;
    options.listen = "127.0.0.1:0";
    options.io = testing::TestIo();
    options.threads = 1;
    options.tracer = tracer_.get();
    Callbacks callbacks;
    callbacks.on_demand = [this](const std::string&, bool) -> std::optional<ColdInstance> {
      demanded_.Notify();
      return std::nullopt;
    };
    auto started = Gateway::Start(options, callbacks);
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    gateway_ = std::move(started).value();
    gateway_->SetRoutes(Routes({{kHost, kRevision}}));
  }
  void TearDown() override {
    if (gateway_) gateway_->Stop();
    tracer_.reset();
    if (log_read_ >= 0) ::close(log_read_);
    if (log_write_ >= 0) ::close(log_write_);
  }
  // Every request has ended once the gateway stopped: export what they left.
  json StopAndExport() {
    gateway_->Stop();
    tracer_->Flush();
    json spans = json::array();
    for (const std::string& body : transport_->bodies) {
      for (json& span : json::parse(body)) spans.push_back(std::move(span));
    }
    return spans;
  }
  std::string ReadLog() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(log_read_, buf, sizeof buf)) > 0)
      out.append(buf, static_cast<std::size_t>(n));
    return out;
  }

  std::unique_ptr<tracing::Tracer> tracer_;
  std::unique_ptr<Gateway> gateway_;
  tracing::FakeTransport* transport_ = nullptr;
  Signal demanded_;
  int log_read_ = -1, log_write_ = -1;
};

const json* SpanNamed(const json& spans, const std::string& name) {
  for (const json& s : spans) {
    if (s["name"] == name) return &s;
  }
  return nullptr;
}

TEST_F(GatewayTracingTest, ReplacesIncomingContextWithTheClientSpan) {
  Start("zipkin", 0.0);  // the caller's sampled flag decides
  FakeUpstream upstream;
  gateway_->SetEndpoints(kRevision, {upstream.endpoint("i1")});
  Response r = Fetch(gateway_->address(),
                     std::string("GET /a?b=1 HTTP/1.1\r\nHost: ") + kHost + "\r\ntraceparent: 00-" +
                         kTrace + "-" + kParent +
                         "-01\r\ntracestate: k=v\r\nb3: 0\r\nX-B3-TraceId: 1111111111111111"
                         "\r\nX-B3-Sampled: 0\r\n\r\n");
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(upstream.Seen().size(), 1u);
  UpstreamRequest seen = upstream.Seen()[0];
  const std::string& tp = seen.fields["traceparent"];
  ASSERT_EQ(tp.size(), 55u) << seen.head;  // exactly one, the gateway's
  EXPECT_EQ(tp.substr(0, 36), std::string("00-") + kTrace + "-");
  EXPECT_EQ(tp.substr(52), "-01");
  std::string call_id = tp.substr(36, 16);
  EXPECT_NE(call_id, kParent);
  EXPECT_EQ(seen.fields["x-b3-traceid"], kTrace);
  EXPECT_EQ(seen.fields["x-b3-spanid"], call_id);
  EXPECT_EQ(seen.fields["x-b3-sampled"], "1");
  EXPECT_EQ(seen.fields.count("b3"), 0u);
  EXPECT_EQ(seen.fields["tracestate"], "k=v");  // not ours: passed on

  json spans = StopAndExport();
  ASSERT_EQ(spans.size(), 2u) << spans.dump();
  const json* server = SpanNamed(spans, "gateway");
  const json* call = SpanNamed(spans, "proxy");
  ASSERT_TRUE(server && call);
  EXPECT_EQ((*server)["traceId"], kTrace);
  EXPECT_EQ((*server)["parentId"], kParent);
  EXPECT_EQ((*server)["kind"], "SERVER");
  EXPECT_EQ((*server)["tags"]["http.url"], "/a?b=1");
  EXPECT_EQ((*server)["tags"]["http.status_code"], "200");
  EXPECT_EQ((*server)["tags"]["service"], "hello");
  EXPECT_EQ((*call)["id"], call_id);
  EXPECT_EQ((*call)["parentId"], (*server)["id"]);
  EXPECT_EQ(seen.fields["x-b3-parentspanid"], (*server)["id"]);
  EXPECT_EQ((*call)["kind"], "CLIENT");
  EXPECT_EQ((*call)["remoteEndpoint"]["port"], upstream.port());
  EXPECT_EQ((*call)["tags"]["instance"], "i1");
}

TEST_F(GatewayTracingTest, ColdRequestHasTheActivatorWait) {
  Start("zipkin", 1.0);
  auto pending = std::async(std::launch::async, [this] {
    return Fetch(gateway_->address(),
                 std::string("GET / HTTP/1.1\r\nHost: ") + kHost + "\r\nX-B3-TraceId: " +
                     "a3ce929d0e0e4736\r\nX-B3-SpanId: " + kParent + "\r\n\r\n");
  });
  ASSERT_TRUE(demanded_.WaitFor());  // parked
  FakeUpstream upstream("cold");
  gateway_->SetEndpoints(kRevision, {upstream.endpoint("i1")});
  ASSERT_EQ(pending.get().status, 200);
  UpstreamRequest seen = upstream.Seen().at(0);
  EXPECT_EQ(seen.fields["x-b3-traceid"], "a3ce929d0e0e4736");  // 64-bit stays 64-bit
  EXPECT_EQ(seen.fields["traceparent"].substr(0, 36), "00-0000000000000000a3ce929d0e0e4736-");

  json spans = StopAndExport();
  ASSERT_EQ(spans.size(), 3u) << spans.dump();
  const json* server = SpanNamed(spans, "gateway");
  const json* wait = SpanNamed(spans, "throttler_try");
  const json* call = SpanNamed(spans, "proxy");
  ASSERT_TRUE(server && wait && call);
  EXPECT_EQ((*server)["traceId"], "a3ce929d0e0e4736");
  EXPECT_EQ((*server)["parentId"], kParent);
  EXPECT_EQ((*wait)["parentId"], (*server)["id"]);
  EXPECT_EQ((*call)["parentId"], (*server)["id"]);
  std::int64_t wait_end =
      (*wait)["timestamp"].get<std::int64_t>() + (*wait)["duration"].get<std::int64_t>();
  EXPECT_LE(wait_end, (*call)["timestamp"].get<std::int64_t>() + 1);
  EXPECT_GE((*wait)["timestamp"], (*server)["timestamp"]);
  EXPECT_EQ(seen.fields["x-b3-spanid"], (*call)["id"]);
}

TEST_F(GatewayTracingTest, UnsampledRequestsArePropagatedWithTheirDecision) {
  Start("zipkin", 0.0);
  FakeUpstream upstream;
  gateway_->SetEndpoints(kRevision, {upstream.endpoint("i1")});
  ASSERT_EQ(Fetch(gateway_->address(), testing::Get(kHost)).status, 200);
  UpstreamRequest seen = upstream.Seen().at(0);
  EXPECT_EQ(seen.fields["traceparent"].substr(52), "-00");
  EXPECT_EQ(seen.fields["x-b3-sampled"], "0");
  EXPECT_TRUE(StopAndExport().empty());
}

TEST_F(GatewayTracingTest, TracingOffPassesHeadersThrough) {
  Start("none", 1.0);
  FakeUpstream upstream;
  gateway_->SetEndpoints(kRevision, {upstream.endpoint("i1")});
  std::string tp = std::string("00-") + kTrace + "-" + kParent + "-01";
  ASSERT_EQ(Fetch(gateway_->address(), std::string("GET / HTTP/1.1\r\nHost: ") + kHost +
                                           "\r\ntraceparent: " + tp + "\r\nb3: 1\r\n\r\n")
                .status,
            200);
  UpstreamRequest seen = upstream.Seen().at(0);
  EXPECT_EQ(seen.fields["traceparent"], tp);
  EXPECT_EQ(seen.fields["b3"], "1");
  EXPECT_EQ(seen.fields.count("x-b3-traceid"), 0u);
  EXPECT_TRUE(StopAndExport().empty());
}

TEST_F(GatewayTracingTest, RequestLogLine) {
  Start("zipkin", 1.0, /*log=*/true,
        "{{.Request.Method}} {{.Request.RequestURI}} {{.Request.Proto}} {{.Response.Code}} "
        "{{.Response.Size}} {{.Revision.Name}} {{.Revision.Service}} {{.Revision.PodName}} "
        "{{.Request.UserAgent}} {{.Request.ContentLength}} {{.TraceID}} "
        "{{index .Request.Header \"X-B3-Traceid\"}}");
  FakeUpstream upstream;
  gateway_->SetEndpoints(kRevision, {upstream.endpoint("i1")});
  ASSERT_EQ(Fetch(gateway_->address(), std::string("POST /p HTTP/1.1\r\nHost: ") + kHost +
                                           "\r\nUser-Agent: t/1\r\ntraceparent: 00-" + kTrace +
                                           "-" + kParent + "-01\r\nContent-Length: 3\r\n\r\nabc")
                .status,
            200);
  ASSERT_EQ(
      Fetch(gateway_->address(), std::string("GET /missing HTTP/1.1\r\nHost: nope\r\n\r\n")).status,
      404);  // not routed: not logged (Knative logs at the revision)
  StopAndExport();
  EXPECT_EQ(ReadLog(), std::string("POST /p HTTP/1.1 200 19 hello-00001 hello i1 t/1 3 ") + kTrace +
                           " [" + kTrace + "]\n");  // "hello from upstream" is 19 bytes
}

// The client's address and port come from the accept (no getpeername): the log line has the
// port the client connected from, for each request of a keep-alive connection.
TEST_F(GatewayTracingTest, RequestLogHasTheClientAddressAndPort) {
  Start("zipkin", 1.0, /*log=*/true, "{{.Request.RemoteAddr}}");
  FakeUpstream upstream;
  gateway_->SetEndpoints(kRevision, {upstream.endpoint("i1")});
  auto conn = Connect(gateway_->address());
  ASSERT_TRUE(conn);
  sockaddr_in local{};
  socklen_t size = sizeof local;
  ASSERT_EQ(::getsockname(conn->fd(), reinterpret_cast<sockaddr*>(&local), &size), 0);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(conn->Send(std::string("GET / HTTP/1.1\r\nHost: ") + kHost + "\r\n\r\n"));
    EXPECT_EQ(testing::ReadResponse(*conn).status, 200);
  }
  StopAndExport();
  std::string line = "127.0.0.1:" + std::to_string(ntohs(local.sin_port)) + "\n";
  EXPECT_EQ(ReadLog(), line + line);
}

}  // namespace
}  // namespace ebb::gateway
