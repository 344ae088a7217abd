// autoscaling.knative.dev/* annotations on a revision template (knative-spec.md §2.1,
// pkg/apis/autoscaling/annotation_validation.go). Keys are looked up by their current name
// first, then the legacy camelCase alias; setting both is refused.
#include <charconv>
#include <chrono>
#include <climits>
#include <optional>
#include <sstream>

#include "api/validation_internal.h"

namespace ebb::api::internal {
namespace {

constexpr char kKpa[] = "kpa.autoscaling.knative.dev";
constexpr char kHpa[] = "hpa.autoscaling.knative.dev";
constexpr std::int64_t kWindowMin = 6, kWindowMax = 3600;  // seconds

// An annotation name without the "autoscaling.knative.dev/" prefix, and its legacy alias.
struct Key {
  const char* name;
  const char* alias;
};

constexpr Key kClass{"class", nullptr};
constexpr Key kMetric{"metric", nullptr};
constexpr Key kTarget{"target", nullptr};
constexpr Key kUtilization{"target-utilization-percentage", "targetUtilizationPercentage"};
constexpr Key kBurst{"target-burst-capacity", "targetBurstCapacity"};
constexpr Key kMinScale{"min-scale", "minScale"};
constexpr Key kMaxScale{"max-scale", "maxScale"};
constexpr Key kInitialScale{"initial-scale", "initialScale"};
constexpr Key kActivationScale{"activation-scale", nullptr};
constexpr Key kScaleDownDelay{"scale-down-delay", "scaleDownDelay"};
constexpr Key kWindow{"window", nullptr};
constexpr Key kPanicWindow{"panic-window-percentage", "panicWindowPercentage"};
constexpr Key kPanicThreshold{"panic-threshold-percentage", "panicThresholdPercentage"};
constexpr Key kRetention{"scale-to-zero-pod-retention-period", "scaleToZeroPodRetentionPeriod"};
constexpr Key kAlgorithm{"metric-aggregation-algorithm", "metricAggregationAlgorithm"};

constexpr Key kAllKeys[] = {kClass,           kMetric,         kTarget,   kUtilization,
                            kBurst,           kMinScale,       kMaxScale, kInitialScale,
                            kActivationScale, kScaleDownDelay, kWindow,   kPanicWindow,
                            kPanicThreshold,  kRetention,      kAlgorithm};

std::string Full(const char* name) { return std::string(kAutoscalingPrefix) + name; }

// A present annotation: its full key, value and field path.
struct Found {
  std::string key;
  std::string value;
  std::string field;
};

class Annotations {
 public:
  Annotations(const json& annotations, const std::string& path, Errors* errs)
      : map_(annotations), path_(path), errs_(errs) {}

  std::optional<Found> Get(const Key& key) const {
    for (const char* name : {key.name, key.alias}) {
      if (name == nullptr) continue;
      const json* v = Member(map_, Full(name));
      if (v != nullptr && v->is_string()) {
        return Found{Full(name), v->get<std::string>(), Child(path_, Full(name))};
      }
    }
    return std::nullopt;
  }

  const std::string& path() const { return path_; }
  const json& map() const { return map_; }
  Errors* errs() const { return errs_; }

