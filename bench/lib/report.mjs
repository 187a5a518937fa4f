// Turns a results object into a self-contained HTML page (inline SVG chart, no external assets)
// and a Markdown table for docs/performance.md.

export const SYSTEM_LABEL = { happychat: 'Happy Chat', ws: 'bare ws (floor)', socketio: 'Socket.IO rooms' };
const COLOR = { happychat: '#1b7f3b', ws: '#1f5fbf', socketio: '#c0392b' };
const esc = (s) =>
  String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const fmt = (v, digits = 1) => (v === null || v === undefined ? '–' : Number(v).toFixed(digits));
const kfmt = (v) =>
  v >= 10_000 ? `${Math.round(v / 1000)}k` : v >= 1000 ? `${(v / 1000).toFixed(1)}k` : String(Math.round(v));

function chart(results, workload) {
  const steps = results.steps.filter((s) => s.workload === workload);
  if (steps.length === 0) return '';
  const W = 760;
  const H = 380;
  const m = { l: 64, r: 20, t: 30, b: 48 };
  const maxX = Math.max(...steps.map((s) => s.offeredDeliveriesPerSec)) * 1.05;
  const lo = Math.log10(1);
  const hi = Math.log10(Math.max(1000, ...steps.map((s) => s.latency.p99 ?? 1)) * 1.5);
  const x = (v) => m.l + (v / maxX) * (W - m.l - m.r);
  const y = (v) => m.t + (1 - (Math.log10(Math.max(1, v)) - lo) / (hi - lo)) * (H - m.t - m.b);
  const parts = [];
  parts.push(
    `<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="#fafafa" stroke="#ccc"/>`,
  );
  for (let e = 0; e <= Math.ceil(hi); e++) {
    for (const k of [1, 2, 5]) {
      const v = k * 10 ** e;
      if (Math.log10(v) > hi) continue;
      parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y(v)}" y2="${y(v)}" stroke="#e4e4e4"/>`);
      parts.push(
        `<text x="${m.l - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${v >= 1000 ? `${v / 1000}s` : `${v}ms`}</text>`,
      );
    }
  }
  for (let i = 0; i <= 5; i++) {
    const v = (maxX / 5) * i;
    parts.push(`<text x="${x(v)}" y="${H - m.b + 16}" text-anchor="middle" font-size="11">${kfmt(v)}</text>`);
  }
  parts.push(
    `<line x1="${m.l}" x2="${W - m.r}" y1="${y(100)}" y2="${y(100)}" stroke="#888" stroke-dasharray="6 4"/>`,
  );
  parts.push(
    `<text x="${W - m.r - 4}" y="${y(100) - 5}" text-anchor="end" font-size="11" fill="#666">p99 goal 100 ms</text>`,
  );
  parts.push(
    `<text x="${(W + m.l) / 2}" y="${H - 8}" text-anchor="middle" font-size="12">offered load (deliveries/s)</text>`,
  );
  parts.push(
    `<text transform="translate(14 ${(H + m.t - m.b) / 2}) rotate(-90)" text-anchor="middle" font-size="12">latency send → receive (log)</text>`,
  );
  let legendX = m.l + 8;
  for (const sys of Object.keys(SYSTEM_LABEL)) {
    // One point per rate: the attempt that decided it (the last one).
    const byRate = new Map();
    for (const s of steps.filter((s) => s.system === sys)) byRate.set(s.rate, s);
    const pts = [...byRate.values()].sort((a, b) => a.offeredDeliveriesPerSec - b.offeredDeliveriesPerSec);
    if (pts.length === 0) continue;
    for (const [q, dash] of [
      ['p99', ''],
      ['p50', '4 3'],
    ]) {
      const d = pts
        .filter((p) => p.latency[q] !== null)
        .map((p) => `${x(p.offeredDeliveriesPerSec)},${y(p.latency[q])}`)
        .join(' ');
      parts.push(
        `<polyline points="${d}" fill="none" stroke="${COLOR[sys]}" stroke-width="${q === 'p99' ? 2.2 : 1.2}" stroke-dasharray="${dash}"/>`,
      );
    }
    for (const p of pts) {
      if (p.latency.p99 === null) continue;
      const title = `${SYSTEM_LABEL[sys]} r=${p.rate}: ${Math.round(p.deliveriesPerSec)} deliveries/s, p50 ${fmt(p.latency.p50)} ms, p99 ${fmt(p.latency.p99)} ms, lost ${p.lost}${p.pass ? '' : ' — FAILED: ' + p.failReasons.join('; ')}`;
      parts.push(
        `<circle cx="${x(p.offeredDeliveriesPerSec)}" cy="${y(p.latency.p99)}" r="4" fill="${p.pass ? COLOR[sys] : '#fff'}" stroke="${COLOR[sys]}" stroke-width="2"><title>${esc(title)}</title></circle>`,
      );
    }
    parts.push(`<rect x="${legendX}" y="${m.t + 8}" width="14" height="4" fill="${COLOR[sys]}"/>`);
    parts.push(`<text x="${legendX + 18}" y="${m.t + 14}" font-size="12">${esc(SYSTEM_LABEL[sys])}</text>`);
    legendX += 150;
  }
  parts.push(
    `<text x="${W - m.r - 4}" y="${m.t + 14}" text-anchor="end" font-size="11" fill="#666">solid p99, dashed p50; hollow = failed step</text>`,
  );
  return `<h2>${workload}: latency vs offered load</h2><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">${parts.join('')}</svg>`;
}

