#include "controller/route_rules.h"

#include <gtest/gtest.h>

namespace ebb::controller {
namespace route_rules_test {

using nlohmann::json;

json Route(json traffic) {
  json r = json::parse(R"({"metadata": {"name": "hello", "namespace": "default",
                                         "generation": 2}})");
  r["spec"]["traffic"] = std::move(traffic);
  return r;
}

json WithReady(const std::string& name, const std::string& ready) {
  return {{"metadata", {{"name", name}}},
          {"status", {{"conditions", {{{"type", "Ready"}, {"status", ready}}}}}}};
}

json ConfigWithLatest(const std::string& latest, const std::string& ready = "True") {
  json c = WithReady("hello", ready);
  if (!latest.empty()) c["status"]["latestReadyRevisionName"] = latest;
  return c;
}

std::map<std::string, json> Revisions() {
  return {{"hello-00001", WithReady("hello-00001", "True")},
          {"hello-00002", WithReady("hello-00002", "True")},
          {"hello-00003", WithReady("hello-00003", "Unknown")},
          {"hello-00004", WithReady("hello-00004", "False")}};
}

TEST(ExpandTemplateTest, KnativeTemplates) {
  std::map<std::string, std::string> vars = {
      {"Name", "hello"}, {"Namespace", "ns"}, {"Domain", "example.com"}, {"Tag", "v1"}};
  EXPECT_EQ(ExpandTemplate("{{.Name}}.{{.Namespace}}.{{.Domain}}", vars), "hello.ns.example.com");
  EXPECT_EQ(ExpandTemplate("{{ .Tag }}-{{.Name}}", vars), "v1-hello");
  EXPECT_EQ(ExpandTemplate("{{.Name}}-{{.Namespace}}.{{.Domain}}", vars), "hello-ns.example.com");
  EXPECT_EQ(ExpandTemplate("{{.Unknown}}.x", vars), "{{.Unknown}}.x");
  EXPECT_EQ(ExpandTemplate("plain {{unclosed", vars), "plain {{unclosed");
}

TEST(RouteUrlTest, DefaultsTagsAndClusterLocal) {
  config::Config cfg;
  json route = Route(json::array());
  EXPECT_EQ(RouteUrl(route, "", cfg), "http://hello.default.example.com");
  EXPECT_EQ(RouteUrl(route, "canary", cfg), "http://canary-hello.default.example.com");
  EXPECT_EQ(RouteAddressUrl(route), "http://hello.default.svc.cluster.local");
  cfg.domain.domain = "127.0.0.1.sslip.io";
  cfg.network.domain_template = "{{.Name}}-{{.Namespace}}.{{.Domain}}";
  cfg.network.tag_template = "{{.Name}}-{{.Tag}}";
  cfg.network.default_external_scheme = "https";
  EXPECT_EQ(RouteUrl(route, "", cfg), "https://hello-default.127.0.0.1.sslip.io");
  EXPECT_EQ(RouteUrl(route, "v2", cfg), "https://hello-v2-default.127.0.0.1.sslip.io");
  route["metadata"]["labels"]["networking.knative.dev/visibility"] = "cluster-local";
  EXPECT_EQ(RouteUrl(route, "", cfg), "http://hello.default.svc.cluster.local");
}

TEST(ResolveTrafficTest, ConfigurationTargetFollowsLatestReady) {
  json route = Route(
      json::parse(R"([{"configurationName": "hello", "latestRevision": true, "percent": 100}])"));
  TrafficResolution r =
      ResolveTraffic(route, {{"hello", ConfigWithLatest("hello-00002")}}, Revisions(), {});
  ASSERT_TRUE(r.assigned);
  EXPECT_EQ(r.all_traffic_assigned, MarkTrue("AllTrafficAssigned"));
  EXPECT_EQ(r.traffic, json::parse(
                           R"([{"revisionName": "hello-00002", "latestRevision": true,
                                "percent": 100}])"));
}

TEST(ResolveTrafficTest, SplitWithTags) {
  json route = Route(json::parse(R"([
    {"tag": "current", "revisionName": "hello-00001", "latestRevision": false, "percent": 50},
    {"tag": "latest", "configurationName": "hello", "latestRevision": true, "percent": 50}])"));
  TrafficResolution r =
      ResolveTraffic(route, {{"hello", ConfigWithLatest("hello-00002")}}, Revisions(), {});
  ASSERT_TRUE(r.assigned);
  EXPECT_EQ(r.traffic, json::parse(R"([
    {"tag": "current", "revisionName": "hello-00001", "latestRevision": false, "percent": 50,
     "url": "http://current-hello.default.example.com"},
    {"tag": "latest", "revisionName": "hello-00002", "latestRevision": true, "percent": 50,
     "url": "http://latest-hello.default.example.com"}])"));
}

struct Problem {
  std::string traffic;
  std::string status;
  std::string reason;
  std::string message;
};

