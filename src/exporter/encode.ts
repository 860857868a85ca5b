/**
 * Encoding series as exposition text through prom-client, with a private Registry per call
 * (no default metrics, no global state).
 */
import { createRequire } from 'node:module';
import type { Counter as CounterType, Gauge as GaugeType, Registry as RegistryType } from 'prom-client';
import { type LabelName, allMetrics } from '../schema/catalog.js';
import type { SeriesValue } from '../schema/series.js';

export type { SeriesValue } from '../schema/series.js';

// prom-client's package root loads every metric type, the cluster aggregator and the default
// metrics (~55 ms here); the modules we use are all we use (~3 ms), which keeps `ubm emit` fast.
// They load at the first encode, not at import: a hook importing the recording API pays for them
// only when it records, and `ubm run` loads them while its command runs.
const require = createRequire(import.meta.url);

/** The prom-client classes the encoder uses. */
interface PromClient {
  readonly Registry: typeof RegistryType;
  readonly Gauge: typeof GaugeType;
}

let loaded: PromClient | undefined;

/** prom-client's Registry and Gauge, loaded once on first use (call it early to load them ahead). */
export function promClient(): PromClient {
  loaded ??= { Registry: require('prom-client/lib/registry') as typeof RegistryType, Gauge: require('prom-client/lib/gauge') as typeof GaugeType };
  return loaded;
}

/** prom-client's Counter, loaded only when a counter is written (the catalog has none today). */
function counterClass(): typeof CounterType {
  return require('prom-client/lib/counter') as typeof CounterType;
}

/** Throws unless the sample's label names are exactly its metric's (series read back or pushed by library callers are not compile-checked). */
function checkLabels(s: SeriesValue): void {
  const given = Object.keys(s.labels).filter((k) => s.labels[k as LabelName] !== undefined).sort();
  const wanted = [...s.metric.labels].sort();
  if (given.join(',') !== wanted.join(',')) {
    throw new Error(`${s.metric.name}: labels must be exactly {${wanted.join(', ')}}, got {${given.join(', ')}}`);
  }
}

/** Catalog position of each metric, for a stable family order. */
const catalogOrder = new Map(allMetrics.map((m, i) => [m.name, i]));

/** Sorts series by catalog order, then by label values, so the same input always gives the same bytes. */
export function sortSeries(series: readonly SeriesValue[]): SeriesValue[] {
  const key = (s: SeriesValue): string => s.metric.labels.map((l) => s.labels[l] ?? '').join('\u0000');
  return [...series].sort((a, b) => {
    const byMetric = (catalogOrder.get(a.metric.name) ?? 1e9) - (catalogOrder.get(b.metric.name) ?? 1e9);
    if (byMetric !== 0) return byMetric;
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** Encodes series as exposition text (HELP and TYPE from the catalog, no timestamps); throws on a duplicate series. */
export async function encodeSeries(series: readonly SeriesValue[]): Promise<string> {
  const { Registry, Gauge } = promClient();
  const registry = new Registry();
  const families = new Map<string, GaugeType | CounterType>();
  const seen = new Set<string>();
  for (const s of sortSeries(series)) {
    checkLabels(s);
    const labels: Record<string, string> = {};
    for (const l of s.metric.labels) labels[l] = s.labels[l] ?? '';
    const identity = `${s.metric.name}${JSON.stringify(labels)}`;
    if (seen.has(identity)) throw new Error(`${s.metric.name}: the same series twice`);
    seen.add(identity);
    let family = families.get(s.metric.name);
    if (family === undefined) {
      const config = { name: s.metric.name, help: s.metric.help, labelNames: [...s.metric.labels], registers: [registry] };
      family = s.metric.kind === 'counter' ? new (counterClass())(config) : new Gauge(config);
      families.set(s.metric.name, family);
    }
    if (s.metric.kind === 'counter') (family as CounterType).inc(labels, s.value);
    else (family as GaugeType).set(labels, s.value);
  }
  if (families.size === 0) return '';
  const text = await registry.metrics();
  return text.endsWith('\n') ? text : `${text}\n`;
}
