#include "cli/service_manifest.h"

#include <functional>
#include <set>
#include <utility>

#include "api/kinds.h"
#include "cli/json_util.h"

namespace ebb::cli {
namespace {

using nlohmann::json;

constexpr char kLatest[] = "@latest";
constexpr char kAutoscalingPrefix[] = "autoscaling.knative.dev/";

Status FlagError(const std::string& flag, const std::string& expected, const std::string& got) {
  return Status(Code::kBadRequest,
                "--" + flag + ": expected " + expected + ", got \"" + got + "\"");
}

// K=V sets, K- removes (nullopt value).
struct Setting {
  std::string key;
  std::optional<std::string> value;
};

Result<Setting> ParseSetting(const std::string& flag, const std::string& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos) {
    if (text.size() > 1 && text.back() == '-') return Setting{text.substr(0, text.size() - 1)};
    return FlagError(flag, "NAME=VALUE or NAME-", text);
  }
  if (eq == 0) return FlagError(flag, "NAME=VALUE or NAME-", text);
  return Setting{text.substr(0, eq), text.substr(eq + 1)};
}

// REF=VALUE with both sides non-empty.
Result<std::pair<std::string, std::string>> ParsePair(const std::string& flag,
                                                      const std::string& expected,
                                                      const std::string& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    return FlagError(flag, expected, text);
  }
  return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
}

json& Template(json& service) { return service["spec"]["template"]; }

json& Container(json& service) {
  json& containers = Template(service)["spec"]["containers"];
  if (!containers.is_array() || containers.empty()) containers = json::array({json::object()});
  return containers[0];
}

void EraseIfEmpty(json& obj, const char* key) {
  if (obj.is_object() && obj.contains(key) && obj[key].empty()) obj.erase(key);
}

void SetEnv(json& container, const Setting& s) {
  json& env = container["env"];
  if (!env.is_array()) env = json::array();
  for (auto it = env.begin(); it != env.end(); ++it) {
    if (Str(*it, "name") != s.key) continue;
    if (!s.value) {
      env.erase(it);
    } else {
      *it = json{{"name", s.key}, {"value", *s.value}};
    }
    return;
  }
  if (s.value) env.push_back(json{{"name", s.key}, {"value", *s.value}});
}

void SetAnnotation(json& object, const Setting& s) {
  json& annotations = object["metadata"]["annotations"];
  if (!annotations.is_object()) annotations = json::object();
  if (s.value) {
    annotations[s.key] = *s.value;
  } else {
    annotations.erase(s.key);
  }
  EraseIfEmpty(object["metadata"], "annotations");
}

void SetCommand(const ServiceFlags& flags, json& container, bool creating) {
  const json& old_command = Child(container, "command");
  std::string old_path =
      old_command.is_array() && !old_command.empty() && old_command[0].is_string()
          ? old_command[0].get<std::string>()
          : "";
  container["command"] = json::array({*flags.cmd});
  std::string image = Str(container, "image");
  if (!flags.image && (creating || image.empty() || image == old_path)) {
    container["image"] = *flags.cmd;
  }
}

Status ApplyContainerFlags(const ServiceFlags& flags, json& service, bool creating) {
  json& container = Container(service);
  if (flags.cmd) SetCommand(flags, container, creating);
  if (flags.image) container["image"] = *flags.image;
  if (!flags.args.empty()) container["args"] = flags.args;
  for (const std::string& text : flags.env) {
    Result<Setting> s = ParseSetting("env", text);
    if (!s.ok()) return s.status();
    SetEnv(container, *s);
  }
  EraseIfEmpty(container, "env");
  if (flags.concurrency_limit) {
    if (*flags.concurrency_limit < 0) {
      return FlagError("concurrency-limit", "a number >= 0",
                       std::to_string(*flags.concurrency_limit));
    }
    Template(service)["spec"]["containerConcurrency"] = *flags.concurrency_limit;
  }
  return Status::Ok();
}

