// WorkerTracer at the two ends of a request: copying head values while the head is still in
// the connection's buffer, and turning the finished request into a span record and a log line.
#include "tracing/tracer.h"

namespace ebb::tracing {

namespace {

std::int64_t Micros(SteadyTime from, SteadyTime to) {
  return std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
}

// Why no instance answered, for the spans' error tags.
const char* FailureText(int status) {
  switch (status) {
    case 0:
      return "client went away";
    case 502:
      return "upstream failed";
    case 503:
      return "activator queue full";
    case 504:
      return "timeout";
    default:
      return "no response";
  }
}

// What the instance received in the propagation field `name` (lower case), if it is one.
bool SentPropagationValue(const RequestTrace& t, std::string_view name, std::string& out) {
  const bool sampled = IsSampled(t.sampling);
  out.clear();
  if (name == "traceparent") {
    out.append("00-");
    if (!t.trace_id.wide) out.append(16, '0');
    AppendTraceIdHex(t.trace_id, out);
    out.append("-");
    AppendHex64(t.call_id, out);
    out.append(sampled ? "-01" : "-00");
  } else if (name == "x-b3-traceid") {
    AppendTraceIdHex(t.trace_id, out);
  } else if (name == "x-b3-spanid") {
    AppendHex64(t.call_id, out);
  } else if (name == "x-b3-parentspanid") {
    AppendHex64(t.server_id, out);
  } else if (name == "x-b3-sampled") {
    if (t.sampling != Sampling::kDebug) out.append(sampled ? "1" : "0");
  } else if (name == "x-b3-flags") {
    if (t.sampling == Sampling::kDebug) out.append("1");
  } else if (name != "b3") {
    return false;  // b3 is not sent on: it stays empty
  }
  return true;
}

}  // namespace

void WorkerTracer::CaptureField(std::string_view name, std::string_view value, RequestTrace& t) {
  if (EqualsIgnoreCase(name, "user-agent")) t.user_agent.assign(value);
  if (EqualsIgnoreCase(name, "referer")) t.referer.assign(value);
  if (log_template_ == nullptr) return;
  const std::vector<std::string>& names = log_template_->header_names();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!EqualsIgnoreCase(name, names[i])) continue;
    if (!t.headers[i].empty()) t.headers[i].push_back(' ');  // Go prints []string{a, b} "[a b]"
    t.headers[i].append(value);
  }
}

void WorkerTracer::End(const RequestTrace& t, const RequestEnd& end) {
  if (t.sampled()) Publish(t, end);
  if (log_template_ != nullptr) Log(t, end);
}

void WorkerTracer::Publish(const RequestTrace& t, const RequestEnd& end) {
  RequestRecord* r = records_.BeginPush();
  if (r == nullptr) {
    Bump(records_dropped_);
    return;
  }
  r->trace_id = t.trace_id;
  r->parent_id = t.parent_id;
  r->server_id = t.server_id;
  r->call_id = t.call_id;
  r->wait_id = t.parked ? ids_.NextSpanId() : 0;
  r->debug = t.sampling == Sampling::kDebug;
  r->start_us =
      std::chrono::duration_cast<std::chrono::microseconds>(t.wall_arrival.time_since_epoch())
          .count();
  r->duration_us = Micros(t.arrival, end.time);
  SteadyTime park_end = t.park_end == SteadyTime{} ? end.time : t.park_end;
  r->wait_offset_us = t.parked ? Micros(t.arrival, t.park_start) : 0;
  r->wait_duration_us = t.parked ? Micros(t.park_start, park_end) : 0;
  r->called = t.called;
  r->call_offset_us = t.called ? Micros(t.arrival, t.call_start) : 0;
  r->call_duration_us = t.called ? Micros(t.call_start, end.time) : 0;
  r->status = end.status;
  r->call_status = end.from_instance ? end.status : 0;
  r->error.assign(end.from_instance ? "" : FailureText(end.status));
  r->method = t.method;
  r->target = t.target;
  r->host = t.host;
  r->revision.assign(end.revision);
  r->client_ip.assign(end.client_ip);
  r->instance = t.instance;
  r->instance_ip = t.instance_ip;
  r->instance_port = t.instance_port;
  records_.CommitPush();
}

void WorkerTracer::Log(const RequestTrace& t, const RequestEnd& end) {
  const bool v6 = end.client_ip.find(':') != std::string_view::npos;
  remote_addr_.assign(v6 ? "[" : "").append(end.client_ip).append(v6 ? "]:" : ":");
  remote_addr_.append(std::to_string(std::max(t.client_port, 0)));
  trace_id_hex_.clear();
  if (!t.trace_id.zero()) AppendTraceIdHex(t.trace_id, trace_id_hex_);
  const std::vector<std::string>& names = log_template_->header_names();
  headers_.resize(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!t.traced || !SentPropagationValue(t, names[i], headers_[i])) headers_[i] = t.headers[i];
  }
  auto [ns, name] = SplitRevisionKey(end.revision);
  const RevisionLabels* labels = Labels(end.revision);
  RequestLogEntry e;
  e.method = t.method;
  e.target = t.target;
  e.host = t.host;
  e.proto = t.version >= 11 ? "HTTP/1.1" : "HTTP/1.0";
  e.remote_addr = remote_addr_;
  e.user_agent = t.user_agent;
  e.referer = t.referer;
  e.content_length = t.content_length;
  e.status = end.status;
  e.response_size = static_cast<std::int64_t>(end.body_bytes);
  e.latency_seconds = std::chrono::duration<double>(end.time - t.arrival).count();
  e.revision_name = name;
  e.revision_namespace = ns;
  if (labels != nullptr) {
    e.service = labels->service;
    e.configuration = labels->configuration;
  }
  e.pod_name = t.instance;
  e.pod_ip = t.instance_ip;
  e.trace_id = trace_id_hex_;
  e.headers = headers_.data();
  line_.clear();
  log_template_->Format(e, line_);
  Bump(log_.Push(line_) ? lines_ : lines_dropped_);
}

}  // namespace ebb::tracing