TEST(ResolveTrafficTest, Problems) {
  std::map<std::string, json> configs = {{"hello", ConfigWithLatest("")},
                                         {"failed", WithReady("failed", "False")},
                                         {"deleted-rev", ConfigWithLatest("hello-00009")}};
  std::vector<Problem> cases = {
      {R"([{"configurationName": "nope", "percent": 100}])", "False", "ConfigurationMissing",
       "Configuration \"nope\" referenced in traffic not found."},
      {R"([{"configurationName": "hello", "percent": 100}])", "Unknown", "RevisionMissing",
       "Configuration \"hello\" is waiting for a Revision to become ready."},
      {R"([{"configurationName": "failed", "percent": 100}])", "False", "RevisionMissing",
       "Configuration \"failed\" does not have any ready Revision."},
      {R"([{"configurationName": "deleted-rev", "percent": 100}])", "False", "RevisionMissing",
       "Revision \"hello-00009\" referenced in traffic not found."},
      {R"([{"revisionName": "hello-00009", "percent": 100}])", "False", "RevisionMissing",
       "Revision \"hello-00009\" referenced in traffic not found."},
      {R"([{"revisionName": "hello-00003", "percent": 100}])", "Unknown", "RevisionMissing",
       "Revision \"hello-00003\" is not yet ready."},
      {R"([{"revisionName": "hello-00004", "percent": 100}])", "False", "RevisionMissing",
       "Revision \"hello-00004\" failed to become ready."},
      // A failure outranks a target that is merely not ready yet.
      {R"([{"revisionName": "hello-00003", "percent": 50},
           {"revisionName": "hello-00004", "percent": 50}])",
       "False", "RevisionMissing", "Revision \"hello-00004\" failed to become ready."},
  };
  for (const Problem& p : cases) {
    TrafficResolution r = ResolveTraffic(Route(json::parse(p.traffic)), configs, Revisions(), {});
    EXPECT_FALSE(r.assigned) << p.traffic;
    EXPECT_TRUE(r.traffic.empty()) << p.traffic;
    EXPECT_EQ(r.all_traffic_assigned.status, p.status) << p.traffic;
    EXPECT_EQ(r.all_traffic_assigned.reason, p.reason) << p.traffic;
    EXPECT_EQ(r.all_traffic_assigned.message, p.message) << p.traffic;
  }
}

const json& Cond(const json& status, const std::string& type) {
  for (const json& c : status["conditions"]) {
    if (c["type"] == type) return c;
  }
  static const json kNone;
  return kNone;
}

TEST(RouteStatusTest, ReadyRoute) {
  config::Config cfg;
  json route = Route(json::parse(R"([{"configurationName": "hello", "percent": 100}])"));
  TrafficResolution r =
      ResolveTraffic(route, {{"hello", ConfigWithLatest("hello-00001")}}, Revisions(), cfg);
  json status = RouteStatus(route, r, cfg, "T0");
  EXPECT_EQ(status["observedGeneration"], 2);
  EXPECT_EQ(status["url"], "http://hello.default.example.com");
  EXPECT_EQ(status["address"]["url"], "http://hello.default.svc.cluster.local");
  EXPECT_EQ(status["traffic"][0]["revisionName"], "hello-00001");
  EXPECT_EQ(Cond(status, "Ready")["status"], "True");
  EXPECT_EQ(Cond(status, "AllTrafficAssigned")["status"], "True");
  EXPECT_EQ(Cond(status, "IngressReady")["status"], "True");
  EXPECT_EQ(Cond(status, "CertificateProvisioned")["status"], "True");
  EXPECT_EQ(Cond(status, "CertificateProvisioned")["reason"], "TLSNotEnabled");
}

TEST(RouteStatusTest, UnresolvedTrafficKeepsWhatServesNow) {
  config::Config cfg;
  json route = Route(json::parse(R"([{"revisionName": "hello-00003", "percent": 100}])"));
  TrafficResolution r = ResolveTraffic(route, {}, Revisions(), cfg);
  json fresh = RouteStatus(route, r, cfg, "T0");
  EXPECT_FALSE(fresh.contains("traffic"));
  EXPECT_EQ(Cond(fresh, "IngressReady")["reason"], "IngressNotConfigured");
  EXPECT_EQ(Cond(fresh, "Ready")["status"], "Unknown");
  EXPECT_EQ(Cond(fresh, "Ready")["reason"], "RevisionMissing");

  route["status"]["traffic"] = json::parse(R"([{"revisionName": "hello-00001", "percent": 100}])");
  json rollout = RouteStatus(route, r, cfg, "T1");
  EXPECT_EQ(rollout["traffic"], route["status"]["traffic"]);
  EXPECT_EQ(Cond(rollout, "IngressReady")["status"], "True");
  EXPECT_EQ(Cond(rollout, "Ready")["status"], "Unknown");
}

}  // namespace route_rules_test
}  // namespace ebb::controller
