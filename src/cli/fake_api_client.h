// FakeApiClient: an in-memory stand-in for the API server, for the CLI's unit tests.
//
// It stores objects per (plural, namespace, name), stamps resourceVersion / uid /
// creationTimestamp / generation like the server, answers Get/List (a Table when asked: Name,
// Ready and a priority-1 Generation column), Create (201 / 409 AlreadyExists), Replace (409 on a
// resourceVersion mismatch), Apply (server-side apply approximated as "the manifest's metadata
// labels/annotations and spec replace the stored ones"; a no-op write keeps resourceVersion),
// Patch (RFC 7386, with a metadata.resourceVersion precondition) and Delete (Status Success /
// 404). Watch delivers `watch_events` and then reports kTimeout, as a quiet server would once
// the deadline passes. `errors` overrides the answer to one call ("GET services/default/x").
// Every call is recorded in `calls`. Not thread-safe, except PodLog (followed logs run on
// several threads): it reads `pod_logs` (set before the command runs; a pod missing there is
// 404, or `pod_log_errors` answers) and records into `log_calls`, under its own mutex.
#pragma once

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/api_client.h"
#include "cli/json_util.h"

namespace ebb::cli {

class FakeApiClient : public ApiClient {
 public:
  using json = nlohmann::json;

  // Stores `object` as the server would after a create.
  void Put(const ResourceType& type, json object) {
    std::string ns = Str(object["metadata"], "namespace");
    if (ns.empty() && type.knative) ns = "default";
    object["metadata"]["namespace"] = ns;
    object["metadata"]["uid"] = "uid-" + Str(object["metadata"], "name");
    object["metadata"]["creationTimestamp"] = "2026-05-28T20:26:40Z";
    object["metadata"]["generation"] = 1;
    Stamp(object);
    if (!object.contains("apiVersion")) object["apiVersion"] = type.ApiVersion();
    if (!object.contains("kind")) object["kind"] = type.kind;
    std::string key = Key(type, ns, Str(object["metadata"], "name"));
    objects_[key] = std::move(object);
  }

  const json* Find(const ResourceType& type, const std::string& ns, const std::string& name) const {
    auto it = objects_.find(Key(type, ns, name));
    return it == objects_.end() ? nullptr : &it->second;
  }

  static json StatusBody(int code, const std::string& reason, const std::string& message) {
    return {{"kind", "Status"},   {"apiVersion", "v1"}, {"status", "Failure"},
            {"message", message}, {"reason", reason},   {"code", code}};
  }

  Result<ApiResponse> Version() override {
    calls.push_back("GET /version");
    return ApiResponse{200, {{"major", "1"}, {"minor", "32"}, {"gitVersion", "v1.32.0-ebb"}}, ""};
  }

  Result<ApiResponse> Get(const ResourceType& type, const std::string& ns, const std::string& name,
                          bool table) override {
    std::string call = "GET " + Key(type, ns, name);
    if (auto e = Injected(call)) return *e;
    const json* object = Find(type, ns, name);
    if (object == nullptr) return NotFound(type, name);
    return ApiResponse{200, table ? MakeTable(type, {*object}) : *object, ""};
  }

  Result<ApiResponse> List(const ResourceType& type, const std::string& ns,
                           const ListOptions& options) override {
    std::string call = "LIST " + type.plural + "/" + ns;
    if (!options.label_selector.empty()) call += "?labelSelector=" + options.label_selector;
    if (!options.field_selector.empty()) call += "?fieldSelector=" + options.field_selector;
    if (auto e = Injected(call)) return *e;
    std::vector<json> items;
    for (const auto& [key, object] : objects_) {
      if (key.rfind(type.plural + "/", 0) != 0) continue;
      if (!ns.empty() && Str(object["metadata"], "namespace") != ns) continue;
      if (!Selected(object, options)) continue;
      items.push_back(object);
    }
    if (options.table) return ApiResponse{200, MakeTable(type, items), ""};
    return ApiResponse{200,
                       {{"apiVersion", type.ApiVersion()},
                        {"kind", type.kind + "List"},
                        {"metadata", {{"resourceVersion", std::to_string(rv_)}}},
                        {"items", items}},
                       ""};
  }

  Result<ApiResponse> Create(const ResourceType& type, const std::string& ns, const json& object,
                             bool dry_run) override {
    std::string name = Str(object["metadata"], "name");
    std::string call = "CREATE " + Key(type, ns, name);
    if (auto e = Injected(call)) return *e;
    if (Find(type, ns, name) != nullptr) {
      return ApiResponse{409,
                         StatusBody(409, "AlreadyExists",
                                    type.QualifiedPlural() + " \"" + name + "\" already exists"),
                         ""};
    }
    json stored = object;
    stored["metadata"]["namespace"] = ns;
    if (!dry_run) Put(type, stored);
    return ApiResponse{201, dry_run ? stored : *Find(type, ns, name), ""};
  }

