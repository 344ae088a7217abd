// Reading the config file: YAML sections named after Knative's ConfigMaps, keys as Knative spells
// them. Values are strings in a ConfigMap, so every value is read from its scalar text whether
// or not it was quoted; types are checked here, ranges in config_validate.cc.
#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <functional>
#include <string>

#include "config/config_internal.h"

namespace ebb::config {
namespace {

using internal::Problems;

// Parses `text` into a field; returns "" or what is wrong with the value.
using KeyParser = std::function<std::string(const std::string& text)>;
using KeyTable = std::map<std::string, KeyParser>;

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

// strconv.ParseBool, which Knative uses for boolean keys.
std::string SetBool(bool* out, const std::string& t) {
  if (t == "1" || t == "t" || t == "T" || t == "true" || t == "TRUE" || t == "True") {
    *out = true;
  } else if (t == "0" || t == "f" || t == "F" || t == "false" || t == "FALSE" || t == "False") {
    *out = false;
  } else {
    return Quoted(t) + " is not a boolean (true or false)";
  }
  return "";
}

std::string SetFloat(double* out, const std::string& t) {
  double v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(v)) {
    return Quoted(t) + " is not a number";
  }
  *out = v;
  return "";
}

std::string SetInt(std::int64_t* out, const std::string& t) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size()) {
    return Quoted(t) + " is not an integer";
  }
  *out = v;
  return "";
}

std::string SetSeconds(Seconds* out, const std::string& t) {
  std::chrono::nanoseconds d;
  if (!ParseGoDuration(t, &d)) {
    return Quoted(t) + " is not a duration (e.g. \"60s\", \"1m30s\", \"1h\")";
  }
  if (!ParseDuration(t, out)) return Quoted(t) + " must be a whole number of seconds";
  return "";
}

// A positive Go duration kept in milliseconds ("2s", "1500ms").
std::string SetPositiveMillis(std::chrono::milliseconds* out, const std::string& t) {
  std::chrono::nanoseconds d;
  if (!ParseGoDuration(t, &d)) return Quoted(t) + " is not a duration (e.g. \"10s\", \"500ms\")";
  if (d.count() <= 0) return Quoted(t) + " must be more than zero";
  if (d % std::chrono::milliseconds(1) != std::chrono::nanoseconds(0)) {
    return Quoted(t) + " must be a whole number of milliseconds";
  }
  *out = std::chrono::duration_cast<std::chrono::milliseconds>(d);
  return "";
}

std::string SetString(std::string* out, const std::string& t) {
  *out = t;
  return "";
}

// "disabled" (Knative's config-gc spelling) is stored as -1.
std::string SetIntOrDisabled(std::int64_t* out, const std::string& t) {
  if (t == "disabled") {
    *out = -1;
    return "";
  }
  return SetInt(out, t);
}

std::string SetSecondsOrDisabled(Seconds* out, const std::string& t) {
  if (t == "disabled") {
    *out = Seconds(-1);
    return "";
  }
  return SetSeconds(out, t);
}

// Knative stores the target percentage as a fraction and accepts both spellings.
std::string SetPercentage(double* out, const std::string& t) {
  std::string err = SetFloat(out, t);
  if (err.empty() && *out <= 1.0) *out *= 100;
  return err;
}

// A parser that stores into `field` with `set`.
template <typename T>
KeyParser Bind(std::string (*set)(T*, const std::string&), T* field) {
  return [set, field](const std::string& text) { return set(field, text); };
}

