// The dashboard's tables and panels that are not charts: services, revisions and instances with
// their conditions (from /api/overview), the trace list, and the instance log viewer. Every
// value from the server goes in as text (textContent), never as markup.
'use strict';

const Views = (() => {
  // h('td', {class: 'x', title: 't'}, child, 'text', ...) → element.
  function h(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) {
      if (attrs[k] === undefined || attrs[k] === null || attrs[k] === false) continue;
      if (k.startsWith('on')) e.addEventListener(k.slice(2), attrs[k]);
      else e.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function age(seconds) {
    const s = Math.max(0, Math.floor(seconds || 0));
    if (s < 120) return s + 's';
    if (s < 3600) return Math.floor(s / 60) + 'm' + (s % 60 ? (s % 60) + 's' : '');
    if (s < 86400) return Math.floor(s / 3600) + 'h' + (Math.floor(s / 60) % 60) + 'm';
    return Math.floor(s / 86400) + 'd' + (Math.floor(s / 3600) % 24) + 'h';
  }

  function badge(status, text, title) {
    const cls =
      status === 'True' || status === true
        ? 'ok'
        : status === 'False' || status === false
          ? 'bad'
          : 'wait';
    return h('span', {class: 'badge ' + cls, title: title || undefined}, text);
  }

  function readyBadge(obj) {
    const text =
      obj.ready === 'True'
        ? 'Ready'
        : obj.reason || (obj.ready === 'False' ? 'NotReady' : 'Unknown');
    return badge(obj.ready, text, obj.message);
  }

  // One chip per condition, coloured by status; hovering shows reason and message.
  function conditionChips(conditions) {
    return h(
      'div',
      {class: 'chips'},
      (conditions || []).map((c) =>
        badge(c.status, c.type, [c.status, c.reason, c.message].filter(Boolean).join(' · ')),
      ),
    );
  }

  // Messages of conditions that are not True, shown under a row so failures are visible.
  function problems(conditions) {
    const bad = (conditions || []).filter((c) => c.status !== 'True' && (c.message || c.reason));
    if (!bad.length) return null;
    return h(
      'div',
      {class: 'problem'},
      bad.map((c) => `${c.type}: ${c.reason}${c.message ? ' — ' + c.message : ''}`).join('; '),
    );
  }

  function table(headers, rows, empty) {
    if (!rows.length) return h('div', {class: 'empty'}, empty);
    return h(
      'table',
      {class: 'tbl'},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((x) => h('th', {}, x)),
        ),
      ),
      h('tbody', {}, rows),
    );
  }

  function trafficText(traffic) {
    return (traffic || [])
      .map((t) =>
        `${t.revisionName || '(latest)'} ${t.percent === null ? '' : t.percent + '%'}${t.tag ? ' #' + t.tag : ''}`.trim(),
      )
      .join(', ');
  }

  function servicesTable(services) {
    const rows = services.map((s) =>
      h(
        'tr',
        {},
        h('td', {}, h('b', {}, s.name), h('div', {class: 'sub'}, s.namespace)),
        h('td', {class: 'mono'}, s.url || '—'),
        h('td', {}, readyBadge(s), problems(s.conditions)),
        h('td', {}, conditionChips(s.conditions)),
        h('td', {class: 'mono'}, s.latestReadyRevision || '—'),
        h('td', {class: 'mono'}, trafficText(s.traffic) || '—'),
      ),
    );
    return table(
      ['Service', 'URL', 'Status', 'Conditions', 'Latest ready', 'Traffic'],
      rows,
      'No services yet. Apply one with ebb apply -f service.yaml.',
    );
  }

  function revisionsTable(revisions, selected, onSelect) {
    const rows = revisions.map((r) => {
      const key = r.namespace + '/' + r.name;
      return h(
        'tr',
        {
          class: 'clickable' + (key === selected ? ' selected' : ''),
          onclick: () => onSelect(key),
          'data-revision': key,
        },
        h(
          'td',
          {},
          h('b', {class: 'mono'}, r.name),
          h('div', {class: 'sub'}, r.namespace + (r.service ? ' · ' + r.service : '')),
        ),
        h(
          'td',
          {},
          h(
            'div',
            {class: 'pct'},
            h(
              'span',
              {class: 'pct-track'},
              h('span', {class: 'pct-fill', style: `width:${Math.min(100, r.trafficPercent)}%`}),
            ),
            h('span', {}, r.trafficPercent + '%'),
          ),
          (r.tags || []).map((t) => h('span', {class: 'tag'}, '#' + t)),
        ),
        h('td', {}, readyBadge(r), problems(r.conditions)),
        h('td', {}, conditionChips(r.conditions)),
        h('td', {class: 'num'}, r.desiredReplicas === null ? '—' : r.desiredReplicas),
        h('td', {class: 'num'}, r.actualReplicas === null ? '—' : r.actualReplicas),
        h('td', {class: 'num'}, `${r.readyInstances}/${r.instances}`),
        h(
          'td',
          {class: 'num'},
          r.containerConcurrency === null ? '—' : r.containerConcurrency || '∞',
        ),
        h('td', {class: 'num'}, age(r.ageSeconds)),
      );
    });
    return table(
      [
        'Revision',
        'Traffic',
        'Status',
        'Conditions',
        'Desired',
        'Actual',
        'Ready / all',
        'Concurrency',
        'Age',
      ],
      rows,
      'No revisions.',
    );
  }

  function instancesTable(instances, onLogs) {
    const rows = instances.map((i) =>
      h(
        'tr',
        {'data-pod': i.name},
        h('td', {class: 'mono'}, i.name, h('div', {class: 'sub'}, i.namespace)),
        h('td', {class: 'mono'}, i.revision),
        h(
          'td',
          {},
          badge(
            i.state === 'Running' && i.ready
              ? 'True'
              : i.state === 'Running' ||
                  i.state === 'Terminating' ||
                  i.state === 'ContainerCreating'
                ? 'Unknown'
                : 'False',
            i.state,
            i.message,
          ),
        ),
        h('td', {}, i.ready ? badge('True', 'yes') : badge('False', 'no')),
        h('td', {class: 'num'}, i.restarts),
        h('td', {class: 'num'}, age(i.ageSeconds)),
        h('td', {}, h('button', {class: 'link', onclick: () => onLogs(i)}, 'Logs')),
      ),
    );
    return table(
      ['Instance', 'Revision', 'State', 'Ready', 'Restarts', 'Age', ''],
      rows,
      'No instances running: every revision is scaled to zero.',
    );
  }

  function traceList(traces, selectedId, onSelect) {
    const rows = traces.map((t) =>
      h(
        'tr',
        {
          class: 'clickable' + (t.traceId === selectedId ? ' selected' : ''),
          onclick: () => onSelect(t.traceId),
          'data-trace': t.traceId,
        },
        h('td', {class: 'mono'}, Charts.formatTime(t.start / 1000)),
        h(
          'td',
          {},
          h('b', {}, t.root ? t.root.name || '(unnamed)' : '?'),
          t.spans.some((s) => s.name === 'throttler_try')
            ? h('span', {class: 'tag', title: 'waited in the activator queue'}, 'queued')
            : null,
          h(
            'div',
            {class: 'sub mono'},
            [Traces.serviceOf(t.root || {}), (t.root && t.root.tags && t.root.tags.revision) || '']
              .filter(Boolean)
              .join(' → '),
          ),
        ),
        h('td', {class: 'num'}, t.spans.length),
        h('td', {class: 'num'}, Traces.formatMicros(t.duration)),
        h('td', {class: 'num'}, Traces.statusOf(t)),
      ),
    );
    return table(['Time', 'Trace', 'Spans', 'Duration', 'Status'], rows, 'No traces yet.');
  }

  return {h, age, badge, servicesTable, revisionsTable, instancesTable, traceList};
})();
