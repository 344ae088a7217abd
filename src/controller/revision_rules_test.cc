#include "controller/revision_rules.h"

#include <gtest/gtest.h>

namespace ebb::controller {
namespace revision_rules_test {

using nlohmann::json;
using Report = RevisionHealth::Report;

json Revision() {
  return {{"metadata", {{"name", "hello-00001"}, {"generation", 1}}},
          {"spec", {{"containers", {{{"name", "user-container"}, {"image", "/bin/app"}}}}}}};
}

Report Ready(std::int64_t actual = 0, std::int64_t desired = 0) {
  Report r;
  r.state = Report::State::kReady;
  r.actual_replicas = actual;
  r.desired_replicas = desired;
  return r;
}

Report Failed(std::string reason, std::string message, Report::Failing failing) {
  Report r;
  r.state = Report::State::kFailed;
  r.reason = std::move(reason);
  r.message = std::move(message);
  r.failing = failing;
  return r;
}

const json* Find(const json& status, const std::string& type) {
  for (const json& c : status["conditions"]) {
    if (c["type"] == type) return &c;
  }
  return nullptr;
}

TEST(RevisionStatusTest, ReadyScaledToZero) {
  json status = RevisionStatus(Revision(), Ready(), "T0");
  EXPECT_EQ(status["observedGeneration"], 1);
  EXPECT_EQ(status["actualReplicas"], 0);
  EXPECT_EQ(status["desiredReplicas"], 0);
  EXPECT_EQ(status["containerStatuses"], json::parse(R"([{"name": "user-container"}])"));
  EXPECT_EQ((*Find(status, "Ready"))["status"], "True");
  EXPECT_EQ((*Find(status, "ResourcesAvailable"))["status"], "True");
  EXPECT_EQ((*Find(status, "ContainerHealthy"))["status"], "True");
  const json& active = *Find(status, "Active");
  EXPECT_EQ(active["status"], "False");
  EXPECT_EQ(active["reason"], "NoTraffic");
  EXPECT_EQ(active["severity"], "Info");
  // Sorted by type.
  EXPECT_EQ(status["conditions"][0]["type"], "Active");
  EXPECT_EQ(status["conditions"][3]["type"], "ResourcesAvailable");
}

TEST(RevisionConditionsTest, ActiveFollowsReplicas) {
  EXPECT_EQ(RevisionConditions(Revision(), Ready(2, 2))[3].status, kTrue);
  Condition queued = RevisionConditions(Revision(), Ready(0, 1))[3];
  EXPECT_EQ(queued.status, kUnknown);
  EXPECT_EQ(queued.reason, "Queued");
}

TEST(RevisionConditionsTest, ContainerFailure) {
  auto conds = RevisionConditions(
      Revision(), Failed("ContainerMissing", "Unable to find", Report::Failing::kContainerHealthy));
  EXPECT_EQ(conds[0], MarkUnknown("ResourcesAvailable"));
  EXPECT_EQ(conds[1], MarkFalse("ContainerHealthy", "ContainerMissing", "Unable to find"));
  EXPECT_EQ(conds[2], MarkFalse("Ready", "ContainerMissing", "Unable to find"));
}

TEST(RevisionConditionsTest, FailureKeepsTheOtherConditionAsItWas) {
  json rev = Revision();
  rev["status"] = RevisionStatus(rev, Ready(), "T0");
  auto crashed =
      RevisionConditions(rev, Failed("ExitCode1", "boom", Report::Failing::kContainerHealthy));
  EXPECT_EQ(crashed[0], MarkTrue("ResourcesAvailable"));
  EXPECT_EQ(crashed[2], MarkFalse("Ready", "ExitCode1", "boom"));
  auto deadline =
      RevisionConditions(rev, Failed("ProgressDeadlineExceeded", "Initial scale was never achieved",
                                     Report::Failing::kResourcesAvailable));
  EXPECT_EQ(deadline[0].status, kFalse);
  EXPECT_EQ(deadline[0].reason, "ProgressDeadlineExceeded");
  EXPECT_EQ(deadline[1], MarkTrue("ContainerHealthy"));
  EXPECT_EQ(deadline[2].reason, "ProgressDeadlineExceeded");
}

TEST(RevisionConditionsTest, UnknownWhileDeploying) {
  Report r;
  r.reason = "Deploying";
  r.desired_replicas = 1;
  auto conds = RevisionConditions(Revision(), r);
  EXPECT_EQ(conds[2], MarkUnknown("Ready", "Deploying", ""));
}

TEST(RevisionStatusTest, SameReportSameStatus) {
  json rev = Revision();
  rev["status"] = RevisionStatus(rev, Ready(), "T0");
  EXPECT_EQ(RevisionStatus(rev, Ready(), "T1"), rev["status"]);
}

}  // namespace revision_rules_test
}  // namespace ebb::controller
