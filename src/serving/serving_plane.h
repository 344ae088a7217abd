// ServingPlane: the glue between the control plane and the request path.
//
//   registry watches ─ routes ───▶ RouteTable snapshot ─────────▶ gateway.SetRoutes
//                    └ revisions ─▶ runtime.SetRevision + autoscaler.Add (initial scale)
//   gateway.Collect (every 1 s) ─▶ autoscaler.Record;  every 2 s autoscaler.Tick ─▶ runtime.Scale
//   gateway on_demand (first parked request) ─▶ at zero: runtime.StartFromZero on that worker
//                                             └▶ autoscaler.Poke ─▶ runtime.Scale at once
//   runtime on_ready / on_terminating / on_exited ─▶ gateway.SetEndpoints
//   runtime events ─▶ the revision's health (StartupHealth → RevisionHealth, read by the
//                     controller) + Enqueue
//
// Threading: one plane thread runs the timer and every posted task; all plane state is guarded
// by mu_. Callbacks from the registry only post tasks; those from the runtime (its thread) and
// the gateway's on_demand (a gateway worker) do their short work under mu_ on the calling
// thread (RunHere: no I/O, nothing that waits for another thread), so the plane never waits
// for the runtime or a gateway worker while it holds mu_. Check() (the controller's thread)
// reads the state under mu_.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "autoscaler/autoscaler.h"
#include "common/clock.h"
#include "config/config.h"
#include "controller/revision_health.h"
#include "gateway/gateway.h"
#include "registry/registry.h"
#include "runtime/runtime.h"
#include "serving/serving_metrics.h"
#include "serving/startup_health.h"

namespace ebb::tracing {
class Tracer;
}  // namespace ebb::tracing

namespace ebb::serving {

struct Options {
  std::string data_dir;
  std::string listen = "127.0.0.1:8080";
  int gateway_threads = 0;  // 0 = one per CPU
  ioloop::Backend gateway_io = ioloop::Backend::kAuto;
  std::chrono::microseconds gateway_busy_poll{200};  // gateway::Options::busy_poll
  // Tracing and the request log for the gateway; it also learns each revision's service and
  // configuration labels. Not owned; must outlive the plane. Null: off.
  tracing::Tracer* tracer = nullptr;
};

class ServingPlane : public controller::RevisionHealth {
 public:
  // Starts the runtime (reaping the previous run's orphans), the gateway and the plane thread,
  // then watches routes and revisions. `on_revision_changed(ns, name)` is called (from the
  // plane thread) when a revision's health changes: the controller re-reads it via Check.
  static Result<std::unique_ptr<ServingPlane>> Start(
      const Options& options, registry::Registry& registry, const config::Config& config,
      const Clock& clock, std::function<void(const std::string&, const std::string&)>
                              on_revision_changed);
  ~ServingPlane() override;

  std::string gateway_address() const { return gateway_->address(); }
  std::vector<nlohmann::json> Pods() { return runtime_->Pods(); }
  Result<std::string> Logs(const std::string& pod, std::optional<int> tail) {
    return runtime_->Logs(pod, tail);
  }
  // The pod's log itself, to follow (runtime::Runtime::FollowLogs).
  Result<std::shared_ptr<const runtime::LogBuffer>> FollowLogs(const std::string& pod) {
    return runtime_->FollowLogs(pod);
  }

  // The /metrics collectors (serving_metrics.h); none when metrics are disabled.
  const ebb::metrics::Registry& metrics() const { return metrics_.registry(); }

  // controller::RevisionHealth: the executable must exist, then the runtime decides.
  Report Check(const nlohmann::json& revision) override;

  void Stop();  // idempotent

 private:
  struct RevisionState {
    std::string ns, name;
    nlohmann::json spec;                           // the revision's spec (immutable)
    std::map<std::string, gateway::Endpoint> ready;  // instance id → endpoint
    StartupHealth health{false};                     // from the runtime's instance events
    std::string failure_reason, failure_message;     // the spec cannot run (set once)
    int wanted = -1;                                 // last count given to the runtime
  };

  ServingPlane(registry::Registry& registry, const config::Config& config, const Clock& clock);
  Status StartComponents(const Options& options);
  void Post(std::function<void()> task);
  void RunHere(const std::function<void()>& task);  // on the calling thread; see the .cc
  void Loop();
  void OnRevisionEvent(const registry::WatchEvent& ev);
  void OnRouteEvent();
  void RebuildRoutes();
  void OnSecond();
  // Passes a changed count to the runtime; false when it was unchanged.
  bool Apply(const std::string& key, const autoscaler::Decision& d);
  void PublishEndpoints(const std::string& key);
  // Whether the revision's effective initial scale is 0 (Ready before any instance ran).
  bool StartsAtZero(const nlohmann::json& revision) const;
  // Queues a notification (mu_ held): the controller re-reads the revision's health and
  // replica counts (Ready, Active, actualReplicas, desiredReplicas), as Knative's revision
  // status follows its deployment.
  void HealthChanged(const std::string& key);
  void FlushNotifications();                   // sends them (mu_ not held)
  // serving_metrics_sources.cc: what PlaneMetrics samples at scrape time.
  PlaneMetrics::Sources MetricsSources();
  void NoteDemand(const std::string& key, PlaneMetrics::Time parked);  // mu_ held

  registry::Registry& registry_;
  const config::Config& config_;
  const Clock& clock_;
  controller::LocalExecutableHealth executables_;
  std::function<void(const std::string&, const std::string&)> on_revision_changed_;

  PlaneMetrics metrics_;  // own lock; events from any thread
  tracing::Tracer* tracer_ = nullptr;  // Options::tracer; thread-safe
  std::unique_ptr<runtime::Runtime> runtime_;
  std::unique_ptr<gateway::Gateway> gateway_;
  std::unique_ptr<store::Watch> revision_watch_;
  std::unique_ptr<store::Watch> route_watch_;

  std::mutex qmu_;  // the task queue only: Post never waits for plane work
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;  // guarded by qmu_
  bool stopping_ = false;                    // guarded by qmu_

  std::mutex mu_;  // plane state, below
  std::vector<std::pair<std::string, std::string>> notify_;  // guarded by mu_
  std::int64_t seconds_ = 0;                                 // plane thread only
  std::map<std::string, RevisionState> revisions_;  // guarded by mu_ ("ns/name")
  std::set<std::string> routed_;                    // guarded by mu_
  autoscaler::Autoscaler autoscaler_;               // guarded by mu_
  std::thread thread_;
};

}  // namespace ebb::serving
