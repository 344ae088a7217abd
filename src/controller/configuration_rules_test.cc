#include "controller/configuration_rules.h"

#include <gtest/gtest.h>

#include "controller/meta.h"

namespace ebb::controller {
namespace configuration_rules_test {

using nlohmann::json;

json Configuration(std::int64_t generation = 1, const std::string& byo_name = "") {
  json c = json::parse(R"({
    "apiVersion": "serving.knative.dev/v1", "kind": "Configuration",
    "metadata": {"name": "hello", "namespace": "default", "uid": "cfg-uid",
                 "labels": {"serving.knative.dev/service": "hello",
                            "serving.knative.dev/serviceUID": "svc-uid"},
                 "annotations": {"serving.knative.dev/lastModifier": "bob"}},
    "spec": {"template": {
      "metadata": {"labels": {"team": "a"},
                   "annotations": {"autoscaling.knative.dev/min-scale": "1"}},
      "spec": {"containers": [{"image": "/bin/app"}], "timeoutSeconds": 300}}}})");
  c["metadata"]["generation"] = generation;
  if (!byo_name.empty()) c["spec"]["template"]["metadata"]["name"] = byo_name;
  return c;
}

json RevisionOf(const json& config, const std::string& name, std::int64_t gen,
                const std::string& ready) {
  json r = DesiredRevision(config, "T0");
  r["metadata"]["name"] = name;
  r["metadata"]["labels"][label::kConfigurationGeneration] = std::to_string(gen);
  if (!ready.empty()) {
    r["status"]["conditions"] = {{{"type", "Ready"}, {"status", ready}, {"message", "msg"}}};
  }
  return r;
}

TEST(RevisionNameForTest, GeneratedOrBroughtByTheUser) {
  EXPECT_EQ(RevisionNameFor(Configuration(1)), "hello-00001");
  EXPECT_EQ(RevisionNameFor(Configuration(12)), "hello-00012");
  EXPECT_EQ(RevisionNameFor(Configuration(3, "hello-blue")), "hello-blue");
}

TEST(DesiredRevisionTest, LabelsAnnotationsOwnerAndSpec) {
  json config = Configuration(2);
  json rev = DesiredRevision(config, "2026-01-01T00:00:00Z");
  EXPECT_EQ(rev["kind"], "Revision");
  EXPECT_EQ(rev["metadata"]["name"], "hello-00002");
  EXPECT_EQ(rev["metadata"]["namespace"], "default");
  EXPECT_EQ(rev["metadata"]["labels"], json::parse(R"({
    "team": "a",
    "serving.knative.dev/configuration": "hello",
    "serving.knative.dev/configurationGeneration": "2",
    "serving.knative.dev/configurationUID": "cfg-uid",
    "serving.knative.dev/service": "hello",
    "serving.knative.dev/serviceUID": "svc-uid",
    "serving.knative.dev/routingState": "pending"})"));
  EXPECT_EQ(rev["metadata"]["annotations"], json::parse(R"({
    "autoscaling.knative.dev/min-scale": "1",
    "serving.knative.dev/creator": "bob",
    "serving.knative.dev/routingStateModified": "2026-01-01T00:00:00Z"})"));
  EXPECT_EQ(rev["metadata"]["ownerReferences"], json::parse(R"([{
    "apiVersion": "serving.knative.dev/v1", "kind": "Configuration", "name": "hello",
    "uid": "cfg-uid", "controller": true, "blockOwnerDeletion": true}])"));
  EXPECT_EQ(rev["spec"], config["spec"]["template"]["spec"]);
  EXPECT_TRUE(IsControlledBy(rev, config));
}

TEST(DesiredRevisionTest, BareConfigurationHasEmptyServiceLabels) {
  json config = Configuration();
  config["metadata"].erase("labels");
  json rev = DesiredRevision(config, "T0");
  EXPECT_EQ(rev["metadata"]["labels"]["serving.knative.dev/service"], "");
  EXPECT_EQ(rev["metadata"]["labels"]["serving.knative.dev/serviceUID"], "");
}