export function stepTable(results, workload, { markdown = false } = {}) {
  const steps = results.steps.filter((s) => s.workload === workload);
  const head = [
    'system',
    'r msg/s/user',
    'offered deliv/s',
    'deliveries/s',
    'p50 ms',
    'p99 ms',
    'p999 ms',
    'ack p99 ms',
    'lost',
    'dup',
    'errors',
    'CPU (cores)',
    'ok',
  ];
  const rows = steps.map((s) => [
    SYSTEM_LABEL[s.system],
    s.rate,
    Math.round(s.offeredDeliveriesPerSec),
    Math.round(s.deliveriesPerSec),
    fmt(s.latency.p50),
    fmt(s.latency.p99),
    fmt(s.latency.p999),
    fmt(s.ack.p99),
    s.lost,
    s.dup,
    s.ackErrorsTotal + s.ackMissing,
    Object.entries(s.cpu)
      .filter(([, v]) => v >= 0.01)
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', '),
    (s.pass ? 'yes' : `no (${s.failReasons.join('; ')})`) + (s.attempt > 1 ? ` [try ${s.attempt}]` : ''),
  ]);
  if (markdown)
    return [
      `| ${head.join(' | ')} |`,
      `|${head.map(() => '---').join('|')}|`,
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
  return `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`;
}

/**
 * The ratio to the floor means something only if the floor broke: if it never did, the floor could
 * do more, so a system that broke is at most that ratio, and one that never broke is unknown.
 */
function ratioText(results, workload, sys) {
  const ratio = results.ratios[workload]?.[sys];
  if (ratio === undefined) return '–';
  const floorCapped = results.sustainable[workload].ws?.capped;
  const mineCapped = results.sustainable[workload][sys]?.capped;
  if (sys === 'ws') return floorCapped ? '100% (floor never broke)' : '100%';
  if (floorCapped && mineCapped) return 'n/a (neither broke)';
  if (floorCapped) return `≤ ${Math.round(ratio * 100)}%`;
  if (mineCapped) return `≥ ${Math.round(ratio * 100)}%`;
  return `${Math.round(ratio * 100)}%`;
}

