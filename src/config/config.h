// ebb's configuration: the `--config FILE` YAML whose top-level sections are named after
// Knative's ConfigMaps without the "config-" prefix (autoscaler, defaults, domain, network,
// observability, tracing, gc, deployment), with Knative's keys and defaults
// (../shared/reference/knative-spec.md). Values are strings in Knative's ConfigMaps; here either
// a YAML string or a scalar is accepted ("60s", 60s, "0.7", 70).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ebb::config {

using Seconds = std::chrono::seconds;

struct Autoscaler {  // config-autoscaler
  bool enable_scale_to_zero = true;
  double container_concurrency_target_percentage = 70;  // percent, (0, 100]
  double container_concurrency_target_default = 100;
  double requests_per_second_target_default = 200;
  double target_burst_capacity = 211;  // >= 0 or -1
  Seconds stable_window{60};
  double panic_window_percentage = 10;
  double panic_threshold_percentage = 200;
  double max_scale_up_rate = 1000;
  double max_scale_down_rate = 2;
  Seconds scale_to_zero_grace_period{30};
  Seconds scale_to_zero_pod_retention_period{0};
  Seconds scale_down_delay{0};
  double activator_capacity = 100;
  std::int64_t initial_scale = 1;
  bool allow_zero_initial_scale = false;
  std::int64_t min_scale = 0;
  std::int64_t max_scale = 0;
  std::int64_t max_scale_limit = 0;
  std::string pod_autoscaler_class = "kpa.autoscaling.knative.dev";
};

struct Defaults {  // config-defaults
  std::int64_t revision_timeout_seconds = 300;
  std::int64_t max_revision_timeout_seconds = 600;
  std::int64_t revision_response_start_timeout_seconds = 0;  // 0 = use revision timeout / off
  std::int64_t revision_idle_timeout_seconds = 0;
  std::int64_t container_concurrency = 0;
  std::int64_t container_concurrency_max_limit = 1000;
  bool allow_container_concurrency_zero = true;
  std::string container_name_template = "user-container";
};

struct Domain {  // config-domain (single default domain; --domain sets it)
  std::string domain = "example.com";
};

struct Network {  // config-network
  std::string domain_template = "{{.Name}}.{{.Namespace}}.{{.Domain}}";
  std::string tag_template = "{{.Tag}}-{{.Name}}";
  std::string default_external_scheme = "http";
  // ebb's own key (no Knative equivalent): once the first byte of a request head reaches the
  // gateway, the whole head must arrive within this; slower clients are cut. A Go duration
  // ("10s", "2s", "500ms"), more than zero, whole milliseconds.
  std::chrono::milliseconds header_read_timeout{10'000};
};

struct Gc {  // config-gc; "disabled" in the file is stored as -1 (no limit / never)
  std::int64_t min_non_active_revisions = 20;
  std::int64_t max_non_active_revisions = 1000;      // -1 = unlimited
  Seconds retain_since_create_time{48 * 3600};       // -1 = disabled
  Seconds retain_since_last_active_time{15 * 3600};  // -1 = disabled
};

struct Deployment {  // config-deployment
  Seconds progress_deadline{600};
};

struct Observability {  // config-observability (logging.enable-request-log,
                        // logging.request-log-template, metrics.backend-destination or
                        // metrics-protocol: prometheus | none)
  bool enable_request_log = false;
  std::string request_log_template;
  bool metrics_enabled = true;
};

struct Tracing {                 // config-tracing (legacy keys)
  std::string backend = "none";  // none | zipkin
  std::string zipkin_endpoint;
  double sample_rate = 0.1;
  bool debug = false;
};

struct Config {
  Autoscaler autoscaler;
  Defaults defaults;
  Domain domain;
  Network network;
  Gc gc;
  Deployment deployment;
  Observability observability;
  Tracing tracing;
};

// Parses and validates a config file's text. Unknown sections or keys are kInvalid naming them
// ("autoscaler.stable-windw: unknown key"), as are out-of-range values; missing keys keep the
// defaults above. Every problem is reported at once: Status::causes() holds one FieldError per
// problem (field "section.key"), and the message joins them.
//
// Notes on ebb's reading of Knative's keys:
// - Durations are Go durations ("60s", "1m30s", "1h", "0") and must be whole seconds everywhere
//   (Knative demands it for stable-window and scale-down-delay; ebb keeps every timer at 1 s
//   granularity, so "500ms" is refused rather than silently rounded).
// - container-concurrency-target-percentage: values <= 1.0 are fractions (0.7 = 70 %), as in
//   Knative; the struct always holds percent.
// - domain: either {domain: example.com} or Knative's ConfigMap shape {example.com: ""}; only one
//   default domain (empty selector) is supported; label-selector domains are refused.
// - Keys starting with "_" (Knative's "_example") are ignored.
// - domain-template / tag-template may only use {{.Name}}, {{.Namespace}}, {{.Domain}} / {{.Tag}}
//   (see ExpandTemplate); the result for sample values must be a valid host name.
Result<Config> ParseConfig(std::string_view yaml_text);

// Parses a Knative duration ("60s", "1m30s", "2h", "0", "-5s") into whole seconds; false if
// malformed or not a whole number of seconds ("500ms").
bool ParseDuration(std::string_view text, Seconds* out);

// Go's time.ParseDuration: a signed sequence of decimal numbers, each with optional fraction and
// a unit (ns, us, µs, ms, s, m, h), e.g. "1h30m", "1.5s", "-300ms"; "0" alone needs no unit.
bool ParseGoDuration(std::string_view text, std::chrono::nanoseconds* out);

// Go's Duration.String(): "0s", "6s", "1h0m0s", "1m30s", "500ms", "1.5s" (used in messages so
// that they read like Knative's).
std::string FormatGoDuration(std::chrono::nanoseconds d);

// Expands a Knative name template made of literal text and {{.Field}} actions, e.g.
// "{{.Name}}.{{.Namespace}}.{{.Domain}}" with {"Name": "hello", ...}. kInvalid for any other
// action ({{index ...}}, pipelines) or for a field that `fields` does not define.
Result<std::string> ExpandTemplate(std::string_view templ,
                                   const std::map<std::string, std::string>& fields);

}  // namespace ebb::config
