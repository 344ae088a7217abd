// Exposition: one scrape's worth of metric families, rendered in the Prometheus text
// exposition format (version 0.0.4, what `promtool check metrics` and Prometheus read).
//
// Collectors declare families (name, type, HELP text) and add samples to them in any order;
// Render() writes each family once, in the order it was first declared: its `# HELP` and
// `# TYPE` lines, then its samples. Label values and HELP texts are escaped here; names are
// the caller's constants and must match [a-zA-Z_:][a-zA-Z0-9_:]*.
//
// A histogram sample expands to `<name>_bucket{...,le="<bound>"}` lines (cumulative, ending
// with le="+Inf"), `<name>_sum` and `<name>_count`, from a HistogramSnapshot (histogram.h).
//
// Thread-safety: none; an Exposition is built and rendered by one scrape.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/histogram.h"

namespace ebb::metrics {

enum class MetricType { kCounter, kGauge, kHistogram, kUntyped };

// Label name → value, in the order they are written.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Exposition {
 public:
  // Declares family `name` (again: a no-op, the first HELP text stays). Declaring a name with
  // a second type is a programming error: the later samples are dropped.
  void Declare(std::string_view name, MetricType type, std::string_view help);

  // A counter, gauge or untyped sample of a declared family; undeclared names are dropped.
  void Add(std::string_view name, const Labels& labels, double value);
  // A histogram sample of a declared kHistogram family: bounds, counts and sum in `bounds`'s
  // unit.
  void AddHistogram(std::string_view name, const Labels& labels, const Bounds& bounds,
                    const HistogramSnapshot& snapshot);

  std::string Render() const;
  bool empty() const { return families_.empty(); }

 private:
  struct Family {
    std::string name;
    MetricType type;
    std::string help;
    std::string samples;  // rendered sample lines
  };
  Family* Find(std::string_view name, MetricType type);

  std::vector<Family> families_;                           // in declaration order
  std::map<std::string, std::size_t, std::less<>> index_;  // name → families_ position
};

// Text-format helpers, exposed for tests.
// A label value with \ " and newline escaped.
std::string EscapeLabelValue(std::string_view value);
// A HELP text with \ and newline escaped.
std::string EscapeHelp(std::string_view help);
// A sample value: integers without a fraction, others in the shortest form that reads back
// exactly, "+Inf", "-Inf" and "NaN".
std::string FormatValue(double value);

}  // namespace ebb::metrics
