#include "load/plot.h"

#include <algorithm>
#include <cstdio>

#include "load/report.h"

namespace ebb::load {
namespace {

// Keeps the lowest and highest latency of each of max_points / 2 equal time slices.
std::vector<PlotPoint> Thin(std::vector<PlotPoint> points, size_t max_points) {
  if (points.size() <= max_points || max_points < 2) return points;
  double t0 = points.front().seconds, t1 = points.back().seconds;
  size_t slices = max_points / 2;
  double width = std::max(1e-9, (t1 - t0) / static_cast<double>(slices));
  std::vector<PlotPoint> out;
  size_t i = 0;
  while (i < points.size()) {
    auto slice = static_cast<size_t>((points[i].seconds - t0) / width);
    size_t lo = i, hi = i;
    for (; i < points.size() && static_cast<size_t>((points[i].seconds - t0) / width) == slice;
         ++i) {
      if (points[i].latency_ms < points[lo].latency_ms) lo = i;
      if (points[i].latency_ms > points[hi].latency_ms) hi = i;
    }
    out.push_back(points[std::min(lo, hi)]);
    if (lo != hi) out.push_back(points[std::max(lo, hi)]);
  }
  return out;
}

std::string Number(const char* format, double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string PointsJson(const std::vector<PlotPoint>& points) {
  std::string out = "[";
  for (const PlotPoint& p : points) {
    if (out.size() > 1) out += ',';
    out += "[" + Number("%.4f", p.seconds) + "," + Number("%.4f", p.latency_ms) + "]";
  }
  return out + "]";
}

std::string InstancesJson(const std::vector<InstanceSample>& samples) {
  std::string out = "[";
  for (const InstanceSample& s : samples) {
    if (out.size() > 1) out += ',';
    out += "[" + Number("%.3f", static_cast<double>(s.at.count()) / 1e9) + "," +
           std::to_string(s.count.desired) + "," + std::to_string(s.count.ready) + "]";
  }
  return out + "]";
}

constexpr char kHead[] = R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ebb load plot</title>
<style>
  body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 16px;
         color: #222; background: #fff; }
  svg text { font-size: 13px; fill: #333; }
  svg .title { font-size: 18px; font-weight: 600; fill: #111; }
  svg .subtitle { font-size: 13px; fill: #666; }
  svg .grid { stroke: #e6e6e6; stroke-width: 1; }
  svg .axis { stroke: #555; stroke-width: 1; }
  svg circle.ok { fill: #2a9d48; fill-opacity: 0.55; }
  svg circle.err { fill: #d62728; fill-opacity: 0.8; }
  svg .desired { fill: none; stroke: #1f5fbf; stroke-width: 2; stroke-dasharray: 6 4; }
  svg .ready { fill: none; stroke: #7b2cbf; stroke-width: 2.5; }
</style>
</head>
<body>
<svg id="chart" xmlns="http://www.w3.org/2000/svg" width="1160" height="640"
     viewBox="0 0 1160 640"></svg>
<script id="ebb-data" type="application/json">
)HTML";

// Draws the chart from the JSON above into #chart.
constexpr char kScript[] = R"JS(
</script>
<script>
(function () {
  var d = JSON.parse(document.getElementById('ebb-data').textContent);
  var svg = document.getElementById('chart');
  document.title = d.title;
  var NS = 'http://www.w3.org/2000/svg';
  var W = 1160, H = 640, hasInst = d.instances.length > 0;
  var m = {l: 90, r: hasInst ? 80 : 30, t: 100, b: 60};
  var pw = W - m.l - m.r, ph = H - m.t - m.b;
  function el(name, attrs, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    svg.appendChild(e);
    return e;
  }
  var all = d.ok.concat(d.err);
  var tmax = 1;
  all.forEach(function (p) { tmax = Math.max(tmax, p[0]); });
  d.instances.forEach(function (s) { tmax = Math.max(tmax, s[0]); });
  var lmin = Infinity, lmax = 0;
  all.forEach(function (p) { lmin = Math.min(lmin, p[1]); lmax = Math.max(lmax, p[1]); });
  if (!isFinite(lmin)) { lmin = 1; lmax = 10; }
  var lo = Math.pow(10, Math.floor(Math.log10(Math.max(lmin, 0.001))));
  var hi = Math.pow(10, Math.ceil(Math.log10(Math.max(lmax, lo * 10))));
  if (hi <= lo) hi = lo * 10;
  function x(t) { return m.l + t / tmax * pw; }
  function y(v) {
    var f = (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
    return m.t + ph - f * ph;
  }
  function fmtLatency(v) {
    if (v >= 1000) return (v / 1000) + ' s';
    if (v >= 1) return v + ' ms';
    return (v * 1000).toFixed(0) + ' µs';
  }
  for (var v = lo; v <= hi * 1.0001; v *= 10) {
    el('line', {x1: m.l, x2: m.l + pw, y1: y(v), y2: y(v), 'class': 'grid'});
    el('text', {x: m.l - 8, y: y(v) + 4, 'text-anchor': 'end'}, fmtLatency(v));
  }
  var steps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
  var step = steps[steps.length - 1];
  for (var i = 0; i < steps.length; i++) { if (tmax / steps[i] <= 12) { step = steps[i]; break; } }
  for (var t = 0; t <= tmax + 1e-9; t += step) {
    el('line', {x1: x(t), x2: x(t), y1: m.t, y2: m.t + ph, 'class': 'grid'});
    el('text', {x: x(t), y: m.t + ph + 20, 'text-anchor': 'middle'}, +t.toFixed(1) + '');
  }
  el('line', {x1: m.l, x2: m.l + pw, y1: m.t + ph, y2: m.t + ph, 'class': 'axis'});
  el('line', {x1: m.l, x2: m.l, y1: m.t, y2: m.t + ph, 'class': 'axis'});
  el('text', {x: m.l + pw / 2, y: H - 14, 'text-anchor': 'middle'}, 'Time since start (s)');
  el('text', {x: 20, y: m.t + ph / 2, 'text-anchor': 'middle',
              transform: 'rotate(-90 20 ' + (m.t + ph / 2) + ')'}, 'Latency (log scale)');
  var imax = 1;
  d.instances.forEach(function (s) { imax = Math.max(imax, s[1], s[2]); });
  imax += 1;
  function yi(n) { return m.t + ph - n / imax * ph; }
  if (hasInst) {
    el('line', {x1: m.l + pw, x2: m.l + pw, y1: m.t, y2: m.t + ph, 'class': 'axis'});
    var istep = Math.max(1, Math.ceil(imax / 10));
    for (var n = 0; n <= imax; n += istep) {
      el('text', {x: m.l + pw + 8, y: yi(n) + 4}, n + '');
    }
    var xr = W - 18;
    el('text', {x: xr, y: m.t + ph / 2, 'text-anchor': 'middle',
                transform: 'rotate(90 ' + xr + ' ' + (m.t + ph / 2) + ')'}, 'Instances');
  }
  function stepPath(index) {
    var path = '';
    d.instances.forEach(function (s, k) {
      var px = x(s[0]), py = yi(s[index]);
      path += k === 0 ? 'M' + px + ' ' + py : 'H' + px + 'V' + py;
    });
    if (d.instances.length) path += 'H' + x(tmax);
    return path;
  }
  d.ok.forEach(function (p) { el('circle', {cx: x(p[0]), cy: y(p[1]), r: 2.2, 'class': 'ok'}); });
  d.err.forEach(function (p) { el('circle', {cx: x(p[0]), cy: y(p[1]), r: 2.6, 'class': 'err'}); });
  if (hasInst) {  // desired (dashed) over ready, so that both show where they are equal
    el('path', {d: stepPath(2), 'class': 'ready'});
    el('path', {d: stepPath(1), 'class': 'desired'});
  }
  var title = el('text', {x: m.l, y: 28, 'class': 'title'}, d.title);
  var room = W - m.l - 10, used = title.getComputedTextLength();
  if (used > room) title.setAttribute('style', 'font-size: ' + Math.floor(18 * room / used) + 'px');
  el('text', {x: m.l, y: 48, 'class': 'subtitle'}, d.subtitle);
  var legend = [['circle', 'ok', 'OK (' + d.okTotal + ')'],
                ['circle', 'err', 'Errors (' + d.errTotal + ')']];
  if (hasInst) {
    legend.push(['line', 'desired', 'Instances desired']);
    legend.push(['line', 'ready', 'Instances ready']);
  }
  var lx = m.l;
  legend.forEach(function (item) {
    if (item[0] === 'circle') el('circle', {cx: lx + 6, cy: 72, r: 5, 'class': item[1]});
    else el('path', {d: 'M' + lx + ' 72H' + (lx + 22), 'class': item[1]});
    el('text', {x: lx + 28, y: 76}, item[2]);
    lx += 40 + item[2].length * 7.5;
  });
  svg.setAttribute('data-ok-points', d.ok.length);
  svg.setAttribute('data-error-points', d.err.length);
  svg.setAttribute('data-instance-points', d.instances.length);
  svg.setAttribute('data-drawn', 'true');
})();
</script>
</body>
</html>
)JS";

}  // namespace

PlotSeries BuildSeries(const ResultSet& results, std::int64_t origin_unix_ns, size_t max_points) {
  PlotSeries series;
  std::vector<const HitResult*> sorted;
  for (const HitResult& r : results.results) sorted.push_back(&r);
  std::sort(sorted.begin(), sorted.end(), [](const HitResult* a, const HitResult* b) {
    return a->timestamp_ns < b->timestamp_ns;
  });
  for (const HitResult* r : sorted) {
    PlotPoint p{static_cast<double>(r->timestamp_ns - origin_unix_ns) / 1e9,
                static_cast<double>(r->latency_ns) / 1e6};
    (r->error == 0 ? series.ok : series.errors).push_back(p);
  }
  series.ok_total = series.ok.size();
  series.error_total = series.errors.size();
  series.ok = Thin(std::move(series.ok), max_points);
  series.errors = Thin(std::move(series.errors), max_points);
  return series;
}

std::string PlotHtml(const PlotInput& input) {
  std::string data =
      "{\"title\":" + GoJsonString(input.title) + ",\"subtitle\":" + GoJsonString(input.subtitle) +
      ",\"okTotal\":" + std::to_string(input.series.ok_total) +
      ",\"errTotal\":" + std::to_string(input.series.error_total) +
      ",\"ok\":" + PointsJson(input.series.ok) + ",\"err\":" + PointsJson(input.series.errors) +
      ",\"instances\":" + InstancesJson(input.instances) + "}";
  return kHead + data + kScript;
}

}  // namespace ebb::load
