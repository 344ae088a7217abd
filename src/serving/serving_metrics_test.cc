// PlaneMetrics against a real gateway and hand-made autoscaler, pod and revision sources: the
// series it renders, their labels, cold starts, restarts, pruning, and the disabled switch.
#include "serving/serving_metrics.h"

#include <gtest/gtest.h>

#include <thread>

#include "gateway/gateway_testing.h"

namespace ebb::serving {
namespace {

using namespace std::chrono_literals;  // NOLINT: test file
using gateway::testing::FakeUpstream;
using gateway::testing::Fetch;
using gateway::testing::Get;
using gateway::testing::Routes;
using nlohmann::json;

constexpr char kKey[] = "default/hello-00001";
constexpr char kHost[] = "hello.default.example.com";
constexpr char kLabels[] =
    "namespace_name=\"default\",service_name=\"hello\",configuration_name=\"hello\","
    "revision_name=\"hello-00001\"";

json Pod(bool ready, bool deleting, const std::string& phase = "Running") {
  json meta = {{"namespace", "default"},
               {"labels", {{"serving.knative.dev/revision", "hello-00001"}}}};
  if (deleting) meta["deletionTimestamp"] = "2026-11-26T00:00:00Z";
  return {{"metadata", meta},
          {"status", {{"phase", phase}, {"containerStatuses", {{{"ready", ready}}}}}}};
}

class PlaneMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gateway::Options options;
    options.listen = "127.0.0.1:0";
    options.threads = 1;
    auto started = gateway::Gateway::Start(options, {});
    ASSERT_TRUE(started.ok());
    gateway_ = std::move(started).value();
    gateway::testing::RouteSpec route;
    route.host = kHost;
    route.revision = kKey;
    gateway_->SetRoutes(Routes({route}));
  }
  PlaneMetrics::Sources Sources() {
    PlaneMetrics::Sources s;
    s.gateway = gateway_.get();
    s.autoscaler = [this] { return autoscalers_; };
    s.pods = [this] { return pods_; };
    s.revision = [this](const std::string& ns, const std::string& name) -> Result<json> {
      ++lookups_;
      if (ns != "default" || name != "hello-00001") return Status(Code::kNotFound, "no");
      return json{{"metadata",
                   {{"labels",
                     {{"serving.knative.dev/service", "hello"},
                      {"serving.knative.dev/configuration", "hello"}}}}}};
    };
    return s;
  }
  static std::string Series(const std::string& name, const std::string& extra = "") {
    return "\n" + name + "{" + kLabels + extra + "} ";
  }

  std::unique_ptr<gateway::Gateway> gateway_;
  std::vector<AutoscalerState> autoscalers_;
  std::vector<json> pods_;
  int lookups_ = 0;
};

TEST_F(PlaneMetricsTest, RendersRequestsWithRevisionLabels) {
  FakeUpstream upstream;
  gateway_->SetEndpoints(kKey, {upstream.endpoint("i1")});
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Fetch(gateway_->address(), Get(kHost)).status, 200);
  PlaneMetrics m(true);
  m.Start(Sources());
  m.SetLoads({gateway::RevisionLoad{kKey, 1.5, 3, 1}});
  std::string text;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  do {  // the worker counts a request just after the client has its response
    text = m.registry().Render();
  } while (text.find(Series("revision_request_count",
                            ",response_code=\"200\","
                            "response_code_class=\"2xx\"") +
                     "3\n") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline);
  EXPECT_NE(text.find("# TYPE revision_request_count untyped\n"), std::string::npos);
  EXPECT_NE(text.find(Series("revision_request_count",
                             ",response_code=\"200\",response_code_class=\"2xx\"") +
                      "3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find(Series("revision_request_latencies_count", ",response_code_class=\"2xx\"") + "3\n"),
      std::string::npos);
  EXPECT_NE(text.find(Series("revision_request_latencies_bucket",
                             ",response_code_class=\"2xx\",le=\"+Inf\"") +
                      "3\n"),
            std::string::npos);
  EXPECT_NE(text.find(Series("activator_request_concurrency") + "1.5\n"), std::string::npos);
  EXPECT_NE(text.find(Series("revision_queue_depth") + "1\n"), std::string::npos);
  EXPECT_NE(text.find(Series("ebb_activator_queue_depth") + "0\n"), std::string::npos);
  EXPECT_NE(text.find("\nebb_gateway_requests_total 3\n"), std::string::npos);
  EXPECT_NE(text.find("\nprocess_open_fds "), std::string::npos);
  EXPECT_EQ(lookups_, 1);  // labels are cached
  m.registry().Render();
  EXPECT_EQ(lookups_, 1);
}

