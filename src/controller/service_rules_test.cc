#include "controller/service_rules.h"

#include <gtest/gtest.h>

#include "controller/meta.h"

namespace ebb::controller {
namespace service_rules_test {

using nlohmann::json;

json Service() {
  return json::parse(R"({
    "apiVersion": "serving.knative.dev/v1", "kind": "Service",
    "metadata": {"name": "hello", "namespace": "default", "uid": "svc-uid", "generation": 3,
                 "labels": {"app": "greeter"},
                 "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}",
                                 "serving.knative.dev/creator": "alice", "note": "n"}},
    "spec": {
      "template": {"spec": {"containers": [{"image": "/bin/app"}]}},
      "traffic": [{"latestRevision": true, "percent": 80},
                  {"revisionName": "hello-00001", "latestRevision": false, "percent": 20,
                   "tag": "old"}]}})");
}

json WithStatus(json obj, std::int64_t generation, std::int64_t observed, const std::string& ready,
                const std::string& reason = "", const std::string& message = "") {
  obj["metadata"]["generation"] = generation;
  obj["status"]["observedGeneration"] = observed;
  json c = {{"type", "Ready"}, {"status", ready}};
  if (!reason.empty()) c["reason"] = reason;
  if (!message.empty()) c["message"] = message;
  obj["status"]["conditions"] = json::array({c});
  return obj;
}

const json& Cond(const json& status, const std::string& type) {
  for (const json& c : status["conditions"]) {
    if (c["type"] == type) return c;
  }
  static const json kNone;
  return kNone;
}

TEST(DesiredConfigurationTest, CopiesTemplateAndMetadata) {
  json config = DesiredConfiguration(Service());
  EXPECT_EQ(config["kind"], "Configuration");
  EXPECT_EQ(config["metadata"]["name"], "hello");
  EXPECT_EQ(config["metadata"]["namespace"], "default");
  EXPECT_EQ(config["metadata"]["labels"], json::parse(R"({"app": "greeter",
    "serving.knative.dev/service": "hello", "serving.knative.dev/serviceUID": "svc-uid"})"));
  EXPECT_EQ(config["metadata"]["annotations"],
            json::parse(R"({"serving.knative.dev/creator": "alice", "note": "n"})"));
  EXPECT_EQ(config["metadata"]["ownerReferences"], json::parse(R"([{
    "apiVersion": "serving.knative.dev/v1", "kind": "Service", "name": "hello",
    "uid": "svc-uid", "controller": true, "blockOwnerDeletion": true}])"));
  EXPECT_EQ(config["spec"]["template"], Service()["spec"]["template"]);
}

TEST(DesiredRouteTest, LatestTargetsFollowTheConfiguration) {
  json route = DesiredRoute(Service());
  EXPECT_EQ(route["kind"], "Route");
  EXPECT_EQ(route["spec"]["traffic"], json::parse(R"([
    {"configurationName": "hello", "latestRevision": true, "percent": 80},
    {"revisionName": "hello-00001", "latestRevision": false, "percent": 20, "tag": "old"}])"));
  EXPECT_EQ(route["metadata"]["labels"],
            json::parse(R"({"app": "greeter", "serving.knative.dev/service": "hello"})"));
  json no_traffic = Service();
  no_traffic["spec"].erase("traffic");
  EXPECT_EQ(DesiredRoute(no_traffic)["spec"]["traffic"],
            json::parse(R"([{"configurationName": "hello", "latestRevision": true,
                             "percent": 100}])"));
}

TEST(ChildUpdateTest, NothingWhenEqual) {
  json existing = DesiredConfiguration(Service());
  existing["metadata"]["resourceVersion"] = "7";
  existing["metadata"]["uid"] = "cfg-uid";
  existing["status"] = {{"observedGeneration", 1}};
  // The registry stamps these from the requesting user; they are not a difference.
  existing["metadata"]["annotations"]["serving.knative.dev/lastModifier"] = "controller";
  EXPECT_FALSE(ChildUpdate(existing, DesiredConfiguration(Service())).has_value());
}

