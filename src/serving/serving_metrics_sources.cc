// The serving plane's side of PlaneMetrics: what a scrape samples (the autoscaler's decisions
// under the plane's lock, the runtime's pods, the stored revision for its labels) and the
// cold-start event that needs the plane's view of ready instances.
#include "serving/serving_plane.h"

namespace ebb::serving {

PlaneMetrics::Sources ServingPlane::MetricsSources() {
  PlaneMetrics::Sources s;
  s.gateway = gateway_.get();
  s.autoscaler = [this] {
    std::vector<AutoscalerState> out;
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& key : autoscaler_.Names()) {
      const autoscaler::RevisionAutoscaler* a = autoscaler_.Find(key);
      auto st = revisions_.find(key);
      int ready = st != revisions_.end() ? static_cast<int>(st->second.ready.size()) : 0;
      out.push_back({key, a->last(), a->spec().metric, a->spec().target_value, ready});
    }
    return out;
  };
  s.pods = [this] { return runtime_->Pods(); };
  s.revision = [this](const std::string& ns, const std::string& name) {
    return registry_.Get(api::Kind::kRevision, ns, name);
  };
  return s;
}

// A request parked while nobody was parked: a cold start if the revision has no ready instance.
void ServingPlane::NoteDemand(const std::string& key, PlaneMetrics::Time parked) {
  auto it = revisions_.find(key);
  metrics_.Parked(key, parked, it == revisions_.end() || it->second.ready.empty());
}

}  // namespace ebb::serving