  Result<ApiResponse> Replace(const ResourceType& type, const std::string& ns,
                              const std::string& name, const json& object, bool dry_run) override {
    std::string call = "REPLACE " + Key(type, ns, name);
    if (auto e = Injected(call)) return *e;
    json* current = Mutable(type, ns, name);
    if (current == nullptr) return NotFound(type, name);
    if (Str(object["metadata"], "resourceVersion") !=
        Str((*current)["metadata"], "resourceVersion")) {
      return Conflict(type, name);
    }
    json next = object;
    Keep(*current, next);
    if (!dry_run) Write(*current, std::move(next));
    return ApiResponse{200, *current, ""};
  }

  Result<ApiResponse> Apply(const ResourceType& type, const std::string& ns,
                            const std::string& name, const json& manifest, bool dry_run) override {
    std::string call = "APPLY " + Key(type, ns, name);
    applied.push_back(manifest);
    if (auto e = Injected(call)) return *e;
    json* current = Mutable(type, ns, name);
    if (current == nullptr) {
      if (dry_run) return ApiResponse{201, manifest, ""};
      Put(type, manifest);
      return ApiResponse{201, *Find(type, ns, name), ""};
    }
    json next = *current;
    for (const char* key : {"labels", "annotations"}) {
      if (manifest["metadata"].contains(key)) next["metadata"][key] = manifest["metadata"][key];
    }
    if (manifest.contains("spec")) next["spec"] = manifest["spec"];
    if (dry_run) return ApiResponse{200, next, ""};
    Write(*current, std::move(next));
    return ApiResponse{200, *current, ""};
  }

  Result<ApiResponse> Patch(const ResourceType& type, const std::string& ns,
                            const std::string& name, const json& patch, bool dry_run) override {
    std::string call = "PATCH " + Key(type, ns, name);
    patches.push_back(patch);
    if (auto e = Injected(call)) return *e;
    json* current = Mutable(type, ns, name);
    if (current == nullptr) return NotFound(type, name);
    std::string want = Str(Child(patch, "metadata"), "resourceVersion");
    if (!want.empty() && want != Str((*current)["metadata"], "resourceVersion")) {
      return Conflict(type, name);
    }
    json next = *current;
    next.merge_patch(patch);
    next["metadata"]["resourceVersion"] = (*current)["metadata"]["resourceVersion"];
    if (!dry_run) Write(*current, std::move(next));
    return ApiResponse{200, *current, ""};
  }

  Result<ApiResponse> Delete(const ResourceType& type, const std::string& ns,
                             const std::string& name) override {
    std::string call = "DELETE " + Key(type, ns, name);
    if (auto e = Injected(call)) return *e;
    if (objects_.erase(Key(type, ns, name)) == 0) return NotFound(type, name);
    return ApiResponse{200, {{"kind", "Status"}, {"status", "Success"}}, ""};
  }

  Result<ApiResponse> Watch(const ResourceType& type, const std::string& ns,
                            const ListOptions& options, Deadline,
                            const WatchHandler& handler) override {
    std::string call =
        "WATCH " + type.plural + "/" + ns + "?resourceVersion=" + options.resource_version;
    if (!options.field_selector.empty()) call += "&fieldSelector=" + options.field_selector;
    if (auto e = Injected(call)) return *e;
    while (!watch_events.empty()) {
      WatchEvent event = std::move(watch_events.front());
      watch_events.erase(watch_events.begin());
      if (!handler(event)) return ApiResponse{200, nullptr, ""};
    }
    if (watch_end) return *watch_end;
    return Status(Code::kTimeout, "timed out waiting for watch events");
  }

  Result<ApiResponse> PodLog(const std::string& ns, const std::string& pod,
                             const LogOptions& options, const LineHandler& handler) override {
    std::vector<std::string> lines;
    {
      std::lock_guard lock(log_mu_);
      std::string call = "LOG " + ns + "/" + pod;
      if (options.follow) call += " follow";
      if (options.tail_lines) call += " tail=" + std::to_string(*options.tail_lines);
      log_calls.push_back(call);
      if (auto e = pod_log_errors.find(pod); e != pod_log_errors.end()) return e->second;
      auto it = pod_logs.find(pod);
      if (it == pod_logs.end()) return NotFound(PodType(), pod);
      lines = it->second;
    }
    size_t from = 0;
    if (options.tail_lines && lines.size() > static_cast<size_t>(*options.tail_lines)) {
      from = lines.size() - *options.tail_lines;
    }
    for (size_t i = from; i < lines.size(); ++i) {
      if (!handler(lines[i])) break;
    }
    return ApiResponse{200, nullptr, ""};
  }