TEST(ChildUpdateTest, ReplacesSpecLabelsAnnotationsKeepsIdentity) {
  json existing = DesiredConfiguration(Service());
  existing["metadata"]["resourceVersion"] = "7";
  existing["metadata"]["labels"]["stale"] = "x";
  existing["metadata"]["annotations"]["serving.knative.dev/lastModifier"] = "carol";
  json svc = Service();
  svc["spec"]["template"]["spec"]["containers"][0]["image"] = "/bin/v2";
  std::optional<json> update = ChildUpdate(existing, DesiredConfiguration(svc));
  ASSERT_TRUE(update.has_value());
  EXPECT_EQ((*update)["metadata"]["resourceVersion"], "7");
  EXPECT_EQ((*update)["spec"]["template"]["spec"]["containers"][0]["image"], "/bin/v2");
  EXPECT_FALSE((*update)["metadata"]["labels"].contains("stale"));
  EXPECT_EQ((*update)["metadata"]["annotations"]["serving.knative.dev/creator"], "alice");
  EXPECT_EQ((*update)["metadata"]["annotations"]["serving.knative.dev/lastModifier"], "carol");
}

TEST(TrafficMigratedTest, ComparesResolvedTargets) {
  json config = WithStatus(DesiredConfiguration(Service()), 3, 3, "True");
  config["status"]["latestReadyRevisionName"] = "hello-00003";
  json route = DesiredRoute(Service());
  route["status"]["traffic"] = json::parse(R"([
    {"revisionName": "hello-00003", "latestRevision": true, "percent": 80},
    {"revisionName": "hello-00001", "latestRevision": false, "percent": 20, "tag": "old",
     "url": "http://old-hello.default.example.com"}])");
  EXPECT_TRUE(TrafficMigrated(config, route));
  route["status"]["traffic"][0]["revisionName"] = "hello-00002";
  EXPECT_FALSE(TrafficMigrated(config, route));
  route["status"]["traffic"].erase(1);
  EXPECT_FALSE(TrafficMigrated(config, route));
}

struct Children {
  json config;
  json route;
};

Children ReadyChildren() {
  json config = WithStatus(DesiredConfiguration(Service()), 1, 1, "True");
  config["status"]["latestCreatedRevisionName"] = "hello-00001";
  config["status"]["latestReadyRevisionName"] = "hello-00001";
  json route = WithStatus(DesiredRoute(Service()), 1, 1, "True");
  route["status"]["url"] = "http://hello.default.example.com";
  route["status"]["address"] = {{"url", "http://hello.default.svc.cluster.local"}};
  route["status"]["traffic"] = json::parse(R"([
    {"revisionName": "hello-00001", "latestRevision": true, "percent": 80},
    {"revisionName": "hello-00001", "latestRevision": false, "percent": 20, "tag": "old"}])");
  return {config, route};
}

TEST(ServiceStatusTest, MirrorsReadyChildren) {
  Children c = ReadyChildren();
  ServiceView view;
  view.configuration = &c.config;
  view.route = &c.route;
  json status = ServiceStatus(Service(), view, "T0");
  EXPECT_EQ(status["observedGeneration"], 3);
  EXPECT_EQ(status["url"], "http://hello.default.example.com");
  EXPECT_EQ(status["address"]["url"], "http://hello.default.svc.cluster.local");
  EXPECT_EQ(status["traffic"], c.route["status"]["traffic"]);
  EXPECT_EQ(status["latestCreatedRevisionName"], "hello-00001");
  EXPECT_EQ(status["latestReadyRevisionName"], "hello-00001");
  EXPECT_EQ(Cond(status, "Ready")["status"], "True");
  EXPECT_EQ(Cond(status, "ConfigurationsReady")["status"], "True");
  EXPECT_EQ(Cond(status, "RoutesReady")["status"], "True");
}

