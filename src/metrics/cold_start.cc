#include "metrics/cold_start.h"

#include <algorithm>

namespace ebb::metrics {

void ColdStartTracker::Parked(const std::string& revision, Time t, bool no_ready_instance) {
  auto early = last_ready_.find(revision);
  bool reported_early = early != last_ready_.end() && early->second.spawned >= t;
  if (!no_ready_instance && !reported_early) return;
  auto [it, started] = pending_.try_emplace(revision, Pending{t, {}, {}});
  if (reported_early) {
    // Spawned after the request parked, so started for it, and reported ready already.
    it->second.spawned = early->second.spawned;
    it->second.ready = std::max(early->second.ready, early->second.spawned);
  } else if (!started) {
    // Still waiting although an instance was ready: it went away before serving anybody, so
    // the next instance to become ready is the one this cold start waits for.
    it->second.spawned = it->second.ready = std::nullopt;
  }
  if (early != last_ready_.end()) last_ready_.erase(early);
  totals_.try_emplace(revision);
}

void ColdStartTracker::InstanceReady(const std::string& revision, Time spawned, Time ready) {
  auto it = pending_.find(revision);
  if (it == pending_.end()) {
    last_ready_[revision] = Report{spawned, ready};
    return;
  }
  if (it->second.ready) return;
  Pending& p = it->second;
  p.spawned = std::max(spawned, p.parked);
  p.ready = std::max(ready, *p.spawned);
  if (p.first_byte) {
    // The byte came first: the instance was ready by then whatever the report says.
    p.ready = std::max(std::min(*p.ready, *p.first_byte), *p.spawned);
    Complete(revision, p, *p.first_byte);
    pending_.erase(it);
  }
}

void ColdStartTracker::FirstByte(const std::string& revision, Time t) {
  auto it = pending_.find(revision);
  if (it == pending_.end()) return;
  Pending& p = it->second;
  if (!p.ready) {
    if (!p.first_byte) p.first_byte = t;
    return;
  }
  Complete(revision, p, t);
  pending_.erase(it);
}

void ColdStartTracker::Complete(const std::string& revision, const Pending& p, Time first_byte) {
  Time t = std::max(first_byte, *p.ready);
  Totals& totals = totals_[revision];
  const Bounds& bounds = ColdStartBounds();
  totals.spawn.Observe(bounds, *p.spawned - p.parked);
  totals.ready.Observe(bounds, *p.ready - *p.spawned);
  totals.first_byte.Observe(bounds, t - *p.ready);
  totals.total.Observe(bounds, t - p.parked);
}

void ColdStartTracker::ScaledToZero(const std::string& revision) {
  auto it = pending_.find(revision);
  if (it == pending_.end()) return;
  if (!it->second.first_byte) ++totals_[revision].abandoned;
  pending_.erase(it);
}

void ColdStartTracker::Forget(const std::string& revision) {
  pending_.erase(revision);
  last_ready_.erase(revision);
  totals_.erase(revision);
}

}  // namespace ebb::metrics
