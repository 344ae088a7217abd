#include "cli/service.h"

#include <gtest/gtest.h>

#include "cli/test_env.h"

namespace ebb::cli {
namespace {

using nlohmann::json;

class ServiceTest : public ::testing::Test {
 protected:
  ServiceFlags Flags() {
    ServiceFlags flags;
    flags.name = "hello";
    flags.cmd = "/bin/hello";
    return flags;
  }
  const json* Stored() { return env_.client.Find(ksvc_, "default", "hello"); }
  const ResourceType ksvc_ = KnativeType(api::Kind::kService);
  TestEnv env_;
};

TEST_F(ServiceTest, Create) {
  ServiceFlags flags = Flags();
  flags.env = {"TARGET=World"};
  EXPECT_EQ(RunServiceCreate(flags, {}, env_.ctx), 0);
  EXPECT_EQ(env_.out.str(), "service.serving.knative.dev/hello created\n");
  ASSERT_NE(Stored(), nullptr);
  EXPECT_EQ((*Stored())["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"], "World");
  EXPECT_EQ(env_.client.calls, std::vector<std::string>{"CREATE services/default/hello"});
}

TEST_F(ServiceTest, CreateOfAnExistingServiceNeedsForce) {
  ASSERT_EQ(RunServiceCreate(Flags(), {}, env_.ctx), 0);
  env_.out.str("");
  ServiceFlags second = Flags();
  second.cmd = "/bin/other";
  EXPECT_EQ(RunServiceCreate(second, {}, env_.ctx), 1);
  EXPECT_EQ(env_.err.str(),
            "Error from server (AlreadyExists): services.serving.knative.dev \"hello\" already "
            "exists\nUse 'ebb service update hello' to change it, or --force to replace it.\n");

  env_.err.str("");
  EXPECT_EQ(RunServiceCreate(second, {.force = true}, env_.ctx), 0) << env_.err.str();
  EXPECT_EQ(env_.out.str(), "service.serving.knative.dev/hello replaced\n");
  EXPECT_EQ((*Stored())["spec"]["template"]["spec"]["containers"][0]["image"], "/bin/other");
  EXPECT_EQ((*Stored())["metadata"]["generation"], 2);
}

TEST_F(ServiceTest, CreateFlagErrorsSendNothing) {
  ServiceFlags flags = Flags();
  flags.traffic = {"@latest=90"};
  EXPECT_EQ(RunServiceCreate(flags, {}, env_.ctx), 1);
  EXPECT_EQ(env_.err.str(), "error: --traffic: percentages sum to 90, want 100\n");
  EXPECT_TRUE(env_.client.calls.empty());
}

TEST_F(ServiceTest, UpdateSendsAMergePatch) {
  ASSERT_EQ(RunServiceCreate(Flags(), {}, env_.ctx), 0);
  env_.out.str("");
  ServiceFlags update;
  update.name = "hello";
  update.env = {"A=1"};
  update.concurrency_limit = 4;
  EXPECT_EQ(RunServiceUpdate(update, {}, env_.ctx), 0) << env_.err.str();
  EXPECT_EQ(env_.out.str(), "service.serving.knative.dev/hello updated\n");
  ASSERT_EQ(env_.client.patches.size(), 1u);
  EXPECT_EQ(env_.client.patches[0], json::parse(R"({
    "metadata": {"resourceVersion": "101"},
    "spec": {"template": {"spec": {"containerConcurrency": 4,
      "containers": [{"image": "/bin/hello", "command": ["/bin/hello"],
                      "env": [{"name": "A", "value": "1"}]}]}}}})"));
  EXPECT_EQ((*Stored())["spec"]["template"]["spec"]["containerConcurrency"], 4);
  EXPECT_EQ((*Stored())["metadata"]["generation"], 2);
}

TEST_F(ServiceTest, UpdateTraffic) {
  ASSERT_EQ(RunServiceCreate(Flags(), {}, env_.ctx), 0);
  ServiceFlags update;
  update.name = "hello";
  update.traffic = {"@latest=50", "hello-00001=50"};
  update.tags = {"hello-00001=old"};
  EXPECT_EQ(RunServiceUpdate(update, {}, env_.ctx), 0) << env_.err.str();
  EXPECT_EQ((*Stored())["spec"]["traffic"], json::parse(R"([
      {"latestRevision": true, "percent": 50},
      {"revisionName": "hello-00001", "latestRevision": false, "percent": 50, "tag": "old"}])"));
}

TEST_F(ServiceTest, UpdateWithNoChangeSendsNothing) {
  ASSERT_EQ(RunServiceCreate(Flags(), {}, env_.ctx), 0);
  env_.out.str("");
  ServiceFlags update = Flags();  // the same command again
  EXPECT_EQ(RunServiceUpdate(update, {}, env_.ctx), 0);
  EXPECT_EQ(env_.out.str(), "service.serving.knative.dev/hello unchanged\n");
  EXPECT_TRUE(env_.client.patches.empty());
}

TEST_F(ServiceTest, UpdateRetriesOnConflict) {
  ASSERT_EQ(RunServiceCreate(Flags(), {}, env_.ctx), 0);
  env_.client.errors["PATCH services/default/hello"] = ApiResponse{
      409, FakeApiClient::StatusBody(409, "Conflict", "the object has been modified"), ""};
  ServiceFlags update;
  update.name = "hello";
  update.args = {"x"};
  EXPECT_EQ(RunServiceUpdate(update, {}, env_.ctx), 1);
  EXPECT_EQ(env_.client.patches.size(), 3u);
  EXPECT_EQ(env_.err.str(), "Error from server (Conflict): the object has been modified\n");
}

TEST_F(ServiceTest, UpdateOfAMissingService) {
  ServiceFlags update;
  update.name = "nope";
  update.args = {"x"};
  EXPECT_EQ(RunServiceUpdate(update, {}, env_.ctx), 1);
  EXPECT_EQ(env_.err.str(),
            "Error from server (NotFound): services.serving.knative.dev \"nope\" not found\n");
}

TEST_F(ServiceTest, CreateAndWait) {
  json ready = {
      {"metadata", {{"name", "hello"}, {"generation", 1}}},
      {"status",
       {{"observedGeneration", 1}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
  env_.client.watch_events = {{"MODIFIED", ready}};
  EXPECT_EQ(RunServiceCreate(Flags(), {.wait = true}, env_.ctx), 0) << env_.err.str();
  EXPECT_EQ(env_.out.str(),
            "service.serving.knative.dev/hello created\n"
            "   0.000s Ready to serve.\n"
            "service.serving.knative.dev/hello is ready\n");
}

}  // namespace
}  // namespace ebb::cli
