#include "metrics/exposition.h"

#include <charconv>
#include <cmath>

namespace ebb::metrics {

namespace {

const char* TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
    case MetricType::kUntyped:
      break;
  }
  return "untyped";
}

// `{a="x",b="y"}` (nothing for no labels), with `extra` (e.g. le) last.
void AppendLabels(std::string& out, const Labels& labels, std::string_view extra_name = {},
                  std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  auto one = [&](std::string_view name, std::string_view value) {
    if (!first) out += ',';
    first = false;
    out.append(name).append("=\"").append(EscapeLabelValue(value)).append("\"");
  };
  for (const auto& [name, value] : labels) one(name, value);
  if (!extra_name.empty()) one(extra_name, extra_value);
  out += '}';
}

void AppendSample(std::string& out, std::string_view name, std::string_view suffix,
                  const Labels& labels, double value, std::string_view le = {}) {
  out.append(name).append(suffix);
  AppendLabels(out, labels, le.empty() ? std::string_view() : "le", le);
  out.append(" ").append(FormatValue(value)).append("\n");
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  // Integral values that a double holds exactly print without exponent or fraction.
  if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0) {
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(value));
    return std::string(buf, r.ptr);
  }
  // Fixed notation for ordinary magnitudes (le="0.0005", not "5e-04"; 1795657859.33, not
  // 1.79565785933e+09), still the shortest digits that read back exactly.
  double magnitude = std::fabs(value);
  auto format =
      magnitude >= 1e-4 && magnitude < 1e15 ? std::chars_format::fixed : std::chars_format::general;
  auto r = std::to_chars(buf, buf + sizeof buf, value, format);
  return std::string(buf, r.ptr);
}

void Exposition::Declare(std::string_view name, MetricType type, std::string_view help) {
  if (index_.find(name) != index_.end()) return;
  index_.emplace(std::string(name), families_.size());
  families_.push_back(Family{std::string(name), type, std::string(help), {}});
}

Exposition::Family* Exposition::Find(std::string_view name, MetricType type) {
  auto it = index_.find(name);
  if (it == index_.end()) return nullptr;
  Family& family = families_[it->second];
  bool histogram = type == MetricType::kHistogram;
  return (family.type == MetricType::kHistogram) == histogram ? &family : nullptr;
}

void Exposition::Add(std::string_view name, const Labels& labels, double value) {
  Family* family = Find(name, MetricType::kGauge);
  if (family == nullptr) return;
  AppendSample(family->samples, name, "", labels, value);
}

void Exposition::AddHistogram(std::string_view name, const Labels& labels, const Bounds& bounds,
                              const HistogramSnapshot& snapshot) {
  Family* family = Find(name, MetricType::kHistogram);
  if (family == nullptr) return;
  std::string& out = family->samples;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds.buckets(); ++i) {
    if (i < snapshot.counts.size()) cumulative += snapshot.counts[i];
    bool inf = i + 1 == bounds.buckets();
    AppendSample(out, name, "_bucket", labels, static_cast<double>(cumulative),
                 inf ? "+Inf" : FormatValue(bounds.upper(i)));
  }
  AppendSample(out, name, "_sum", labels, bounds.ToUnit(snapshot.sum_ns));
  AppendSample(out, name, "_count", labels, static_cast<double>(cumulative));
}

std::string Exposition::Render() const {
  std::string out;
  for (const Family& family : families_) {
    out.append("# HELP ").append(family.name).append(" ").append(EscapeHelp(family.help));
    out.append("\n# TYPE ").append(family.name).append(" ").append(TypeName(family.type));
    out.append("\n").append(family.samples);
  }
  return out;
}

}  // namespace ebb::metrics
