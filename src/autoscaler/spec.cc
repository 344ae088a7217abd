#include "autoscaler/spec.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace ebb::autoscaler {
namespace {

using nlohmann::json;

constexpr std::string_view kPrefix = "autoscaling.knative.dev/";
constexpr char kProgressDeadline[] = "serving.knative.dev/progress-deadline";
constexpr char kHpaClass[] = "hpa.autoscaling.knative.dev";
// Knative's RPS utilization is a constant, not a config key (§2.2).
constexpr double kRpsUtilization = 0.7;
constexpr double kTargetMin = 0.01;
constexpr Seconds kActivationTimeoutBuffer{30};

// Reads annotations by name (canonical spelling first, then the legacy aliases, as Knative's
// key-priority lookup) and collects every value it cannot parse.
class Annotations {
 public:
  explicit Annotations(const json& revision) {
    const json* meta = Child(revision, "metadata");
    map_ = meta ? Child(*meta, "annotations") : nullptr;
  }

  // The first present key of `names` with its string value.
  std::optional<std::pair<std::string, std::string>> Find(
      std::initializer_list<std::string_view> names) {
    if (!map_) return std::nullopt;
    for (std::string_view name : names) {
      std::string key = Key(name);
      auto it = map_->find(key);
      if (it == map_->end()) continue;
      if (it->is_string()) return std::make_pair(key, it->get<std::string>());
      Bad(key, "must be a string");
      return std::nullopt;
    }
    return std::nullopt;
  }

  void Float(std::initializer_list<std::string_view> names, double& field) {
    auto found = Find(names);
    if (!found) return;
    const std::string& text = found->second;
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
      return Bad(found->first, "not a number: \"" + text + "\"");
    }
    field = v;
  }

  void Int(std::initializer_list<std::string_view> names, std::int32_t& field) {
    auto found = Find(names);
    if (!found) return;
    const std::string& text = found->second;
    std::int32_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return Bad(found->first, "not an integer: \"" + text + "\"");
    }
    field = v;
  }

  void Duration(std::initializer_list<std::string_view> names, Seconds& field) {
    auto found = Find(names);
    if (!found) return;
    Seconds v;
    if (!config::ParseDuration(found->second, &v)) {
      return Bad(found->first, "not a duration in whole seconds: \"" + found->second + "\"");
    }
    field = v;
  }

  void Bad(const std::string& key, std::string message) {
    Invalid("metadata.annotations." + key, std::move(message));
  }

  void Invalid(std::string field, std::string message) {
    problems_.push_back({std::move(field), "FieldValueInvalid", std::move(message)});
  }

  const std::vector<FieldError>& problems() const { return problems_; }

  static const json* Child(const json& obj, const char* name) {
    if (!obj.is_object()) return nullptr;
    auto it = obj.find(name);
    return it == obj.end() || !it->is_object() ? nullptr : &*it;
  }

 private:
  // Names without a '/' are autoscaling.knative.dev/ keys.
  static std::string Key(std::string_view name) {
    if (name.find('/') != std::string_view::npos) return std::string(name);
    return std::string(kPrefix) + std::string(name);
  }

  const json* map_ = nullptr;
  std::vector<FieldError> problems_;
};

// container-concurrency-target-percentage: Knative reads values <= 1.0 as a fraction.
double ConfigUtilization(double percentage) {
  return percentage <= 1.0 ? percentage : percentage / 100;
}

void ResolveClassAndMetric(Annotations& ann, AutoscalerSpec& spec) {
  if (auto cls = ann.Find({"class"})) spec.autoscaler_class = cls->second;
  if (spec.autoscaler_class != kKpaClass) {
    return ann.Bad(std::string(kPrefix) + "class",
                   "autoscaler class \"" + spec.autoscaler_class + "\" is not supported by ebb" +
                       (spec.autoscaler_class == kHpaClass ? " (HPA needs Kubernetes)" : ""));
  }
  auto metric = ann.Find({"metric"});
  if (!metric || metric->second == "concurrency") return;
  if (metric->second == "rps") {
    spec.metric = Metric::kRps;
    return;
  }
  ann.Bad(metric->first, "the KPA scales on concurrency or rps, not \"" + metric->second + "\"");
}

void ReadContainerConcurrency(const json& revision, const config::Config& config, Annotations& ann,
                              AutoscalerSpec& spec) {
  spec.container_concurrency = config.defaults.container_concurrency;
  const json* rev_spec = Annotations::Child(revision, "spec");
  if (!rev_spec) return;
  auto it = rev_spec->find("containerConcurrency");
  if (it == rev_spec->end() || it->is_null()) return;
  if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
    ann.Invalid("spec.containerConcurrency", "must be a non-negative integer");
    return;
  }
  spec.container_concurrency = it->get<std::int64_t>();
}

