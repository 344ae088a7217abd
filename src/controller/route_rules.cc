#include "controller/route_rules.h"

#include <optional>

#include "controller/meta.h"

namespace ebb::controller {

namespace {

constexpr char kClusterLocalDomain[] = "svc.cluster.local";
constexpr char kDefaultDomainTemplate[] = "{{.Name}}.{{.Namespace}}.{{.Domain}}";

bool IsClusterLocal(const nlohmann::json& route) {
  return Label(route, label::kVisibility) == "cluster-local";
}

std::string Trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(' ');
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

// Resolution of one traffic target: the revision it names, or why it does not resolve.
struct Target {
  std::string revision;
  std::optional<Condition> problem;
};

Condition Problem(bool failed, const std::string& reason, const std::string& message) {
  return failed ? MarkFalse("AllTrafficAssigned", reason, message)
                : MarkUnknown("AllTrafficAssigned", reason, message);
}

Target ResolveRevision(const std::string& name,
                       const std::map<std::string, nlohmann::json>& revisions) {
  auto it = revisions.find(name);
  if (it == revisions.end()) {
    return {"", Problem(true, "RevisionMissing",
                        "Revision \"" + name + "\" referenced in traffic not found.")};
  }
  std::string ready = ConditionStatus(it->second, "Ready");
  if (ready == kTrue) return {name, std::nullopt};
  if (ready == kFalse) {
    return {"",
            Problem(true, "RevisionMissing", "Revision \"" + name + "\" failed to become ready.")};
  }
  return {"", Problem(false, "RevisionMissing", "Revision \"" + name + "\" is not yet ready.")};
}

Target ResolveConfiguration(const std::string& name,
                            const std::map<std::string, nlohmann::json>& configurations,
                            const std::map<std::string, nlohmann::json>& revisions) {
  auto it = configurations.find(name);
  if (it == configurations.end()) {
    return {"", Problem(true, "ConfigurationMissing",
                        "Configuration \"" + name + "\" referenced in traffic not found.")};
  }
  std::string latest = Str(Field(it->second, "status"), "latestReadyRevisionName");
  if (!latest.empty()) return ResolveRevision(latest, revisions);
  if (ConditionStatus(it->second, "Ready") == kFalse) {
    return {"", Problem(true, "RevisionMissing",
                        "Configuration \"" + name + "\" does not have any ready Revision.")};
  }
  return {"", Problem(false, "RevisionMissing",
                      "Configuration \"" + name + "\" is waiting for a Revision to become ready.")};
}

nlohmann::json StatusTarget(const nlohmann::json& route, const nlohmann::json& target,
                            const std::string& revision, const config::Config& cfg) {
  const nlohmann::json& latest = Field(target, "latestRevision");
  nlohmann::json out = {
      {"revisionName", revision},
      {"latestRevision",
       latest.is_boolean() ? latest.get<bool>() : !Str(target, "configurationName").empty()},
      {"percent", Int(target, "percent")}};
  std::string tag = Str(target, "tag");
  if (!tag.empty()) {
    out["tag"] = tag;
    out["url"] = RouteUrl(route, tag, cfg);
  }
  return out;
}

}  // namespace

std::string ExpandTemplate(const std::string& tmpl,
                           const std::map<std::string, std::string>& vars) {
  std::string out;
  std::size_t pos = 0;
  while (pos < tmpl.size()) {
    std::size_t open = tmpl.find("{{", pos);
    std::size_t close = open == std::string::npos ? open : tmpl.find("}}", open + 2);
    if (close == std::string::npos) break;
    out += tmpl.substr(pos, open - pos);
    std::string field = Trim(tmpl.substr(open + 2, close - open - 2));
    auto it = field.size() > 1 && field[0] == '.' ? vars.find(field.substr(1)) : vars.end();
    out += it != vars.end() ? it->second : tmpl.substr(open, close + 2 - open);
    pos = close + 2;
  }
  return out + tmpl.substr(std::min(pos, tmpl.size()));
}

std::string RouteHost(const nlohmann::json& route, const std::string& tag,
                      const config::Config& cfg) {
  std::string name = Name(route);
  if (!tag.empty()) name = ExpandTemplate(cfg.network.tag_template, {{"Tag", tag}, {"Name", name}});
  bool local = IsClusterLocal(route);
  return ExpandTemplate(local ? kDefaultDomainTemplate : cfg.network.domain_template,
                        {{"Name", name},
                         {"Namespace", Namespace(route)},
                         {"Domain", local ? kClusterLocalDomain : cfg.domain.domain}});
}

std::string RouteUrl(const nlohmann::json& route, const std::string& tag,
                     const config::Config& cfg) {
  std::string scheme = IsClusterLocal(route) ? "http" : cfg.network.default_external_scheme;
  return scheme + "://" + RouteHost(route, tag, cfg);
}

std::string RouteAddressUrl(const nlohmann::json& route) {
  return "http://" + Name(route) + "." + Namespace(route) + "." + kClusterLocalDomain;
}

TrafficResolution ResolveTraffic(const nlohmann::json& route,
                                 const std::map<std::string, nlohmann::json>& configurations,
                                 const std::map<std::string, nlohmann::json>& revisions,
                                 const config::Config& cfg) {
  TrafficResolution out;
  std::vector<Condition> problems;
  const nlohmann::json& targets = Field(Field(route, "spec"), "traffic");
  for (const nlohmann::json& target : targets) {  // null (no traffic) iterates as empty
    if (!target.is_object()) continue;
    std::string config_name = Str(target, "configurationName");
    Target t = config_name.empty() ? ResolveRevision(Str(target, "revisionName"), revisions)
                                   : ResolveConfiguration(config_name, configurations, revisions);
    if (t.problem) {
      problems.push_back(*t.problem);
    } else {
      out.traffic.push_back(StatusTarget(route, target, t.revision, cfg));
    }
  }
  out.assigned = problems.empty();
  out.all_traffic_assigned = Happy("AllTrafficAssigned", problems);
  if (!out.assigned) out.traffic = nlohmann::json::array();
  return out;
}

nlohmann::json RouteStatus(const nlohmann::json& route, const TrafficResolution& resolution,
                           const config::Config& cfg, const std::string& now) {
  const nlohmann::json& old = Field(route, "status");
  const nlohmann::json& old_traffic = Field(old, "traffic");
  bool have_traffic = resolution.assigned || old_traffic.is_array();
  Condition ingress = have_traffic ? MarkTrue("IngressReady")
                                   : MarkUnknown("IngressReady", "IngressNotConfigured",
                                                 "Ingress has not yet been reconciled.");
  Condition cert = MarkTrue(
      "CertificateProvisioned", "TLSNotEnabled",
      IsClusterLocal(route) ? "TLS is not enabled for cluster-local" : "autoTLS is not enabled");
  Condition ready = Happy("Ready", {resolution.all_traffic_assigned, ingress, cert});
  nlohmann::json status = {
      {"observedGeneration", Generation(route)},
      {"conditions", ConditionsJson({resolution.all_traffic_assigned, ingress, cert, ready},
                                    Field(old, "conditions"), now)},
      {"url", RouteUrl(route, "", cfg)},
      {"address", {{"url", RouteAddressUrl(route)}}}};
  if (have_traffic) status["traffic"] = resolution.assigned ? resolution.traffic : old_traffic;
  return status;
}

}  // namespace ebb::controller
