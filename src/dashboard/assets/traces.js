// Recent traces (Zipkin v2 spans from /api/traces) as span timelines: one row per span, bars
// offset by start time and sized by duration, rows nested under their parentId. normalize()
// and layout() are pure and tested with node (charts_test.js); render* need a DOM.
'use strict';

const Traces = (() => {
  // Whatever shape /api/traces answers with — a list of traces (each a list of spans, as
  // Zipkin's /api/v2/traces), a flat list of spans, or {traces: [...]} — becomes
  // [{traceId, spans, start, duration, root}], newest first.
  function normalize(body) {
    if (body && !Array.isArray(body) && Array.isArray(body.traces)) body = body.traces;
    if (!Array.isArray(body)) return [];
    const groups = new Map();
    const add = (span) => {
      if (!span || typeof span !== 'object' || !span.traceId) return;
      if (!groups.has(span.traceId)) groups.set(span.traceId, []);
      groups.get(span.traceId).push(span);
    };
    for (const item of body) {
      if (Array.isArray(item)) item.forEach(add);
      else if (item && Array.isArray(item.spans)) item.spans.forEach(add);
      else add(item);
    }
    const traces = Array.from(groups, ([traceId, spans]) => summarize(traceId, spans));
    return traces.sort((a, b) => b.start - a.start);
  }

  function summarize(traceId, spans) {
    const l = layout(spans);
    const root = l.rows.length ? l.rows[0].span : null;
    return {traceId, spans, start: l.start, duration: l.duration, root};
  }

  // → {start (µs), duration (µs), rows: [{span, depth, offset (µs from start), duration}]},
  // rows in depth-first order, siblings by timestamp. A span whose parent is not in the list is
  // a root; a parent cycle cannot loop (each span is placed once).
  function layout(spans) {
    const byId = new Map();
    for (const s of spans) if (s.id) byId.set(s.id, s);
    const children = new Map();
    const roots = [];
    for (const s of spans) {
      if (s.parentId && byId.has(s.parentId) && s.parentId !== s.id) {
        if (!children.has(s.parentId)) children.set(s.parentId, []);
        children.get(s.parentId).push(s);
      } else {
        roots.push(s);
      }
    }
    const ts = (s) => Number(s.timestamp) || 0;
    const dur = (s) => Math.max(0, Number(s.duration) || 0);
    let start = Infinity;
    let end = -Infinity;
    for (const s of spans) {
      start = Math.min(start, ts(s));
      end = Math.max(end, ts(s) + dur(s));
    }
    if (!spans.length) start = end = 0;
    const rows = [];
    const placed = new Set();
    const visit = (s, depth) => {
      if (placed.has(s)) return;
      placed.add(s);
      rows.push({span: s, depth, offset: ts(s) - start, duration: dur(s)});
      (children.get(s.id) || []).sort((a, b) => ts(a) - ts(b)).forEach((c) => visit(c, depth + 1));
    };
    roots.sort((a, b) => ts(a) - ts(b)).forEach((r) => visit(r, 0));
    for (const s of spans) visit(s, 0); // leftovers of a cycle
    return {start, duration: end - start, rows};
  }

  function formatMicros(us) {
    if (us >= 1e6) return (us / 1e6).toFixed(2) + ' s';
    if (us >= 1000) return (us / 1000).toFixed(us >= 1e5 ? 0 : 1) + ' ms';
    return Math.round(us) + ' µs';
  }

  function serviceOf(span) {
    return (span.localEndpoint && span.localEndpoint.serviceName) || '';
  }

  function statusOf(trace) {
    const tags = (trace.root && trace.root.tags) || {};
    return tags['http.status_code'] || (tags.error ? 'error' : '');
  }

  const PALETTE = ['#3b6fd8', '#1f9d8a', '#c2771f', '#8b5cf6', '#d94c6a', '#5b8c2a'];

  function colorOf(span, services) {
    const key = serviceOf(span) + '/' + (span.kind || '');
    if (!services.has(key)) services.set(key, PALETTE[services.size % PALETTE.length]);
    return services.get(key);
  }

  function text(tag, cls, content) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (content !== undefined) e.textContent = content;
    return e;
  }

  // The timeline of one trace into `box`, with the tags of span `selectedId` (else the root)
  // in `details`; clicking a row selects its span and calls onSelect(id).
  function renderTimeline(box, trace, details, selectedId, onSelect) {
    const l = layout(trace.spans);
    box.setAttribute('data-spans', String(l.rows.length));
    box.replaceChildren(axisRow(l.duration));
    const services = new Map();
    const select = (span) => {
      for (const e of box.querySelectorAll('.span-row.selected')) e.classList.remove('selected');
      const e = box.querySelector(`.span-row[data-span-id="${CSS.escape(span.id || '')}"]`);
      if (e) e.classList.add('selected');
      showDetails(details, span);
    };
    for (const row of l.rows) {
      box.appendChild(
        spanRow(row, l.duration, services, (span) => {
          select(span);
          if (onSelect) onSelect(span.id);
        }),
      );
    }
    const chosen = l.rows.find((r) => r.span.id === selectedId) || l.rows[0];
    if (chosen) select(chosen.span);
  }

  function axisRow(total) {
    const row = text('div', 'span-row span-axis');
    row.appendChild(text('div', 'span-label', 'span'));
    const track = text('div', 'span-track');
    for (let i = 0; i <= 4; i++) {
      const tick = text('span', 'span-tick', formatMicros((total * i) / 4));
      tick.style.left = i * 25 + '%';
      track.appendChild(tick);
    }
    row.appendChild(track);
    return row;
  }

  function spanRow(row, total, services, onClick) {
    const s = row.span;
    const e = text('div', 'span-row');
    e.setAttribute('data-span-id', s.id || '');
    const label = text('div', 'span-label');
    label.style.paddingLeft = 8 + row.depth * 14 + 'px';
    label.appendChild(text('span', 'span-service', serviceOf(s)));
    label.appendChild(text('span', 'span-name', s.name || '(unnamed)'));
    e.appendChild(label);
    const track = text('div', 'span-track');
    const bar = text('div', 'span-bar');
    const scale = total > 0 ? 100 / total : 0;
    bar.style.left = row.offset * scale + '%';
    bar.style.width = Math.max(0.4, row.duration * scale) + '%';
    bar.style.background = colorOf(s, services);
    bar.title = `${s.name} ${formatMicros(row.duration)}`;
    track.appendChild(bar);
    track.appendChild(durationLabel(row, scale));
    e.appendChild(track);
    e.addEventListener('click', () => onClick(s));
    return e;
  }

  // The duration beside its bar: after it, else before it, else inside it (a bar spanning
  // the whole trace).
  function durationLabel(row, scale) {
    const label = text('span', 'span-dur', formatMicros(row.duration));
    const start = row.offset * scale;
    const end = (row.offset + row.duration) * scale;
    if (end <= 82) {
      label.style.left = end + 0.8 + '%';
    } else if (start >= 18) {
      label.style.right = 100 - start + 0.8 + '%';
    } else {
      label.style.left = start + 0.8 + '%';
      label.className += ' inside';
    }
    return label;
  }

  function showDetails(details, span) {
    if (!details) return;
    details.innerHTML = '';
    const fields = {
      name: span.name,
      kind: span.kind,
      service: serviceOf(span),
      traceId: span.traceId,
      id: span.id,
      parentId: span.parentId,
      duration: formatMicros(Number(span.duration) || 0),
      remote: span.remoteEndpoint ? JSON.stringify(span.remoteEndpoint) : undefined,
    };
    const tags = span.tags || {};
    const dl = text('dl', 'kv');
    const add = (k, v) => {
      if (v === undefined || v === '') return;
      dl.appendChild(text('dt', '', k));
      dl.appendChild(text('dd', '', String(v)));
    };
    for (const k in fields) add(k, fields[k]);
    for (const k of Object.keys(tags).sort()) add(k, tags[k]);
    details.appendChild(dl);
  }

  return {normalize, layout, formatMicros, serviceOf, statusOf, renderTimeline};
})();

if (typeof module !== 'undefined') module.exports = Traces;
