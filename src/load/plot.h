// `ebb load --plot FILE.html`: one self-contained HTML page (inline SVG drawn by inline JS, no
// network fetches) with, in one chart, every hit's latency over time as points (OK and errors
// as two series, log latency axis) and, when known, the service's instance counts (desired and
// ready, step lines on a second axis).
//
// Series longer than `max_points` are thinned to the lowest and highest latency of each time
// slice, which keeps the outliers a reader looks for. The drawn SVG carries the counts it drew
// as attributes (data-ok-points, data-error-points, data-instance-points) and one <circle> per
// point (class "ok" or "err"), so a test can check the page from its DOM.
// Pure; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "load/instances.h"
#include "load/results.h"

namespace ebb::load {

struct PlotPoint {
  double seconds;  // since the attack started
  double latency_ms;
};

struct PlotSeries {
  std::vector<PlotPoint> ok;
  std::vector<PlotPoint> errors;
  std::uint64_t ok_total = 0;  // before thinning
  std::uint64_t error_total = 0;
};

PlotSeries BuildSeries(const ResultSet& results, std::int64_t origin_unix_ns, size_t max_points);

struct PlotInput {
  std::string title;     // "ebb load: GET http://… at 50/1s for 30s"
  std::string subtitle;  // e.g. the instance source
  PlotSeries series;
  std::vector<InstanceSample> instances;
};

std::string PlotHtml(const PlotInput& input);

}  // namespace ebb::load
