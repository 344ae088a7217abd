#include "controller/revision_health.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/executable_testing.h"

namespace ebb::controller {
namespace revision_health_test {

using nlohmann::json;
using State = RevisionHealth::Report::State;

json Revision(json container) {
  return {{"metadata", {{"name", "hello-00001"}}},
          {"spec", {{"containers", json::array({std::move(container)})}}}};
}

using test_fixtures::ExecutableDir;

TEST(ServingContainerTest, PrefersTheOneWithAPort) {
  json spec = {{"containers",
                {{{"name", "sidecar"}}, {{"name", "app"}, {"ports", {{{"containerPort", 80}}}}}}}};
  EXPECT_EQ(ServingContainer(spec)["name"], "app");
  EXPECT_EQ(ServingContainer(json{{"containers", {{{"name", "only"}}}}})["name"], "only");
  EXPECT_TRUE(ServingContainer(json::object()).is_null());
}

TEST_F(ExecutableDir, ReadyWhenCommandExists) {
  LocalExecutableHealth health;
  auto report = health.Check(
      Revision({{"image", "ignored"}, {"command", {(dir_ / "bin" / "app").string()}}}));
  EXPECT_EQ(report.state, State::kReady);
  EXPECT_EQ(report.actual_replicas, 0);
  EXPECT_EQ(report.desired_replicas, 0);
}

TEST_F(ExecutableDir, ImageIsTheExecutableWithoutCommand) {
  LocalExecutableHealth health;
  auto report = health.Check(Revision({{"image", "./bin/app"}, {"workingDir", dir_.string()}}));
  EXPECT_EQ(report.state, State::kReady);
}

TEST(LocalExecutableHealthTest, MissingCommandIsContainerMissing) {
  LocalExecutableHealth health;
  auto report = health.Check(
      Revision({{"image", "helloworld"}, {"command", {"./build/bin/helloworld-missing"}}}));
  EXPECT_EQ(report.state, State::kFailed);
  EXPECT_EQ(report.reason, "ContainerMissing");
  EXPECT_EQ(report.failing, RevisionHealth::Report::Failing::kContainerHealthy);
  EXPECT_EQ(report.message,
            "Unable to find executable \"./build/bin/helloworld-missing\" (image \"helloworld\"); "
            "ebb runs local executables: set command or image to a path on this machine");
}

TEST(LocalExecutableHealthTest, OciImageExplainsLocalExecutables) {
  LocalExecutableHealth health;
  auto report = health.Check(Revision({{"image", "gcr.io/knative-samples/helloworld-go"}}));
  EXPECT_EQ(report.state, State::kFailed);
  EXPECT_EQ(report.reason, "ContainerMissing");
  EXPECT_NE(report.message.find("\"gcr.io/knative-samples/helloworld-go\" is a container image"),
            std::string::npos)
      << report.message;
  EXPECT_NE(report.message.find("ebb runs local executables"), std::string::npos);
}

TEST(LocalExecutableHealthTest, NoContainerFails) {
  LocalExecutableHealth health;
  EXPECT_EQ(health.Check(json::object()).state, State::kFailed);
}

}  // namespace revision_health_test
}  // namespace ebb::controller
