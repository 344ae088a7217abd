#include "dashboard/overview.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>

namespace ebb::dashboard {
namespace {

using nlohmann::json;

// Objects come from the registry and the runtime, but the overview must never throw on an
// odd one: every read goes through these lookups, which give a default on any mismatch.
const json& At(const json& obj, std::initializer_list<const char*> path) {
  static const json kNull;
  const json* cur = &obj;
  for (const char* key : path) {
    if (!cur->is_object()) return kNull;
    auto it = cur->find(key);
    if (it == cur->end()) return kNull;
    cur = &*it;
  }
  return *cur;
}

std::string Str(const json& obj, std::initializer_list<const char*> path) {
  const json& v = At(obj, path);
  return v.is_string() ? v.get<std::string>() : "";
}

json NumberOrNull(const json& v) { return v.is_number() ? v : json(); }

std::string Key(const std::string& ns, const std::string& name) { return ns + "/" + name; }

std::string Label(const json& obj, const char* label) {
  return Str(obj, {"metadata", "labels", label});
}

std::int64_t AgeSeconds(const std::string& created, Clock::time_point now) {
  Clock::time_point t;
  if (!ParseRfc3339(created, &t)) return 0;
  return std::max<std::int64_t>(0,
                                std::chrono::duration_cast<std::chrono::seconds>(now - t).count());
}

json Conditions(const json& obj) {
  json out = json::array();
  const json& conds = At(obj, {"status", "conditions"});
  if (!conds.is_array()) return out;
  for (const json& c : conds) {
    out.push_back({{"type", Str(c, {"type"})},
                   {"status", Str(c, {"status"})},
                   {"reason", Str(c, {"reason"})},
                   {"message", Str(c, {"message"})},
                   {"lastTransitionTime", Str(c, {"lastTransitionTime"})}});
  }
  return out;
}

// Copies the Ready condition's status, reason and message into `out` (Unknown when absent).
void AddReady(const json& conditions, json& out) {
  out["ready"] = "Unknown";
  out["reason"] = "";
  out["message"] = "";
  for (const json& c : conditions) {
    if (c["type"] != "Ready") continue;
    std::string status = c["status"].get<std::string>();
    out["ready"] = status.empty() ? "Unknown" : status;
    out["reason"] = c["reason"];
    out["message"] = c["message"];
  }
}

json TrafficEntries(const json& obj) {
  json out = json::array();
  const json& traffic = At(obj, {"status", "traffic"});
  if (!traffic.is_array()) return out;
  for (const json& t : traffic) {
    out.push_back(
        {{"revisionName", Str(t, {"revisionName"})},
         {"percent", NumberOrNull(At(t, {"percent"}))},
         {"tag", Str(t, {"tag"})},
         {"url", Str(t, {"url"})},
         {"latestRevision",
          At(t, {"latestRevision"}).is_boolean() ? At(t, {"latestRevision"}) : json(false)}});
  }
  return out;
}

json ServiceEntry(const json& svc) {
  json out = {{"namespace", Str(svc, {"metadata", "namespace"})},
              {"name", Str(svc, {"metadata", "name"})},
              {"url", Str(svc, {"status", "url"})},
              {"conditions", Conditions(svc)},
              {"latestCreatedRevision", Str(svc, {"status", "latestCreatedRevisionName"})},
              {"latestReadyRevision", Str(svc, {"status", "latestReadyRevisionName"})},
              {"traffic", TrafficEntries(svc)}};
  AddReady(out["conditions"], out);
  return out;
}

// Traffic percent and tags per "ns/revision", summed over every Route.
struct Routing {
  std::map<std::string, std::int64_t> percent;
  std::map<std::string, std::set<std::string>> tags;
};

Routing RoutingOf(const std::vector<json>& routes) {
  Routing r;
  for (const json& route : routes) {
    std::string ns = Str(route, {"metadata", "namespace"});
    for (const json& t : TrafficEntries(route)) {
      std::string key = Key(ns, t["revisionName"].get<std::string>());
      if (t["percent"].is_number_integer()) r.percent[key] += t["percent"].get<std::int64_t>();
      if (!t["tag"].get<std::string>().empty()) r.tags[key].insert(t["tag"].get<std::string>());
    }
  }
  return r;
}

struct InstanceCount {
  int total = 0;
  int ready = 0;
};

json RevisionEntry(const json& rev, const Routing& routing,
                   const std::map<std::string, InstanceCount>& counts, Clock::time_point now) {
  std::string ns = Str(rev, {"metadata", "namespace"});
  std::string name = Str(rev, {"metadata", "name"});
  std::string key = Key(ns, name);
  auto tags = routing.tags.find(key);
  auto count = counts.find(key);
  const json& containers = At(rev, {"spec", "containers"});
  json out = {
      {"namespace", ns},
      {"name", name},
      {"service", Label(rev, "serving.knative.dev/service")},
      {"configuration", Label(rev, "serving.knative.dev/configuration")},
      {"created", Str(rev, {"metadata", "creationTimestamp"})},
      {"ageSeconds", AgeSeconds(Str(rev, {"metadata", "creationTimestamp"}), now)},
      {"conditions", Conditions(rev)},
      {"trafficPercent", routing.percent.contains(key) ? routing.percent.at(key) : 0},
      {"tags", tags == routing.tags.end() ? json::array() : json(tags->second)},
      {"desiredReplicas", NumberOrNull(At(rev, {"status", "desiredReplicas"}))},
      {"actualReplicas", NumberOrNull(At(rev, {"status", "actualReplicas"}))},
      {"containerConcurrency", NumberOrNull(At(rev, {"spec", "containerConcurrency"}))},
      {"image", containers.is_array() && !containers.empty() ? Str(containers[0], {"image"}) : ""},
      {"instances", count == counts.end() ? 0 : count->second.total},
      {"readyInstances", count == counts.end() ? 0 : count->second.ready}};
  AddReady(out["conditions"], out);
  return out;
}

// What kubectl's STATUS column would say: Terminating, the waiting reason, or the phase.
std::string PodState(const json& pod, const json& container) {
  if (At(pod, {"metadata", "deletionTimestamp"}).is_string()) return "Terminating";
  std::string waiting = Str(container, {"state", "waiting", "reason"});
  if (!waiting.empty()) return waiting;
  return Str(pod, {"status", "phase"});
}

json FirstContainerStatus(const json& pod) {
  const json& statuses = At(pod, {"status", "containerStatuses"});
  return statuses.is_array() && !statuses.empty() ? statuses[0] : json::object();
}

json InstanceEntry(const json& pod, Clock::time_point now) {
  json container = FirstContainerStatus(pod);
  std::string created = Str(pod, {"metadata", "creationTimestamp"});
  const json& restarts = At(container, {"restartCount"});
  return {{"namespace", Str(pod, {"metadata", "namespace"})},
          {"name", Str(pod, {"metadata", "name"})},
          {"revision", Label(pod, "serving.knative.dev/revision")},
          {"service", Label(pod, "serving.knative.dev/service")},
          {"configuration", Label(pod, "serving.knative.dev/configuration")},
          {"phase", Str(pod, {"status", "phase"})},
          {"state", PodState(pod, container)},
          {"ready", At(container, {"ready"}).is_boolean() && At(container, {"ready"}).get<bool>()},
          {"restarts", restarts.is_number_integer() ? restarts.get<std::int64_t>() : 0},
          {"created", created},
          {"ageSeconds", AgeSeconds(created, now)},
          {"message", Str(container, {"state", "waiting", "message"})}};
}

json Instances(const std::vector<json>& pods, Clock::time_point now) {
  std::vector<json> entries;
  for (const json& pod : pods) entries.push_back(InstanceEntry(pod, now));
  auto order = [](const json& e) {
    return std::make_tuple(e["namespace"].get<std::string>(), e["revision"].get<std::string>(),
                           e["name"].get<std::string>());
  };
  std::sort(entries.begin(), entries.end(),
            [&](const json& a, const json& b) { return order(a) < order(b); });
  return entries;
}

std::map<std::string, InstanceCount> CountByRevision(const json& instances) {
  std::map<std::string, InstanceCount> counts;
  for (const json& i : instances) {
    InstanceCount& c =
        counts[Key(i["namespace"].get<std::string>(), i["revision"].get<std::string>())];
    ++c.total;
    if (i["ready"].get<bool>()) ++c.ready;
  }
  return counts;
}

}  // namespace

nlohmann::json BuildOverview(const OverviewInput& in, Clock::time_point now) {
  json instances = Instances(in.pods, now);
  std::map<std::string, InstanceCount> counts = CountByRevision(instances);
  Routing routing = RoutingOf(in.routes);
  json services = json::array();
  for (const json& svc : in.services) services.push_back(ServiceEntry(svc));
  json revisions = json::array();
  for (const json& rev : in.revisions)
    revisions.push_back(RevisionEntry(rev, routing, counts, now));
  return {{"time", FormatRfc3339(now)},
          {"services", services},
          {"revisions", revisions},
          {"instances", instances}};
}

}  // namespace ebb::dashboard
