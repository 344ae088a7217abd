// Prometheus text exposition in the browser: parse a scrape, select series by label, and
// compute what PromQL's rate(), increase() and histogram_quantile() would over two scrapes.
// Pure functions; node's test runner loads this file too (prom_test.js).
'use strict';

const Prom = (() => {
  // "1.5", "NaN", "+Inf", "-Inf" → number.
  function parseNumber(text) {
    if (text === '+Inf' || text === 'Inf') return Infinity;
    if (text === '-Inf') return -Infinity;
    if (text === 'NaN') return NaN;
    const v = Number(text);
    return text === '' ? NaN : v;
  }

  // Reads `{a="x",b="y\"z"}` starting at text[i] === '{'; returns [labels, index after '}'].
  function parseLabels(text, i) {
    const labels = {};
    i++;
    for (;;) {
      while (text[i] === ' ' || text[i] === ',') i++;
      if (text[i] === '}') return [labels, i + 1];
      const eq = text.indexOf('=', i);
      if (eq < 0 || text[eq + 1] !== '"') throw new Error('bad label at ' + i);
      const name = text.slice(i, eq).trim();
      let value = '';
      let j = eq + 2;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\') {
          j++;
          value += text[j] === 'n' ? '\n' : text[j];
        } else {
          value += text[j];
        }
      }
      if (j >= text.length) throw new Error('unterminated label value');
      labels[name] = value;
      i = j + 1;
    }
  }

  // One sample line → {name, labels, value}, or null for comments, blanks and junk.
  function parseLine(line) {
    line = line.trim();
    if (line === '' || line[0] === '#') return null;
    const brace = line.indexOf('{');
    const space = line.search(/\s/);
    let name;
    let labels = {};
    let rest;
    if (brace >= 0 && (space < 0 || brace < space)) {
      name = line.slice(0, brace);
      let end;
      [labels, end] = parseLabels(line, brace);
      rest = line.slice(end).trim();
    } else {
      if (space < 0) return null;
      name = line.slice(0, space);
      rest = line.slice(space).trim();
    }
    const value = parseNumber(rest.split(/\s+/)[0]);
    return {name, labels, value};
  }

  // text → Map(sample name → [{labels, value}]). Lines that do not parse are skipped, so one
  // odd line never blanks the whole page. `keep(name)` may restrict what is stored.
  function parse(text, keep) {
    const samples = new Map();
    for (const line of text.split('\n')) {
      let s;
      try {
        s = parseLine(line);
      } catch (e) {
        continue;
      }
      if (!s || (keep && !keep(s.name))) continue;
      if (!samples.has(s.name)) samples.set(s.name, []);
      samples.get(s.name).push({labels: s.labels, value: s.value});
    }
    return samples;
  }

  function matches(labels, selector) {
    for (const k in selector) {
      if (labels[k] !== selector[k]) return false;
    }
    return true;
  }

  // A stable identity for a series: its labels, sorted.
  function seriesKey(labels, without) {
    return Object.keys(labels)
      .filter((k) => !without || !without.includes(k))
      .sort()
      .map((k) => k + '=' + labels[k])
      .join(',');
  }

  // The samples of `name` in a parsed scrape matching selector.
  function select(samples, name, selector) {
    return (samples.get(name) || []).filter((s) => matches(s.labels, selector || {}));
  }

  function has(samples, name) {
    return samples.has(name);
  }

  // Sum of the current values (gauges), or null when no series matches.
  function sum(samples, name, selector) {
    const sel = select(samples, name, selector);
    if (sel.length === 0) return null;
    return sel.reduce((a, s) => a + s.value, 0);
  }

  // Sum over matching series of how much each counter grew from `older` to `newer`, grouped
  // by the value of label `by` (or one group '' without). A counter that went down was reset
  // (the process restarted) and counts from zero, as PromQL's increase() does. A series absent
  // from `older` started at zero: the first request of a new revision counts.
  function increaseBy(older, newer, name, selector, by) {
    const before = new Map();
    for (const s of select(older, name, selector)) before.set(seriesKey(s.labels), s.value);
    const out = new Map();
    for (const s of select(newer, name, selector)) {
      const prev = before.has(seriesKey(s.labels)) ? before.get(seriesKey(s.labels)) : 0;
      const delta = s.value >= prev ? s.value - prev : s.value;
      const group = by ? s.labels[by] || '' : '';
      out.set(group, (out.get(group) || 0) + delta);
    }
    return out;
  }

  function increase(older, newer, name, selector) {
    const m = increaseBy(older, newer, name, selector);
    return m.has('') ? m.get('') : null;
  }

  // How much each `le` bucket of histogram `name` grew, summed over matching series:
  // [{le, count}] sorted by le (cumulative counts, as the buckets are).
  function bucketIncrease(older, newer, name, selector) {
    const byLe = increaseBy(older, newer, name + '_bucket', selector, 'le');
    return Array.from(byLe, ([le, count]) => ({le: parseNumber(le), count})).sort(
      (a, b) => a.le - b.le,
    );
  }

  // PromQL's histogram_quantile over cumulative buckets [{le, count}] sorted by le: linear
  // interpolation inside the bucket where the rank falls; a rank in the +Inf bucket answers the
  // highest finite bound. NaN without observations or without a +Inf bucket.
  function histogramQuantile(q, buckets) {
    if (q < 0) return -Infinity;
    if (q > 1) return Infinity;
    if (buckets.length < 2 || buckets[buckets.length - 1].le !== Infinity) return NaN;
    // Counts must not go down with le (they can after a partial reset): make them monotonic.
    const counts = [];
    for (const b of buckets)
      counts.push(Math.max(b.count, counts.length ? counts[counts.length - 1] : 0));
    const total = counts[counts.length - 1];
    if (!(total > 0)) return NaN;
    const rank = q * total;
    let i = counts.findIndex((c) => c >= rank);
    if (i === buckets.length - 1) return buckets[buckets.length - 2].le;
    if (i === 0 && buckets[0].le <= 0) return buckets[0].le;
    const start = i === 0 ? 0 : buckets[i - 1].le;
    const below = i === 0 ? 0 : counts[i - 1];
    const inBucket = counts[i] - below;
    if (inBucket <= 0) return buckets[i].le;
    return start + (buckets[i].le - start) * ((rank - below) / inBucket);
  }

  // Distinct values of `label` across the series of `name`.
  function labelValues(samples, name, label) {
    const out = new Set();
    for (const s of samples.get(name) || []) {
      if (s.labels[label] !== undefined) out.add(s.labels[label]);
    }
    return Array.from(out);
  }

  return {
    parse,
    parseLine,
    parseNumber,
    matches,
    seriesKey,
    select,
    has,
    sum,
    increase,
    increaseBy,
    bucketIncrease,
    histogramQuantile,
    labelValues,
  };
})();

if (typeof module !== 'undefined') module.exports = Prom;