KeyTable AutoscalerKeys(Autoscaler& a) {
  return {
      {"enable-scale-to-zero", Bind(SetBool, &a.enable_scale_to_zero)},
      {"container-concurrency-target-percentage",
       Bind(SetPercentage, &a.container_concurrency_target_percentage)},
      {"container-concurrency-target-default",
       Bind(SetFloat, &a.container_concurrency_target_default)},
      {"requests-per-second-target-default", Bind(SetFloat, &a.requests_per_second_target_default)},
      {"target-burst-capacity", Bind(SetFloat, &a.target_burst_capacity)},
      {"stable-window", Bind(SetSeconds, &a.stable_window)},
      {"panic-window-percentage", Bind(SetFloat, &a.panic_window_percentage)},
      {"panic-threshold-percentage", Bind(SetFloat, &a.panic_threshold_percentage)},
      {"max-scale-up-rate", Bind(SetFloat, &a.max_scale_up_rate)},
      {"max-scale-down-rate", Bind(SetFloat, &a.max_scale_down_rate)},
      {"scale-to-zero-grace-period", Bind(SetSeconds, &a.scale_to_zero_grace_period)},
      {"scale-to-zero-pod-retention-period",
       Bind(SetSeconds, &a.scale_to_zero_pod_retention_period)},
      {"scale-down-delay", Bind(SetSeconds, &a.scale_down_delay)},
      {"activator-capacity", Bind(SetFloat, &a.activator_capacity)},
      {"initial-scale", Bind(SetInt, &a.initial_scale)},
      {"allow-zero-initial-scale", Bind(SetBool, &a.allow_zero_initial_scale)},
      {"min-scale", Bind(SetInt, &a.min_scale)},
      {"max-scale", Bind(SetInt, &a.max_scale)},
      {"max-scale-limit", Bind(SetInt, &a.max_scale_limit)},
      {"pod-autoscaler-class", Bind(SetString, &a.pod_autoscaler_class)},
  };
}

KeyTable DefaultsKeys(Defaults& d) {
  return {
      {"revision-timeout-seconds", Bind(SetInt, &d.revision_timeout_seconds)},
      {"max-revision-timeout-seconds", Bind(SetInt, &d.max_revision_timeout_seconds)},
      {"revision-response-start-timeout-seconds",
       Bind(SetInt, &d.revision_response_start_timeout_seconds)},
      {"revision-idle-timeout-seconds", Bind(SetInt, &d.revision_idle_timeout_seconds)},
      {"container-concurrency", Bind(SetInt, &d.container_concurrency)},
      {"container-concurrency-max-limit", Bind(SetInt, &d.container_concurrency_max_limit)},
      {"allow-container-concurrency-zero", Bind(SetBool, &d.allow_container_concurrency_zero)},
      {"container-name-template", Bind(SetString, &d.container_name_template)},
  };
}

KeyTable NetworkKeys(Network& n) {
  return {
      {"domain-template", Bind(SetString, &n.domain_template)},
      {"tag-template", Bind(SetString, &n.tag_template)},
      {"default-external-scheme", Bind(SetString, &n.default_external_scheme)},
      {"header-read-timeout", Bind(SetPositiveMillis, &n.header_read_timeout)},
  };
}

KeyTable GcKeys(Gc& g) {
  return {
      {"min-non-active-revisions", Bind(SetInt, &g.min_non_active_revisions)},
      {"max-non-active-revisions", Bind(SetIntOrDisabled, &g.max_non_active_revisions)},
      {"retain-since-create-time", Bind(SetSecondsOrDisabled, &g.retain_since_create_time)},
      {"retain-since-last-active-time",
       Bind(SetSecondsOrDisabled, &g.retain_since_last_active_time)},
  };
}

KeyTable DeploymentKeys(Deployment& d) {
  return {{"progress-deadline", Bind(SetSeconds, &d.progress_deadline)}};
}

// metrics.backend-destination (<= v1.18) and metrics-protocol (>= v1.19) say the same thing.
std::string SetMetricsBackend(bool* enabled, const std::string& t) {
  if (t == "prometheus") {
    *enabled = true;
  } else if (t == "none") {
    *enabled = false;
  } else {
    return Quoted(t) + " is not supported: ebb serves metrics as \"prometheus\" or \"none\"";
  }
  return "";
}

KeyTable ObservabilityKeys(Observability& o) {
  return {
      {"logging.enable-request-log", Bind(SetBool, &o.enable_request_log)},
      {"logging.request-log-template", Bind(SetString, &o.request_log_template)},
      {"metrics.backend-destination", Bind(SetMetricsBackend, &o.metrics_enabled)},
      {"metrics-protocol", Bind(SetMetricsBackend, &o.metrics_enabled)},
  };
}

KeyTable TracingKeys(Tracing& tr) {
  return {
      {"backend", Bind(SetString, &tr.backend)},
      {"zipkin-endpoint", Bind(SetString, &tr.zipkin_endpoint)},
      {"sample-rate", Bind(SetFloat, &tr.sample_rate)},
      {"debug", Bind(SetBool, &tr.debug)},
  };
}

std::string KnownKeys(const KeyTable& table) {
  std::string out;
  for (const auto& [key, parser] : table) out += (out.empty() ? "" : ", ") + key;
  return out;
}

