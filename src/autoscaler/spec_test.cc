#include "autoscaler/spec.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace ebb::autoscaler {
namespace spec_test {

using nlohmann::json;

json Revision(const std::map<std::string, std::string>& annotations, json cc = nullptr) {
  json rev = {{"apiVersion", "serving.knative.dev/v1"},
              {"kind", "Revision"},
              {"metadata", {{"name", "hello-00001"}, {"namespace", "default"}}},
              {"spec", {{"containers", json::array({{{"image", "hello"}}})}}}};
  json ann = json::object();
  for (const auto& [k, v] : annotations) ann[k] = v;
  rev["metadata"]["annotations"] = ann;
  if (!cc.is_null()) rev["spec"]["containerConcurrency"] = cc;
  return rev;
}

AutoscalerSpec Resolve(const json& rev, const config::Config& cfg = {}) {
  Result<AutoscalerSpec> spec = ResolveSpec(rev, cfg);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  return spec.ok() ? *spec : AutoscalerSpec{};
}

constexpr char kA[] = "autoscaling.knative.dev/";
std::string A(const std::string& key) { return kA + key; }

TEST(ResolveSpec, DefaultsFromConfig) {
  AutoscalerSpec s = Resolve(Revision({}));
  EXPECT_EQ(s.autoscaler_class, "kpa.autoscaling.knative.dev");
  EXPECT_EQ(s.metric, Metric::kConcurrency);
  EXPECT_EQ(s.container_concurrency, 0);
  EXPECT_DOUBLE_EQ(s.target_value, 70);
  EXPECT_DOUBLE_EQ(s.total_value, 100);
  EXPECT_DOUBLE_EQ(s.target_utilization, 0.7);
  EXPECT_EQ(s.min_scale, 0);
  EXPECT_EQ(s.max_scale, 0);
  EXPECT_EQ(s.initial_scale, 1);
  EXPECT_EQ(s.activation_scale, 1);
  EXPECT_EQ(s.stable_window, Seconds(60));
  EXPECT_EQ(s.panic_window, Seconds(6));
  EXPECT_DOUBLE_EQ(s.panic_threshold, 2.0);
  EXPECT_DOUBLE_EQ(s.max_scale_up_rate, 1000);
  EXPECT_DOUBLE_EQ(s.max_scale_down_rate, 2);
  EXPECT_DOUBLE_EQ(s.target_burst_capacity, 211);
  EXPECT_EQ(s.scale_down_delay, Seconds(0));
  EXPECT_EQ(s.scale_to_zero_grace_period, Seconds(30));
  EXPECT_EQ(s.scale_to_zero_pod_retention_period, Seconds(0));
  EXPECT_TRUE(s.enable_scale_to_zero);
  EXPECT_EQ(s.aggregation, Aggregation::kLinear);
  EXPECT_EQ(s.activation_timeout, Seconds(630));
}

TEST(ResolveSpec, NoMetadataAtAllUsesDefaults) {
  EXPECT_EQ(Resolve(json::object()), AutoscalerSpec{});
}

// knative-spec.md §2.3 examples.
struct TargetCase {
  const char* name;
  std::map<std::string, std::string> annotations;
  json cc;
  double target;
  double total;
};

TEST(ResolveSpec, TargetResolutionExamples) {
  const TargetCase cases[] = {
      {"defaults, CC=0", {}, 0, 70, 100},
      {"CC=10", {}, 10, 7, 10},
      {"rps defaults", {{A("metric"), "rps"}}, nullptr, 140, 200},
      {"target 300 rps", {{A("metric"), "rps"}, {A("target"), "300"}}, nullptr, 210, 300},
      {"target annotation, utilization on top", {{A("target"), "10"}}, nullptr, 7, 10},
      {"target above CC is capped by CC", {{A("target"), "50"}}, 10, 7, 10},
      {"target below CC", {{A("target"), "5"}}, 10, 3.5, 5},
      {"rps target is not capped by CC", {{A("metric"), "rps"}, {A("target"), "50"}}, 10, 35, 50},
      {"utilization annotation", {{A("target-utilization-percentage"), "50"}}, nullptr, 50, 100},
      {"target 10 at 100 %",
       {{A("target"), "10"}, {A("target-utilization-percentage"), "100"}},
       nullptr,
       10,
       10},
      {"floor 0.01", {{A("target"), "0.01"}}, nullptr, 0.01, 0.01},
      {"legacy utilization alias", {{A("targetUtilizationPercentage"), "80"}}, 10, 8, 10},
  };
  for (const TargetCase& c : cases) {
    SCOPED_TRACE(c.name);
    AutoscalerSpec s = Resolve(Revision(c.annotations, c.cc));
    EXPECT_NEAR(s.target_value, c.target, 1e-9);
    EXPECT_NEAR(s.total_value, c.total, 1e-9);
  }
}

TEST(ResolveSpec, ConfigTargetDefaults) {
  config::Config cfg;
  cfg.autoscaler.container_concurrency_target_default = 50;
  cfg.autoscaler.container_concurrency_target_percentage = 80;
  cfg.autoscaler.requests_per_second_target_default = 100;
  AutoscalerSpec s = Resolve(Revision({}), cfg);
  EXPECT_DOUBLE_EQ(s.target_value, 40);
  EXPECT_DOUBLE_EQ(s.total_value, 50);
  // The RPS utilization is a constant 0.7, not the concurrency percentage.
  s = Resolve(Revision({{A("metric"), "rps"}}), cfg);
  EXPECT_DOUBLE_EQ(s.target_value, 70);
  // Knative reads a percentage <= 1.0 as a fraction.
  cfg.autoscaler.container_concurrency_target_percentage = 0.5;
  EXPECT_DOUBLE_EQ(Resolve(Revision({}), cfg).target_value, 25);
}

TEST(ResolveSpec, ContainerConcurrencyDefaultComesFromConfig) {
  config::Config cfg;
  cfg.defaults.container_concurrency = 4;
  AutoscalerSpec s = Resolve(Revision({}), cfg);
  EXPECT_EQ(s.container_concurrency, 4);
  EXPECT_DOUBLE_EQ(s.total_value, 4);
  EXPECT_EQ(Resolve(Revision({}, 0), cfg).container_concurrency, 0);
}

TEST(ResolveSpec, CanonicalAnnotations) {
  AutoscalerSpec s = Resolve(Revision({
      {A("min-scale"), "2"},
      {A("max-scale"), "9"},
      {A("initial-scale"), "3"},
      {A("activation-scale"), "4"},
      {A("window"), "2m"},
      {A("panic-window-percentage"), "20"},
      {A("panic-threshold-percentage"), "150"},
      {A("target-burst-capacity"), "-1"},
      {A("scale-down-delay"), "15s"},
      {A("scale-to-zero-pod-retention-period"), "1m30s"},
      {A("metric-aggregation-algorithm"), "weighted-exponential"},
      {"serving.knative.dev/progress-deadline", "100s"},
  }));
  EXPECT_EQ(s.min_scale, 2);
  EXPECT_EQ(s.max_scale, 9);
  EXPECT_EQ(s.initial_scale, 3);
  EXPECT_EQ(s.activation_scale, 4);
  EXPECT_EQ(s.stable_window, Seconds(120));
  EXPECT_EQ(s.panic_window, Seconds(24));
  EXPECT_DOUBLE_EQ(s.panic_threshold, 1.5);
  EXPECT_DOUBLE_EQ(s.target_burst_capacity, -1);
  EXPECT_EQ(s.scale_down_delay, Seconds(15));
  EXPECT_EQ(s.scale_to_zero_pod_retention_period, Seconds(90));
  EXPECT_EQ(s.aggregation, Aggregation::kWeightedExponential);
  EXPECT_EQ(s.activation_timeout, Seconds(130));
}

TEST(ResolveSpec, LegacyCamelCaseAliases) {
  AutoscalerSpec s = Resolve(Revision({
      {A("minScale"), "1"},
      {A("maxScale"), "5"},
      {A("initialScale"), "2"},
      {A("panicWindowPercentage"), "50"},
      {A("panicThresholdPercentage"), "300"},
      {A("targetBurstCapacity"), "0"},
      {A("scaleDownDelay"), "30s"},
      {A("scaleToZeroPodRetentionPeriod"), "10s"},
      {A("metricAggregationAlgorithm"), "weightedExponential"},
  }));
  EXPECT_EQ(s.min_scale, 1);
  EXPECT_EQ(s.max_scale, 5);
  EXPECT_EQ(s.initial_scale, 2);
  EXPECT_EQ(s.panic_window, Seconds(30));
  EXPECT_DOUBLE_EQ(s.panic_threshold, 3);
  EXPECT_DOUBLE_EQ(s.target_burst_capacity, 0);
  EXPECT_EQ(s.scale_down_delay, Seconds(30));
  EXPECT_EQ(s.scale_to_zero_pod_retention_period, Seconds(10));
  EXPECT_EQ(s.aggregation, Aggregation::kWeightedExponential);
}

TEST(ResolveSpec, CanonicalNameWinsOverAlias) {
  AutoscalerSpec s = Resolve(Revision({{A("min-scale"), "3"}, {A("minScale"), "7"}}));
  EXPECT_EQ(s.min_scale, 3);
}

TEST(ResolveSpec, PanicWindowRoundsToWholeSecondsWithAFloorOfOne) {
  EXPECT_EQ(PanicWindow(Seconds(60), 10), Seconds(6));
  EXPECT_EQ(PanicWindow(Seconds(10), 15), Seconds(2));  // 1.5 rounds half away from zero
  EXPECT_EQ(PanicWindow(Seconds(7), 50), Seconds(4));   // 3.5
  EXPECT_EQ(PanicWindow(Seconds(6), 1), Seconds(1));    // 0.06 -> at least 1 s
  EXPECT_EQ(PanicWindow(Seconds(3600), 100), Seconds(3600));
  AutoscalerSpec s = Resolve(Revision({{A("window"), "6s"}}));
  EXPECT_EQ(s.panic_window, Seconds(1));  // round(0.6)
}

TEST(ResolveSpec, InitialScaleZeroNeedsTheConfigToAllowIt) {
  config::Config cfg;
  EXPECT_EQ(Resolve(Revision({{A("initial-scale"), "0"}}), cfg).initial_scale, 1);
  cfg.autoscaler.allow_zero_initial_scale = true;
  EXPECT_EQ(Resolve(Revision({{A("initial-scale"), "0"}}), cfg).initial_scale, 0);
  cfg.autoscaler.initial_scale = 0;
  EXPECT_EQ(Resolve(Revision({}), cfg).initial_scale, 0);
}

TEST(ResolveSpec, ConfigOnlyKeys) {
  config::Config cfg;
  cfg.autoscaler.enable_scale_to_zero = false;
  cfg.autoscaler.scale_to_zero_grace_period = Seconds(10);
  cfg.autoscaler.max_scale_up_rate = 10;
  cfg.autoscaler.max_scale_down_rate = 4;
  cfg.autoscaler.stable_window = Seconds(30);
  cfg.autoscaler.min_scale = 1;
  cfg.autoscaler.max_scale = 8;
  cfg.deployment.progress_deadline = Seconds(60);
  AutoscalerSpec s = Resolve(Revision({}), cfg);
  EXPECT_FALSE(s.enable_scale_to_zero);
  EXPECT_EQ(s.scale_to_zero_grace_period, Seconds(10));
  EXPECT_DOUBLE_EQ(s.max_scale_up_rate, 10);
  EXPECT_DOUBLE_EQ(s.max_scale_down_rate, 4);
  EXPECT_EQ(s.stable_window, Seconds(30));
  EXPECT_EQ(s.panic_window, Seconds(3));
  EXPECT_EQ(s.min_scale, 1);
  EXPECT_EQ(s.max_scale, 8);
  EXPECT_EQ(s.activation_timeout, Seconds(90));
}

Status ResolveError(const json& rev) {
  Result<AutoscalerSpec> spec = ResolveSpec(rev, config::Config{});
  EXPECT_FALSE(spec.ok());
  return spec.status();
}

TEST(ResolveSpec, UnreadableValuesAreInvalidWithTheirFieldPath) {
  Status s = ResolveError(Revision({{A("min-scale"), "two"}, {A("target"), "1x"}}));
  EXPECT_EQ(s.code(), Code::kInvalid);
  ASSERT_EQ(s.causes().size(), 2u);
  EXPECT_EQ(s.causes()[0].field, "metadata.annotations.autoscaling.knative.dev/target");
  EXPECT_EQ(s.causes()[1].field, "metadata.annotations.autoscaling.knative.dev/min-scale");

  EXPECT_EQ(ResolveError(Revision({{A("window"), "1.5s"}})).causes()[0].field,
            "metadata.annotations.autoscaling.knative.dev/window");
  EXPECT_EQ(ResolveError(Revision({{A("metricAggregationAlgorithm"), "median"}})).causes()[0].field,
            "metadata.annotations.autoscaling.knative.dev/metricAggregationAlgorithm");
  EXPECT_EQ(ResolveError(Revision({}, "ten")).causes()[0].field, "spec.containerConcurrency");
  json rev = Revision({});
  rev["metadata"]["annotations"][A("max-scale")] = 3;  // annotations are strings
  EXPECT_EQ(ResolveError(rev).code(), Code::kInvalid);
}

TEST(ResolveSpec, ClassesAndMetricsTheKpaDoesNotImplementAreInvalid) {
  EXPECT_EQ(ResolveError(Revision({{A("class"), "hpa.autoscaling.knative.dev"}})).code(),
            Code::kInvalid);
  EXPECT_EQ(ResolveError(Revision({{A("class"), "custom.example.com"}})).code(), Code::kInvalid);
  EXPECT_EQ(ResolveError(Revision({{A("metric"), "cpu"}})).causes()[0].field,
            "metadata.annotations.autoscaling.knative.dev/metric");
  EXPECT_TRUE(ResolveSpec(Revision({{A("class"), "kpa.autoscaling.knative.dev"},
                                    {A("metric"), "concurrency"}}),
                          config::Config{})
                  .ok());
}

}  // namespace spec_test
}  // namespace ebb::autoscaler