// §2.3, target.go: the per-instance capacity and the target the decider aims for.
void ResolveTarget(const config::Config& config, Annotations& ann, AutoscalerSpec& spec) {
  const config::Autoscaler& as = config.autoscaler;
  double total = 0;
  if (spec.metric == Metric::kRps) {
    total = as.requests_per_second_target_default;
    spec.target_utilization = kRpsUtilization;
  } else {
    total = spec.container_concurrency > 0 ? static_cast<double>(spec.container_concurrency)
                                           : as.container_concurrency_target_default;
    spec.target_utilization = ConfigUtilization(as.container_concurrency_target_percentage);
  }
  double target = -1;
  ann.Float({"target"}, target);
  if (target >= 0) {
    total = target;
    if (spec.metric == Metric::kConcurrency && spec.container_concurrency > 0) {
      total = std::min(target, static_cast<double>(spec.container_concurrency));
    }
  }
  double utilization_percentage = -1;
  ann.Float({"target-utilization-percentage", "targetUtilizationPercentage"},
            utilization_percentage);
  if (utilization_percentage >= 0) spec.target_utilization = utilization_percentage / 100;
  spec.total_value = total;
  spec.target_value = std::max(kTargetMin, total * spec.target_utilization);
}

// resources.GetInitialScale: an annotation of 0 counts only when the config allows it.
void ResolveInitialScale(const config::Config& config, Annotations& ann, AutoscalerSpec& spec) {
  spec.initial_scale = static_cast<std::int32_t>(config.autoscaler.initial_scale);
  std::int32_t annotated = -1;
  ann.Int({"initial-scale", "initialScale"}, annotated);
  if (annotated < 0) return;
  if (annotated == 0 && !config.autoscaler.allow_zero_initial_scale) return;
  spec.initial_scale = annotated;
}

void ResolveScales(const config::Config& config, Annotations& ann, AutoscalerSpec& spec) {
  const config::Autoscaler& as = config.autoscaler;
  spec.min_scale = static_cast<std::int32_t>(as.min_scale);
  spec.max_scale = static_cast<std::int32_t>(as.max_scale);
  ann.Int({"min-scale", "minScale"}, spec.min_scale);
  ann.Int({"max-scale", "maxScale"}, spec.max_scale);
  ann.Int({"activation-scale"}, spec.activation_scale);
  ResolveInitialScale(config, ann, spec);
  spec.max_scale_up_rate = as.max_scale_up_rate;
  spec.max_scale_down_rate = as.max_scale_down_rate;
  spec.target_burst_capacity = as.target_burst_capacity;
  ann.Float({"target-burst-capacity", "targetBurstCapacity"}, spec.target_burst_capacity);
}

void ResolveWindows(const config::Config& config, Annotations& ann, AutoscalerSpec& spec) {
  const config::Autoscaler& as = config.autoscaler;
  spec.stable_window = as.stable_window;
  ann.Duration({"window"}, spec.stable_window);
  double panic_window_pct = as.panic_window_percentage;
  ann.Float({"panic-window-percentage", "panicWindowPercentage"}, panic_window_pct);
  spec.panic_window = PanicWindow(spec.stable_window, panic_window_pct);
  double panic_threshold_pct = as.panic_threshold_percentage;
  ann.Float({"panic-threshold-percentage", "panicThresholdPercentage"}, panic_threshold_pct);
  spec.panic_threshold = panic_threshold_pct / 100;
  auto algorithm = ann.Find({"metric-aggregation-algorithm", "metricAggregationAlgorithm"});
  if (!algorithm || algorithm->second == "linear") return;
  if (algorithm->second == "weighted-exponential" || algorithm->second == "weightedExponential") {
    spec.aggregation = Aggregation::kWeightedExponential;
    return;
  }
  ann.Bad(algorithm->first, "unknown aggregation algorithm \"" + algorithm->second + "\"");
}

void ResolveDelays(const config::Config& config, Annotations& ann, AutoscalerSpec& spec) {
  const config::Autoscaler& as = config.autoscaler;
  spec.enable_scale_to_zero = as.enable_scale_to_zero;
  spec.scale_to_zero_grace_period = as.scale_to_zero_grace_period;
  spec.scale_down_delay = as.scale_down_delay;
  ann.Duration({"scale-down-delay", "scaleDownDelay"}, spec.scale_down_delay);
  spec.scale_to_zero_pod_retention_period = as.scale_to_zero_pod_retention_period;
  ann.Duration({"scale-to-zero-pod-retention-period", "scaleToZeroPodRetentionPeriod"},
               spec.scale_to_zero_pod_retention_period);
  Seconds progress_deadline = config.deployment.progress_deadline;
  ann.Duration({kProgressDeadline}, progress_deadline);
  spec.activation_timeout = progress_deadline + kActivationTimeoutBuffer;
}

}  // namespace

Seconds PanicWindow(Seconds stable_window, double panic_window_percentage) {
  double seconds =
      std::round(static_cast<double>(stable_window.count()) * panic_window_percentage / 100);
  return std::max(Seconds(1), Seconds(static_cast<Seconds::rep>(seconds)));
}

Result<AutoscalerSpec> ResolveSpec(const json& revision, const config::Config& config) {
  AutoscalerSpec spec;
  Annotations ann(revision);
  ResolveClassAndMetric(ann, spec);
  ReadContainerConcurrency(revision, config, ann, spec);
  ResolveTarget(config, ann, spec);
  ResolveScales(config, ann, spec);
  ResolveWindows(config, ann, spec);
  ResolveDelays(config, ann, spec);
  if (!ann.problems().empty()) {
    return Status::Invalid("revision autoscaling settings cannot be resolved", ann.problems());
  }
  return spec;
}

}  // namespace ebb::autoscaler
