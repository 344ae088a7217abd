// The dashboard page: polls the admin endpoints, keeps the scrape history in the browser and
// draws, for the selected revision, Knative's "Revision HTTP Requests" and "Scaling Debugging"
// boards plus ebb's cold starts; then the overview tables, traces and instance logs.
//
// Rates and quantiles are computed as PromQL would over the chosen window:
//   rate(x[w]) = increase of x between the scrape w ago and now / elapsed seconds
//   histogram_quantile(q, sum by (le)(rate(x_bucket[w])))
'use strict';

(() => {
  const POLL_MS = 1000;
  const OVERVIEW_EVERY = 2; // polls
  const TRACES_EVERY = 2;
  const LOGS_EVERY = 3;
  const KEEP_MS = 16 * 60 * 1000;

  // The metric names ebb exposes on /metrics (src/metrics/README.md): Knative's legacy names
  // where one exists, ebb_* otherwise.
  const M = {
    requests: 'revision_request_count',
    latency: 'revision_request_latencies',
    inflight: 'revision_queue_depth',
    activatorConcurrency: 'activator_request_concurrency',
    desired: 'autoscaler_desired_pods',
    requested: 'autoscaler_requested_pods',
    actual: 'autoscaler_actual_pods',
    notReady: 'autoscaler_not_ready_pods',
    terminating: 'autoscaler_terminating_pods',
    panic: 'autoscaler_panic_mode',
    stable: 'autoscaler_stable_request_concurrency',
    panicConc: 'autoscaler_panic_request_concurrency',
    target: 'autoscaler_target_concurrency_per_pod',
    burst: 'autoscaler_excess_burst_capacity',
    queue: 'ebb_activator_queue_depth',
    queueWait: 'ebb_activator_queue_wait_seconds',
    restarts: 'ebb_instance_restarts_total',
    coldStart: 'ebb_cold_start_seconds',
    coldPhases: [
      'ebb_cold_start_spawn_seconds',
      'ebb_cold_start_ready_seconds',
      'ebb_cold_start_first_byte_seconds',
    ],
  };
  const KEEP_PREFIXES = ['revision_', 'autoscaler_', 'activator_', 'ebb_'];

  const C = {
    blue: '#3b6fd8',
    green: '#1f9d55',
    amber: '#d08a19',
    red: '#d64545',
    violet: '#8b5cf6',
    teal: '#1f9d8a',
    grey: '#8a94a6',
    pink: '#d94c8a',
  };

  const state = {
    scrapes: [], // [{t, samples}], oldest first
    overview: null,
    traces: [],
    traceId: null,
    spanId: null, // the span whose tags are shown
    revision: null, // "ns/name"
    pinned: false, // the user chose the revision
    pod: null, // "ns/name" of the instance whose log is shown
    podPinned: false, // the user chose it
    polls: 0,
    errors: {},
    rangeS: 300,
    windowS: 10,
  };

  const $ = (id) => document.getElementById(id);

  // ---- history -------------------------------------------------------------------------------

  function keepMetric(name) {
    return KEEP_PREFIXES.some((p) => name.startsWith(p));
  }

  function record(text) {
    const t = Date.now();
    state.scrapes.push({t, samples: Prom.parse(text, keepMetric)});
    while (state.scrapes.length && state.scrapes[0].t < t - KEEP_MS) state.scrapes.shift();
  }

  // A counter may be exposed with or without the _total suffix.
  function counterName(samples, base) {
    return samples.has(base) || !samples.has(base + '_total') ? base : base + '_total';
  }

  function selector() {
    if (!state.revision) return null;
    const [ns, name] = state.revision.split('/');
    return {namespace_name: ns, revision_name: name};
  }

  // For every scrape in the visible range: fn(older, newer, seconds) → value, where older is the
  // scrape one window before (or the oldest one, while history is shorter than the window).
  function windowed(fn) {
    const s = state.scrapes;
    const from = Date.now() - state.rangeS * 1000;
    const out = [];
    let j = 0;
    for (let i = 1; i < s.length; i++) {
      while (j + 1 < i && s[j + 1].t <= s[i].t - state.windowS * 1000) j++;
      if (s[i].t < from) continue;
      const secs = (s[i].t - s[j].t) / 1000;
      out.push([s[i].t, secs > 0 ? fn(s[j].samples, s[i].samples, secs) : null]);
    }
    return out;
  }

  // Series are computed once per render (the tiles reuse the charts' series); render() clears.
  const cache = new Map();
  function memo(key, fn) {
    if (!cache.has(key)) cache.set(key, fn());
    return cache.get(key);
  }

  function gauge(name, sel) {
    return memo('gauge ' + name, () => gaugeSeries(name, sel));
  }

  function gaugeSeries(name, sel) {
    const from = Date.now() - state.rangeS * 1000;
    return state.scrapes
      .filter((x) => x.t >= from)
      .map((x) => [x.t, Prom.sum(x.samples, name, sel)]);
  }

  function rateByClass(cls, sel) {
    return memo('rate ' + cls, () =>
      windowed((a, b, secs) => {
        const name = counterName(b, M.requests);
        if (!b.has(name)) return null;
        const m = Prom.increaseBy(a, b, name, sel, 'response_code_class');
        return (m.get(cls) || 0) / secs;
      }),
    );
  }

  function quantile(q, name, sel, scale) {
    return memo(`q ${q} ${name}`, () =>
      windowed((a, b) => {
        const v = Prom.histogramQuantile(q, Prom.bucketIncrease(a, b, name, sel));
        return Number.isNaN(v) ? null : v * (scale || 1);
      }),
    );
  }

  function coldStartCount(sel) {
    return windowed((a, b) => {
      if (!b.has(M.coldStart + '_count')) return null;
      return Prom.increase(a, b, M.coldStart + '_count', sel) || 0;
    });
  }

  // ---- charts --------------------------------------------------------------------------------

  // Mean of a histogram over the window (Δsum / Δcount), scaled; null without observations.
  function mean(name, sel, scale) {
    return windowed((a, b) => {
      const n = Prom.increase(a, b, name + '_count', sel);
      if (!n) return null;
      return (Prom.increase(a, b, name + '_sum', sel) / n) * (scale || 1);
    });
  }

  // [id, group, title, unit, series [{label, color}], fn(sel) → data per series, extra opts]
  const CHARTS = [
    [
      'requests',
      'http',
      'Request volume by response code class',
      '/s',
      [
        {label: '2xx', color: C.green},
        {label: '3xx', color: C.blue},
        {label: '4xx', color: C.amber},
        {label: '5xx', color: C.red},
      ],
      (sel) => ['2xx', '3xx', '4xx', '5xx'].map((c) => rateByClass(c, sel)),
    ],
    [
      'latency',
      'http',
      'Response time (p50 / p95 / p99)',
      'ms',
      [
        {label: 'p50', color: C.teal},
        {label: 'p95', color: C.amber},
        {label: 'p99', color: C.red},
      ],
      (sel) => [0.5, 0.95, 0.99].map((q) => quantile(q, M.latency, sel)),
    ],
    [
      'inflight',
      'http',
      'Requests in flight',
      '',
      [
        {label: 'in flight + queued', color: C.blue},
        {label: 'average concurrency (1 s)', color: C.violet},
      ],
      (sel) => [gauge(M.inflight, sel), gauge(M.activatorConcurrency, sel)],
    ],
    [
      'instances',
      'scaling',
      'Instances',
      '',
      [
        {label: 'desired', color: C.violet},
        {label: 'requested', color: C.grey},
        {label: 'ready', color: C.green},
        {label: 'not ready', color: C.amber},
        {label: 'terminating', color: C.red},
      ],
      (sel) => [
        gauge(M.desired, sel),
        gauge(M.requested, sel),
        gauge(M.actual, sel),
        gauge(M.notReady, sel),
        gauge(M.terminating, sel),
      ],
      {step: true},
    ],
    [
      'concurrency',
      'scaling',
      'Observed concurrency',
      '',
      [
        {label: 'stable window', color: C.blue},
        {label: 'panic window', color: C.pink},
        {label: 'target per instance', color: C.grey, legendOnly: true},
      ],
      (sel) => [gauge(M.stable, sel), gauge(M.panicConc, sel), gauge(M.target, sel)],
    ],
    [
      'panic',
      'scaling',
      'Panic mode',
      '',
      [{label: 'panic', color: C.red}],
      (sel) => [gauge(M.panic, sel)],
      {step: true, yMax: 1, yFormat: (v) => (v >= 1 ? 'on' : v <= 0 ? 'off' : '')},
    ],
    [
      'queue',
      'scaling',
      'Activator queue depth',
      '',
      [{label: 'parked requests', color: C.amber}],
      (sel) => [gauge(M.queue, sel)],
      {step: true},
    ],
    [
      'queue-wait',
      'scaling',
      'Activator queue wait (p50 / p95)',
      'ms',
      [
        {label: 'p50', color: C.teal},
        {label: 'p95', color: C.amber},
      ],
      (sel) => [0.5, 0.95].map((q) => quantile(q, M.queueWait, sel, 1000)),
    ],
    [
      'burst',
      'scaling',
      'Excess burst capacity',
      '',
      [{label: 'excess burst capacity', color: C.teal}],
      (sel) => [gauge(M.burst, sel)],
    ],
    [
      'coldstarts',
      'cold',
      'Cold starts and restarts (per window)',
      '',
      [
        {label: 'cold starts', color: C.violet},
        {label: 'restarts', color: C.red},
      ],
      (sel) => [
        coldStartCount(sel),
        windowed((a, b) => (b.has(M.restarts) ? Prom.increase(a, b, M.restarts, sel) || 0 : null)),
      ],
      {step: true},
    ],
    [
      'coldstart-latency',
      'cold',
      'Cold-start duration (p50 / p95)',
      'ms',
      [
        {label: 'p50', color: C.teal},
        {label: 'p95', color: C.red},
      ],
      (sel) => [0.5, 0.95].map((q) => quantile(q, M.coldStart, sel, 1000)),
    ],
    [
      'coldstart-phases',
      'cold',
      'Cold-start phases (mean)',
      'ms',
      [
        {label: 'spawn', color: C.grey},
        {label: 'ready', color: C.blue},
        {label: 'first byte', color: C.green},
      ],
      (sel) => M.coldPhases.map((name) => mean(name, sel, 1000)),
    ],
  ];

  const charts = {};

  function buildCharts() {
    for (const [id, group, title, unit, series, , opts] of CHARTS) {
      const card = Views.h(
        'div',
        {class: 'card', 'data-chart': id},
        Views.h('div', {class: 'card-title'}, title),
      );
      $('charts-' + group).appendChild(card);
      charts[id] = new Charts.LineChart(card, Object.assign({unit, series}, opts || {}));
    }
  }

  // The time axis: the chosen range, or less while the page has not seen that much (at least
  // a minute), so that a page opened a moment ago does not draw its data in a sliver.
  function timeRange() {
    const now = Date.now();
    const seen = state.scrapes.length ? state.scrapes[0].t : now;
    return [Math.min(now - 60000, Math.max(now - state.rangeS * 1000, seen)), now];
  }

  function drawCharts() {
    const sel = selector();
    const [t0, t1] = timeRange();
    for (const [id, , , , series, fn] of CHARTS) {
      const data = sel ? fn(sel) : series.map(() => []);
      charts[id].set(data, t0, t1);
    }
  }

  // ---- tiles ---------------------------------------------------------------------------------

  function latest(series) {
    return Charts.lastValue(series);
  }

  function tile(label, value, sub, tone) {
    return Views.h(
      'div',
      {class: 'tile' + (tone ? ' ' + tone : '')},
      Views.h('div', {class: 'tile-label'}, label),
      Views.h('div', {class: 'tile-value'}, value),
      Views.h('div', {class: 'tile-sub'}, sub || ''),
    );
  }

  function drawTiles() {
    const box = $('tiles');
    box.innerHTML = '';
    const sel = selector();
    if (!sel) return;
    const classes = ['2xx', '3xx', '4xx', '5xx'].map((c) => latest(rateByClass(c, sel)) || 0);
    const total = classes.reduce((a, b) => a + b, 0);
    const p95 = latest(quantile(0.95, M.latency, sel));
    const rev = revisionInfo();
    const panic = latest(gauge(M.panic, sel));
    const cold = coldStartsInRange(sel);
    box.append(
      tile('Requests', Charts.formatValue(total, '/s'), `over the last ${state.windowS}s`),
      tile(
        'Success rate',
        total > 0 ? Charts.formatValue((100 * (total - classes[3])) / total, '%') : '—',
        'non-5xx responses',
        total > 0 && classes[3] / total > 0.01 ? 'bad' : '',
      ),
      tile(
        'Latency p95',
        Charts.formatValue(p95, 'ms'),
        'p50 ' + Charts.formatValue(latest(quantile(0.5, M.latency, sel)), 'ms'),
      ),
      tile(
        'Instances',
        rev ? `${rev.readyInstances} / ${rev.instances}` : '—',
        rev ? `ready / running · desired ${rev.desiredReplicas ?? '—'}` : '',
      ),
      tile(
        'Concurrency',
        Charts.formatValue(latest(gauge(M.stable, sel)), ''),
        'target ' + Charts.formatValue(latest(gauge(M.target, sel)), '') + ' per instance',
      ),
      tile(
        'Cold starts',
        cold === null ? '—' : String(Math.round(cold)),
        `in the last ${state.rangeS / 60} min`,
      ),
      tile(
        'Mode',
        panic === null ? '—' : panic >= 1 ? 'Panic' : 'Stable',
        'autoscaler',
        panic >= 1 ? 'bad' : '',
      ),
    );
  }

  function coldStartsInRange(sel) {
    const s = state.scrapes;
    if (s.length < 2) return null;
    const from = Date.now() - state.rangeS * 1000;
    const first = s.find((x) => x.t >= from) || s[0];
    const last = s[s.length - 1];
    if (!last.samples.has(M.coldStart + '_count')) return null;
    return (
      Prom.increase(
        first === last ? s[0].samples : first.samples,
        last.samples,
        M.coldStart + '_count',
        sel,
      ) || 0
    );
  }

  // ---- revision selector ---------------------------------------------------------------------

  function revisionInfo() {
    if (!state.overview || !state.revision) return null;
    return (
      state.overview.revisions.find((r) => r.namespace + '/' + r.name === state.revision) || null
    );
  }

  // Revisions known to the overview, plus any the metrics still name (deleted ones, say).
  function knownRevisions() {
    const keys = new Map();
    for (const r of (state.overview && state.overview.revisions) || [])
      keys.set(r.namespace + '/' + r.name, r);
    const last = state.scrapes[state.scrapes.length - 1];
    if (last) {
      const name = counterName(last.samples, M.requests);
      for (const s of last.samples.get(name) || []) {
        const key = s.labels.namespace_name + '/' + s.labels.revision_name;
        if (s.labels.revision_name && !keys.has(key)) keys.set(key, null);
      }
    }
    return keys;
  }

  // Until the user picks one: the revision taking most traffic, then the newest.
  function defaultRevision(keys) {
    let best = null;
    for (const [key, r] of keys) {
      const score = r ? r.trafficPercent * 1e6 - r.ageSeconds : -1e12;
      if (!best || score > best.score) best = {key, score};
    }
    return best && best.key;
  }

  function drawSelector() {
    const keys = knownRevisions();
    if (!state.pinned || !keys.has(state.revision)) {
      const fromHash = new URLSearchParams(location.hash.slice(1)).get('rev');
      state.revision =
        fromHash && keys.has(fromHash) ? fromHash : defaultRevision(keys) || state.revision;
    }
    const select = $('revision-select');
    const wanted = Array.from(keys.keys());
    const have = Array.from(select.options).map((o) => o.value);
    if (wanted.join('|') !== have.join('|')) {
      select.innerHTML = '';
      for (const [key, r] of keys) {
        const label = key + (r ? ` · ${r.trafficPercent}%` : ' · deleted');
        select.appendChild(Views.h('option', {value: key}, label));
      }
    }
    if (state.revision) select.value = state.revision;
    const r = revisionInfo();
    $('revision-title').textContent = state.revision
      ? state.revision.split('/')[1]
      : 'No revision yet';
    $('revision-meta').innerHTML = '';
    if (r) {
      $('revision-meta').append(
        Views.badge(r.ready, r.ready === 'True' ? 'Ready' : r.reason || r.ready, r.message),
        Views.h(
          'span',
          {class: 'meta'},
          `service ${r.service || '—'} · namespace ${r.namespace} · traffic ${r.trafficPercent}% · image ${r.image || '—'}`,
        ),
      );
    }
  }

  function selectRevision(key) {
    state.revision = key;
    state.pinned = true;
    history.replaceState(null, '', '#rev=' + encodeURIComponent(key).replace('%2F', '/'));
    render();
  }

  // ---- overview, traces, logs ----------------------------------------------------------------

  function drawOverview() {
    const o = state.overview;
    if (!o) return;
    // replaceChildren in one step keeps the page's scroll position (no empty intermediate).
    const replace = (id, node) => $(id).replaceChildren(node);
    replace('services', Views.servicesTable(o.services));
    replace('revisions', Views.revisionsTable(o.revisions, state.revision, selectRevision));
    replace('instances', Views.instancesTable(o.instances, showLogs));
    const ready = o.instances.filter((i) => i.ready).length;
    $('overview-summary').textContent =
      `${o.services.length} services · ${o.revisions.length} revisions · ${ready}/${o.instances.length} instances ready`;
    drawPodSelect();
  }

  function drawTraces() {
    const list = $('trace-list');
    list.setAttribute('data-traces', String(state.traces.length));
    const shown = state.traces.slice(0, 40);
    if (!state.traces.find((t) => t.traceId === state.traceId))
      state.traceId = shown.length ? shown[0].traceId : null;
    list.replaceChildren(
      Views.traceList(shown, state.traceId, (id) => {
        state.traceId = id;
        drawTraces();
      }),
    );
    const trace = state.traces.find((t) => t.traceId === state.traceId);
    const timeline = $('trace-timeline');
    if (trace) {
      Traces.renderTimeline(timeline, trace, $('span-details'), state.spanId, (id) => {
        state.spanId = id;
      });
      $('trace-title').textContent = 'Trace ' + trace.traceId;
    } else {
      timeline.setAttribute('data-spans', '0');
      timeline.innerHTML = '';
      timeline.appendChild(
        Views.h(
          'div',
          {class: 'empty'},
          state.errors.traces || 'Send a request through the gateway to see its trace here.',
        ),
      );
      $('span-details').innerHTML = '';
      $('trace-title').textContent = 'Trace';
    }
  }

  function drawPodSelect() {
    const select = $('pod-select');
    const pods = (state.overview && state.overview.instances) || [];
    const wanted = pods.map((p) => p.namespace + '/' + p.name);
    // A pod the user picked stays listed after it is gone (its last log is still of interest
    // until it answers 404); otherwise follow the first running one.
    if (state.pod && !wanted.includes(state.pod)) {
      if (state.podPinned) wanted.unshift(state.pod);
      else state.pod = null;
    }
    if (!state.pod && wanted.length) state.pod = wanted[0];
    const have = Array.from(select.options).map((o) => o.value);
    if (wanted.join('|') !== have.join('|')) {
      select.innerHTML = '';
      for (const key of wanted) select.appendChild(Views.h('option', {value: key}, key));
    }
    if (state.pod) select.value = state.pod;
  }

  function showLogs(instance) {
    state.pod = instance.namespace + '/' + instance.name;
    state.podPinned = true;
    drawPodSelect();
    fetchLogs();
    $('logs').scrollIntoView({behavior: 'smooth'});
  }

  async function fetchLogs() {
    const out = $('log-output');
    if (!state.pod) {
      out.textContent = 'No instance running: logs are kept while an instance exists.';
      return;
    }
    const [ns, name] = state.pod.split('/');
    const q = new URLSearchParams({namespace: ns, pod: name, tail: $('tail-select').value});
    try {
      const res = await fetch('/api/logs?' + q);
      const body = await res.text();
      const atBottom = out.scrollTop + out.clientHeight >= out.scrollHeight - 8;
      out.textContent = res.ok ? body || '(no output yet)' : `${res.status}: ${body}`;
      out.setAttribute('data-lines', String(res.ok ? body.split('\n').filter(Boolean).length : 0));
      if (atBottom) out.scrollTop = out.scrollHeight;
    } catch (e) {
      out.textContent = 'cannot fetch logs: ' + e;
    }
  }

  // ---- polling -------------------------------------------------------------------------------

  async function fetchText(path) {
    const res = await fetch(path, {cache: 'no-store'});
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res.text();
  }

  async function pollMetrics() {
    try {
      record(await fetchText('/metrics'));
      delete state.errors.metrics;
    } catch (e) {
      state.errors.metrics = String(e.message || e);
    }
  }

  async function pollOverview() {
    try {
      state.overview = JSON.parse(await fetchText('/api/overview'));
      delete state.errors.overview;
    } catch (e) {
      state.errors.overview = String(e.message || e);
    }
  }

  async function pollTraces() {
    try {
      state.traces = Traces.normalize(JSON.parse(await fetchText('/api/traces?limit=50')));
      delete state.errors.traces;
    } catch (e) {
      state.errors.traces =
        'Traces unavailable (' +
        (e.message || e) +
        '). Enable tracing in the config to record them.';
    }
  }

  async function poll() {
    const n = state.polls++;
    const work = [pollMetrics()];
    if (n % OVERVIEW_EVERY === 0) work.push(pollOverview());
    if (n % TRACES_EVERY === 0) work.push(pollTraces().then(drawTraces));
    if (n % LOGS_EVERY === 0 && $('follow').checked) work.push(fetchLogs());
    await Promise.all(work);
    render();
    setTimeout(poll, POLL_MS);
  }

  function drawStatus() {
    const errors = Object.values(state.errors);
    const live = $('live');
    live.className = 'live ' + (errors.length ? 'down' : 'up');
    live.title = errors.join('\n');
    live.querySelector('span').textContent = errors.length
      ? errors[0]
      : 'live · ' + Charts.formatTime(Date.now());
    document.body.setAttribute('data-scrapes', String(state.scrapes.length));
  }

  function render() {
    cache.clear();
    drawSelector();
    drawTiles();
    drawCharts();
    drawOverview();
    drawStatus();
  }

  function init() {
    buildCharts();
    $('revision-select').addEventListener('change', (e) => selectRevision(e.target.value));
    $('range-select').addEventListener('change', (e) => {
      state.rangeS = Number(e.target.value);
      render();
    });
    $('window-select').addEventListener('change', (e) => {
      state.windowS = Number(e.target.value);
      render();
    });
    $('pod-select').addEventListener('change', (e) => {
      state.pod = e.target.value;
      state.podPinned = true;
      fetchLogs();
    });
    $('tail-select').addEventListener('change', fetchLogs);
    $('refresh-logs').addEventListener('click', fetchLogs);
    window.addEventListener('resize', drawCharts);
    poll();
  }

  init();
})();
