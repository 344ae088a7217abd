#include "metrics/cold_start.h"

#include <algorithm>

namespace ebb::metrics {

void ColdStartTracker::Parked(const std::string& revision, Time t, bool no_ready_instance) {
  if (!no_ready_instance) return;
  auto [it, started] = pending_.try_emplace(revision, Pending{t, {}, {}});
  // Still waiting although an instance was ready: it went away before serving anybody, so the
  // next instance to become ready is the one this cold start waits for.
  if (!started) it->second.spawned = it->second.ready = std::nullopt;
  totals_.try_emplace(revision);
}

void ColdStartTracker::InstanceReady(const std::string& revision, Time spawned, Time ready) {
  auto it = pending_.find(revision);
  if (it == pending_.end() || it->second.ready) return;
  Pending& p = it->second;
  p.spawned = std::max(spawned, p.parked);
  p.ready = std::max(ready, *p.spawned);
}

void ColdStartTracker::FirstByte(const std::string& revision, Time t) {
  auto it = pending_.find(revision);
  if (it == pending_.end() || !it->second.ready) return;
  const Pending& p = it->second;
  t = std::max(t, *p.ready);
  Totals& totals = totals_[revision];
  const Bounds& bounds = ColdStartBounds();
  totals.spawn.Observe(bounds, *p.spawned - p.parked);
  totals.ready.Observe(bounds, *p.ready - *p.spawned);
  totals.first_byte.Observe(bounds, t - *p.ready);
  totals.total.Observe(bounds, t - p.parked);
  pending_.erase(it);
}

void ColdStartTracker::ScaledToZero(const std::string& revision) {
  if (pending_.erase(revision) > 0) ++totals_[revision].abandoned;
}

void ColdStartTracker::Forget(const std::string& revision) {
  pending_.erase(revision);
  totals_.erase(revision);
}

}  // namespace ebb::metrics
