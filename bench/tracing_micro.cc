// tracing_micro: the tracing work per request, in-process and without the network, for
// bench/tracing_cost.sh (which builds it against an optimised build's libraries). Steadier than
// the end-to-end figure on a shared machine; prints ns per operation, best of 5 runs, and the
// mean per request at the sampling rate given (default 0.01):
//
//   unsampled request   what the gateway does for every request with tracing on: scan six
//                       typical field names, resolve (nothing incoming), Begin (decision, ids,
//                       propagation fields), End (nothing to publish)
//   sampled request     Begin + head copies + End publishing the record into the worker's ring
//   export per sampled  the export thread: ring → Zipkin JSON → trace store → batch (fake
//                       transport)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "tracing/test_util.h"
#include "tracing/tracer.h"

namespace {

using ebb::tracing::RequestEnd;
using ebb::tracing::RequestTrace;
using ebb::tracing::WorkerTracer;
using Clock = std::chrono::steady_clock;

template <class F>
double BestNanos(int n, F f) {
  double best = 1e18;
  for (int run = 0; run < 5; ++run) {
    auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) f(i);
    best = std::min(best, std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / n);
  }
  return best;
}

std::unique_ptr<ebb::tracing::Tracer> NewTracer(double rate) {
  ebb::tracing::TracerOptions o;
  o.tracing.backend = "zipkin";
  o.tracing.sample_rate = rate;
  o.start_threads = false;
  o.transport = std::make_unique<ebb::tracing::FakeTransport>();
  return std::move(ebb::tracing::Tracer::Start(std::move(o))).value();
}

void Request(WorkerTracer& w, RequestTrace& t) {
  static const char* kNames[] = {"Host",         "User-Agent", "Accept", "X-Forwarded-For",
                                 "Content-Type", "Connection"};
  ebb::tracing::IncomingContext context;
  for (const char* name : kNames) context.Set(ebb::tracing::IncomingContext::Classify(name), "x");
  ebb::tracing::SteadyTime now = Clock::now();
  w.Begin(context.Resolve(), now, t);
  if (t.capture) {
    t.method = "GET";
    t.target = "/";
    t.host = "hello.default.example.com";
    t.called = true;
    t.call_start = now;
  }
  if (t.capture) w.End(t, RequestEnd{now, 200, true, 12, "default/hello-00001", "127.0.0.1"});
}

}  // namespace

int main(int argc, char** argv) {
  const double rate = argc > 1 ? std::atof(argv[1]) : 0.01;
  auto unsampled = NewTracer(0.0);
  WorkerTracer* w = unsampled->NewWorker();
  RequestTrace t;
  double plain = BestNanos(1'000'000, [&](int) { Request(*w, t); });

  // Sampled: the worker's part and the export thread's part, timed apart.
  auto sampled = NewTracer(1.0);
  WorkerTracer* s = sampled->NewWorker();
  double worker = 1e18, exported = 1e18;
  for (int run = 0; run < 5; ++run) {
    constexpr int kBatch = 1000;  // fits the ring
    auto t0 = Clock::now();
    for (int i = 0; i < kBatch; ++i) Request(*s, t);
    auto t1 = Clock::now();
    sampled->Flush();
    auto t2 = Clock::now();
    worker = std::min(worker, std::chrono::duration<double, std::nano>(t1 - t0).count() / kBatch);
    exported =
        std::min(exported, std::chrono::duration<double, std::nano>(t2 - t1).count() / kBatch);
  }
  std::printf("unsampled request:           %8.1f ns\n", plain);
  std::printf("sampled request (worker):    %8.1f ns\n", worker);
  std::printf("export per sampled request:  %8.1f ns\n", exported);
  std::printf("per request at rate %g:      %8.1f ns\n", rate,
              (1 - rate) * plain + rate * (worker + exported));
}
