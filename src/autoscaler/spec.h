// AutoscalerSpec: everything the KPA needs to know about one revision, resolved once from the
// revision's annotations and spec plus ebb's config (knative-spec.md §2.1-§2.3).
//
// ResolveSpec is pure. It does not validate ranges (src/api rejects bad annotations at
// admission); it only reports values it cannot read at all (a non-numeric min-scale, a metric
// or class the KPA does not implement) as kInvalid with the annotation's field path, so a bad
// stored object never crashes the autoscaler.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "autoscaler/timing.h"
#include "common/status.h"
#include "config/config.h"

namespace ebb::autoscaler {

inline constexpr char kKpaClass[] = "kpa.autoscaling.knative.dev";

enum class Metric { kConcurrency, kRps };
enum class Aggregation { kLinear, kWeightedExponential };

struct AutoscalerSpec {
  std::string autoscaler_class = kKpaClass;
  Metric metric = Metric::kConcurrency;
  std::int64_t container_concurrency = 0;  // spec.containerConcurrency; 0 = unlimited
  // §2.3: total_value is one instance's capacity (CC, the target annotation or the default);
  // target_value = max(0.01, total_value × target_utilization) is what the decider aims for.
  double total_value = 100;
  double target_utilization = 0.7;  // a fraction, not a percentage
  double target_value = 70;
  std::int32_t min_scale = 0;
  std::int32_t max_scale = 0;  // 0 = unbounded
  std::int32_t initial_scale = 1;
  std::int32_t activation_scale = 1;  // only values > 1 have an effect
  Seconds stable_window{60};
  Seconds panic_window{6};     // round(stable × panic-window-percentage / 100), at least 1 s
  double panic_threshold = 2;  // a fraction: panic-threshold-percentage / 100
  double max_scale_up_rate = 1000;
  double max_scale_down_rate = 2;
  double target_burst_capacity = 211;  // -1 = unlimited
  Seconds scale_down_delay{0};
  Seconds scale_to_zero_grace_period{30};
  Seconds scale_to_zero_pod_retention_period{0};
  bool enable_scale_to_zero = true;
  Aggregation aggregation = Aggregation::kLinear;
  // A revision still activating after this long is given up on and scaled to zero:
  // progress deadline (annotation serving.knative.dev/progress-deadline or
  // deployment.progress-deadline) + 30 s.
  Seconds activation_timeout{630};

  bool operator==(const AutoscalerSpec&) const = default;
};

// Reads `revision` (a serving.knative.dev/v1 Revision as JSON: metadata.annotations with the
// autoscaling.knative.dev/* keys, canonical names first then the legacy camelCase aliases, and
// spec.containerConcurrency) with defaults from `config`.
Result<AutoscalerSpec> ResolveSpec(const nlohmann::json& revision, const config::Config& config);

// The revision's panic window for a stable window and panic-window-percentage (§2.4).
Seconds PanicWindow(Seconds stable_window, double panic_window_percentage);

}  // namespace ebb::autoscaler
