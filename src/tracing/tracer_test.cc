#include "tracing/tracer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "tracing/test_util.h"

namespace ebb::tracing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr char kTraceparent[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

struct Harness {
  explicit Harness(double rate = 1.0, bool log = false, std::string templ = "") {
    TracerOptions o;
    o.tracing.backend = "zipkin";
    o.tracing.zipkin_endpoint = "http://127.0.0.1:9/api/v2/spans";
    o.tracing.sample_rate = rate;
    o.observability.enable_request_log = log;
    o.observability.request_log_template = std::move(templ);
    o.records_per_worker = 4;
    o.start_threads = false;
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_NONBLOCK), 0);
    log_read = fds[0];
    o.log_fd = log_write = fds[1];
    auto fake = std::make_unique<FakeTransport>();
    transport = fake.get();
    o.transport = std::move(fake);
    auto started = Tracer::Start(std::move(o));
    EXPECT_TRUE(started.ok()) << started.status().ToString();
    tracer = std::move(*started);
    worker = tracer->NewWorker();
  }
  ~Harness() {
    tracer.reset();
    ::close(log_read);
    ::close(log_write);
  }
  std::string ReadLog() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(log_read, buf, sizeof buf)) > 0)
      out.append(buf, static_cast<std::size_t>(n));
    return out;
  }

  std::unique_ptr<Tracer> tracer;
  WorkerTracer* worker = nullptr;
  FakeTransport* transport = nullptr;
  int log_read = -1, log_write = -1;
};

SpanContext Incoming(const std::string& name, const std::string& value) {
  IncomingContext in;
  in.Add(name, value);
  return in.Resolve();
}

// A request through the worker: routed at t0, answered 200 by the instance 5 ms later.
RequestEnd Serve(WorkerTracer& w, RequestTrace& t, const SpanContext& incoming, bool park) {
  SteadyTime t0{std::chrono::seconds(100)};
  w.Begin(incoming, t0, t);
  t.method = "GET";
  t.target = "/headers";
  t.host = "hello.default.example.com";
  if (park) {
    t.parked = true;
    t.park_start = t0 + milliseconds(1);
    t.park_end = t0 + milliseconds(3);
  }
  t.called = true;
  t.call_start = t0 + milliseconds(3);
  t.instance = "hello-00001-1";
  t.instance_ip = "127.0.0.1";
  t.instance_port = 4000;
  return RequestEnd{t0 + milliseconds(5), 200, true, 12, "default/hello-00001", "127.0.0.1"};
}

TEST(TracerTest, OffMeansNoWorkers) {
  TracerOptions o;
  o.start_threads = false;
  auto tracer = Tracer::Start(std::move(o));
  ASSERT_TRUE(tracer.ok());
  EXPECT_FALSE((*tracer)->enabled());
  EXPECT_FALSE((*tracer)->tracing());
}

TEST(TracerTest, StartRefusesHttpsAndBadTemplates) {
  TracerOptions o;
  o.tracing.backend = "zipkin";
  o.tracing.zipkin_endpoint = "https://zipkin:9411/api/v2/spans";
  EXPECT_EQ(Tracer::Start(std::move(o)).status().code(), Code::kInvalid);
  TracerOptions p;
  p.observability.enable_request_log = true;
  p.observability.request_log_template = "{{.Nope}}";
  auto bad = Tracer::Start(std::move(p));
  EXPECT_EQ(bad.status().code(), Code::kInvalid);
  EXPECT_NE(bad.status().message().find("{{.Nope}}"), std::string::npos);
}

TEST(TracerTest, NewTraceIsSampledAndPropagated) {
  Harness h(1.0);
  RequestTrace t;
  RequestEnd end = Serve(*h.worker, t, SpanContext{}, /*park=*/true);
  EXPECT_TRUE(t.traced);
  EXPECT_TRUE(t.sampled());
  EXPECT_EQ(t.parent_id, 0u);
  std::string want = "traceparent: 00-" + TraceIdHex(t.trace_id) + "-" + SpanIdHex(t.call_id) +
                     "-01\r\nX-B3-TraceId: " + TraceIdHex(t.trace_id) +
                     "\r\nX-B3-SpanId: " + SpanIdHex(t.call_id) +
                     "\r\nX-B3-ParentSpanId: " + SpanIdHex(t.server_id) + "\r\nX-B3-Sampled: 1\r\n";
  EXPECT_EQ(t.upstream_fields, want);
  h.worker->End(t, end);
  h.tracer->Flush();
  ASSERT_EQ(h.transport->bodies.size(), 1u);
  json spans = json::parse(h.transport->bodies[0]);
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0]["id"], SpanIdHex(t.server_id));
  EXPECT_EQ(spans[0]["duration"], 5000);
  EXPECT_EQ(spans[1]["name"], "throttler_try");
  EXPECT_EQ(spans[1]["duration"], 2000);
  EXPECT_EQ(spans[1]["timestamp"].get<std::int64_t>() - spans[0]["timestamp"].get<std::int64_t>(),
            1000);
  EXPECT_EQ(spans[2]["id"], SpanIdHex(t.call_id));
  EXPECT_EQ(spans[2]["duration"], 2000);
  EXPECT_EQ(h.tracer->traces().size(), 1u);
  EXPECT_EQ(h.tracer->stats().requests_sampled, 1u);
}

