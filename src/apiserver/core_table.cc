// Server-side printing of core objects, with the columns `kubectl get` shows for them on a real
// cluster (kubectl prints whatever columns the server sends).
#include <string>
#include <vector>

#include "api/table.h"
#include "apiserver/handlers.h"

namespace ebb::apiserver {
namespace {

using nlohmann::json;

json Column(const char* name, const char* type, const char* format, int priority,
            const char* description) {
  return {{"name", name},
          {"type", type},
          {"format", format},
          {"description", description},
          {"priority", priority}};
}

json Field(const json& obj, std::initializer_list<const char*> path) {
  const json* cur = &obj;
  for (const char* key : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return *cur;
}

std::string Str(const json& v, const char* fallback = "<none>") {
  return v.is_string() && !v.get<std::string>().empty() ? v.get<std::string>() : fallback;
}

std::string Age(const json& timestamp, Clock::time_point now) {
  Clock::time_point t;
  if (!timestamp.is_string() || !ParseRfc3339(timestamp.get<std::string>(), &t)) {
    return "<unknown>";
  }
  auto age = std::chrono::duration_cast<std::chrono::seconds>(now - t);
  return api::HumanDuration(std::max(age, std::chrono::seconds(0)));
}

std::string CreationAge(const json& obj, Clock::time_point now) {
  return Age(Field(obj, {"metadata", "creationTimestamp"}), now);
}

json Items(const json& v) { return v.is_array() ? v : json::array(); }

// The STATUS column: Terminating, else a container's waiting/terminated reason, else phase.
std::string PodStatus(const json& pod) {
  if (!Field(pod, {"metadata", "deletionTimestamp"}).is_null()) return "Terminating";
  for (const json& cs : Items(Field(pod, {"status", "containerStatuses"}))) {
    for (const char* state : {"waiting", "terminated"}) {
      json reason = Field(cs, {"state", state, "reason"});
      if (reason.is_string()) return reason.get<std::string>();
    }
  }
  return Str(Field(pod, {"status", "phase"}), "Unknown");
}

json PodCells(const json& pod, Clock::time_point now) {
  int ready = 0;
  std::int64_t restarts = 0;
  for (const json& cs : Items(Field(pod, {"status", "containerStatuses"}))) {
    if (Field(cs, {"ready"}) == true) ++ready;
    if (json n = Field(cs, {"restartCount"}); n.is_number_integer()) restarts += n.get<int64_t>();
  }
  size_t total = Items(Field(pod, {"spec", "containers"})).size();
  return {MetaString(pod, "name"),
          std::to_string(ready) + "/" + std::to_string(total),
          PodStatus(pod),
          restarts,
          CreationAge(pod, now),
          Str(Field(pod, {"status", "podIP"})),
          Str(Field(pod, {"spec", "nodeName"}))};
}

std::string ServicePorts(const json& svc) {
  std::string out;
  for (const json& p : Items(Field(svc, {"spec", "ports"}))) {
    if (!out.empty()) out += ",";
    out += Field(p, {"port"}).dump();
    if (json node = Field(p, {"nodePort"}); node.is_number()) out += ":" + node.dump();
    out += "/" + Str(Field(p, {"protocol"}), "TCP");
  }
  return out.empty() ? "<none>" : out;
}

std::string ExternalIps(const json& svc) {
  std::string out;
  for (const json& ing : Items(Field(svc, {"status", "loadBalancer", "ingress"}))) {
    if (json ip = Field(ing, {"ip"}); ip.is_string()) out += (out.empty() ? "" : ",") + Str(ip);
  }
  if (!out.empty()) return out;
  return Field(svc, {"spec", "type"}) == "LoadBalancer" ? "<pending>" : "<none>";
}

std::string Selector(const json& svc) {
  std::string out;
  json sel = Field(svc, {"spec", "selector"});
  if (!sel.is_object()) return "<none>";
  for (const auto& [k, v] : sel.items()) out += (out.empty() ? "" : ",") + k + "=" + Str(v, "");
  return out.empty() ? "<none>" : out;
}

json ServiceCells(const json& svc, Clock::time_point now) {
  return {MetaString(svc, "name"),
          Str(Field(svc, {"spec", "type"}), "ClusterIP"),
          Str(Field(svc, {"spec", "clusterIP"})),
          ExternalIps(svc),
          ServicePorts(svc),
          CreationAge(svc, now),
          Selector(svc)};
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

json EventCells(const json& ev, Clock::time_point now) {
  json last = Field(ev, {"lastTimestamp"});
  if (!last.is_string()) last = Field(ev, {"eventTime"});
  std::string object = Lower(Str(Field(ev, {"involvedObject", "kind"}), "")) + "/" +
                       Str(Field(ev, {"involvedObject", "name"}), "");
  return {Age(last, now), Str(Field(ev, {"type"}), ""), Str(Field(ev, {"reason"}), ""), object,
          Str(Field(ev, {"message"}), "")};
}

json NamespaceCells(const json& ns, Clock::time_point now) {
  return {MetaString(ns, "name"), Str(Field(ns, {"status", "phase"}), "Active"),
          CreationAge(ns, now)};
}

json Columns(CoreResource resource) {
  const char* age =
      "CreationTimestamp is a timestamp representing the server time when this "
      "object was created.";
  switch (resource) {
    case CoreResource::kPods:
      return {Column("Name", "string", "name", 0, "Name of the pod."),
              Column("Ready", "string", "", 0, "The aggregate readiness state of this pod."),
              Column("Status", "string", "", 0, "The aggregate status of the containers."),
              Column("Restarts", "integer", "", 0, "The number of times the containers restarted."),
              Column("Age", "string", "", 0, age),
              Column("IP", "string", "", 1, "IP address allocated to the pod."),
              Column("Node", "string", "", 1, "Name of the node the pod runs on.")};
    case CoreResource::kServices:
      return {Column("Name", "string", "name", 0, "Name of the service."),
              Column("Type", "string", "", 0, "The type of the service."),
              Column("Cluster-IP", "string", "", 0, "The cluster IP of the service."),
              Column("External-IP", "string", "", 0, "The external IPs of the service."),
              Column("Port(s)", "string", "", 0, "The ports the service exposes."),
              Column("Age", "string", "", 0, age),
              Column("Selector", "string", "", 1, "The pods the service routes to.")};
    case CoreResource::kEvents:
      return {Column("Last Seen", "string", "", 0, "When the event last occurred."),
              Column("Type", "string", "", 0, "Normal or Warning."),
              Column("Reason", "string", "", 0, "Why the event was generated."),
              Column("Object", "string", "", 0, "The object the event is about."),
              Column("Message", "string", "", 0, "A human-readable description.")};
    case CoreResource::kNamespaces:
      return {Column("Name", "string", "name", 0, "Name of the namespace."),
              Column("Status", "string", "", 0, "The phase of the namespace."),
              Column("Age", "string", "", 0, age)};
  }
  return json::array();
}

json Cells(CoreResource resource, const json& obj, Clock::time_point now) {
  switch (resource) {
    case CoreResource::kPods:
      return PodCells(obj, now);
    case CoreResource::kServices:
      return ServiceCells(obj, now);
    case CoreResource::kEvents:
      return EventCells(obj, now);
    case CoreResource::kNamespaces:
      return NamespaceCells(obj, now);
  }
  return json::array();
}

// row.object: what fills kubectl's NAMESPACE column (-A) and --show-labels / -L.
json RowObject(const json& obj, bool include_full_object) {
  if (include_full_object) return obj;
  return {{"kind", "PartialObjectMetadata"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", obj.is_object() ? obj.value("metadata", json::object()) : json::object()}};
}

}  // namespace

json CoreTable(CoreResource resource, const std::vector<json>& items,
               const std::string& resource_version, Clock::time_point now,
               bool include_full_object) {
  json rows = json::array();
  for (const json& obj : items) {
    rows.push_back(
        {{"cells", Cells(resource, obj, now)}, {"object", RowObject(obj, include_full_object)}});
  }
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", {{"resourceVersion", resource_version}}},
          {"columnDefinitions", Columns(resource)},
          {"rows", std::move(rows)}};
}

}  // namespace ebb::apiserver
