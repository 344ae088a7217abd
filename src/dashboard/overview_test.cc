#include "dashboard/overview.h"

#include <gtest/gtest.h>

namespace ebb::dashboard {
namespace {

using nlohmann::json;

const Clock::time_point kNow = Clock::time_point(std::chrono::seconds(1'780'000'000));

std::string Ago(int seconds) { return FormatRfc3339(kNow - std::chrono::seconds(seconds)); }

json ReadyCondition(const std::string& status, const std::string& reason = "",
                    const std::string& message = "") {
  return {{"type", "Ready"},
          {"status", status},
          {"reason", reason},
          {"message", message},
          {"lastTransitionTime", Ago(5)}};
}

json Service() {
  return json::parse(R"({
    "metadata": {"namespace": "default", "name": "hello"},
    "status": {"url": "http://hello.default.example.com",
               "latestCreatedRevisionName": "hello-00002",
               "latestReadyRevisionName": "hello-00001",
               "conditions": [{"type": "ConfigurationsReady", "status": "True"},
                              {"type": "Ready", "status": "False", "reason": "RevisionFailed",
                               "message": "boom"}],
               "traffic": [{"revisionName": "hello-00001", "percent": 80, "latestRevision": false},
                           {"revisionName": "hello-00002", "percent": 20, "tag": "canary",
                            "url": "http://canary-hello.default.example.com"}]}})");
}

json Route(const std::string& ns, json traffic) {
  return {{"metadata", {{"namespace", ns}, {"name", "hello"}}},
          {"status", {{"traffic", std::move(traffic)}}}};
}

json Revision(const std::string& name, int age, json status) {
  return {{"metadata",
           {{"namespace", "default"},
            {"name", name},
            {"creationTimestamp", Ago(age)},
            {"labels",
             {{"serving.knative.dev/service", "hello"},
              {"serving.knative.dev/configuration", "hello"}}}}},
          {"spec", {{"containerConcurrency", 10}, {"containers", {{{"image", "/bin/hello"}}}}}},
          {"status", std::move(status)}};
}

json Pod(const std::string& name, const std::string& revision, bool ready, int restarts) {
  return {{"metadata",
           {{"namespace", "default"},
            {"name", name},
            {"creationTimestamp", Ago(90)},
            {"labels",
             {{"serving.knative.dev/revision", revision},
              {"serving.knative.dev/service", "hello"},
              {"serving.knative.dev/configuration", "hello"}}}}},
          {"status",
           {{"phase", "Running"},
            {"containerStatuses",
             {{{"ready", ready},
               {"restartCount", restarts},
               {"state", {{"running", {{"startedAt", Ago(80)}}}}}}}}}}};
}

TEST(Overview, ServiceCarriesUrlReadyConditionsAndTraffic) {
  json o = BuildOverview({.services = {Service()}}, kNow);
  ASSERT_EQ(o["services"].size(), 1u);
  const json& s = o["services"][0];
  EXPECT_EQ(s["name"], "hello");
  EXPECT_EQ(s["url"], "http://hello.default.example.com");
  EXPECT_EQ(s["ready"], "False");
  EXPECT_EQ(s["reason"], "RevisionFailed");
  EXPECT_EQ(s["message"], "boom");
  EXPECT_EQ(s["conditions"].size(), 2u);
  EXPECT_EQ(s["conditions"][0]["reason"], "");  // missing fields become ""
  EXPECT_EQ(s["latestReadyRevision"], "hello-00001");
  ASSERT_EQ(s["traffic"].size(), 2u);
  EXPECT_EQ(s["traffic"][1]["tag"], "canary");
  EXPECT_EQ(s["traffic"][1]["percent"], 20);
  EXPECT_EQ(o["time"], FormatRfc3339(kNow));
}

TEST(Overview, RevisionTrafficSumsRoutesAndCollectsTags) {
  OverviewInput in;
  in.routes = {Route("default", json::parse(R"([
                 {"revisionName": "hello-00001", "percent": 50},
                 {"revisionName": "hello-00001", "percent": 30, "tag": "stable"},
                 {"revisionName": "hello-00002", "percent": 20},
                 {"revisionName": "hello-00002", "tag": "canary"}])")),
               Route("other", json::parse(R"([{"revisionName": "hello-00001", "percent": 100}])"))};
  in.revisions = {Revision("hello-00001", 600, {}), Revision("hello-00002", 30, {})};
  json o = BuildOverview(in, kNow);
  ASSERT_EQ(o["revisions"].size(), 2u);
  EXPECT_EQ(o["revisions"][0]["trafficPercent"], 80);  // the other namespace's route is not ours
  EXPECT_EQ(o["revisions"][0]["tags"], json::array({"stable"}));
  EXPECT_EQ(o["revisions"][1]["trafficPercent"], 20);
  EXPECT_EQ(o["revisions"][1]["tags"], json::array({"canary"}));
}

TEST(Overview, RevisionReplicasConditionsAndInstanceCounts) {
  OverviewInput in;
  in.revisions = {Revision("hello-00001", 125,
                           {{"conditions", {ReadyCondition("True")}},
                            {"actualReplicas", 2},
                            {"desiredReplicas", 3}}),
                  Revision("hello-00002", 10, {{"conditions", json::array()}})};
  in.pods = {Pod("hello-00001-deployment-b", "hello-00001", true, 0),
             Pod("hello-00001-deployment-a", "hello-00001", false, 2)};
  json o = BuildOverview(in, kNow);
  const json& r1 = o["revisions"][0];
  EXPECT_EQ(r1["service"], "hello");
  EXPECT_EQ(r1["configuration"], "hello");
  EXPECT_EQ(r1["ready"], "True");
  EXPECT_EQ(r1["ageSeconds"], 125);
  EXPECT_EQ(r1["desiredReplicas"], 3);
  EXPECT_EQ(r1["actualReplicas"], 2);
  EXPECT_EQ(r1["containerConcurrency"], 10);
  EXPECT_EQ(r1["image"], "/bin/hello");
  EXPECT_EQ(r1["instances"], 2);
  EXPECT_EQ(r1["readyInstances"], 1);
  const json& r2 = o["revisions"][1];
  EXPECT_EQ(r2["ready"], "Unknown");
  EXPECT_TRUE(r2["desiredReplicas"].is_null());  // not written by the controller yet
  EXPECT_EQ(r2["instances"], 0);
  EXPECT_EQ(r2["trafficPercent"], 0);
}

TEST(Overview, InstancesSortedWithStateReadyRestartsAndAge) {
  json waiting = Pod("hello-00002-deployment-c", "hello-00002", false, 4);
  waiting["status"]["containerStatuses"][0]["state"] = {
      {"waiting", {{"reason", "CrashLoopBackOff"}, {"message", "exit code 1"}}}};
  json stopping = Pod("hello-00001-deployment-b", "hello-00001", false, 0);
  stopping["metadata"]["deletionTimestamp"] = Ago(1);
  OverviewInput in;
  in.pods = {waiting, stopping, Pod("hello-00001-deployment-a", "hello-00001", true, 1)};
  json o = BuildOverview(in, kNow);
  ASSERT_EQ(o["instances"].size(), 3u);
  EXPECT_EQ(o["instances"][0]["name"], "hello-00001-deployment-a");
  EXPECT_EQ(o["instances"][0]["state"], "Running");
  EXPECT_EQ(o["instances"][0]["ready"], true);
  EXPECT_EQ(o["instances"][0]["restarts"], 1);
  EXPECT_EQ(o["instances"][0]["ageSeconds"], 90);
  EXPECT_EQ(o["instances"][0]["phase"], "Running");
  EXPECT_EQ(o["instances"][1]["state"], "Terminating");
  EXPECT_EQ(o["instances"][2]["state"], "CrashLoopBackOff");
  EXPECT_EQ(o["instances"][2]["message"], "exit code 1");
  EXPECT_EQ(o["instances"][2]["restarts"], 4);
}

TEST(Overview, OddObjectsNeverThrow) {
  OverviewInput in;
  in.services = {json::object(), json::parse(R"({"status": {"conditions": "nope"}})")};
  in.routes = {json::parse(R"({"status": {"traffic": [{"percent": "x"}, 7]}})")};
  in.revisions = {json::parse(R"({"metadata": {"creationTimestamp": "yesterday"}})")};
  in.pods = {json::parse(R"({"status": {"containerStatuses": []}})")};
  json o;
  ASSERT_NO_THROW(o = BuildOverview(in, kNow));
  EXPECT_EQ(o["services"][0]["ready"], "Unknown");
  EXPECT_EQ(o["revisions"][0]["ageSeconds"], 0);
  EXPECT_EQ(o["instances"][0]["ready"], false);
}

TEST(Overview, EmptyInputGivesEmptyLists) {
  json o = BuildOverview({}, kNow);
  EXPECT_EQ(o["services"], json::array());
  EXPECT_EQ(o["revisions"], json::array());
  EXPECT_EQ(o["instances"], json::array());
}

}  // namespace
}  // namespace ebb::dashboard
