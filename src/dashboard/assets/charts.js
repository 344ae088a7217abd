// Time-series line charts drawn as plain SVG: axes with round ticks, a legend with the latest
// values, a hover cursor. No library and nothing fetched. The scale and formatting helpers are
// pure and tested with node (charts_test.js); LineChart needs a DOM.
'use strict';

const Charts = (() => {
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const MARGIN = {left: 52, right: 14, top: 12, bottom: 24};

  // A round step (1, 2 or 5 × 10^n) that cuts `span` into about `count` pieces.
  function niceStep(span, count) {
    if (!(span > 0)) return 1;
    const raw = span / Math.max(1, count);
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const norm = raw / mag;
    const mult = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10;
    return mult * mag;
  }

  // The y axis for values in [min, max]: {min, max, ticks}, starting at 0 for non-negative
  // data and never flat (an all-zero chart still shows 0..1).
  function yAxis(min, max, count) {
    if (!isFinite(min) || !isFinite(max)) [min, max] = [0, 1];
    if (min > 0) min = 0;
    if (max < 0) max = 0;
    if (max <= min) max = min + 1;
    const step = niceStep(max - min, count);
    const lo = Math.floor(min / step) * step;
    const hi = Math.ceil(max / step) * step;
    const ticks = [];
    for (let v = lo; v <= hi + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
    return {min: lo, max: hi, ticks};
  }

  const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map((s) => s * 1000);

  // Tick times (ms) at a round interval in [t0, t1], about `count` of them.
  function timeTicks(t0, t1, count) {
    const step =
      TIME_STEPS.find((s) => (t1 - t0) / s <= count) || TIME_STEPS[TIME_STEPS.length - 1];
    const out = [];
    for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) out.push(t);
    return out;
  }

  function pad2(n) {
    return String(n).padStart(2, '0');
  }

  function formatTime(ms) {
    const d = new Date(ms);
    return pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds());
  }

  function compact(v) {
    const a = Math.abs(v);
    if (a >= 1e9) return +(v / 1e9).toFixed(2) + 'G';
    if (a >= 1e6) return +(v / 1e6).toFixed(2) + 'M';
    if (a >= 1e4) return +(v / 1e3).toFixed(1) + 'k';
    if (a >= 100) return String(Math.round(v));
    if (a >= 10) return String(+v.toFixed(1));
    return String(+v.toFixed(2));
  }

  // A value with its unit, short: "12.5 ms", "1.2 s", "3.4/s", "0.5", "—" for no value.
  function formatValue(v, unit) {
    if (v === null || v === undefined || Number.isNaN(v)) return '—';
    if (unit === 'ms') return Math.abs(v) >= 1000 ? compact(v / 1000) + ' s' : compact(v) + ' ms';
    if (unit === 's') return Math.abs(v) < 1 ? compact(v * 1000) + ' ms' : compact(v) + ' s';
    if (unit === '/s') return compact(v) + '/s';
    if (unit === '%') return compact(v) + ' %';
    return compact(v);
  }

  // SVG path data for [[t, v], ...] under the scales x(t), y(v); a null or NaN value breaks the
  // line, and `step` draws a staircase (for 0/1 states and counts).
  function pathData(points, x, y, step) {
    let d = '';
    let pen = false;
    for (const [t, v] of points) {
      if (v === null || v === undefined || !isFinite(v)) {
        pen = false;
        continue;
      }
      const px = x(t).toFixed(1);
      const py = y(v).toFixed(1);
      if (!pen) d += 'M' + px + ',' + py;
      else if (step) d += 'H' + px + 'V' + py;
      else d += 'L' + px + ',' + py;
      pen = true;
    }
    return d;
  }

  function countPoints(series) {
    let n = 0;
    for (const s of series)
      for (const [, v] of s) if (v !== null && v !== undefined && isFinite(v)) n++;
    return n;
  }

  function lastValue(points) {
    for (let i = points.length - 1; i >= 0; i--) {
      const v = points[i][1];
      if (v !== null && v !== undefined && isFinite(v)) return v;
    }
    return null;
  }

  function el(name, attrs, parent) {
    const e = document.createElementNS(SVG_NS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  // A chart in `container` (a card's body). opts: {unit, series: [{label, color, legendOnly}],
  // step, (a legendOnly series shows its latest value in the legend but draws no line, for a
  // reference value on another scale, such as the target concurrency),
  // yMax (fixed top, e.g. 1 for 0/1 states), yFormat (tick label function)}.
  class LineChart {
    constructor(container, opts) {
      this.opts = opts;
      this.data = opts.series.map(() => []);
      this.range = [Date.now() - 60000, Date.now()];
      this.root = document.createElement('div');
      this.root.className = 'chart';
      this.svg = el('svg', {class: 'chart-svg', 'data-points': '0', 'data-series': '0'});
      this.root.appendChild(this.svg);
      this.tip = document.createElement('div');
      this.tip.className = 'chart-tip';
      this.root.appendChild(this.tip);
      this.legend = document.createElement('div');
      this.legend.className = 'chart-legend';
      this.root.appendChild(this.legend);
      container.appendChild(this.root);
      this.svg.addEventListener('mousemove', (e) => this.hover(e));
      this.svg.addEventListener('mouseleave', () => this.unhover());
    }

    // series: one [[t, v], ...] per opts.series entry; [t0, t1] the visible time range.
    set(series, t0, t1) {
      this.data = series;
      this.range = [t0, t1];
      this.render();
    }

    size() {
      return {
        w: Math.max(240, this.svg.clientWidth || 460),
        h: Math.max(120, this.svg.clientHeight || 180),
      };
    }

    scales(w, h) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const [i, s] of this.data.entries()) {
        if (this.opts.series[i] && this.opts.series[i].legendOnly) continue;
        for (const [, v] of s) {
          if (v === null || !isFinite(v)) continue;
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
      if (this.opts.yMax !== undefined) hi = Math.max(hi, this.opts.yMax);
      const axis = yAxis(lo, hi, 4);
      const [t0, t1] = this.range;
      const iw = w - MARGIN.left - MARGIN.right;
      const ih = h - MARGIN.top - MARGIN.bottom;
      const x = (t) => MARGIN.left + ((t - t0) / Math.max(1, t1 - t0)) * iw;
      const y = (v) => MARGIN.top + ih - ((v - axis.min) / (axis.max - axis.min)) * ih;
      return {axis, x, y, iw, ih};
    }

    render() {
      const {w, h} = this.size();
      const svg = this.svg;
      while (svg.firstChild) svg.removeChild(svg.firstChild);
      svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
      const sc = this.scales(w, h);
      this.sc = sc;
      this.drawGrid(sc, w);
      this.opts.series.forEach((s, i) => {
        if (s.legendOnly) return;
        const d = pathData(this.data[i] || [], sc.x, sc.y, this.opts.step);
        if (d) el('path', {d, class: 'line', stroke: s.color, 'data-series': s.label}, svg);
      });
      this.cursor = el(
        'line',
        {
          class: 'cursor',
          y1: MARGIN.top,
          y2: MARGIN.top + sc.ih,
          x1: 0,
          x2: 0,
          visibility: 'hidden',
        },
        svg,
      );
      svg.setAttribute('data-points', String(countPoints(this.data)));
      svg.setAttribute(
        'data-series',
        String(this.data.filter((s) => lastValue(s) !== null).length),
      );
      this.drawLegend();
    }

    drawGrid(sc, w) {
      const svg = this.svg;
      const fmt = this.opts.yFormat || ((v) => formatValue(v, this.opts.unit));
      for (const v of sc.axis.ticks) {
        const y = sc.y(v);
        el('line', {class: 'gl', x1: MARGIN.left, x2: w - MARGIN.right, y1: y, y2: y}, svg);
        el(
          'text',
          {class: 'tick', x: MARGIN.left - 6, y: y + 3, 'text-anchor': 'end'},
          svg,
        ).textContent = fmt(v);
      }
      const [t0, t1] = this.range;
      for (const t of timeTicks(t0, t1, 5)) {
        const x = sc.x(t);
        el('line', {class: 'gl gl-x', x1: x, x2: x, y1: MARGIN.top, y2: MARGIN.top + sc.ih}, svg);
        el(
          'text',
          {class: 'tick', x, y: MARGIN.top + sc.ih + 16, 'text-anchor': 'middle'},
          svg,
        ).textContent = formatTime(t);
      }
    }

    drawLegend() {
      const fmt = this.opts.yFormat || ((v) => formatValue(v, this.opts.unit));
      this.legend.innerHTML = '';
      this.opts.series.forEach((s, i) => {
        const item = document.createElement('span');
        item.className = 'legend-item' + (s.legendOnly ? ' legend-only' : '');
        const v = lastValue(this.data[i] || []);
        item.innerHTML = `<i style="background:${s.color}"></i>${s.label} <b></b>`;
        item.querySelector('b').textContent = v === null ? '—' : fmt(v);
        this.legend.appendChild(item);
      });
    }

    // The index of the sample nearest to the pointer, across series (they share timestamps).
    hover(e) {
      if (!this.sc) return;
      const rect = this.svg.getBoundingClientRect();
      const {w} = this.size();
      const px = ((e.clientX - rect.left) / rect.width) * w;
      let best = null;
      for (const s of this.data) {
        for (const [t] of s) {
          const d = Math.abs(this.sc.x(t) - px);
          if (best === null || d < best.d) best = {d, t};
        }
      }
      if (!best) return this.unhover();
      const x = this.sc.x(best.t);
      this.cursor.setAttribute('x1', x);
      this.cursor.setAttribute('x2', x);
      this.cursor.setAttribute('visibility', 'visible');
      const fmt = this.opts.yFormat || ((v) => formatValue(v, this.opts.unit));
      const rows = this.opts.series.map((s, i) => {
        const p = (this.data[i] || []).find(([t]) => t === best.t);
        return `<div><i style="background:${s.color}"></i>${s.label}<b>${p ? fmt(p[1]) : '—'}</b></div>`;
      });
      this.tip.innerHTML = `<div class="tip-time">${formatTime(best.t)}</div>` + rows.join('');
      this.tip.style.display = 'block';
      const left = (x / w) * rect.width;
      this.tip.style.left =
        (left > rect.width / 2 ? left - this.tip.offsetWidth - 12 : left + 12) + 'px';
    }

    unhover() {
      this.tip.style.display = 'none';
      if (this.cursor) this.cursor.setAttribute('visibility', 'hidden');
    }
  }

  return {
    niceStep,
    yAxis,
    timeTicks,
    formatTime,
    formatValue,
    pathData,
    countPoints,
    lastValue,
    LineChart,
  };
})();

if (typeof module !== 'undefined') module.exports = Charts;