  std::vector<std::string> calls;
  std::map<std::string, ApiResponse> errors;  // call -> answer instead of the normal one
  std::vector<json> applied;                  // manifests given to Apply
  std::vector<json> patches;                  // patches given to Patch
  std::vector<WatchEvent> watch_events;       // delivered by the next Watch calls, in order
  std::optional<ApiResponse> watch_end;       // how a Watch ends once events run out
  std::map<std::string, std::vector<std::string>> pod_logs;  // pod name -> its lines
  std::map<std::string, ApiResponse> pod_log_errors;         // pod name -> answer instead
  std::vector<std::string> log_calls;                         // guarded by log_mu_

 private:
  static std::string Key(const ResourceType& type, const std::string& ns, const std::string& name) {
    return type.plural + "/" + ns + "/" + name;
  }

  std::optional<ApiResponse> Injected(const std::string& call) {
    calls.push_back(call);
    auto it = errors.find(call);
    if (it == errors.end()) return std::nullopt;
    return it->second;
  }

  json* Mutable(const ResourceType& type, const std::string& ns, const std::string& name) {
    auto it = objects_.find(Key(type, ns, name));
    return it == objects_.end() ? nullptr : &it->second;
  }

  static ApiResponse NotFound(const ResourceType& type, const std::string& name) {
    return ApiResponse{
        404, StatusBody(404, "NotFound", type.QualifiedPlural() + " \"" + name + "\" not found"),
        ""};
  }

  static ApiResponse Conflict(const ResourceType& type, const std::string& name) {
    return ApiResponse{409,
                       StatusBody(409, "Conflict",
                                  "Operation cannot be fulfilled on " + type.QualifiedPlural() +
                                      " \"" + name + "\": the object has been modified"),
                       ""};
  }

  // Fields the server owns survive a replace.
  static void Keep(const json& current, json& next) {
    for (const char* key : {"uid", "creationTimestamp", "generation", "namespace"}) {
      next["metadata"][key] = current["metadata"][key];
    }
  }

  void Stamp(json& object) { object["metadata"]["resourceVersion"] = std::to_string(++rv_); }

  // Stores `next` over `current`: a new resourceVersion only when something changed, a new
  // generation only when spec changed.
  void Write(json& current, json next) {
    json a = current, b = next;
    a["metadata"].erase("resourceVersion");
    b["metadata"].erase("resourceVersion");
    if (a == b) return;
    if (current["spec"] != next["spec"]) {
      next["metadata"]["generation"] = Int(current["metadata"], "generation") + 1;
    }
    Stamp(next);
    current = std::move(next);
  }

  static bool Selected(const json& object, const ListOptions& options) {
    for (const std::string* selector : {&options.label_selector, &options.field_selector}) {
      if (selector->empty()) continue;
      size_t eq = selector->find('=');
      std::string key = selector->substr(0, eq), value = selector->substr(eq + 1);
      std::string actual = selector == &options.field_selector
                               ? (key == "metadata.name" ? Str(object["metadata"], "name") : "")
                               : Str(Child(object["metadata"], "labels"), key);
      if (actual != value) return false;
    }
    return true;
  }

  json MakeTable(const ResourceType& type, const std::vector<json>& objects) const {
    (void)type;
    json table = {{"kind", "Table"},
                  {"apiVersion", "meta.k8s.io/v1"},
                  {"metadata", {{"resourceVersion", std::to_string(rv_)}}},
                  {"columnDefinitions",
                   {{{"name", "Name"}, {"type", "string"}, {"priority", 0}},
                    {{"name", "Ready"}, {"type", "string"}, {"priority", 0}},
                    {{"name", "Generation"}, {"type", "integer"}, {"priority", 1}}}},
                  {"rows", json::array()}};
    for (const json& object : objects) {
      json ready = nullptr;
      for (const json& c : Array(Child(object, "status"), "conditions")) {
        if (Str(c, "type") == "Ready") ready = Str(c, "status");
      }
      table["rows"].push_back(
          {{"cells", {Str(object["metadata"], "name"), ready, object["metadata"]["generation"]}},
           {"object",
            {{"kind", "PartialObjectMetadata"},
             {"metadata",
              {{"name", object["metadata"]["name"]},
               {"namespace", object["metadata"]["namespace"]}}}}}});
    }
    return table;
  }

  std::map<std::string, json> objects_;
  long long rv_ = 100;
  std::mutex log_mu_;
};

}  // namespace ebb::cli
