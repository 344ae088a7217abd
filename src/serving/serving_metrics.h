// PlaneMetrics: the serving plane's /metrics — what the gateway counted per revision, the
// autoscaler's decision state, the instances, cold starts, and the process — with Knative's
// legacy names (knative-spec.md §5.2) where Knative has one and `ebb_*` otherwise. The full
// list is in src/metrics/README.md.
//
// Nothing here is on the request path. The gateway's per-worker counters are summed when a
// scrape runs (Gateway::Metrics); the autoscaler and runtime state is sampled then through
// Sources; the few events the plane reports (parked at zero, instance ready, first byte of a
// cold start, restart, scaled to zero, the load each second) take this object's own lock.
//
// Every series carries the revision's namespace_name, service_name, configuration_name and
// revision_name, read from the Revision's labels through Sources::revision (cached).
//
// Thread-safety: all methods may be called from any thread. With metrics disabled (config
// observability metrics-protocol: none) Start registers nothing and the events are ignored.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "autoscaler/autoscaler.h"
#include "common/status.h"
#include "gateway/gateway.h"
#include "metrics/cold_start.h"
#include "metrics/registry.h"

namespace ebb::serving {

// One revision's autoscaler, as a scrape sees it.
struct AutoscalerState {
  std::string key;  // "namespace/name"
  autoscaler::Decision decision;
  autoscaler::Metric metric = autoscaler::Metric::kConcurrency;
  double target = 0;  // per instance (spec.target_value)
  int ready = 0;      // ready instances the plane routes to
};

class PlaneMetrics {
 public:
  using Time = std::chrono::steady_clock::time_point;

  // What a scrape reads. Each is called once per scrape, without this object's lock.
  struct Sources {
    const gateway::Gateway* gateway = nullptr;
    std::function<std::vector<AutoscalerState>()> autoscaler;
    std::function<std::vector<nlohmann::json>()> pods;  // core v1 Pods of every instance
    // The serving.knative.dev/v1 Revision "namespace/name" (for its labels).
    std::function<Result<nlohmann::json>(const std::string& ns, const std::string& name)> revision;
  };

  explicit PlaneMetrics(bool enabled) : enabled_(enabled) {}

  bool enabled() const { return enabled_; }
  // Registers the collectors (when enabled). `sources` must stay valid while the registry is
  // scraped.
  void Start(Sources sources);
  const metrics::Registry& registry() const { return registry_; }

  // Events (ColdStartTracker has the definitions).
  void Parked(const std::string& key, Time t, bool no_ready_instance);
  void InstanceReady(const std::string& key, Time spawned, Time ready);
  void FirstByte(const std::string& key, Time t);
  void ScaledToZero(const std::string& key);
  // An instance's process exited and the runtime will restart it.
  void InstanceRestarted(const std::string& key);
  // The gateway's load of the last second (Gateway::Collect), for the concurrency gauges.
  void SetLoads(const std::vector<gateway::RevisionLoad>& loads);

 private:
  struct Scrape;  // one scrape's inputs (serving_metrics.cc)

  void Collect(metrics::Exposition& out);
  void CollectRequests(const Scrape& s, metrics::Exposition& out);
  void CollectAutoscaler(const Scrape& s, metrics::Exposition& out);
  void CollectInstances(const Scrape& s, metrics::Exposition& out);
  void CollectColdStarts(const Scrape& s, metrics::Exposition& out);
  metrics::Labels LabelsOf(const std::string& key);
  void Prune(const Scrape& s);

  const bool enabled_;
  metrics::Registry registry_;
  Sources sources_;  // set once by Start

  std::mutex mu_;
  metrics::ColdStartTracker cold_starts_;               // guarded by mu_
  std::map<std::string, std::uint64_t> restarts_;       // guarded by mu_
  std::map<std::string, gateway::RevisionLoad> loads_;  // guarded by mu_

  std::mutex labels_mu_;  // held while a scrape resolves labels (never by events)
  std::map<std::string, metrics::Labels> labels_;  // guarded by labels_mu_
};

}  // namespace ebb::serving
