/**
 * Range-query answers indexed by identity labels, so the report reads a series' value at a grid time.
 * Prometheus answers with change points only (see fetch.ts); a series here is a step function.
 */
import type { RangeSeries } from './prometheus.js';

/** A series' value at any grid time, and the distinct values it took. */
export interface Values {
  /** The value at t: that of the last change point at or before t; undefined when absent then. */
  get(t: number): number | undefined;
  /** The values of its change points, in time order (absences left out). */
  values(): Iterable<number>;
}

/** A step function over sorted change points; NaN marks where the series vanished. */
class StepValues implements Values {
  private readonly ts: number[] = [];
  private readonly vs: number[] = [];

  /** Adds a change point (in any order: sort() before reading). */
  add(t: number, v: number): void {
    this.ts.push(t);
    this.vs.push(v);
  }

  /** Sorts the change points by time; of two at one time, the value (not NaN) wins. */
  sort(): void {
    const order = this.ts.map((_, i) => i).sort((a, b) => (this.ts[a] ?? 0) - (this.ts[b] ?? 0) || (Number.isNaN(this.vs[a]) ? -1 : 0) - (Number.isNaN(this.vs[b]) ? -1 : 0));
    const ts = order.map((i) => this.ts[i] ?? 0);
    const vs = order.map((i) => this.vs[i] ?? Number.NaN);
    this.ts.splice(0, ts.length, ...ts);
    this.vs.splice(0, vs.length, ...vs);
  }

  get(t: number): number | undefined {
    let lo = 0;
    let hi = this.ts.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.ts[mid] ?? Infinity) <= t) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const v = at < 0 ? undefined : this.vs[at];
    return v === undefined || Number.isNaN(v) ? undefined : v;
  }

  *values(): Iterable<number> {
    for (const v of this.vs) if (!Number.isNaN(v)) yield v;
  }
}

/** The key of a label set over `keys` (values joined by a separator no label value holds unescaped). */
export function keyOf(labels: Readonly<Record<string, string>>, keys: readonly string[]): string {
  return keys.map((k) => JSON.stringify(labels[k] ?? '')).join(',');
}

/** The label values back from keyOf. */
export function labelsOf(key: string): string[] {
  return JSON.parse(`[${key}]`) as string[];
}

/**
 * Series by keyOf(labels, keys), each a step function of its change points (NaN: vanished). The
 * queries aggregate to these labels, so a key has one series; the answers of several queries (the
 * seed, the changes, the vanishings) are joined on it.
 */
export function indexSeries(series: readonly RangeSeries[], keys: readonly string[]): Map<string, Values> {
  const out = new Map<string, StepValues>();
  for (const s of series) {
    const key = keyOf(s.labels, keys);
    let values = out.get(key);
    if (values === undefined) {
      values = new StepValues();
      out.set(key, values);
    }
    for (const [t, v] of s.points) values.add(t, v);
  }
  for (const v of out.values()) v.sort();
  return out;
}

/** The value at or before the latest grid time, scanning back; undefined when none. */
export function lastValue(values: Values | undefined, times: readonly number[]): number | undefined {
  if (values === undefined) return undefined;
  for (let i = times.length - 1; i >= 0; i--) {
    const t = times[i];
    if (t === undefined) continue;
    const v = values.get(t);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * The events a "last run" timestamp series shows: each new value it takes in the period, with the
 * grid time at which it was first seen (where the event's status and figures are read).
 */
export function changes(values: Values | undefined, times: readonly number[], from: number): Array<{ at: number; seenAt: number }> {
  if (values === undefined) return [];
  const out: Array<{ at: number; seenAt: number }> = [];
  let previous: number | undefined;
  for (const t of times) {
    const v = values.get(t);
    if (v === undefined) continue;
    if (v !== previous && v >= from && (previous === undefined || v > previous)) out.push({ at: v, seenAt: t });
    previous = v;
  }
  return out;
}