std::string Where(const YAML::Mark& mark) {
  return "line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
}

void ReadKey(const std::string& field, const YAML::Node& value, const KeyParser& parse,
             Problems* problems) {
  if (!value.IsScalar()) {
    problems->Invalid(field, value.IsNull() ? "must not be empty"
                                            : "must be a single value, not a list or mapping");
    return;
  }
  std::string err = parse(value.Scalar());
  if (!err.empty()) problems->Invalid(field, err);
}

void ReadSection(const std::string& section, const YAML::Node& node, const KeyTable& table,
                 Problems* problems) {
  if (node.IsNull()) return;
  if (!node.IsMap()) {
    problems->Invalid(section, "must be a mapping of keys to values");
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key = it->first.Scalar();
    if (key.rfind('_', 0) == 0) continue;  // Knative's "_example" documentation block
    auto parser = table.find(key);
    if (parser == table.end()) {
      problems->Unknown(section + "." + key, "unknown key (known: " + KnownKeys(table) + ")");
      continue;
    }
    ReadKey(section + "." + key, it->second, parser->second, problems);
  }
}

// Either {domain: example.com} or Knative's ConfigMap shape {example.com: ""} where the value is
// a label selector and "" means "every route".
void ReadDomain(const YAML::Node& node, Domain* domain, Problems* problems) {
  if (node.IsNull()) return;
  if (!node.IsMap()) {
    problems->Invalid("domain", "must be a mapping, e.g. {domain: example.com}");
    return;
  }
  int defaults = 0;
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key = it->first.Scalar();
    YAML::Node value = it->second;  // a copy: it-> yields a temporary proxy
    if (key.rfind('_', 0) == 0) continue;
    bool empty_selector = value.IsNull() || (value.IsScalar() && value.Scalar().empty()) ||
                          (value.IsMap() && value.size() == 0);
    if (key == "domain") {
      if (!value.IsScalar() || value.Scalar().empty()) {
        problems->Invalid("domain.domain", "must be a domain name, e.g. example.com");
        continue;
      }
      domain->domain = value.Scalar();
      ++defaults;
    } else if (empty_selector) {
      domain->domain = key;
      ++defaults;
    } else {
      problems->Invalid("domain." + key,
                        "label-selector domains are not supported; give one default domain "
                        "with an empty selector");
    }
  }
  if (defaults > 1) problems->Invalid("domain", "more than one default domain is set");
}

void ReadConfig(const YAML::Node& root, Config* cfg, Problems* problems) {
  const std::map<std::string, KeyTable> tables = {
      {"autoscaler", AutoscalerKeys(cfg->autoscaler)},
      {"defaults", DefaultsKeys(cfg->defaults)},
      {"network", NetworkKeys(cfg->network)},
      {"gc", GcKeys(cfg->gc)},
      {"deployment", DeploymentKeys(cfg->deployment)},
      {"observability", ObservabilityKeys(cfg->observability)},
      {"tracing", TracingKeys(cfg->tracing)},
  };
  for (auto it = root.begin(); it != root.end(); ++it) {
    std::string section = it->first.Scalar();
    if (section == "domain") {
      ReadDomain(it->second, &cfg->domain, problems);
    } else if (auto table = tables.find(section); table != tables.end()) {
      ReadSection(section, it->second, table->second, problems);
    } else if (section.rfind('_', 0) != 0) {
      problems->Unknown(section,
                        "unknown section (known: autoscaler, defaults, deployment, "
                        "domain, gc, network, observability, tracing)");
    }
  }
}

Status ToStatus(const Problems& problems) {
  std::string message;
  for (const FieldError& e : problems.list()) {
    message += (message.empty() ? "" : "; ") + e.field + ": " + e.message;
  }
  return Status::Invalid("invalid config: " + message, problems.list());
}

}  // namespace

Result<Config> ParseConfig(std::string_view yaml_text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return Status(Code::kInvalid, "invalid config: " + Where(e.mark) + ": " + e.msg);
  }
  Config cfg;
  if (root.IsNull()) return cfg;
  if (!root.IsMap()) {
    return Status(Code::kInvalid, "invalid config: the top level must be a mapping of sections");
  }
  Problems problems;
  ReadConfig(root, &cfg, &problems);
  if (problems.empty()) internal::Validate(cfg, &problems);
  if (!problems.empty()) return ToStatus(problems);
  return cfg;
}

}  // namespace ebb::config
