/** Parsing of durations as the CLI and config accept them: `145`, `12.5`, `2m30s`, `26h`, `1d12h`, `1w`. */

/** Seconds in an hour. */
export const SECONDS_PER_HOUR = 3600;
/** Seconds in a day. */
export const SECONDS_PER_DAY = 86_400;

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  ms: 0.001,
  s: 1,
  m: 60,
  min: 60,
  h: SECONDS_PER_HOUR,
  d: SECONDS_PER_DAY,
  w: 7 * SECONDS_PER_DAY,
};

/**
 * Parses seconds (`145`, `12.5`) or a compound duration (`2m30s`, `26h`, `1d`) into seconds.
 * Returns undefined for anything else, including negative numbers and empty input.
 */
export function parseDurationSeconds(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const part = /(\d+(?:\.\d+)?)(ms|min|s|m|h|d|w)/gy;
  let total = 0;
  let end = 0;
  for (let match = part.exec(s); match !== null; match = part.exec(s)) {
    const [, value, unit] = match;
    const factor = unit === undefined ? undefined : UNIT_SECONDS[unit];
    if (value === undefined || factor === undefined) return undefined;
    total += Number(value) * factor;
    end = part.lastIndex;
  }
  return end === s.length && end > 0 ? total : undefined;
}

/** Formats seconds as a compact Prometheus-style duration (`1d6h`, `90m` -> `1h30m`, `0s`). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '0s';
  let rest = Math.round(seconds);
  let out = '';
  for (const [unit, size] of [['d', SECONDS_PER_DAY], ['h', SECONDS_PER_HOUR], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