TEST_F(PlaneMetricsTest, RendersAutoscalerAndInstanceGauges) {
  AutoscalerState a;
  a.key = kKey;
  a.decision.desired_scale = 3;
  a.decision.instances = 2;
  a.decision.excess_burst_capacity = -5;
  a.decision.panicking = true;
  a.decision.observed_stable = 12.5;
  a.decision.observed_panic = 40;
  a.target = 70;
  a.ready = 1;
  autoscalers_ = {a};
  pods_ = {Pod(true, false), Pod(false, false, "Pending"), Pod(false, true), Pod(true, true)};
  PlaneMetrics m(true);
  m.Start(Sources());
  std::string text = m.registry().Render();
  for (const std::string& want : {
           Series("autoscaler_desired_pods") + "3\n",
           Series("autoscaler_requested_pods") + "2\n",
           Series("autoscaler_actual_pods") + "1\n",
           Series("autoscaler_not_ready_pods") + "1\n",
           Series("autoscaler_pending_pods") + "1\n",
           Series("autoscaler_terminating_pods") + "2\n",
           Series("autoscaler_excess_burst_capacity") + "-5\n",
           Series("autoscaler_stable_request_concurrency") + "12.5\n",
           Series("autoscaler_panic_request_concurrency") + "40\n",
           Series("autoscaler_target_concurrency_per_pod") + "70\n",
           Series("autoscaler_panic_mode") + "1\n",
           Series("ebb_instances", ",state=\"starting\"") + "1\n",
           Series("ebb_instances", ",state=\"ready\"") + "1\n",
           Series("ebb_instances", ",state=\"terminating\"") + "2\n",
           Series("ebb_instance_restarts_total") + "0\n",
           Series("ebb_cold_start_seconds_count") + "0\n",
       }) {
    EXPECT_NE(text.find(want), std::string::npos) << want << " in\n" << text;
  }
  EXPECT_EQ(text.find(Series("autoscaler_stable_requests_per_second")), std::string::npos);
}

TEST_F(PlaneMetricsTest, RpsRevisionAndUndecidedDesiredScale) {
  AutoscalerState a;
  a.key = kKey;
  a.metric = autoscaler::Metric::kRps;
  a.decision.observed_stable = 9;
  a.target = 140;
  autoscalers_ = {a};
  PlaneMetrics m(true);
  m.Start(Sources());
  std::string text = m.registry().Render();
  EXPECT_EQ(text.find(Series("autoscaler_desired_pods")), std::string::npos);  // -1: none yet
  EXPECT_NE(text.find(Series("autoscaler_stable_requests_per_second") + "9\n"), std::string::npos);
  EXPECT_NE(text.find(Series("autoscaler_target_requests_per_second") + "140\n"),
            std::string::npos);
  EXPECT_EQ(text.find(Series("autoscaler_stable_request_concurrency")), std::string::npos);
}

TEST_F(PlaneMetricsTest, ColdStartsAndRestarts) {
  PlaneMetrics m(true);
  m.Start(Sources());
  auto t0 = std::chrono::steady_clock::time_point(100s);
  m.Parked(kKey, t0, true);
  m.InstanceReady(kKey, t0 + 2ms, t0 + 10ms);
  m.FirstByte(kKey, t0 + 12ms);
  m.Parked(kKey, t0 + 60s, true);
  m.ScaledToZero(kKey);
  m.InstanceRestarted(kKey);
  m.InstanceRestarted(kKey);
  std::string text = m.registry().Render();
  for (const std::string& want : {
           Series("ebb_cold_start_seconds_count") + "1\n",
           Series("ebb_cold_start_seconds_sum") + "0.012\n",
           Series("ebb_cold_start_seconds_bucket", ",le=\"0.01\"") + "0\n",
           Series("ebb_cold_start_seconds_bucket", ",le=\"0.025\"") + "1\n",
           Series("ebb_cold_start_spawn_seconds_sum") + "0.002\n",
           Series("ebb_cold_start_ready_seconds_sum") + "0.008\n",
           Series("ebb_cold_start_first_byte_seconds_sum") + "0.002\n",
           Series("ebb_cold_starts_abandoned_total") + "1\n",
           Series("ebb_instance_restarts_total") + "2\n",
       }) {
    EXPECT_NE(text.find(want), std::string::npos) << want << " in\n" << text;
  }
}

TEST_F(PlaneMetricsTest, ForgetsRevisionsNobodyKnows) {
  AutoscalerState a;
  a.key = "default/gone-00001";
  autoscalers_ = {a};
  PlaneMetrics m(true);
  m.Start(Sources());
  m.InstanceRestarted("default/gone-00001");
  EXPECT_NE(m.registry().Render().find("revision_name=\"gone-00001\"} 1\n"), std::string::npos);
  autoscalers_.clear();  // deleted
  m.registry().Render();
  autoscalers_ = {a};  // a new revision by the same name starts from zero
  std::string text = m.registry().Render();
  EXPECT_NE(text.find("ebb_instance_restarts_total{namespace_name=\"default\",service_name=\"\","
                      "configuration_name=\"\",revision_name=\"gone-00001\"} 0\n"),
            std::string::npos)
      << text;
}

TEST_F(PlaneMetricsTest, DisabledRegistersNothing) {
  PlaneMetrics m(false);
  m.Start(Sources());
  m.InstanceRestarted(kKey);
  EXPECT_FALSE(m.enabled());
  EXPECT_EQ(m.registry().Render(), "");
}

}  // namespace
}  // namespace ebb::serving
