/**
 * The scrape: what Prometheus would have stored from node_exporter (scraped every 60 s, job="node",
 * instance="<host>:9100") given the textfile histories, as value functions for bench/rule-eval-data's
 * buildBlocks. A scrape at t sees the newest write at or before t. Two copies of the host are
 * scraped, one per mode: with the expected job set (thresholds from the config) and without it
 * (the rules' fallback from the emitter's interval); they differ in the hostname label only.
 */
import { HOSTNAME } from './emit.mjs';

/** Seconds between scrapes (and between rule evaluations). */
export const SCRAPE_S = 60;

/** The two modes: the same histories under two hostnames, the expected job set only in the first. */
export const MODES = [
  { id: 'with', hostname: HOSTNAME, expectedSet: true, about: 'with the expected job set (`ubm health --config`: thresholds from the config)' },
  { id: 'without', hostname: `${HOSTNAME}-b`, expectedSet: false, about: "without it (the rules' fallback from the emitter's expected interval)" },
];

/** Whether t lies in [from, to). */
function inside(t, w) {
  return t >= w.from && t < w.to;
}

/** A value function over one history's writes: a cursor that moves forward, as the writer scans time in order. */
function valueOf(writes, key, gaps) {
  let i = -1;
  return (t) => {
    if (gaps.all.some((w) => inside(t, w)) || gaps.textfile.some((w) => inside(t, w))) return undefined;
    if (i >= 0 && writes[i].t > t) i = -1;
    while (i + 1 < writes.length && writes[i + 1].t <= t) i++;
    if (i < 0) return undefined;
    return writes[i].samples.get(key)?.value;
  };
}

/** Label text of a series with the scrape's labels. */
function prefix(name, labels) {
  return `${name}{${Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(labels[k])}`).join(',')}} `;
}

/**
 * The families (grouped by metric name) for buildBlocks. `outages`: `restart` windows drop every
 * sample; `exporter` windows drop the textfile series and set up to 0.
 */
export function scrapedFamilies(histories, outages, wantedScrapeNames) {
  const gaps = {
    all: outages.filter((o) => o.id === 'restart').map((o) => ({ from: o.outageFrom, to: o.outageTo })),
    textfile: outages.filter((o) => o.id === 'exporter').map((o) => ({ from: o.outageFrom, to: o.outageTo })),
  };
  const byName = new Map();
  const add = (name, series) => {
    if (!byName.has(name)) byName.set(name, []);
    byName.get(name).push(series);
  };
  for (const mode of MODES) {
    const scrape = { instance: `${mode.hostname}:9100`, job: 'node' };
    for (const h of histories) {
      if (h.expectedSet && !mode.expectedSet) continue;
      const keys = new Map();
      for (const w of h.writes) for (const [key, s] of w.samples) if (!keys.has(key)) keys.set(key, s);
      for (const [key, s] of keys) {
        const labels = { ...s.labels, ...('hostname' in s.labels ? { hostname: mode.hostname } : {}), ...scrape };
        add(s.name, { prefix: prefix(s.name, labels), value: valueOf(h.writes, key, gaps) });
      }
    }
    const down = (t) => gaps.all.some((w) => inside(t, w));
    if (wantedScrapeNames.has('up')) add('up', { prefix: prefix('up', scrape), value: (t) => (down(t) ? undefined : gaps.textfile.some((w) => inside(t, w)) ? 0 : 1) });
    if (wantedScrapeNames.has('node_textfile_scrape_error')) {
      add('node_textfile_scrape_error', { prefix: prefix('node_textfile_scrape_error', scrape), value: (t) => (down(t) || gaps.textfile.some((w) => inside(t, w)) ? undefined : 0) });
    }
  }
  return [...byName.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, series]) => ({ name, series }));
}
