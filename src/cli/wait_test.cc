#include "cli/wait.h"

#include <gtest/gtest.h>

#include "cli/test_env.h"

namespace ebb::cli {
namespace {

using nlohmann::json;

json Object(long long generation, long long observed, json conditions) {
  return {{"metadata", {{"name", "hello"}, {"generation", generation}, {"resourceVersion", "5"}}},
          {"status", {{"observedGeneration", observed}, {"conditions", std::move(conditions)}}}};
}

TEST(ReadinessTest, States) {
  EXPECT_EQ(EvaluateReadiness(json::object()).readiness, Readiness::kPending);
  EXPECT_EQ(EvaluateReadiness(Object(1, 1, {{{"type", "Ready"}, {"status", "True"}}})).readiness,
            Readiness::kReady);
  ReadyState failed = EvaluateReadiness(
      Object(1, 1, {{{"type", "Ready"}, {"status", "False"}, {"reason", "R"}, {"message", "M"}}}));
  EXPECT_EQ(failed.readiness, Readiness::kFailed);
  EXPECT_EQ(failed.reason, "R");
  EXPECT_EQ(failed.message, "M");
}

TEST(ReadinessTest, StaleConditionsAreIgnored) {
  ReadyState stale = EvaluateReadiness(Object(2, 1, {{{"type", "Ready"}, {"status", "True"}}}));
  EXPECT_EQ(stale.readiness, Readiness::kPending);
  EXPECT_EQ(stale.progress, "");
}

TEST(ReadinessTest, ProgressMessages) {
  EXPECT_EQ(EvaluateReadiness(
                Object(1, 1, {{{"type", "Ready"}, {"status", "Unknown"}, {"message", "waiting"}}}))
                .progress,
            "waiting");
  EXPECT_EQ(
      EvaluateReadiness(
          Object(1, 1,
                 {{{"type", "ConfigurationsReady"}, {"status", "True"}, {"message", "done"}},
                  {{"type", "Ready"}, {"status", "Unknown"}},
                  {{"type", "RoutesReady"}, {"status", "Unknown"}, {"message", "route pending"}}}))
          .progress,
      "route pending");
  // Garbage in the status reads as "not ready yet", never as an exception.
  json odd = {{"metadata", {{"generation", "x"}}}, {"status", {{"conditions", "nope"}}}};
  EXPECT_EQ(EvaluateReadiness(odd).readiness, Readiness::kPending);
}

TEST(WaitTest, AlreadyReadyNeedsNoWatch) {
  TestEnv env;
  EXPECT_EQ(WaitForReady(env.ctx, KnativeType(api::Kind::kRoute),
                         Object(1, 1, {{{"type", "Ready"}, {"status", "True"}}}),
                         std::chrono::seconds(5)),
            0);
  EXPECT_EQ(env.out.str(), "   0.000s Ready to serve.\nroute.serving.knative.dev/hello is ready\n");
  EXPECT_TRUE(env.client.calls.empty());
}

TEST(WaitTest, StreamEndsThenResumesFromAFreshGet) {
  TestEnv env;
  const ResourceType ksvc = KnativeType(api::Kind::kService);
  env.client.Put(ksvc, Object(1, 1, {{{"type", "Ready"}, {"status", "True"}}}));
  env.client.watch_end = ApiResponse{200, nullptr, ""};  // the server closes the stream
  EXPECT_EQ(WaitForReady(env.ctx, ksvc, Object(1, 0, json::array()), std::chrono::seconds(5)), 0);
  EXPECT_EQ(env.client.calls,
            (std::vector<std::string>{
                "WATCH services/default?resourceVersion=5&fieldSelector=metadata.name=hello",
                "GET services/default/hello"}));
}

TEST(WaitTest, ExpiredWatchRestarts) {
  TestEnv env;
  const ResourceType ksvc = KnativeType(api::Kind::kService);
  env.client.Put(ksvc, Object(1, 0, json::array()));
  env.client.errors["WATCH services/default?resourceVersion=5&fieldSelector=metadata.name=hello"] =
      ApiResponse{410, FakeApiClient::StatusBody(410, "Expired", "too old"), ""};
  // After the fresh GET (resourceVersion 101) the watch times out.
  EXPECT_EQ(WaitForReady(env.ctx, ksvc, Object(1, 0, json::array()), std::chrono::seconds(5)), 1);
  EXPECT_EQ(env.client.calls.back(),
            "WATCH services/default?resourceVersion=101&fieldSelector=metadata.name=hello");
  EXPECT_EQ(env.err.str(),
            "error: timed out after 5s waiting for service.serving.knative.dev/hello to become "
            "ready\n");
}

TEST(WaitTest, DeletedWhileWaiting) {
  TestEnv env;
  env.client.watch_events = {{"DELETED", Object(1, 0, json::array())}};
  EXPECT_EQ(WaitForReady(env.ctx, KnativeType(api::Kind::kService), Object(1, 0, json::array()),
                         std::chrono::seconds(5)),
            1);
  EXPECT_EQ(env.err.str(),
            "error: service.serving.knative.dev/hello was deleted while waiting for it to become "
            "ready\n");
}

TEST(WaitTest, Durations) {
  EXPECT_EQ(FormatDuration(std::chrono::seconds(120)), "2m0s");
  EXPECT_EQ(FormatDuration(std::chrono::seconds(45)), "45s");
  EXPECT_EQ(FormatDuration(std::chrono::seconds(3600)), "1h0m0s");
}

}  // namespace
}  // namespace ebb::cli