 private:
  const json& map_;
  std::string path_;
  Errors* errs_;
};

std::optional<std::int64_t> ParseInt(const std::string& s) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> ParseFloat(const std::string& s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string Num(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

std::string Bounds(const std::string& low, const std::string& value, const std::string& high) {
  return "expected " + low + " <= " + value + " <= " + high;
}

// min-scale / max-scale / initial-scale style: an int32 >= 0. Returns 0 when absent or bad.
std::int64_t IntAtLeastZero(const Annotations& a, const Key& key) {
  std::optional<Found> f = a.Get(key);
  if (!f) return 0;
  std::optional<std::int64_t> v = ParseInt(f->value);
  if (!v) {
    a.errs()->Invalid(f->field, "\"" + f->value + "\" is not an integer");
    return 0;
  }
  if (*v < 0 || *v > INT32_MAX) {
    a.errs()->Invalid(f->field, Bounds("0", f->value, std::to_string(INT32_MAX)));
    return 0;
  }
  return *v;
}

void ValidateClass(const Annotations& a) {
  std::optional<Found> f = a.Get(kClass);
  if (f && f->value.ends_with(".knative.dev") && f->value != kKpa && f->value != kHpa) {
    a.errs()->NotSupported(f->field, "supported values: \"" + std::string(kKpa) + "\", \"" + kHpa +
                                         "\", or a class outside knative.dev");
  }
}

void ValidateMaxScaleLimit(const Annotations& a, std::int64_t max, std::int64_t limit) {
  std::optional<Found> f = a.Get(kMaxScale);
  if (!f || limit <= 0) return;
  if (max > limit) {
    a.errs()->Invalid(f->field, Bounds("1", std::to_string(max), std::to_string(limit)));
  } else if (max == 0) {
    a.errs()->Invalid(f->field, "max-scale=0 (unlimited) is not allowed: max-scale-limit is " +
                                    std::to_string(limit));
  }
}

void ValidateActivationScale(const Annotations& a, std::int64_t min, std::int64_t max) {
  std::optional<Found> f = a.Get(kActivationScale);
  if (!f) return;
  std::optional<std::int64_t> v = ParseInt(f->value);
  std::string at = "activation-scale=" + f->value;
  if (!v) {
    a.errs()->Invalid(f->field, "\"" + f->value + "\" is not an integer");
  } else if (*v < 2) {
    a.errs()->Invalid(f->field, at + " must be greater than 1");
  } else if (*v < min) {
    a.errs()->Invalid(f->field, "min-scale=" + std::to_string(min) + " is greater than " + at);
  } else if (max != 0 && *v > max) {
    a.errs()->Invalid(f->field, "max-scale=" + std::to_string(max) + " is less than " + at);
  }
}

void ValidateScales(const Annotations& a, const config::Autoscaler& cfg) {
  std::int64_t min = IntAtLeastZero(a, kMinScale);
  std::int64_t max = IntAtLeastZero(a, kMaxScale);
  if (max != 0 && max < min) {
    a.errs()->Invalid(
        a.Get(kMaxScale)->field,
        "max-scale=" + std::to_string(max) + " is less than min-scale=" + std::to_string(min));
  }
  ValidateMaxScaleLimit(a, max, cfg.max_scale_limit);
  ValidateActivationScale(a, min, max);
  std::optional<Found> init = a.Get(kInitialScale);
  if (!init) return;
  std::optional<std::int64_t> v = ParseInt(init->value);
  if (!v || *v < 0 || *v > INT32_MAX) {
    a.errs()->Invalid(init->field, "\"" + init->value + "\" must be an integer >= 0");
  } else if (*v == 0 && !cfg.allow_zero_initial_scale) {
    a.errs()->Invalid(init->field,
                      "initial-scale=0 is not allowed by the cluster "
                      "(autoscaler.allow-zero-initial-scale is false)");
  }
}

// A float annotation within [low, high].
void ValidateFloatRange(const Annotations& a, const Key& key, double low, double high) {
  std::optional<Found> f = a.Get(key);
  if (!f) return;
  std::optional<double> v = ParseFloat(f->value);
  if (!v) {
    a.errs()->Invalid(f->field, "\"" + f->value + "\" is not a number");
  } else if (*v < low || *v > high) {
    a.errs()->Invalid(f->field, Bounds(Num(low), f->value, Num(high)));
  }
}

void ValidateFloats(const Annotations& a) {
  ValidateFloatRange(a, kPanicWindow, 1, 100);
  ValidateFloatRange(a, kPanicThreshold, 110, 1000);
  ValidateFloatRange(a, kUtilization, 1, 100);
  if (std::optional<Found> f = a.Get(kTarget)) {
    std::optional<double> v = ParseFloat(f->value);
    if (!v) {
      a.errs()->Invalid(f->field, "\"" + f->value + "\" is not a number");
    } else if (*v < 0.01) {
      a.errs()->Invalid(f->field, "target " + f->value + " should be at least 0.01");
    }
  }
  if (std::optional<Found> f = a.Get(kBurst)) {
    std::optional<double> v = ParseFloat(f->value);
    if (!v || (*v < 0 && *v != -1)) {
      a.errs()->Invalid(f->field, "\"" + f->value + "\" must be a number >= 0, or -1 (unlimited)");
    }
  }
}

// A duration annotation within [low, high] seconds, optionally at whole-second precision.
void ValidateDuration(const Annotations& a, const Key& key, std::int64_t low, std::int64_t high,
                      bool whole_seconds) {
  std::optional<Found> f = a.Get(key);
  if (!f) return;
  std::chrono::nanoseconds d;
  if (!config::ParseGoDuration(f->value, &d)) {
    a.errs()->Invalid(f->field, "\"" + f->value + "\" is not a duration (e.g. \"30s\", \"5m\")");
  } else if (d < std::chrono::seconds(low) || d > std::chrono::seconds(high)) {
    a.errs()->Invalid(f->field,
                      Bounds(config::FormatGoDuration(std::chrono::seconds(low)), f->value,
                             config::FormatGoDuration(std::chrono::seconds(high))));
  } else if (whole_seconds && d.count() % 1'000'000'000 != 0) {
    a.errs()->Invalid(f->field, "must be specified with at most second precision");
  }
}

// The class in effect: the annotation, else KPA (ebb's only autoscaler).
std::string EffectiveClass(const Annotations& a) {
  std::optional<Found> f = a.Get(kClass);
  return f ? f->value : kKpa;
}

void ValidateMetric(const Annotations& a) {
  std::optional<Found> f = a.Get(kMetric);
  if (!f) return;
  std::string cls = EffectiveClass(a);
  if (cls == kKpa && f->value != "concurrency" && f->value != "rps") {
    a.errs()->NotSupported(f->field, "supported values: \"concurrency\", \"rps\"");
  } else if (cls == kHpa && f->value.empty()) {
    a.errs()->NotSupported(f->field, "supported values: \"cpu\", \"memory\", or a custom metric");
  }
}

void ValidateAlgorithm(const Annotations& a) {
  std::optional<Found> f = a.Get(kAlgorithm);
  if (!f || EffectiveClass(a) != kKpa) return;
  if (f->value != "linear" && f->value != "weighted-exponential" &&
      f->value != "weightedExponential") {
    a.errs()->NotSupported(f->field, "supported values: \"linear\", \"weighted-exponential\"");
  }
}

bool IsKnownKey(std::string_view name) {
  for (const Key& k : kAllKeys) {
    if (name == k.name || (k.alias != nullptr && name == k.alias)) return true;
  }
  return false;
}

std::string KnownKeys() {
  std::string out;
  for (const Key& k : kAllKeys) out += (out.empty() ? "" : ", ") + std::string(k.name);
  return out;
}

// Typos ("minscale") and a key given twice under both spellings are caught here; only for the
// KPA, because other autoscaler classes may define their own annotations.
void ValidateKeys(const Annotations& a) {
  for (const Key& k : kAllKeys) {
    const json* alias = k.alias != nullptr ? Member(a.map(), Full(k.alias)) : nullptr;
    if (alias != nullptr && Member(a.map(), Full(k.name)) != nullptr) {
      a.errs()->Duplicate(Child(a.path(), Full(k.alias)),
                          "duplicates \"" + Full(k.name) + "\"; set only one of them");
    }
  }
  if (EffectiveClass(a) != kKpa) return;
  for (const auto& [key, value] : a.map().items()) {
    if (!key.starts_with(kAutoscalingPrefix)) continue;
    if (!IsKnownKey(std::string_view(key).substr(sizeof(kAutoscalingPrefix) - 1))) {
      a.errs()->NotSupported(Child(a.path(), key),
                             "unknown autoscaling annotation; supported: " + KnownKeys());
    }
  }
}

}  // namespace

void ValidateAutoscalingAnnotations(const json& annotations, const std::string& path,
                                    const config::Autoscaler& cfg, Errors* errs) {
  if (!annotations.is_object()) return;
  Annotations a(annotations, path, errs);
  ValidateKeys(a);
  ValidateClass(a);
  ValidateScales(a, cfg);
  ValidateFloats(a);
  ValidateDuration(a, kWindow, kWindowMin, kWindowMax, true);
  ValidateDuration(a, kRetention, 0, kWindowMax, false);
  ValidateDuration(a, kScaleDownDelay, 0, kWindowMax, true);
  ValidateMetric(a);
  ValidateAlgorithm(a);
}

}  // namespace ebb::api::internal