TEST(CheckRevisionNameTest, CurrentAdoptableTaken) {
  json config = Configuration(3, "hello-blue");
  EXPECT_EQ(CheckRevisionName(config, RevisionOf(config, "hello-blue", 3, "")),
            NameCheck::kCurrent);
  EXPECT_EQ(CheckRevisionName(config, RevisionOf(config, "hello-blue", 1, "")),
            NameCheck::kAdoptable);
  json other_spec = RevisionOf(config, "hello-blue", 1, "");
  other_spec["spec"]["containers"][0]["image"] = "/bin/other";
  EXPECT_EQ(CheckRevisionName(config, other_spec), NameCheck::kTaken);
  json not_ours = RevisionOf(config, "hello-blue", 3, "");
  not_ours["metadata"]["ownerReferences"][0]["uid"] = "someone-else";
  EXPECT_EQ(CheckRevisionName(config, not_ours), NameCheck::kTaken);
}

TEST(LatestReadyRevisionTest, NewestReady) {
  json config = Configuration(3);
  std::vector<json> revs = {RevisionOf(config, "hello-00001", 1, "True"),
                            RevisionOf(config, "hello-00002", 2, "True"),
                            RevisionOf(config, "hello-00003", 3, "Unknown")};
  EXPECT_EQ(LatestReadyRevision(config, revs), "hello-00002");
  revs[2] = RevisionOf(config, "hello-00003", 3, "True");
  EXPECT_EQ(LatestReadyRevision(config, revs), "hello-00003");
  EXPECT_EQ(LatestReadyRevision(config, {}), "");
}

TEST(LatestReadyRevisionTest, NeverMovesBackwards) {
  json config = Configuration(3);
  config["status"]["latestReadyRevisionName"] = "hello-00002";
  // 00002 stopped being ready; 00001 is ready but older: keep 00002.
  std::vector<json> revs = {RevisionOf(config, "hello-00001", 1, "True"),
                            RevisionOf(config, "hello-00002", 2, "False"),
                            RevisionOf(config, "hello-00003", 3, "False")};
  EXPECT_EQ(LatestReadyRevision(config, revs), "hello-00002");
  // Once 00002 is gone, the newest ready one is the answer again.
  revs.erase(revs.begin() + 1);
  EXPECT_EQ(LatestReadyRevision(config, revs), "hello-00001");
}

TEST(ConfigurationReadyTest, Cases) {
  json failed = RevisionOf(Configuration(), "hello-00002", 2, "False");
  EXPECT_EQ(ConfigurationReady({"hello-00001", nullptr, "hello-00001", ""}), MarkTrue("Ready"));
  EXPECT_EQ(
      ConfigurationReady({"hello-00002", &failed, "hello-00001", ""}),
      MarkFalse("Ready", "RevisionFailed", "Revision \"hello-00002\" failed with message: msg."));
  json pending = RevisionOf(Configuration(), "hello-00002", 2, "Unknown");
  EXPECT_EQ(ConfigurationReady({"hello-00002", &pending, "hello-00001", ""}), MarkUnknown("Ready"));
  EXPECT_EQ(
      ConfigurationReady({"", nullptr, "", "revisions.serving.knative.dev \"x\" already exists"}),
      MarkFalse("Ready", "RevisionFailed",
                "Revision creation failed with message: revisions.serving.knative.dev "
                "\"x\" already exists."));
}

TEST(ConfigurationStatusTest, Fields) {
  json config = Configuration(4);
  json status = ConfigurationStatus(config, {"hello-00004", nullptr, "hello-00004", ""}, "T0");
  EXPECT_EQ(status["observedGeneration"], 4);
  EXPECT_EQ(status["latestCreatedRevisionName"], "hello-00004");
  EXPECT_EQ(status["latestReadyRevisionName"], "hello-00004");
  EXPECT_EQ(status["conditions"][0]["type"], "Ready");
  json empty = ConfigurationStatus(config, {}, "T0");
  EXPECT_FALSE(empty.contains("latestReadyRevisionName"));
  EXPECT_FALSE(empty.contains("latestCreatedRevisionName"));
}

}  // namespace configuration_rules_test
}  // namespace ebb::controller
