// node --test: the dashboard's Prometheus parsing and PromQL-like arithmetic.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const Prom = require('./prom.js');

const SCRAPE_1 = `# HELP revision_request_count The number of requests.
# TYPE revision_request_count counter
revision_request_count{namespace_name="default",revision_name="hello-00001",response_code="200",response_code_class="2xx"} 10
revision_request_count{namespace_name="default",revision_name="hello-00001",response_code="503",response_code_class="5xx"} 1
revision_request_count{namespace_name="default",revision_name="hello-00002",response_code="200",response_code_class="2xx"} 100
revision_request_latencies_bucket{namespace_name="default",revision_name="hello-00001",le="10"} 5
revision_request_latencies_bucket{namespace_name="default",revision_name="hello-00001",le="100"} 10
revision_request_latencies_bucket{namespace_name="default",revision_name="hello-00001",le="+Inf"} 11
autoscaler_desired_pods{namespace_name="default",revision_name="hello-00001"} 2
weird line without value
odd{a="unterminated} 1
`;

const SCRAPE_2 =
  SCRAPE_1.replace('response_code_class="2xx"} 10', 'response_code_class="2xx"} 40')
    .replace('le="10"} 5', 'le="10"} 15')
    .replace('le="100"} 10', 'le="100"} 40')
    .replace('le="+Inf"} 11', 'le="+Inf"} 41') +
  'revision_request_count{namespace_name="default",revision_name="hello-00003",response_code="200",response_code_class="2xx"} 7\n';

test('parse reads names, labels with escapes, special values, and skips junk', () => {
  const s = Prom.parse(
    'a{x="q\\"uote",y="back\\\\slash",z="new\\nline"} +Inf\nb 3 1700000000\nc NaN\n# x\n\nd{} -Inf\n',
  );
  assert.deepEqual(s.get('a')[0].labels, {x: 'q"uote', y: 'back\\slash', z: 'new\nline'});
  assert.equal(s.get('a')[0].value, Infinity);
  assert.equal(s.get('b')[0].value, 3);
  assert.ok(Number.isNaN(s.get('c')[0].value));
  assert.equal(s.get('d')[0].value, -Infinity);
  const r = Prom.parse(SCRAPE_1);
  assert.equal(r.get('revision_request_count').length, 3);
  assert.equal(r.has('odd'), false);
});

test('parse keeps only what keep() accepts', () => {
  const s = Prom.parse(SCRAPE_1, (n) => n.startsWith('autoscaler_'));
  assert.deepEqual(Array.from(s.keys()), ['autoscaler_desired_pods']);
});

test('sum over a label selector, null when nothing matches', () => {
  const s = Prom.parse(SCRAPE_1);
  assert.equal(Prom.sum(s, 'revision_request_count', {revision_name: 'hello-00001'}), 11);
  assert.equal(Prom.sum(s, 'revision_request_count', {}), 111);
  assert.equal(Prom.sum(s, 'revision_request_count', {revision_name: 'nope'}), null);
});

test('increaseBy groups by a label; new series start at zero; resets count from zero', () => {
  const a = Prom.parse(SCRAPE_1);
  const b = Prom.parse(SCRAPE_2);
  const byClass = Prom.increaseBy(
    a,
    b,
    'revision_request_count',
    {revision_name: 'hello-00001'},
    'response_code_class',
  );
  assert.equal(byClass.get('2xx'), 30);
  assert.equal(byClass.get('5xx'), 0);
  assert.equal(Prom.increase(a, b, 'revision_request_count', {revision_name: 'hello-00003'}), 7);
  const reset = Prom.parse(
    SCRAPE_1.replace('response_code_class="2xx"} 100', 'response_code_class="2xx"} 4'),
  );
  assert.equal(
    Prom.increase(a, reset, 'revision_request_count', {revision_name: 'hello-00002'}),
    4,
  );
  assert.equal(Prom.increase(a, b, 'revision_request_count', {revision_name: 'nope'}), null);
});

test('bucketIncrease sums bucket deltas by le, sorted with +Inf last', () => {
  const buckets = Prom.bucketIncrease(
    Prom.parse(SCRAPE_1),
    Prom.parse(SCRAPE_2),
    'revision_request_latencies',
    {},
  );
  assert.deepEqual(buckets, [
    {le: 10, count: 10},
    {le: 100, count: 30},
    {le: Infinity, count: 30},
  ]);
});

test('histogramQuantile interpolates as PromQL does', () => {
  const b = [
    {le: 10, count: 10},
    {le: 100, count: 30},
    {le: Infinity, count: 30},
  ];
  assert.equal(Prom.histogramQuantile(0.5, b), 10 + 90 * (5 / 20)); // rank 15, 5 into (10,100]
  assert.equal(Prom.histogramQuantile(0.2, b), 6); // rank 6 of 10 in [0,10]
  assert.equal(Prom.histogramQuantile(1, b), 100);
  // A rank in the +Inf bucket answers the highest finite bound.
  assert.equal(
    Prom.histogramQuantile(0.99, [
      {le: 10, count: 1},
      {le: Infinity, count: 100},
    ]),
    10,
  );
  assert.ok(
    Number.isNaN(
      Prom.histogramQuantile(0.5, [
        {le: 10, count: 0},
        {le: Infinity, count: 0},
      ]),
    ),
  );
  assert.ok(
    Number.isNaN(
      Prom.histogramQuantile(0.5, [
        {le: 10, count: 3},
        {le: 20, count: 5},
      ]),
    ),
  );
  assert.equal(Prom.histogramQuantile(-1, b), -Infinity);
  assert.equal(Prom.histogramQuantile(2, b), Infinity);
  // Non-monotonic counts (a partial reset) are made monotonic first.
  assert.equal(
    Prom.histogramQuantile(0.5, [
      {le: 1, count: 4},
      {le: 2, count: 2},
      {le: Infinity, count: 4},
    ]),
    0.5,
  );
});

test('labelValues lists distinct values', () => {
  const s = Prom.parse(SCRAPE_1);
  assert.deepEqual(Prom.labelValues(s, 'revision_request_count', 'revision_name').sort(), [
    'hello-00001',
    'hello-00002',
  ]);
});
