#include "serving/serving_metrics.h"

#include <set>

#include "metrics/process.h"

namespace ebb::serving {

using metrics::Exposition;
using metrics::Labels;
using metrics::MetricType;
using nlohmann::json;

namespace {

// Instances of one revision by state, from the runtime's Pods.
struct PodCounts {
  int ready = 0, starting = 0, terminating = 0, pending = 0;
};

constexpr char kRequestCount[] = "revision_request_count";
constexpr char kRequestLatencies[] = "revision_request_latencies";
constexpr char kActivatorCount[] = "activator_request_count";
constexpr char kActivatorLatencies[] = "activator_request_latencies";

Labels With(Labels labels, std::string name, std::string value) {
  labels.emplace_back(std::move(name), std::move(value));
  return labels;
}

std::string KeyOfPod(const json& pod) {
  const json& meta = pod.value("metadata", json::object());
  json labels = meta.value("labels", json::object());
  return meta.value("namespace", "") + "/" + labels.value("serving.knative.dev/revision", "");
}

bool PodReady(const json& pod) {
  json statuses = pod.value("status", json::object()).value("containerStatuses", json::array());
  return !statuses.empty() && statuses[0].value("ready", false);
}

std::map<std::string, PodCounts> CountPods(const std::vector<json>& pods) {
  std::map<std::string, PodCounts> out;
  for (const json& pod : pods) {
    PodCounts& c = out[KeyOfPod(pod)];
    if (pod.value("metadata", json::object()).contains("deletionTimestamp")) {
      ++c.terminating;
    } else if (PodReady(pod)) {
      ++c.ready;
    } else {
      ++c.starting;
    }
    if (pod.value("status", json::object()).value("phase", "") == "Pending") ++c.pending;
  }
  return out;
}

void AddResponses(Exposition& out, const char* count, const char* latencies, const Labels& labels,
                  const metrics::ResponseSnapshot& r) {
  for (const auto& [code, n] : r.codes) {
    Labels l = With(labels, "response_code", std::to_string(code));
    out.Add(count,
            With(l, "response_code_class", metrics::CodeClassLabel(metrics::CodeClass(code))),
            static_cast<double>(n));
  }
  for (int c = 0; c < metrics::kCodeClasses; ++c) {
    std::string code_class = metrics::CodeClassLabel(c);
    if (r.overflow[c] > 0) {
      out.Add(count,
              With(With(labels, "response_code", "other"), "response_code_class", code_class),
              static_cast<double>(r.overflow[c]));
    }
    if (r.latency[c].count() > 0) {
      out.AddHistogram(latencies, With(labels, "response_code_class", code_class),
                       metrics::KnativeLatencyBounds(), r.latency[c]);
    }
  }
}

void DeclareRequests(Exposition& out) {
  out.Declare(kRequestCount, MetricType::kUntyped,
              "Requests the gateway routed to the revision, by the response code the client got "
              "(0: none). A counter, typed untyped because Prometheus reserves the _count suffix "
              "for histograms and summaries and this is Knative's name.");
  out.Declare(kRequestLatencies, MetricType::kHistogram,
              "Request latency in milliseconds from arrival at the gateway (time parked "
              "included) to the end of the response, by response code class.");
  out.Declare(kActivatorCount, MetricType::kUntyped,
              "Requests that waited in the revision's activator queue because no instance had a "
              "free slot, by response code. A counter, typed untyped as revision_request_count.");
  out.Declare(kActivatorLatencies, MetricType::kHistogram,
              "Latency in milliseconds of the requests that waited in the activator queue, "
              "arrival to the end of the response, by response code class.");
  out.Declare("activator_request_concurrency", MetricType::kGauge,
              "Requests in flight for the revision (parked ones included), time-averaged over "
              "the last second: what the autoscaler records.");
  out.Declare("revision_queue_depth", MetricType::kGauge,
              "Requests in the gateway for the revision (in flight to instances plus parked) at "
              "the last one-second collection.");
  out.Declare("ebb_activator_queue_depth", MetricType::kGauge,
              "Requests parked in the revision's activator queue now.");
  out.Declare("ebb_activator_queue_wait_seconds", MetricType::kHistogram,
              "Time requests spent parked in the activator queue, from parking to getting an "
              "instance slot or giving up (timeout, client gone).");
}

struct GaugeSpec {
  const char* name;
  const char* help;
};

constexpr GaugeSpec kAutoscalerGauges[] = {
    {"autoscaler_desired_pods",
     "Instances the autoscaler's decider wants, before min/max-scale and the scale-to-zero gate; "
     "absent until its first decision."},
    {"autoscaler_requested_pods", "Instances the autoscaler asked the runtime to run."},
    {"autoscaler_actual_pods", "Ready instances of the revision."},
    {"autoscaler_not_ready_pods",
     "Instances that are neither ready nor terminating (starting, or waiting to restart)."},
    {"autoscaler_pending_pods", "Instances whose process has not run yet."},
    {"autoscaler_terminating_pods", "Instances being stopped (draining, or waiting to exit)."},
    {"autoscaler_excess_burst_capacity",
     "Excess burst capacity: ready instances x capacity per instance - target burst capacity - "
     "panic concurrency; below zero the activator queue stays in the request path."},
    {"autoscaler_stable_request_concurrency",
     "Concurrency averaged over the stable window, revision-wide (concurrency metric)."},
    {"autoscaler_panic_request_concurrency",
     "Concurrency averaged over the panic window, revision-wide (concurrency metric)."},
    {"autoscaler_target_concurrency_per_pod",
     "Concurrency target per instance: target x utilization (concurrency metric)."},
    {"autoscaler_stable_requests_per_second",
     "Requests per second averaged over the stable window, revision-wide (rps metric)."},
    {"autoscaler_panic_requests_per_second",
     "Requests per second averaged over the panic window, revision-wide (rps metric)."},
    {"autoscaler_target_requests_per_second",
     "Requests-per-second target per instance: target x utilization (rps metric)."},
    {"autoscaler_panic_mode", "1 while the autoscaler is in panic mode, else 0."},
};

void Gauge(Exposition& out, const char* name, const Labels& labels, double value) {
  out.Add(name, labels, value);
}

constexpr char kColdStartHelp[] =
    "Cold starts: scales from zero that a request waited for, from the first request parking "
    "while the revision had no ready instance to the first response byte an instance sent to "
    "a parked request; one observation per cold start, the sum of the spawn, ready and "
    "first_byte phases.";

void CollectGatewayTotals(const gateway::GatewayStats& s, Exposition& out) {
  const std::pair<const char*, std::uint64_t> totals[] = {
      {"ebb_gateway_connections_accepted_total", s.connections_accepted},
      {"ebb_gateway_requests_total", s.requests},
      {"ebb_gateway_requests_parked_total", s.requests_parked},
      {"ebb_gateway_responses_not_found_total", s.responses_not_found},
      {"ebb_gateway_responses_bad_request_total", s.responses_bad_request},
      {"ebb_gateway_responses_queue_full_total", s.responses_queue_full},
      {"ebb_gateway_responses_timeout_total", s.responses_timeout},
      {"ebb_gateway_responses_bad_gateway_total", s.responses_bad_gateway},
      {"ebb_gateway_upstream_connects_total", s.upstream_connects},
      {"ebb_gateway_upstream_connect_failures_total", s.upstream_connect_failures},
  };
  const char* help[] = {
      "Client connections the gateway accepted.",
      "Request heads the gateway parsed (every host, routed or not).",
      "Requests that parked in an activator queue.",
      "Requests answered 404: no route for the host.",
      "Requests answered 400, 413 or 431: malformed or too large.",
      "Requests answered 503: the activator queue was full.",
      "Requests answered 504: timed out parked or waiting for the response.",
      "Requests answered 502: no instance could be reached or the response was broken.",
      "Connections the gateway opened to instances.",
      "Connections to instances that failed (refused or timed out).",
  };
  for (std::size_t i = 0; i < std::size(totals); ++i) {
    out.Declare(totals[i].first, MetricType::kCounter, help[i]);
    out.Add(totals[i].first, {}, static_cast<double>(totals[i].second));
  }
}

}  // namespace

// Everything one scrape renders, read from the sources and copied from the events' state.
struct PlaneMetrics::Scrape {
  std::vector<gateway::RevisionMetrics> requests;
  gateway::GatewayStats gateway;
  std::vector<AutoscalerState> autoscalers;
  std::map<std::string, PodCounts> pods;
  std::map<std::string, metrics::ColdStartTracker::Totals> cold_starts;
  std::map<std::string, std::uint64_t> restarts;
  std::map<std::string, gateway::RevisionLoad> loads;
  std::set<std::string> live;  // revisions the gateway or the autoscaler knows
  std::map<std::string, Labels> labels;
};

void PlaneMetrics::Start(Sources sources) {
  if (!enabled_) return;
  sources_ = std::move(sources);
  registry_.AddCollector([this](Exposition& out) { Collect(out); });
  registry_.AddCollector(metrics::ProcessCollector());
}

void PlaneMetrics::Parked(const std::string& key, Time t, bool no_ready_instance) {
  if (!enabled_) return;
  std::lock_guard lock(mu_);
  cold_starts_.Parked(key, t, no_ready_instance);
}

void PlaneMetrics::InstanceReady(const std::string& key, Time spawned, Time ready) {
  if (!enabled_) return;
  std::lock_guard lock(mu_);
  cold_starts_.InstanceReady(key, spawned, ready);
}

void PlaneMetrics::FirstByte(const std::string& key, Time t) {
  if (!enabled_) return;
  std::lock_guard lock(mu_);
  cold_starts_.FirstByte(key, t);
}

void PlaneMetrics::ScaledToZero(const std::string& key) {
  if (!enabled_) return;
  std::lock_guard lock(mu_);
  cold_starts_.ScaledToZero(key);
}

void PlaneMetrics::InstanceRestarted(const std::string& key) {
  if (!enabled_) return;
  std::lock_guard lock(mu_);
  ++restarts_[key];
}

void PlaneMetrics::SetLoads(const std::vector<gateway::RevisionLoad>& loads) {
  if (!enabled_) return;
  std::lock_guard lock(mu_);
  loads_.clear();
  for (const gateway::RevisionLoad& load : loads) loads_[load.revision] = load;
}

void PlaneMetrics::Collect(Exposition& out) {
  Scrape s;
  s.requests = sources_.gateway->Metrics();
  s.gateway = sources_.gateway->Stats();
  s.autoscalers = sources_.autoscaler();
  s.pods = CountPods(sources_.pods());
  for (const auto& r : s.requests) s.live.insert(r.revision);
  for (const auto& a : s.autoscalers) s.live.insert(a.key);
  {
    std::lock_guard lock(mu_);
    s.cold_starts = cold_starts_.totals();
    s.restarts = restarts_;
    s.loads = loads_;
  }
  for (const std::string& key : s.live) s.labels[key] = LabelsOf(key);
  CollectRequests(s, out);
  CollectAutoscaler(s, out);
  CollectInstances(s, out);
  CollectColdStarts(s, out);
  CollectGatewayTotals(s.gateway, out);
  Prune(s);
}

void PlaneMetrics::CollectRequests(const Scrape& s, Exposition& out) {
  DeclareRequests(out);
  for (const gateway::RevisionMetrics& m : s.requests) {
    const Labels& labels = s.labels.at(m.revision);
    AddResponses(out, kRequestCount, kRequestLatencies, labels, m.requests.all);
    AddResponses(out, kActivatorCount, kActivatorLatencies, labels, m.requests.activator);
    auto load = s.loads.find(m.revision);
    bool busy = load != s.loads.end();
    Gauge(out, "activator_request_concurrency", labels,
          busy ? load->second.average_concurrency : 0);
    Gauge(out, "revision_queue_depth", labels, busy ? load->second.in_flight : 0);
    Gauge(out, "ebb_activator_queue_depth", labels, m.parked);
    out.AddHistogram("ebb_activator_queue_wait_seconds", labels, metrics::ColdStartBounds(),
                     m.requests.queue_wait);
  }
}

void PlaneMetrics::CollectAutoscaler(const Scrape& s, Exposition& out) {
  for (const GaugeSpec& g : kAutoscalerGauges) out.Declare(g.name, MetricType::kGauge, g.help);
  for (const AutoscalerState& a : s.autoscalers) {
    const Labels& labels = s.labels.at(a.key);
    const autoscaler::Decision& d = a.decision;
    auto pods = s.pods.find(a.key);
    PodCounts p = pods != s.pods.end() ? pods->second : PodCounts{};
    if (d.desired_scale >= 0) Gauge(out, "autoscaler_desired_pods", labels, d.desired_scale);
    Gauge(out, "autoscaler_requested_pods", labels, d.instances);
    Gauge(out, "autoscaler_actual_pods", labels, a.ready);
    Gauge(out, "autoscaler_not_ready_pods", labels, p.starting);
    Gauge(out, "autoscaler_pending_pods", labels, p.pending);
    Gauge(out, "autoscaler_terminating_pods", labels, p.terminating);
    Gauge(out, "autoscaler_excess_burst_capacity", labels, d.excess_burst_capacity);
    bool rps = a.metric == autoscaler::Metric::kRps;
    Gauge(out,
          rps ? "autoscaler_stable_requests_per_second" : "autoscaler_stable_request_concurrency",
          labels, d.observed_stable);
    Gauge(out,
          rps ? "autoscaler_panic_requests_per_second" : "autoscaler_panic_request_concurrency",
          labels, d.observed_panic);
    Gauge(out,
          rps ? "autoscaler_target_requests_per_second" : "autoscaler_target_concurrency_per_pod",
          labels, a.target);
    Gauge(out, "autoscaler_panic_mode", labels, d.panicking ? 1 : 0);
  }
}

void PlaneMetrics::CollectInstances(const Scrape& s, Exposition& out) {
  out.Declare("ebb_instances", MetricType::kGauge,
              "Instances of the revision by state: starting (not ready yet, or waiting to "
              "restart), ready, terminating (draining or stopping).");
  out.Declare("ebb_instance_restarts_total", MetricType::kCounter,
              "Times an instance's process exited (crash, failed liveness probe) and the runtime "
              "restarted it.");
  for (const std::string& key : s.live) {
    const Labels& labels = s.labels.at(key);
    auto pods = s.pods.find(key);
    PodCounts p = pods != s.pods.end() ? pods->second : PodCounts{};
    Gauge(out, "ebb_instances", With(labels, "state", "starting"), p.starting);
    Gauge(out, "ebb_instances", With(labels, "state", "ready"), p.ready);
    Gauge(out, "ebb_instances", With(labels, "state", "terminating"), p.terminating);
    auto restarts = s.restarts.find(key);
    Gauge(out, "ebb_instance_restarts_total", labels,
          restarts != s.restarts.end() ? static_cast<double>(restarts->second) : 0);
  }
}

void PlaneMetrics::CollectColdStarts(const Scrape& s, Exposition& out) {
  out.Declare("ebb_cold_start_seconds", MetricType::kHistogram, kColdStartHelp);
  out.Declare("ebb_cold_start_spawn_seconds", MetricType::kHistogram,
              "Cold-start phase 1: request parked -> instance process spawned (0 when the "
              "instance was already starting).");
  out.Declare("ebb_cold_start_ready_seconds", MetricType::kHistogram,
              "Cold-start phase 2: instance spawned -> ready (0 with socket activation; else "
              "READY=1 on NOTIFY_SOCKET or the readiness probe).");
  out.Declare("ebb_cold_start_first_byte_seconds", MetricType::kHistogram,
              "Cold-start phase 3: instance ready -> first response byte to the parked request.");
  out.Declare("ebb_cold_starts_abandoned_total", MetricType::kCounter,
              "Cold starts that ended with the revision scaled back to zero before any waiting "
              "request got a response byte from an instance.");
  const metrics::Bounds& bounds = metrics::ColdStartBounds();
  const metrics::ColdStartTracker::Totals none{};
  for (const std::string& key : s.live) {
    const Labels& labels = s.labels.at(key);
    auto it = s.cold_starts.find(key);
    const auto& t = it != s.cold_starts.end() ? it->second : none;
    out.AddHistogram("ebb_cold_start_seconds", labels, bounds, t.total);
    out.AddHistogram("ebb_cold_start_spawn_seconds", labels, bounds, t.spawn);
    out.AddHistogram("ebb_cold_start_ready_seconds", labels, bounds, t.ready);
    out.AddHistogram("ebb_cold_start_first_byte_seconds", labels, bounds, t.first_byte);
    Gauge(out, "ebb_cold_starts_abandoned_total", labels, static_cast<double>(t.abandoned));
  }
}

// namespace_name, service_name, configuration_name, revision_name of "namespace/name".
Labels PlaneMetrics::LabelsOf(const std::string& key) {
  std::lock_guard lock(labels_mu_);
  auto cached = labels_.find(key);
  if (cached != labels_.end()) return cached->second;
  std::string ns = key.substr(0, key.find('/'));
  std::string name = key.substr(ns.size() + 1);
  Result<json> revision = sources_.revision(ns, name);
  json meta_labels =
      revision.ok() ? revision->value("metadata", json::object()).value("labels", json::object())
                    : json::object();
  Labels labels = {
      {"namespace_name", ns},
      {"service_name", meta_labels.value("serving.knative.dev/service", "")},
      {"configuration_name", meta_labels.value("serving.knative.dev/configuration", "")},
      {"revision_name", name}};
  // A revision not stored (yet) is looked up again at the next scrape.
  if (revision.ok()) labels_[key] = labels;
  return labels;
}

// Forgets the revisions that neither the gateway nor the autoscaler knows any more.
void PlaneMetrics::Prune(const Scrape& s) {
  {
    std::lock_guard lock(labels_mu_);
    std::erase_if(labels_, [&](const auto& e) { return !s.live.count(e.first); });
  }
  std::lock_guard lock(mu_);
  std::erase_if(restarts_, [&](const auto& e) { return !s.live.count(e.first); });
  for (const auto& [key, totals] : s.cold_starts) {
    if (!s.live.count(key)) cold_starts_.Forget(key);
  }
}

}  // namespace ebb::serving