Status ApplyMetadataFlags(const ServiceFlags& flags, json& service) {
  for (const std::string& text : flags.annotations) {
    Result<Setting> s = ParseSetting("annotation", text);
    if (!s.ok()) return s.status();
    SetAnnotation(Template(service), *s);
    if (s->key.rfind(kAutoscalingPrefix, 0) != 0) SetAnnotation(service, *s);
  }
  if (flags.revision_name) {
    std::string prefix = flags.name + "-";
    std::string name = *flags.revision_name;
    Template(service)["metadata"]["name"] = name.rfind(prefix, 0) == 0 ? name : prefix + name;
  }
  return Status::Ok();
}

Status ApplyFlags(const ServiceFlags& flags, json& service, bool creating) {
  EBB_RETURN_IF_ERROR(ApplyContainerFlags(flags, service, creating));
  EBB_RETURN_IF_ERROR(ApplyMetadataFlags(flags, service));
  EBB_RETURN_IF_ERROR(EditTraffic(flags, service));
  EraseIfEmpty(Template(service), "metadata");
  return Status::Ok();
}

// ---- traffic ----

bool IsLatest(const json& target) {
  const json& latest = Child(target, "latestRevision");
  if (latest.is_boolean()) return latest.get<bool>();
  return Str(target, "revisionName").empty();
}

bool RefersTo(const json& target, const std::string& ref) {
  return ref == kLatest ? IsLatest(target) : Str(target, "revisionName") == ref;
}

json NewTarget(const std::string& ref) {
  if (ref == kLatest) return json{{"latestRevision", true}, {"percent", 0}};
  return json{{"revisionName", ref}, {"latestRevision", false}, {"percent", 0}};
}

json* FindTarget(json& traffic, const std::function<bool(const json&)>& pred) {
  for (json& t : traffic) {
    if (pred(t)) return &t;
  }
  return nullptr;
}

Status Untag(json& traffic, const std::string& tag) {
  for (auto it = traffic.begin(); it != traffic.end(); ++it) {
    if (Str(*it, "tag") != tag) continue;
    it->erase("tag");
    if (Int(*it, "percent") == 0) traffic.erase(it);
    return Status::Ok();
  }
  return Status(Code::kBadRequest, "tag \"" + tag + "\" is not present on any traffic target");
}

Status Tag(json& traffic, const std::string& ref, const std::string& tag) {
  if (json* used = FindTarget(traffic, [&](const json& t) { return Str(t, "tag") == tag; })) {
    if (RefersTo(*used, ref)) return Status::Ok();
    return Status(Code::kBadRequest, "tag \"" + tag + "\" is already used by another target");
  }
  json* target =
      FindTarget(traffic, [&](const json& t) { return Str(t, "tag").empty() && RefersTo(t, ref); });
  if (target != nullptr) {
    (*target)["tag"] = tag;
  } else {
    json added = NewTarget(ref);
    added["tag"] = tag;
    traffic.push_back(std::move(added));
  }
  return Status::Ok();
}

Result<std::vector<std::pair<std::string, long long>>> ParseTraffic(const ServiceFlags& flags) {
  std::vector<std::pair<std::string, long long>> out;
  std::set<std::string> seen;
  long long sum = 0;
  const std::string expected = "REVISION=PERCENT (REVISION: a revision, a tag or @latest)";
  for (const std::string& text : flags.traffic) {
    auto pair = ParsePair("traffic", expected, text);
    if (!pair.ok()) return pair.status();
    const std::string& pct = pair->second;
    if (pct.find_first_not_of("0123456789") != std::string::npos || pct.size() > 3 ||
        std::stoll(pct) > 100) {
      return FlagError("traffic", "a percentage from 0 to 100", text);
    }
    if (!seen.insert(pair->first).second) {
      return Status(Code::kBadRequest, "--traffic: \"" + pair->first + "\" is given twice");
    }
    out.emplace_back(pair->first, std::stoll(pct));
    sum += out.back().second;
  }
  if (sum != 100) {
    return Status(Code::kBadRequest,
                  "--traffic: percentages sum to " + std::to_string(sum) + ", want 100");
  }
  return out;
}

