// node --test: chart scales and formatting, and the trace timeline layout.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const Charts = require('./charts.js');
const Traces = require('./traces.js');

test('niceStep picks 1, 2 or 5 × 10^n', () => {
  assert.equal(Charts.niceStep(10, 4), 5);
  assert.equal(Charts.niceStep(100, 4), 50);
  assert.equal(Charts.niceStep(7, 4), 2);
  assert.equal(Charts.niceStep(0.3, 4), 0.1);
  assert.equal(Charts.niceStep(0, 4), 1);
});

test('yAxis starts at zero for positive data and is never flat', () => {
  assert.deepEqual(Charts.yAxis(3, 17, 4), {min: 0, max: 20, ticks: [0, 5, 10, 15, 20]});
  assert.deepEqual(Charts.yAxis(0, 0, 4).ticks, [0, 0.5, 1]);
  assert.deepEqual(Charts.yAxis(Infinity, -Infinity, 4).max, 1);
  const neg = Charts.yAxis(-3, 3, 4);
  assert.ok(neg.min <= -3 && neg.max >= 3);
  // All-negative data (excess burst capacity) keeps zero in view, with round ticks.
  assert.deepEqual(Charts.yAxis(-113, -111, 4), {min: -150, max: 0, ticks: [-150, -100, -50, 0]});
});

test('timeTicks are round and inside the range', () => {
  const t0 = 1_700_000_003_000;
  const ticks = Charts.timeTicks(t0, t0 + 300_000, 5);
  assert.ok(ticks.length >= 4 && ticks.length <= 6, String(ticks.length));
  for (const t of ticks) {
    assert.ok(t >= t0 && t <= t0 + 300_000);
    assert.equal(t % 60_000, 0);
  }
});

test('formatValue', () => {
  assert.equal(Charts.formatValue(12.345, 'ms'), '12.3 ms');
  assert.equal(Charts.formatValue(1500, 'ms'), '1.5 s');
  assert.equal(Charts.formatValue(0.25, 's'), '250 ms');
  assert.equal(Charts.formatValue(3.14159, '/s'), '3.14/s');
  assert.equal(Charts.formatValue(25000, ''), '25k');
  assert.equal(Charts.formatValue(null, 'ms'), '—');
  assert.equal(Charts.formatValue(NaN, ''), '—');
});

test('pathData breaks at gaps and draws steps', () => {
  const x = (t) => t;
  const y = (v) => 100 - v;
  assert.equal(
    Charts.pathData(
      [
        [0, 0],
        [10, 50],
        [20, null],
        [30, 10],
      ],
      x,
      y,
      false,
    ),
    'M0.0,100.0L10.0,50.0M30.0,90.0',
  );
  assert.equal(
    Charts.pathData(
      [
        [0, 0],
        [10, 1],
      ],
      x,
      y,
      true,
    ),
    'M0.0,100.0H10.0V99.0',
  );
  assert.equal(Charts.pathData([], x, y, false), '');
  assert.equal(
    Charts.countPoints([
      [
        [0, 1],
        [1, null],
      ],
      [
        [0, NaN],
        [1, 2],
      ],
    ]),
    2,
  );
  assert.equal(
    Charts.lastValue([
      [0, 1],
      [1, 2],
      [2, null],
    ]),
    2,
  );
});

const SPANS = [
  {
    traceId: 't1',
    id: 'c',
    parentId: 'b',
    name: 'proxy',
    timestamp: 1_000_300,
    duration: 500,
    localEndpoint: {serviceName: 'ebb-gateway'},
  },
  {
    traceId: 't1',
    id: 'a',
    name: 'gateway',
    timestamp: 1_000_000,
    duration: 1000,
    localEndpoint: {serviceName: 'ebb-gateway'},
    tags: {'http.status_code': '200'},
  },
  {
    traceId: 't1',
    id: 'b',
    parentId: 'a',
    name: 'activator_wait',
    timestamp: 1_000_100,
    duration: 150,
  },
  {traceId: 't1', id: 'd', parentId: 'a', name: 'early', timestamp: 1_000_050, duration: 10},
];

test('layout nests by parentId depth-first, siblings by time, offsets from the start', () => {
  const l = Traces.layout(SPANS);
  assert.equal(l.start, 1_000_000);
  assert.equal(l.duration, 1000);
  assert.deepEqual(
    l.rows.map((r) => [r.span.id, r.depth, r.offset]),
    [
      ['a', 0, 0],
      ['d', 1, 50],
      ['b', 1, 100],
      ['c', 2, 300],
    ],
  );
});

test('layout survives orphans and cycles', () => {
  const l = Traces.layout([
    {id: 'x', parentId: 'y', timestamp: 5, duration: 1},
    {id: 'y', parentId: 'x', timestamp: 6, duration: 1},
    {id: 'z', parentId: 'missing', timestamp: 7, duration: 1},
  ]);
  assert.equal(l.rows.length, 3);
  assert.deepEqual(Traces.layout([]), {start: 0, duration: 0, rows: []});
});

test('normalize accepts lists of traces, flat spans and {traces}', () => {
  const other = {traceId: 't2', id: 'e', name: 'later', timestamp: 2_000_000, duration: 5};
  for (const body of [[SPANS, [other]], [...SPANS, other], {traces: [SPANS, [other]]}]) {
    const traces = Traces.normalize(body);
    assert.deepEqual(
      traces.map((t) => t.traceId),
      ['t2', 't1'],
    ); // newest first
    assert.equal(traces[1].spans.length, 4);
    assert.equal(traces[1].root.name, 'gateway');
    assert.equal(Traces.statusOf(traces[1]), '200');
  }
  assert.deepEqual(Traces.normalize(null), []);
  assert.deepEqual(Traces.normalize({nope: 1}), []);
});

test('formatMicros', () => {
  assert.equal(Traces.formatMicros(250), '250 µs');
  assert.equal(Traces.formatMicros(1500), '1.5 ms');
  assert.equal(Traces.formatMicros(250000), '250 ms');
  assert.equal(Traces.formatMicros(2_500_000), '2.50 s');
});
