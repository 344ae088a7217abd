#include "config/config.h"

#include <gtest/gtest.h>

namespace ebb::config {
namespace {

Config MustParse(const std::string& yaml) {
  Result<Config> r = ParseConfig(yaml);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Config{};
}

TEST(ParseConfigTest, EmptyTextGivesKnativeDefaults) {
  Config c = MustParse("");
  EXPECT_TRUE(c.autoscaler.enable_scale_to_zero);
  EXPECT_EQ(c.autoscaler.container_concurrency_target_percentage, 70);
  EXPECT_EQ(c.autoscaler.stable_window, Seconds(60));
  EXPECT_EQ(c.autoscaler.target_burst_capacity, 211);
  EXPECT_EQ(c.defaults.revision_timeout_seconds, 300);
  EXPECT_EQ(c.domain.domain, "example.com");
  EXPECT_EQ(c.network.domain_template, "{{.Name}}.{{.Namespace}}.{{.Domain}}");
  EXPECT_EQ(c.network.header_read_timeout, std::chrono::seconds(10));
  EXPECT_EQ(c.gc.max_non_active_revisions, 1000);
  EXPECT_EQ(c.deployment.progress_deadline, Seconds(600));
  EXPECT_EQ(c.tracing.backend, "none");
  EXPECT_EQ(c.tracing.sample_rate, 0.1);
}

TEST(ParseConfigTest, EmptySectionsKeepDefaults) {
  Config c = MustParse("autoscaler:\ndefaults: {}\n");
  EXPECT_EQ(c.autoscaler.stable_window, Seconds(60));
}

TEST(ParseConfigTest, AutoscalerKeys) {
  Config c = MustParse(R"(
autoscaler:
  enable-scale-to-zero: "false"
  container-concurrency-target-percentage: 80
  container-concurrency-target-default: "50"
  requests-per-second-target-default: 150.5
  target-burst-capacity: -1
  stable-window: 6s
  panic-window-percentage: "20"
  panic-threshold-percentage: 300
  max-scale-up-rate: 10
  max-scale-down-rate: 4
  scale-to-zero-grace-period: 1s
  scale-to-zero-pod-retention-period: 1m30s
  scale-down-delay: "15s"
  activator-capacity: 50
  initial-scale: 0
  allow-zero-initial-scale: true
  min-scale: 1
  max-scale: 5
  max-scale-limit: 10
  pod-autoscaler-class: custom.example.com
)");
  const Autoscaler& a = c.autoscaler;
  EXPECT_FALSE(a.enable_scale_to_zero);
  EXPECT_EQ(a.container_concurrency_target_percentage, 80);
  EXPECT_EQ(a.container_concurrency_target_default, 50);
  EXPECT_EQ(a.requests_per_second_target_default, 150.5);
  EXPECT_EQ(a.target_burst_capacity, -1);
  EXPECT_EQ(a.stable_window, Seconds(6));
  EXPECT_EQ(a.panic_window_percentage, 20);
  EXPECT_EQ(a.panic_threshold_percentage, 300);
  EXPECT_EQ(a.max_scale_up_rate, 10);
  EXPECT_EQ(a.max_scale_down_rate, 4);
  EXPECT_EQ(a.scale_to_zero_grace_period, Seconds(1));
  EXPECT_EQ(a.scale_to_zero_pod_retention_period, Seconds(90));
  EXPECT_EQ(a.scale_down_delay, Seconds(15));
  EXPECT_EQ(a.activator_capacity, 50);
  EXPECT_EQ(a.initial_scale, 0);
  EXPECT_TRUE(a.allow_zero_initial_scale);
  EXPECT_EQ(a.min_scale, 1);
  EXPECT_EQ(a.max_scale, 5);
  EXPECT_EQ(a.max_scale_limit, 10);
  EXPECT_EQ(a.pod_autoscaler_class, "custom.example.com");
}

TEST(ParseConfigTest, TargetPercentageAsFraction) {
  EXPECT_EQ(MustParse("autoscaler: {container-concurrency-target-percentage: \"0.5\"}")
                .autoscaler.container_concurrency_target_percentage,
            50);
  EXPECT_EQ(MustParse("autoscaler: {container-concurrency-target-percentage: 1.0}")
                .autoscaler.container_concurrency_target_percentage,
            100);
}

TEST(ParseConfigTest, DefaultsKeys) {
  Config c = MustParse(R"(
defaults:
  revision-timeout-seconds: 100
  max-revision-timeout-seconds: 200
  revision-response-start-timeout-seconds: 50
  revision-idle-timeout-seconds: 60
  container-concurrency: 10
  container-concurrency-max-limit: 20
  allow-container-concurrency-zero: "False"
  container-name-template: "{{.Name}}-app"
)");
  const Defaults& d = c.defaults;
  EXPECT_EQ(d.revision_timeout_seconds, 100);
  EXPECT_EQ(d.max_revision_timeout_seconds, 200);
  EXPECT_EQ(d.revision_response_start_timeout_seconds, 50);
  EXPECT_EQ(d.revision_idle_timeout_seconds, 60);
  EXPECT_EQ(d.container_concurrency, 10);
  EXPECT_EQ(d.container_concurrency_max_limit, 20);
  EXPECT_FALSE(d.allow_container_concurrency_zero);
  EXPECT_EQ(d.container_name_template, "{{.Name}}-app");
}

TEST(ParseConfigTest, DomainEbbShape) {
  EXPECT_EQ(MustParse("domain: {domain: example.org}").domain.domain, "example.org");
}

TEST(ParseConfigTest, DomainKnativeConfigMapShape) {
  EXPECT_EQ(MustParse("domain: {example.org: \"\"}").domain.domain, "example.org");
  EXPECT_EQ(MustParse("domain:\n  knative.dev:\n").domain.domain, "knative.dev");
  EXPECT_EQ(MustParse("domain:\n  _example: docs\n  a.io: \"\"\n").domain.domain, "a.io");
}

TEST(ParseConfigTest, NetworkGcDeploymentObservabilityTracing) {
  Config c = MustParse(R"(
network:
  domain-template: "{{.Name}}-{{.Namespace}}.{{.Domain}}"
  tag-template: "{{.Name}}-{{.Tag}}"
  default-external-scheme: https
  header-read-timeout: 1500ms
gc:
  min-non-active-revisions: 2
  max-non-active-revisions: disabled
  retain-since-create-time: 1h
  retain-since-last-active-time: disabled
deployment:
  progress-deadline: 2m
observability:
  logging.enable-request-log: "true"
  logging.request-log-template: '{"uri": "{{.Request.RequestURI}}"}'
  metrics.backend-destination: none
tracing:
  backend: zipkin
  zipkin-endpoint: http://127.0.0.1:9411/api/v2/spans
  sample-rate: "0.5"
  debug: "true"
)");
  EXPECT_EQ(c.network.domain_template, "{{.Name}}-{{.Namespace}}.{{.Domain}}");
  EXPECT_EQ(c.network.tag_template, "{{.Name}}-{{.Tag}}");
  EXPECT_EQ(c.network.default_external_scheme, "https");
  EXPECT_EQ(c.network.header_read_timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(c.gc.min_non_active_revisions, 2);
  EXPECT_EQ(c.gc.max_non_active_revisions, -1);
  EXPECT_EQ(c.gc.retain_since_create_time, Seconds(3600));
  EXPECT_EQ(c.gc.retain_since_last_active_time, Seconds(-1));
  EXPECT_EQ(c.deployment.progress_deadline, Seconds(120));
  EXPECT_TRUE(c.observability.enable_request_log);
  EXPECT_EQ(c.observability.request_log_template, R"({"uri": "{{.Request.RequestURI}}"})");
  EXPECT_FALSE(c.observability.metrics_enabled);
  EXPECT_EQ(c.tracing.backend, "zipkin");
  EXPECT_EQ(c.tracing.zipkin_endpoint, "http://127.0.0.1:9411/api/v2/spans");
  EXPECT_EQ(c.tracing.sample_rate, 0.5);
  EXPECT_TRUE(c.tracing.debug);
  EXPECT_TRUE(
      MustParse("observability: {metrics-protocol: prometheus}").observability.metrics_enabled);
}

TEST(ParseConfigTest, UnderscoreKeysAreIgnored) {
  MustParse("autoscaler:\n  _example: |\n    anything goes\n");
}

// One row per rejected config: the field named and a fragment of the message.
struct BadCase {
  const char* yaml;
  const char* field;
  const char* message;
};

class BadConfigTest : public testing::TestWithParam<BadCase> {};

TEST_P(BadConfigTest, NamesSectionAndKey) {
  Result<Config> r = ParseConfig(GetParam().yaml);
  ASSERT_FALSE(r.ok()) << GetParam().yaml;
  EXPECT_EQ(r.status().code(), Code::kInvalid);
  ASSERT_FALSE(r.status().causes().empty()) << r.status().ToString();
  const FieldError& e = r.status().causes()[0];
  EXPECT_EQ(e.field, GetParam().field) << r.status().ToString();
  EXPECT_NE(e.message.find(GetParam().message), std::string::npos) << e.message;
  EXPECT_NE(r.status().message().find(GetParam().field), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    All, BadConfigTest,
    testing::Values(
        BadCase{"autoscaler: {stable-windw: 6s}", "autoscaler.stable-windw", "unknown key"},
        BadCase{"autoscalers: {}", "autoscalers", "unknown section"},
        BadCase{"autoscaler: [1]", "autoscaler", "mapping"},
        BadCase{"autoscaler: {stable-window: 60}", "autoscaler.stable-window", "not a duration"},
        BadCase{"autoscaler: {stable-window: 6500ms}", "autoscaler.stable-window",
                "whole number of seconds"},
        BadCase{"autoscaler: {stable-window: 5s}", "autoscaler.stable-window",
                "[6s, 1h0m0s], was 5s"},
        BadCase{"autoscaler: {stable-window: 2h}", "autoscaler.stable-window", "was 2h0m0s"},
        BadCase{"autoscaler: {stable-window: }", "autoscaler.stable-window", "must not be empty"},
        BadCase{"autoscaler: {stable-window: [1]}", "autoscaler.stable-window", "single value"},
        BadCase{"autoscaler: {enable-scale-to-zero: yes}", "autoscaler.enable-scale-to-zero",
                "not a boolean"},
        BadCase{"autoscaler: {container-concurrency-target-percentage: 0}",
                "autoscaler.container-concurrency-target-percentage", "(0, 100]"},
        BadCase{"autoscaler: {container-concurrency-target-percentage: 101}",
                "autoscaler.container-concurrency-target-percentage", "(0, 100]"},
        BadCase{"autoscaler: {container-concurrency-target-percentage: abc}",
                "autoscaler.container-concurrency-target-percentage", "not a number"},
        BadCase{"autoscaler: {container-concurrency-target-default: 0}",
                "autoscaler.container-concurrency-target-default", "at least 0.01"},
        BadCase{"autoscaler: {container-concurrency-target-percentage: 0.01, "
                "container-concurrency-target-default: 0.5}",
                "autoscaler.container-concurrency-target-percentage", "below 0.01"},
        BadCase{"autoscaler: {requests-per-second-target-default: 0}",
                "autoscaler.requests-per-second-target-default", "at least 0.01"},
        BadCase{"autoscaler: {target-burst-capacity: -2}", "autoscaler.target-burst-capacity",
                "-1 (unlimited)"},
        BadCase{"autoscaler: {panic-window-percentage: 0.5}", "autoscaler.panic-window-percentage",
                "[1, 100]"},
        BadCase{"autoscaler: {panic-window-percentage: 101}", "autoscaler.panic-window-percentage",
                "[1, 100]"},
        BadCase{"autoscaler: {panic-threshold-percentage: 100}",
                "autoscaler.panic-threshold-percentage", "[110, 1000]"},
        BadCase{"autoscaler: {panic-threshold-percentage: 1001}",
                "autoscaler.panic-threshold-percentage", "[110, 1000]"},
        BadCase{"autoscaler: {max-scale-up-rate: 1}", "autoscaler.max-scale-up-rate",
                "greater than 1"},
        BadCase{"autoscaler: {max-scale-down-rate: 0.5}", "autoscaler.max-scale-down-rate",
                "greater than 1"},
        BadCase{"autoscaler: {scale-to-zero-grace-period: 0s}",
                "autoscaler.scale-to-zero-grace-period", "positive"},
        BadCase{"autoscaler: {scale-to-zero-pod-retention-period: -1s}",
                "autoscaler.scale-to-zero-pod-retention-period", "negative"},
        BadCase{"autoscaler: {scale-down-delay: -1s}", "autoscaler.scale-down-delay", "negative"},
        BadCase{"autoscaler: {activator-capacity: 0.5}", "autoscaler.activator-capacity",
                "at least 1"},
        BadCase{"autoscaler: {initial-scale: 0}", "autoscaler.initial-scale",
                "allow-zero-initial-scale"},
        BadCase{"autoscaler: {initial-scale: -1, allow-zero-initial-scale: true}",
                "autoscaler.initial-scale", "at least 0"},
        BadCase{"autoscaler: {initial-scale: 1.5}", "autoscaler.initial-scale", "not an integer"},
        BadCase{"autoscaler: {max-scale-limit: -1}", "autoscaler.max-scale-limit", "negative"},
        BadCase{"autoscaler: {max-scale: -1}", "autoscaler.max-scale", "negative"},
        BadCase{"autoscaler: {max-scale-limit: 10, max-scale: 11}", "autoscaler.max-scale",
                "[1, max-scale-limit=10]"},
        BadCase{"autoscaler: {max-scale-limit: 10}", "autoscaler.max-scale",
                "[1, max-scale-limit=10], was 0"},
        BadCase{"autoscaler: {min-scale: -1}", "autoscaler.min-scale", "negative"},
        BadCase{"autoscaler: {min-scale: 3, max-scale: 2}", "autoscaler.min-scale",
                "greater than max-scale=2"},
        BadCase{"autoscaler: {pod-autoscaler-class: foo.knative.dev}",
                "autoscaler.pod-autoscaler-class", "unknown class"},
        BadCase{"defaults: {revision-timeout-seconds: 700}", "defaults.revision-timeout-seconds",
                "[1, max-revision-timeout-seconds=600], was 700"},
        BadCase{"defaults: {revision-timeout-seconds: 0}", "defaults.revision-timeout-seconds",
                "was 0"},
        BadCase{"defaults: {max-revision-timeout-seconds: 0, revision-timeout-seconds: 0}",
                "defaults.max-revision-timeout-seconds", "at least 1"},
        BadCase{"defaults: {revision-response-start-timeout-seconds: 301}",
                "defaults.revision-response-start-timeout-seconds", "[0, revision-timeout"},
        BadCase{"defaults: {revision-idle-timeout-seconds: -1}",
                "defaults.revision-idle-timeout-seconds", "was -1"},
        BadCase{"defaults: {container-concurrency-max-limit: 0, container-concurrency: 0}",
                "defaults.container-concurrency-max-limit", "at least 1"},
        BadCase{"defaults: {container-concurrency: 1001}", "defaults.container-concurrency",
                "[0, container-concurrency-max-limit=1000]"},
        BadCase{"defaults: {allow-container-concurrency-zero: false}",
                "defaults.container-concurrency", "[1, "},
        BadCase{"defaults: {container-name-template: Bad_Name}", "defaults.container-name-template",
                "not a valid container name"},
        BadCase{"defaults: {container-name-template: \"{{.Namespace}}\"}",
                "defaults.container-name-template", "unknown template field"},
        BadCase{"domain: {domain: \"\"}", "domain.domain", "must be a domain name"},
        BadCase{"domain: {domain: Not_A_Domain}", "domain.domain", "not a valid domain"},
        BadCase{"domain: {prod.io: \"selector:\\n  app: prod\"}", "domain.prod.io",
                "label-selector"},
        BadCase{"domain: {a.io: \"\", b.io: \"\"}", "domain", "more than one default"},
        BadCase{"domain: [a]", "domain", "mapping"},
        BadCase{"network: {domain-template: \"{{.Name}}/{{.Domain}}\"}", "network.domain-template",
                "valid host name"},
        BadCase{"network: {domain-template: \"{{.Name}}.{{.Labels}}\"}", "network.domain-template",
                "unknown template field"},
        BadCase{"network: {tag-template: \"{{.Tag}}.{{.Name}}\"}", "network.tag-template",
                "valid DNS label"},
        BadCase{"network: {default-external-scheme: ftp}", "network.default-external-scheme",
                "\"http\" or \"https\""},
        BadCase{"network: {ingress-class: x}", "network.ingress-class", "unknown key"},
        BadCase{"network: {header-read-timeout: 0s}", "network.header-read-timeout",
                "more than zero"},
        BadCase{"network: {header-read-timeout: -2s}", "network.header-read-timeout",
                "more than zero"},
        BadCase{"network: {header-read-timeout: soon}", "network.header-read-timeout",
                "not a duration"},
        BadCase{"network: {header-read-timeout: 1500us}", "network.header-read-timeout",
                "whole number of milliseconds"},
        BadCase{"gc: {min-non-active-revisions: -1}", "gc.min-non-active-revisions", "negative"},
        BadCase{"gc: {max-non-active-revisions: -2}", "gc.max-non-active-revisions", "negative"},
        BadCase{"gc: {min-non-active-revisions: 5, max-non-active-revisions: 4}",
                "gc.max-non-active-revisions", "min-non-active-revisions (5)"},
        BadCase{"gc: {retain-since-create-time: -2s}", "gc.retain-since-create-time", "negative"},
        BadCase{"gc: {retain-since-last-active-time: -5s}", "gc.retain-since-last-active-time",
                "negative"},
        BadCase{"gc: {retain-since-create-time: never}", "gc.retain-since-create-time",
                "not a duration"},
        BadCase{"deployment: {progress-deadline: 0s}", "deployment.progress-deadline", "positive"},
        BadCase{"observability: {metrics.backend-destination: opencensus}",
                "observability.metrics.backend-destination", "not supported"},
        BadCase{"tracing: {backend: jaeger}", "tracing.backend", "\"none\" or \"zipkin\""},
        BadCase{"tracing: {backend: zipkin}", "tracing.zipkin-endpoint", "required"},
        BadCase{"tracing: {backend: zipkin, zipkin-endpoint: localhost:9411}",
                "tracing.zipkin-endpoint", "http://"},
        BadCase{"tracing: {sample-rate: \"1.5\"}", "tracing.sample-rate", "[0, 1]"}));

TEST(ParseConfigTest, ReportsEveryProblem) {
  Result<Config> r = ParseConfig("autoscaler: {stable-windw: 6s, max-scale-up-rate: x}\nfoo: 1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().causes().size(), 3u) << r.status().ToString();
}

TEST(ParseConfigTest, SyntaxErrorHasLineAndColumn) {
  Result<Config> r = ParseConfig("autoscaler:\n  stable-window: 6s\n   bad: [\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalid);
  EXPECT_NE(r.status().message().find("line 3"), std::string::npos) << r.status().message();
}

TEST(ParseConfigTest, TopLevelMustBeMapping) {
  EXPECT_FALSE(ParseConfig("- a\n- b\n").ok());
  EXPECT_FALSE(ParseConfig("just text").ok());
}

}  // namespace
}  // namespace ebb::config