TEST(TracerTest, IncomingContextContinues) {
  Harness h(0.0);  // the caller's decision wins over the rate
  RequestTrace t;
  RequestEnd end = Serve(*h.worker, t, Incoming("traceparent", kTraceparent), false);
  EXPECT_EQ(TraceIdHex(t.trace_id), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(t.parent_id, 0x00f067aa0ba902b7ull);
  EXPECT_TRUE(t.sampled());
  h.worker->End(t, end);
  h.tracer->Flush();
  json spans = json::parse(h.transport->bodies.at(0));
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0]["parentId"], "00f067aa0ba902b7");
  EXPECT_EQ(spans[0]["traceId"], "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(TracerTest, UnsampledRequestsArePropagatedButNotRecorded) {
  Harness h(1.0);
  RequestTrace t;
  RequestEnd end = Serve(*h.worker, t, Incoming("b3", "0"), false);
  EXPECT_TRUE(t.traced);
  EXPECT_FALSE(t.sampled());
  EXPECT_FALSE(t.trace_id.zero());  // a new trace id is still sent on
  EXPECT_NE(t.upstream_fields.find("-00\r\n"), std::string::npos);
  EXPECT_NE(t.upstream_fields.find("X-B3-Sampled: 0\r\n"), std::string::npos);
  h.worker->End(t, end);
  h.tracer->Flush();
  EXPECT_TRUE(h.transport->bodies.empty());
  EXPECT_EQ(h.tracer->traces().size(), 0u);
}

TEST(TracerTest, FullRingDropsAndCounts) {
  Harness h(1.0);  // 4 records per worker
  for (int i = 0; i < 6; ++i) {
    RequestTrace t;
    h.worker->End(t, Serve(*h.worker, t, SpanContext{}, false));
  }
  EXPECT_EQ(h.tracer->stats().records_dropped, 2u);
  h.tracer->Flush();
  EXPECT_EQ(h.tracer->traces().size(), 4u);
  RequestTrace t;
  h.worker->End(t, Serve(*h.worker, t, SpanContext{}, false));  // room again after the drain
  EXPECT_EQ(h.tracer->stats().records_dropped, 2u);
}

TEST(TracerTest, RequestLogLines) {
  Harness h(0.0, /*log=*/true,
            "{{.Request.Method}} {{.Request.RequestURI}} {{.Response.Code}} {{.Response.Size}} "
            "{{.Response.Latency}} {{.Revision.Namespace}}/{{.Revision.Name}} "
            "svc={{.Revision.Service}} {{.Revision.PodName}} {{.Request.UserAgent}} "
            "{{.Request.RemoteAddr}} {{.TraceID}} {{index .Request.Header \"X-B3-Traceid\"}} "
            "{{index .Request.Header \"X-Custom\"}}");
  h.tracer->SetRevisionLabels("default/hello-00001", RevisionLabels{"hello", "hello"});
  RequestTrace t;
  t.client_port = 5555;
  SpanContext incoming = Incoming("traceparent", kTraceparent);
  RequestEnd end = Serve(*h.worker, t, incoming, false);
  h.worker->CaptureField("User-Agent", "curl/8", t);
  h.worker->CaptureField("x-custom", "a", t);
  h.worker->CaptureField("X-Custom", "b", t);
  h.worker->End(t, end);
  h.tracer->Flush();
  std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  EXPECT_EQ(h.ReadLog(),
            "GET /headers 200 12 0.005 default/hello-00001 svc=hello hello-00001-1 "
            "curl/8 127.0.0.1:5555 " +
                trace + " [" + trace + "] [a b]\n");
  EXPECT_EQ(h.tracer->stats().log_lines, 1u);
}

TEST(TracerTest, LabelsFollowChanges) {
  Harness h;
  EXPECT_EQ(h.worker->Labels("default/a"), nullptr);
  h.tracer->SetRevisionLabels("default/a", RevisionLabels{"svc", "cfg"});
  ASSERT_NE(h.worker->Labels("default/a"), nullptr);
  EXPECT_EQ(h.worker->Labels("default/a")->service, "svc");
  h.tracer->SetRevisionLabels("default/a", RevisionLabels{"svc2", "cfg"});
  EXPECT_EQ(h.worker->Labels("default/a")->service, "svc2");
  h.tracer->RemoveRevision("default/a");
  EXPECT_EQ(h.worker->Labels("default/a"), nullptr);
}

TEST(TracerTest, ExportFailuresAreReportedOnceAMinute) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_NONBLOCK), 0);
  TracerOptions o;
  o.tracing.backend = "zipkin";
  o.tracing.sample_rate = 1;
  o.start_threads = false;
  o.error_fd = fds[1];
  auto fake = std::make_unique<FakeTransport>();
  fake->fail = true;
  o.transport = std::move(fake);
  auto tracer = Tracer::Start(std::move(o));
  ASSERT_TRUE(tracer.ok());
  WorkerTracer* w = (*tracer)->NewWorker();
  auto serve_one = [&] {
    RequestTrace t;
    w->End(t, Serve(*w, t, SpanContext{}, false));
    (*tracer)->Flush();
  };
  serve_one();
  char buf[512];
  ssize_t n = ::read(fds[0], buf, sizeof buf);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)),
            "ebb: tracing: zipkin endpoint fake: cannot connect (2 spans dropped so far)\n");
  serve_one();  // fails again within the minute: quiet
  EXPECT_LT(::read(fds[0], buf, sizeof buf), 0);
  EXPECT_EQ((*tracer)->stats().export_stats.batches_failed, 2u);
  (*tracer).reset();
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(TracerTest, StopFlushes) {
  Harness h;
  RequestTrace t;
  h.worker->End(t, Serve(*h.worker, t, SpanContext{}, false));
  h.tracer->Stop();
  EXPECT_EQ(h.transport->bodies.size(), 1u);
  h.tracer->Stop();  // idempotent
}

}  // namespace
}  // namespace ebb::tracing
