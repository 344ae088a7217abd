// The request path's side of tracing and the request log (tracing/tracer.h). With both off
// the worker has no tracer and every hook returns after one pointer test.
//
// When tracing is on, the incoming propagation fields (traceparent, b3, X-B3-*) are dropped
// from the upstream head and the gateway's own are added (both formats, carrying the client
// span's id), as Knative's activator does. Head values a span or log line will need are
// copied when the request is routed: by the time it ends, its head may have left in_.
#include <algorithm>

#include "gateway/local_reply.h"
#include "gateway/session.h"
#include "gateway/worker.h"
#include "tracing/tracer.h"

namespace ebb::gateway {

namespace {

SteadyTime Now() { return std::chrono::steady_clock::now(); }

std::string_view FieldName(const HeadField& f, const char* base) {
  return std::string_view(base + f.begin, f.name_size);
}

// The value of a field line "Name: value\r\n", without surrounding whitespace.
std::string_view FieldValue(const HeadField& f, const char* base) {
  std::string_view v(base + f.begin + f.name_size, f.end - f.begin - f.name_size);
  if (!v.empty() && v.front() == ':') v.remove_prefix(1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() &&
         (v.back() == '\r' || v.back() == '\n' || v.back() == ' ' || v.back() == '\t')) {
    v.remove_suffix(1);
  }
  return v;
}

}  // namespace

void Session::TraceBegin() {
  tracing::WorkerTracer* tracer = worker_.tracer();
  if (tracer == nullptr) return;
  response_body_bytes_ = 0;
  tracing::SpanContext incoming;
  if (tracer->wants_context()) {
    const char* base = in_.data();
    tracing::IncomingContext context;
    for (HeadField& f : head_.fields) {
      auto kind = tracing::IncomingContext::Classify(FieldName(f, base));
      if (kind == tracing::IncomingContext::kNone) continue;
      context.Set(kind, FieldValue(f, base));
      if (tracer->tracing()) f.drop = true;  // replaced by the gateway's own
    }
    incoming = context.Resolve();
  }
  tracer->Begin(incoming, arrival_, trace_);
  if (trace_.capture) TraceCaptureHead();
}

void Session::TraceCaptureHead() {
  tracing::WorkerTracer& tracer = *worker_.tracer();
  const char* base = in_.data();
  trace_.method.assign(base + head_.method_begin, head_.method_size);
  trace_.target.assign(base + head_.target_begin, head_.target_size);
  trace_.host = head_.host;
  trace_.version = head_.version;
  auto length = request_->content_length();
  trace_.content_length = length                ? static_cast<std::int64_t>(*length)
                          : request_->chunked() ? -1
                                                : 0;
  if (tracer.log_template() == nullptr) return;
  for (const HeadField& f : head_.fields) {
    tracer.CaptureField(FieldName(f, base), FieldValue(f, base), trace_);
  }
  trace_.client_port = client_port_;
}

// Only a request that really waits for capacity gets a throttler_try span.
void Session::TraceParkStart() {
  if (worker_.tracer() == nullptr || !trace_.sampled()) return;
  trace_.parked = true;
  trace_.park_start = Now();
  trace_.park_end = SteadyTime{};
}

void Session::TraceParkEnd() {
  if (worker_.tracer() != nullptr && trace_.parked) trace_.park_end = Now();
}

// The client span starts with the first connection attempt (or pooled connection).
void Session::TraceCallStart() {
  if (worker_.tracer() == nullptr || trace_.called) return;
  trace_.called = true;
  if (trace_.sampled()) trace_.call_start = Now();
}

// The propagation fields for the upstream head; notes the instance the request goes to.
std::string_view Session::TraceUpstreamFields() {
  if (worker_.tracer() == nullptr) return {};
  if (trace_.capture && instance_) {
    trace_.instance = instance_->id;
    trace_.instance_ip = instance_->ip;
    trace_.instance_port = instance_->port;
  }
  return trace_.upstream_fields;
}

// What the client got, as session_metrics.cc counts it: the gateway's own reply, else the
// instance's final status once any of it was written, else nothing (0).
void Session::TraceEnd(SteadyTime end) {
  tracing::WorkerTracer* tracer = worker_.tracer();
  if (tracer == nullptr || !trace_.capture) return;
  tracing::RequestEnd e;
  // The spans' other times are read from the clock (the request's `end` is the loop's turn
  // time, which can be earlier than a span that began in the same turn).
  e.time = std::max(end, Now());
  e.from_instance = reply_status_ == 0 && wrote_response_;
  e.status = reply_status_ != 0 ? reply_status_ : wrote_response_ ? response_head_.status : 0;
  e.body_bytes = reply_status_ != 0 ? ReplyText(reply_status_).size() : response_body_bytes_;
  e.revision = revision_->key();
  e.client_ip = client_ip_;
  tracer->End(trace_, e);
}

}  // namespace ebb::gateway
