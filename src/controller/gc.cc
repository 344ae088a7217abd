#include "controller/gc.h"

#include <algorithm>
#include <cctype>
#include <tuple>

#include "controller/meta.h"

namespace ebb::controller {

namespace {

using nlohmann::json;

bool IsTrue(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s == "true";
}

bool IsActive(const json& revision, const std::string& latest_ready) {
  return Name(revision) == latest_ready || IsTrue(Annotation(revision, annotation::kNoGc)) ||
         Label(revision, label::kRoutingState) != kRoutingReserve;
}

Clock::time_point Created(const json& revision) {
  Clock::time_point t{};
  ParseRfc3339(Str(Field(revision, "metadata"), "creationTimestamp"), &t);
  return t;
}

Clock::time_point LastActive(const json& revision) {
  Clock::time_point t{};
  if (ParseRfc3339(Annotation(revision, annotation::kRoutingStateModified), &t)) return t;
  return Created(revision);
}

// When the revision becomes stale; nullopt when both retention checks are disabled.
std::optional<Clock::time_point> StaleAt(const json& revision, const config::Gc& gc) {
  bool check_create = gc.retain_since_create_time.count() >= 0;
  bool check_active = gc.retain_since_last_active_time.count() >= 0;
  if (!check_create && !check_active) return std::nullopt;
  Clock::time_point at{};
  if (check_create) at = std::max(at, Created(revision) + gc.retain_since_create_time);
  if (check_active) at = std::max(at, LastActive(revision) + gc.retain_since_last_active_time);
  return at;
}

}  // namespace

GcPlan PlanRevisionGc(const json& configuration, const std::vector<json>& revisions,
                      const config::Gc& gc, Clock::time_point now) {
  GcPlan plan;
  std::size_t min =
      static_cast<std::size_t>(std::max<std::int64_t>(0, gc.min_non_active_revisions));
  std::int64_t max = gc.max_non_active_revisions;
  bool time_checks_off =
      gc.retain_since_create_time.count() < 0 && gc.retain_since_last_active_time.count() < 0;
  if ((max < 0 && time_checks_off) || revisions.size() <= min) return plan;

  std::string latest_ready = Str(Field(configuration, "status"), "latestReadyRevisionName");
  std::vector<const json*> idle;
  for (const json& rev : revisions) {
    if (!IsActive(rev, latest_ready)) idle.push_back(&rev);
  }
  // Newest first; ties (same second) by creation, then by name, so the order is total.
  std::sort(idle.begin(), idle.end(), [](const json* a, const json* b) {
    auto key = [](const json* r) { return std::make_tuple(LastActive(*r), Created(*r), Name(*r)); };
    return key(a) > key(b);
  });
  auto remaining = static_cast<std::int64_t>(idle.size());
  for (std::size_t i = idle.size(); i > min; --i) {  // oldest first, sparing the newest `min`
    const json& rev = *idle[i - 1];
    std::optional<Clock::time_point> stale_at = StaleAt(rev, gc);
    if ((stale_at && *stale_at <= now) || (max >= 0 && remaining > max)) {
      plan.to_delete.push_back(Name(rev));
      --remaining;
    } else if (stale_at && (!plan.recheck_at || *stale_at < *plan.recheck_at)) {
      plan.recheck_at = stale_at;
    }
  }
  return plan;
}

}  // namespace ebb::controller
