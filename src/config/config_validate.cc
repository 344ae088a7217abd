// Range and cross-key checks, mirroring Knative's ConfigMap validation (knative-spec.md §2.2 and
// pkg/apis/config/defaults.go, config-gc, config-tracing).
#include <sstream>
#include <string>

#include "config/config_internal.h"

namespace ebb::config::internal {
namespace {

std::string Num(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

std::string Dur(Seconds s) { return FormatGoDuration(s); }

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// RFC 1123 label, as Kubernetes checks names and hosts.
bool IsDnsLabel(std::string_view s) {
  if (s.empty() || s.size() > 63 || !IsLowerAlnum(s.front()) || !IsLowerAlnum(s.back())) {
    return false;
  }
  for (char c : s) {
    if (!IsLowerAlnum(c) && c != '-') return false;
  }
  return true;
}

bool IsDnsSubdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  for (size_t start = 0;;) {
    size_t dot = s.find('.', start);
    if (!IsDnsLabel(s.substr(start, dot == std::string_view::npos ? dot : dot - start))) {
      return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

void ValidateTargets(const Autoscaler& a, Problems* p) {
  if (a.container_concurrency_target_percentage <= 0 ||
      a.container_concurrency_target_percentage > 100) {
    p->Invalid("autoscaler.container-concurrency-target-percentage",
               "must be in (0, 100], was " + Num(a.container_concurrency_target_percentage));
  }
  if (a.container_concurrency_target_default < 0.01) {
    p->Invalid("autoscaler.container-concurrency-target-default",
               "must be at least 0.01, was " + Num(a.container_concurrency_target_default));
  } else if (a.container_concurrency_target_percentage / 100 *
                 a.container_concurrency_target_default <
             0.01) {
    p->Invalid("autoscaler.container-concurrency-target-percentage",
               "with container-concurrency-target-default it yields a target below 0.01");
  }
  if (a.requests_per_second_target_default < 0.01) {
    p->Invalid("autoscaler.requests-per-second-target-default",
               "must be at least 0.01, was " + Num(a.requests_per_second_target_default));
  }
  if (a.target_burst_capacity < 0 && a.target_burst_capacity != -1) {
    p->Invalid("autoscaler.target-burst-capacity",
               "must be >= 0 or -1 (unlimited), was " + Num(a.target_burst_capacity));
  }
}

void ValidateWindows(const Autoscaler& a, Problems* p) {
  if (a.stable_window < Seconds(6) || a.stable_window > Seconds(3600)) {
    p->Invalid("autoscaler.stable-window", "must be in [6s, 1h0m0s], was " + Dur(a.stable_window));
  }
  if (a.panic_window_percentage < 1 || a.panic_window_percentage > 100) {
    p->Invalid("autoscaler.panic-window-percentage",
               "must be in [1, 100], was " + Num(a.panic_window_percentage));
  }
  if (a.panic_threshold_percentage < 110 || a.panic_threshold_percentage > 1000) {
    p->Invalid("autoscaler.panic-threshold-percentage",
               "must be in [110, 1000], was " + Num(a.panic_threshold_percentage));
  }
  if (a.scale_to_zero_grace_period <= Seconds(0)) {
    p->Invalid("autoscaler.scale-to-zero-grace-period",
               "must be positive, was " + Dur(a.scale_to_zero_grace_period));
  }
  if (a.scale_to_zero_pod_retention_period < Seconds(0)) {
    p->Invalid("autoscaler.scale-to-zero-pod-retention-period",
               "must not be negative, was " + Dur(a.scale_to_zero_pod_retention_period));
  }
  if (a.scale_down_delay < Seconds(0)) {
    p->Invalid("autoscaler.scale-down-delay",
               "must not be negative, was " + Dur(a.scale_down_delay));
  }
}

void ValidateRates(const Autoscaler& a, Problems* p) {
  if (a.max_scale_up_rate <= 1) {
    p->Invalid("autoscaler.max-scale-up-rate",
               "must be greater than 1, was " + Num(a.max_scale_up_rate));
  }
  if (a.max_scale_down_rate <= 1) {
    p->Invalid("autoscaler.max-scale-down-rate",
               "must be greater than 1, was " + Num(a.max_scale_down_rate));
  }
  if (a.activator_capacity < 1) {
    p->Invalid("autoscaler.activator-capacity",
               "must be at least 1, was " + Num(a.activator_capacity));
  }
}

void ValidateScales(const Autoscaler& a, Problems* p) {
  std::int64_t min_initial = a.allow_zero_initial_scale ? 0 : 1;
  if (a.initial_scale < min_initial) {
    p->Invalid("autoscaler.initial-scale",
               "must be at least " + std::to_string(min_initial) +
                   (a.allow_zero_initial_scale ? "" : " (0 needs allow-zero-initial-scale)") +
                   ", was " + std::to_string(a.initial_scale));
  }
  if (a.max_scale_limit < 0) {
    p->Invalid("autoscaler.max-scale-limit", "must not be negative");
  }
  if (a.max_scale < 0) {
    p->Invalid("autoscaler.max-scale", "must not be negative");
  } else if (a.max_scale_limit > 0 && (a.max_scale < 1 || a.max_scale > a.max_scale_limit)) {
    p->Invalid("autoscaler.max-scale",
               "must be in [1, max-scale-limit=" + std::to_string(a.max_scale_limit) + "], was " +
                   std::to_string(a.max_scale));
  }
  if (a.min_scale < 0) {
    p->Invalid("autoscaler.min-scale", "must not be negative");
  } else if (a.max_scale > 0 && a.min_scale > a.max_scale) {
    p->Invalid("autoscaler.min-scale",
               "min-scale=" + std::to_string(a.min_scale) +
                   " is greater than max-scale=" + std::to_string(a.max_scale));
  }
  const std::string& cls = a.pod_autoscaler_class;
  bool knative_class = cls.size() >= 12 && cls.compare(cls.size() - 12, 12, ".knative.dev") == 0;
  if (cls.empty() || (knative_class && cls != "kpa.autoscaling.knative.dev" &&
                      cls != "hpa.autoscaling.knative.dev")) {
    p->Invalid("autoscaler.pod-autoscaler-class", "unknown class \"" + cls + "\"");
  }
}

void ValidateDefaults(const Defaults& d, Problems* p) {
  if (d.max_revision_timeout_seconds < 1) {
    p->Invalid("defaults.max-revision-timeout-seconds", "must be at least 1");
  }
  if (d.revision_timeout_seconds < 1 ||
      d.revision_timeout_seconds > d.max_revision_timeout_seconds) {
    p->Invalid("defaults.revision-timeout-seconds",
               "must be in [1, max-revision-timeout-seconds=" +
                   std::to_string(d.max_revision_timeout_seconds) + "], was " +
                   std::to_string(d.revision_timeout_seconds));
  }
  auto within_timeout = [&](const char* key, std::int64_t v) {
    if (v < 0 || v > d.revision_timeout_seconds) {
      p->Invalid(std::string("defaults.") + key, "must be in [0, revision-timeout-seconds=" +
                                                     std::to_string(d.revision_timeout_seconds) +
                                                     "], was " + std::to_string(v));
    }
  };
  within_timeout("revision-response-start-timeout-seconds",
                 d.revision_response_start_timeout_seconds);
  within_timeout("revision-idle-timeout-seconds", d.revision_idle_timeout_seconds);
  if (d.container_concurrency_max_limit < 1) {
    p->Invalid("defaults.container-concurrency-max-limit", "must be at least 1");
  }
  std::int64_t min_cc = d.allow_container_concurrency_zero ? 0 : 1;
  if (d.container_concurrency < min_cc ||
      d.container_concurrency > d.container_concurrency_max_limit) {
    p->Invalid("defaults.container-concurrency",
               "must be in [" + std::to_string(min_cc) + ", container-concurrency-max-limit=" +
                   std::to_string(d.container_concurrency_max_limit) + "], was " +
                   std::to_string(d.container_concurrency));
  }
  Result<std::string> name = ExpandTemplate(d.container_name_template, {{"Name", "hello"}});
  if (!name.ok() || !IsDnsLabel(*name)) {
    p->Invalid("defaults.container-name-template",
               name.ok() ? "\"" + *name + "\" is not a valid container name (DNS-1123 label)"
                         : name.status().message());
  }
}

void ValidateNetwork(const Config& cfg, Problems* p) {
  if (!IsDnsSubdomain(cfg.domain.domain)) {
    p->Invalid("domain.domain", "\"" + cfg.domain.domain + "\" is not a valid domain name");
  }
  const Network& n = cfg.network;
  Result<std::string> host = ExpandTemplate(
      n.domain_template, {{"Name", "foo"}, {"Namespace", "bar"}, {"Domain", "baz.com"}});
  if (!host.ok() || !IsDnsSubdomain(*host)) {
    p->Invalid("network.domain-template",
               host.ok() ? "does not make a valid host name (got \"" + *host + "\")"
                         : host.status().message());
  }
  Result<std::string> tag = ExpandTemplate(n.tag_template, {{"Tag", "v2"}, {"Name", "foo"}});
  if (!tag.ok() || !IsDnsLabel(*tag)) {
    p->Invalid("network.tag-template",
               tag.ok() ? "does not make a valid DNS label (got \"" + *tag + "\")"
                        : tag.status().message());
  }
  if (n.default_external_scheme != "http" && n.default_external_scheme != "https") {
    p->Invalid("network.default-external-scheme", "must be \"http\" or \"https\"");
  }
}

void ValidateGc(const Gc& g, Problems* p) {
  if (g.min_non_active_revisions < 0) {
    p->Invalid("gc.min-non-active-revisions", "must not be negative");
  }
  if (g.max_non_active_revisions < -1) {
    p->Invalid("gc.max-non-active-revisions", "must not be negative (or \"disabled\")");
  } else if (g.max_non_active_revisions >= 0 &&
             g.min_non_active_revisions > g.max_non_active_revisions) {
    p->Invalid("gc.max-non-active-revisions", "must not be less than min-non-active-revisions (" +
                                                  std::to_string(g.min_non_active_revisions) + ")");
  }
  if (g.retain_since_create_time < Seconds(-1)) {
    p->Invalid("gc.retain-since-create-time", "must not be negative (or \"disabled\")");
  }
  if (g.retain_since_last_active_time < Seconds(-1)) {
    p->Invalid("gc.retain-since-last-active-time", "must not be negative (or \"disabled\")");
  }
}

void ValidateTracing(const Tracing& t, Problems* p) {
  if (t.backend != "none" && t.backend != "zipkin") {
    p->Invalid("tracing.backend", "must be \"none\" or \"zipkin\", was \"" + t.backend + "\"");
  }
  bool http_url =
      t.zipkin_endpoint.rfind("http://", 0) == 0 || t.zipkin_endpoint.rfind("https://", 0) == 0;
  if (t.backend == "zipkin" && !http_url) {
    p->Invalid("tracing.zipkin-endpoint", t.zipkin_endpoint.empty()
                                              ? "is required when backend is zipkin"
                                              : "must be an http:// or https:// URL");
  }
  if (t.sample_rate < 0 || t.sample_rate > 1) {
    p->Invalid("tracing.sample-rate", "must be in [0, 1], was " + Num(t.sample_rate));
  }
}

}  // namespace

void Validate(const Config& cfg, Problems* problems) {
  ValidateTargets(cfg.autoscaler, problems);
  ValidateWindows(cfg.autoscaler, problems);
  ValidateRates(cfg.autoscaler, problems);
  ValidateScales(cfg.autoscaler, problems);
  ValidateDefaults(cfg.defaults, problems);
  ValidateNetwork(cfg, problems);
  ValidateGc(cfg.gc, problems);
  if (cfg.deployment.progress_deadline <= Seconds(0)) {
    problems->Invalid("deployment.progress-deadline", "must be positive");
  }
  ValidateTracing(cfg.tracing, problems);
}

}  // namespace ebb::config::internal