TEST(ServiceStatusTest, OutOfDateChildren) {
  Children c = ReadyChildren();
  c.config["metadata"]["generation"] = 2;
  c.route["metadata"]["generation"] = 2;
  ServiceView view;
  view.configuration = &c.config;
  view.route = &c.route;
  json status = ServiceStatus(Service(), view, "T0");
  EXPECT_EQ(Cond(status, "ConfigurationsReady")["reason"], "OutOfDate");
  EXPECT_EQ(Cond(status, "RoutesReady")["reason"], "OutOfDate");
  EXPECT_EQ(Cond(status, "Ready")["status"], "Unknown");
  EXPECT_EQ(Cond(status, "Ready")["reason"], "OutOfDate");
  EXPECT_FALSE(status.contains("url"));  // not taken from a child that is out of date
}

TEST(ServiceStatusTest, FailedConfigurationMessageReachesReady) {
  Children c = ReadyChildren();
  c.config = WithStatus(c.config, 1, 1, "False", "RevisionFailed",
                        "Revision \"hello-00001\" failed with message: boom.");
  c.route = WithStatus(c.route, 1, 1, "False", "RevisionMissing",
                       "Configuration \"hello\" does not have any ready Revision.");
  ServiceView view;
  view.configuration = &c.config;
  view.route = &c.route;
  json status = ServiceStatus(Service(), view, "T0");
  EXPECT_EQ(Cond(status, "Ready")["status"], "False");
  EXPECT_EQ(Cond(status, "Ready")["reason"], "RevisionFailed");
  EXPECT_EQ(Cond(status, "Ready")["message"],
            "Revision \"hello-00001\" failed with message: boom.");
}

TEST(ServiceStatusTest, TrafficNotMigrated) {
  Children c = ReadyChildren();
  c.config["status"]["latestReadyRevisionName"] = "hello-00002";
  ServiceView view;
  view.configuration = &c.config;
  view.route = &c.route;
  json status = ServiceStatus(Service(), view, "T0");
  EXPECT_EQ(Cond(status, "RoutesReady")["reason"], "TrafficNotMigrated");
  EXPECT_EQ(Cond(status, "Ready")["status"], "Unknown");
}

TEST(ServiceStatusTest, NotOwnedAndNameTaken) {
  ServiceView not_owned;
  not_owned.configuration_not_owned = true;
  not_owned.route_skipped = true;
  json status = ServiceStatus(Service(), not_owned, "T0");
  EXPECT_EQ(Cond(status, "ConfigurationsReady")["reason"], "NotOwned");
  EXPECT_EQ(Cond(status, "Ready")["status"], "False");

  Children c = ReadyChildren();
  ServiceView taken;
  taken.configuration = &c.config;
  taken.route_skipped = true;
  taken.taken_revision_name = "hello-blue";
  status = ServiceStatus(Service(), taken, "T0");
  EXPECT_EQ(Cond(status, "RoutesReady")["reason"], "RevisionNameTaken");
  EXPECT_EQ(Cond(status, "Ready")["reason"], "RevisionNameTaken");

  ServiceView route_not_owned;
  route_not_owned.configuration = &c.config;
  route_not_owned.route_not_owned = true;
  status = ServiceStatus(Service(), route_not_owned, "T0");
  EXPECT_EQ(Cond(status, "RoutesReady")["message"],
            "There is an existing Route \"hello\" that we do not own.");
}

TEST(ServiceStatusTest, SkippedRouteKeepsPreviousRouteFields) {
  Children c = ReadyChildren();
  ServiceView view;
  view.configuration = &c.config;
  view.route = &c.route;
  json svc = Service();
  svc["status"] = ServiceStatus(svc, view, "T0");
  ServiceView skipped;
  skipped.configuration = &c.config;
  skipped.route_skipped = true;
  json status = ServiceStatus(svc, skipped, "T1");
  EXPECT_EQ(status["url"], "http://hello.default.example.com");
  EXPECT_EQ(Cond(status, "RoutesReady")["status"], "True");
  EXPECT_EQ(status, svc["status"]);
}

}  // namespace service_rules_test
}  // namespace ebb::controller
