#!/usr/bin/env node
// Where the CPU time goes in a .cpuprofile: self time by package/area and by function.
//   node bench/profile-summary.mjs <file.cpuprofile> [top=25]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function area(url, fn) {
  if (!url) {
    if (fn === '(garbage collector)') return 'GC';
    if (fn === '(idle)') return 'idle';
    if (fn === '(program)') return 'V8/native (program)';
    return `native ${fn || '(anonymous)'}`;
  }
  if (url.startsWith('node:'))
    return url
      .replace(/^node:(internal\/)?/, 'node:')
      .split('/')
      .slice(0, 2)
      .join('/');
  const p = url.replace(/^file:\/\//, '');
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = p.slice(nm + 13).split('/');
    return `npm:${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  // Any build tree (this checkout's dist or an --app-root one): apps/<app>/<context> or libs/<lib>/<file>.
  const m = /\/dist\/(apps|libs)\/([^/]+)\/src\/([^/]+)/.exec(p);
  return m ? `${m[1]}/${m[2]}/${m[3].replace(/\.js$/, '')}` : path.relative(ROOT, p);
}

export function summarize(profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  // Samples under the bench's own profiler hook (cpu-profiler.mjs starting the profiler) are not
  // the service's work; leave them out.
  const excluded = new Set();
  const exclude = (node) => {
    excluded.add(node.id);
    for (const c of node.children ?? []) exclude(byId.get(c));
  };
  for (const n of profile.nodes) if (n.callFrame.url.includes('cpu-profiler')) exclude(n);
  for (const id of excluded) self.delete(id);
  const totalUs = [...self.values()].reduce((a, b) => a + b, 0);
  let idleUs = 0;
  const areas = new Map();
  const fns = new Map();
  for (const [id, us] of self) {
    const { callFrame: cf } = byId.get(id);
    const a = area(cf.url, cf.functionName);
    if (a === 'idle') {
      idleUs += us;
      continue;
    }
    areas.set(a, (areas.get(a) ?? 0) + us);
    const key = `${cf.functionName || '(anonymous)'} ${cf.url ? `${a}:${cf.lineNumber + 1}` : ''}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const rows = (m) =>
    [...m.entries()]
      .sort((x, y) => y[1] - x[1])
      .slice(0, top)
      .map(([name, us]) => ({
        name,
        ms: Math.round(us / 1000),
        pctOfBusy: Math.round((1000 * us) / busyUs) / 10,
      }));
  return {
    wallMs: Math.round(totalUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    busyPct: Math.round((1000 * busyUs) / totalUs) / 10,
    areas: rows(areas),
    functions: rows(fns),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const [file, top = '25'] = process.argv.slice(2);
  const s = summarize(JSON.parse(fs.readFileSync(file, 'utf8')), Number(top));
  console.log(`${file}: ${s.busyMs} ms busy of ${s.wallMs} ms (${s.busyPct}%)\n\nself time by area:`);
  for (const r of s.areas)
    console.log(`  ${String(r.pctOfBusy).padStart(5)}%  ${String(r.ms).padStart(7)} ms  ${r.name}`);
  console.log('\nself time by function:');
  for (const r of s.functions)
    console.log(`  ${String(r.pctOfBusy).padStart(5)}%  ${String(r.ms).padStart(7)} ms  ${r.name}`);
}