// The target --traffic REF means: a tag first, then an untagged target of the revision, then
// any target of it.
json* TrafficTarget(json& traffic, const std::string& ref) {
  if (json* t = FindTarget(traffic, [&](const json& x) { return Str(x, "tag") == ref; })) {
    return t;
  }
  if (json* t = FindTarget(
          traffic, [&](const json& x) { return Str(x, "tag").empty() && RefersTo(x, ref); })) {
    return t;
  }
  return FindTarget(traffic, [&](const json& x) { return RefersTo(x, ref); });
}

Status SetPercentages(const ServiceFlags& flags, json& traffic) {
  auto split = ParseTraffic(flags);
  if (!split.ok()) return split.status();
  for (json& t : traffic) t["percent"] = 0;
  std::set<const json*> assigned;
  for (const auto& [ref, pct] : *split) {
    json* target = TrafficTarget(traffic, ref);
    if (target == nullptr) {
      traffic.push_back(NewTarget(ref));
      target = &traffic.back();
    } else if (!assigned.insert(target).second) {
      return Status(Code::kBadRequest, "--traffic: \"" + ref + "\" names a target given before");
    }
    (*target)["percent"] = pct;
  }
  json kept = json::array();
  for (json& t : traffic) {
    if (Int(t, "percent") != 0 || !Str(t, "tag").empty()) kept.push_back(std::move(t));
  }
  traffic = std::move(kept);
  return Status::Ok();
}

}  // namespace

Status EditTraffic(const ServiceFlags& flags, json& service) {
  if (flags.traffic.empty() && flags.tags.empty() && flags.untags.empty()) return Status::Ok();
  json& traffic = service["spec"]["traffic"];
  if (!traffic.is_array() || traffic.empty()) {
    traffic = json::array({json{{"latestRevision", true}, {"percent", 100}}});
  }
  for (const std::string& tag : flags.untags) EBB_RETURN_IF_ERROR(Untag(traffic, tag));
  for (const std::string& text : flags.tags) {
    auto pair = ParsePair("tag", "REVISION=TAG (REVISION: a revision or @latest)", text);
    if (!pair.ok()) return pair.status();
    EBB_RETURN_IF_ERROR(Tag(traffic, pair->first, pair->second));
  }
  if (!flags.traffic.empty()) EBB_RETURN_IF_ERROR(SetPercentages(flags, traffic));
  return Status::Ok();
}

Result<json> BuildService(const ServiceFlags& flags, const std::string& ns) {
  if (!flags.cmd && !flags.image) {
    return Status(Code::kBadRequest, "--cmd PATH (or --image) is required to create a service");
  }
  json containers = json::array({json::object()});
  json service = {{"apiVersion", api::kApiVersion},
                  {"kind", "Service"},
                  {"metadata", {{"name", flags.name}, {"namespace", ns}}},
                  {"spec", {{"template", {{"spec", {{"containers", containers}}}}}}}};
  EBB_RETURN_IF_ERROR(ApplyFlags(flags, service, /*creating=*/true));
  return service;
}

Status UpdateService(const ServiceFlags& flags, json& service) {
  json before = Child(Child(service, "spec"), "template");
  EBB_RETURN_IF_ERROR(ApplyFlags(flags, service, /*creating=*/false));
  if (flags.revision_name) return Status::Ok();
  json after = Template(service);
  for (json* t : {&before, &after}) {
    if (Child(*t, "metadata").is_object()) (*t)["metadata"].erase("name");
  }
  if (before != after && Child(Template(service), "metadata").is_object()) {
    Template(service)["metadata"].erase("name");
    EraseIfEmpty(Template(service), "metadata");
  }
  return Status::Ok();
}

}  // namespace ebb::cli
