// meta.k8s.io/v1 Table rendering with the printer columns of Knative's CRDs, so that
// `kubectl get ksvc` shows URL / LATESTCREATED / READY ... instead of NAME and AGE only.
#include "api/table.h"

#include <nlohmann/json.hpp>

namespace ebb::api {
namespace {

using nlohmann::json;

// Where a column's value comes from.
enum class Source {
  kName,
  kAge,
  kUrl,
  kLatestCreated,
  kLatestReady,
  kReady,
  kReason,
  kConfigLabel,
  kGenerationLabel,
  kActualReplicas,
  kDesiredReplicas
};

struct Column {
  const char* name;
  const char* type;
  const char* format;
  const char* description;
  Source source;
};

const Column kName = {"Name", "string", "name", "Name must be unique within a namespace.",
                      Source::kName};
const Column kAge = {"Age", "date", "",
                     "CreationTimestamp is the server time when this object was created.",
                     Source::kAge};
const Column kUrl = {"URL", "string", "", "The URL of the route.", Source::kUrl};
const Column kLatestCreated = {"LatestCreated", "string", "",
                               "The name of the latest revision created.", Source::kLatestCreated};
const Column kLatestReady = {"LatestReady", "string", "",
                             "The name of the latest revision that became ready.",
                             Source::kLatestReady};
const Column kReady = {"Ready", "string", "", "The status of the Ready condition.", Source::kReady};
const Column kReason = {"Reason", "string", "", "The reason of the Ready condition.",
                        Source::kReason};

std::vector<Column> ColumnsOf(Kind kind) {
  switch (kind) {
    case Kind::kService:
      return {kName, kUrl, kLatestCreated, kLatestReady, kReady, kReason, kAge};
    case Kind::kConfiguration:
      return {kName, kLatestCreated, kLatestReady, kReady, kReason, kAge};
    case Kind::kRevision:
      return {kName,
              {"Config Name", "string", "", "The configuration this revision belongs to.",
               Source::kConfigLabel},
              {"Generation", "string", "", "The configuration generation of this revision.",
               Source::kGenerationLabel},
              kReady,
              kReason,
              {"Actual Replicas", "integer", "", "The number of running instances.",
               Source::kActualReplicas},
              {"Desired Replicas", "integer", "", "The number of instances the autoscaler wants.",
               Source::kDesiredReplicas},
              kAge};
    case Kind::kRoute:
      return {kName, kUrl, kReady, kReason, kAge};
  }
  return {kName, kAge};
}

// obj[a][b]... or nullptr when any step is missing.
const json* Find(const json& obj, std::initializer_list<const char*> path) {
  const json* cur = &obj;
  for (const char* key : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

json StringOrNull(const json* v) { return v != nullptr && v->is_string() ? *v : json(nullptr); }
json IntegerOrNull(const json* v) {
  return v != nullptr && v->is_number_integer() ? *v : json(nullptr);
}

// status.conditions[?(@.type=="Ready")].<field>
json ReadyField(const json& obj, const char* field) {
  const json* conditions = Find(obj, {"status", "conditions"});
  if (conditions == nullptr || !conditions->is_array()) return nullptr;
  for (const json& c : *conditions) {
    if (c.is_object() && c.value("type", json()) == "Ready") return StringOrNull(Find(c, {field}));
  }
  return nullptr;
}

// kubectl prints "<unknown>" for objects without a creation time.
json Age(const json& obj, Clock::time_point now) {
  const json* ts = Find(obj, {"metadata", "creationTimestamp"});
  Clock::time_point created;
  if (ts == nullptr || !ts->is_string() || !ParseRfc3339(ts->get<std::string>(), &created)) {
    return "<unknown>";
  }
  return HumanDuration(std::chrono::duration_cast<std::chrono::seconds>(now - created));
}

json Cell(Source source, const json& obj, Clock::time_point now) {
  switch (source) {
    case Source::kName:
      return StringOrNull(Find(obj, {"metadata", "name"}));
    case Source::kAge:
      return Age(obj, now);
    case Source::kUrl:
      return StringOrNull(Find(obj, {"status", "url"}));
    case Source::kLatestCreated:
      return StringOrNull(Find(obj, {"status", "latestCreatedRevisionName"}));
    case Source::kLatestReady:
      return StringOrNull(Find(obj, {"status", "latestReadyRevisionName"}));
    case Source::kReady:
      return ReadyField(obj, "status");
    case Source::kReason:
      return ReadyField(obj, "reason");
    case Source::kConfigLabel:
      return StringOrNull(Find(obj, {"metadata", "labels", "serving.knative.dev/configuration"}));
    case Source::kGenerationLabel:
      return StringOrNull(
          Find(obj, {"metadata", "labels", "serving.knative.dev/configurationGeneration"}));
    case Source::kActualReplicas:
      return IntegerOrNull(Find(obj, {"status", "actualReplicas"}));
    case Source::kDesiredReplicas:
      return IntegerOrNull(Find(obj, {"status", "desiredReplicas"}));
  }
  return nullptr;
}

json PartialObjectMetadata(const json& obj) {
  const json* meta = Find(obj, {"metadata"});
  return {{"kind", "PartialObjectMetadata"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", meta != nullptr && meta->is_object() ? *meta : json::object()}};
}

}  // namespace

std::string HumanDuration(std::chrono::seconds d) {
  using std::to_string;
  std::int64_t s = d.count();
  if (s < -1) return "<invalid>";  // clocks disagreeing by a second still reads as "now"
  if (s < 0) return "0s";
  if (s < 120) return to_string(s) + "s";
  std::int64_t minutes = s / 60;
  if (minutes < 10) return to_string(minutes) + "m" + (s % 60 ? to_string(s % 60) + "s" : "");
  if (minutes < 180) return to_string(minutes) + "m";
  std::int64_t hours = s / 3600;
  if (hours < 8) {
    return to_string(hours) + "h" + (minutes % 60 ? to_string(minutes % 60) + "m" : "");
  }
  if (hours < 48) return to_string(hours) + "h";
  if (hours < 24 * 8) {
    return to_string(hours / 24) + "d" + (hours % 24 ? to_string(hours % 24) + "h" : "");
  }
  if (hours < 24 * 365 * 2) return to_string(hours / 24) + "d";
  std::int64_t days = hours / 24;
  if (hours < 24 * 365 * 8) {
    return to_string(days / 365) + "y" + (days % 365 ? to_string(days % 365) + "d" : "");
  }
  return to_string(days / 365) + "y";
}

json TableColumns(Kind kind) {
  json columns = json::array();
  for (const Column& c : ColumnsOf(kind)) {
    columns.push_back({{"name", c.name},
                       {"type", c.type},
                       {"format", c.format},
                       {"description", c.description},
                       {"priority", 0}});
  }
  return columns;
}

json TableRow(Kind kind, const json& object, Clock::time_point now, bool include_full_object) {
  json cells = json::array();
  for (const Column& c : ColumnsOf(kind)) cells.push_back(Cell(c.source, object, now));
  return {{"cells", std::move(cells)},
          {"object", include_full_object ? object : PartialObjectMetadata(object)}};
}

json ToTable(Kind kind, const std::vector<json>& objects, const std::string& resource_version,
             Clock::time_point now, bool include_full_object) {
  json rows = json::array();
  for (const json& obj : objects) rows.push_back(TableRow(kind, obj, now, include_full_object));
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", {{"resourceVersion", resource_version}}},
          {"columnDefinitions", TableColumns(kind)},
          {"rows", std::move(rows)}};
}

}  // namespace ebb::api