export function summaryTable(results, { markdown = false } = {}) {
  const head = [
    'workload',
    'system',
    'sustainable r',
    'deliveries/s',
    'p50 ms',
    'p99 ms',
    'p999 ms',
    'vs ws floor',
  ];
  const rows = [];
  for (const [workload, bySys] of Object.entries(results.sustainable)) {
    for (const [sys, s] of Object.entries(bySys)) {
      rows.push([
        workload,
        SYSTEM_LABEL[sys],
        s ? `${s.rate}${s.capped ? ' (ladder top: not broken)' : ''}` : 'none passed',
        s ? Math.round(s.deliveriesPerSec) : 0,
        fmt(s?.p50),
        fmt(s?.p99),
        fmt(s?.p999),
        ratioText(results, workload, sys),
      ]);
    }
  }
  if (markdown)
    return [
      `| ${head.join(' | ')} |`,
      `|${head.map(() => '---').join('|')}|`,
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
  return `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`;
}

export function w3Table(results, { markdown = false } = {}) {
  const head = [
    'system',
    'connections',
    'failed',
    'connect s',
    'VmRSS before, after a full GC (MiB)',
    'after (MiB)',
    'RSS/conn KiB',
    'RSS/conn, 2nd half KiB',
    'JS heap/conn KiB',
    'trickle p99 ms',
    'lost',
    'pings/pongs',
    'CPU during the hold (cores)',
  ];
  const rows = (results.w3 ?? []).map((w) => [
    SYSTEM_LABEL[w.system],
    w.connected,
    w.failed,
    fmt(w.connectMs / 1000),
    fmt(w.rssBeforeKiB / 1024),
    fmt(w.rssAfterKiB / 1024),
    fmt(w.rssPerConnKiB, 2),
    fmt(w.rssPerConnMarginalKiB, 2),
    fmt(w.heapPerConnKiB, 2),
    fmt(w.trickle?.latency.p99),
    w.trickle?.lost ?? '–',
    w.system === 'socketio' ? 'engine.io' : w.trickle ? `${w.trickle.pingsSent}/${w.trickle.pongs}` : '–',
    w.trickle
      ? Object.entries(w.trickle.cpu)
          .filter(([, v]) => v >= 0.01)
          .map(([k, v]) => `${k} ${v.toFixed(2)}`)
          .join(', ')
      : '–',
  ]);
  if (markdown)
    return [
      `| ${head.join(' | ')} |`,
      `|${head.map(() => '---').join('|')}|`,
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
  return `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`;
}

export function machineLine(results) {
  const m = results.machine;
  return `${results.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${m.nproc} CPUs (${m.cpuModel}), ${Math.round(m.memoryMiB / 1024)} GiB RAM, Node ${m.node}, RabbitMQ ${m.rabbitmq ?? '?'}, PostgreSQL ${m.postgres ?? '?'}, load average at start ${m.loadavgAtStart.join(' / ')}`;
}

export function renderHtml(results) {
  const css =
    'body{font-family:sans-serif;max-width:1100px;margin:20px auto;color:#222}table{border-collapse:collapse;font-size:12px;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}th{background:#f0f0f0}td:first-child{text-align:left}.note{color:#a33}';
  return `<!doctype html><html><head><meta charset="utf-8"><title>Happy Chat bench ${esc(results.runId)}</title><style>${css}</style></head><body>
<h1>Happy Chat real-time delivery bench — ${esc(results.mode)} mode</h1>
<p><b>${esc(results.label)}</b><br>${esc(machineLine(results))}</p>
${results.aborted ? `<p class="note">Run aborted: ${esc(results.aborted)} (partial results)</p>` : ''}
<p>${esc(results.config.description)}</p>
<h2>Sustainable throughput (p99 ≤ 100 ms, nothing lost after the drain)</h2>${summaryTable(results)}
${chart(results, 'W1')}<h3>W1 steps (rooms of 20)</h3>${stepTable(results, 'W1')}
${chart(results, 'W2')}<h3>W2 steps (rooms of 100)</h3>${stepTable(results, 'W2')}
<h2>W3: mostly idle connections on one server process</h2>${w3Table(results)}
${results.persistence ? `<p>Persistence check (Happy Chat): ${results.persistence.sent} messages sent, ${results.persistence.acked} acked, ${results.persistence.storedRows} rows in history.messages.</p>` : ''}
${(results.notes ?? []).map((n) => `<p class="note">${esc(n)}</p>`).join('')}
</body></html>`;
}

export function renderMarkdown(results) {
  return [
    `### ${results.startedAt.slice(0, 10)} — ${results.mode} mode (${results.label})`,
    '',
    `Machine: ${machineLine(results)}.`,
    `Workload: ${results.config.description}`,
    '',
    '**Sustainable throughput** (highest offered rate with p99 ≤ 100 ms and nothing lost after the drain):',
    '',
    summaryTable(results, { markdown: true }),
    '',
    '**W1 steps**',
    '',
    stepTable(results, 'W1', { markdown: true }),
    '',
    '**W2 steps**',
    '',
    stepTable(results, 'W2', { markdown: true }),
    '',
    '**W3** (idle connections with heartbeats, and a trickle of messages)',
    '',
    w3Table(results, { markdown: true }),
    '',
    ...(results.persistence
      ? [
          `Persistence: Happy Chat was sent ${results.persistence.sent} messages, acked ${results.persistence.acked}, and \`history.messages\` holds ${results.persistence.storedRows} rows.`,
          '',
        ]
      : []),
    ...(results.notes ?? []).map((n) => `- ${n}`),
  ].join('\n');
}

// `node bench/lib/report.mjs bench/results/<run>.json`: render the page and the table again.
if (process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  const fs = await import('node:fs');
  const file = process.argv[2];
  const results = JSON.parse(fs.readFileSync(file, 'utf8'));
  const base = file.replace(/\.json$/, '');
  fs.writeFileSync(`${base}.html`, renderHtml(results));
  fs.writeFileSync(`${base}.md`, renderMarkdown(results) + '\n');
  console.log(`wrote ${base}.html and ${base}.md`);
}
