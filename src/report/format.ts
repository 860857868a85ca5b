/** Text forms of times, durations and sizes shared by the Markdown and HTML renderers (UTC, so output is the same everywhere). */

/** `2024-01-05 13:00` in UTC. */
export function formatTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

/** `2024-01-05` in UTC. */
export function formatDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** A duration in the largest fitting units: `30h`, `7d`, `1d 6h`, `45m`, `12s`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts: string[] = [];
  if (d > 0 && h === 0 && m === 0) return `${d}d`;
  if (d > 0) parts.push(`${d}d`);
  if (h > 0) parts.push(`${h}h`);
  if (m > 0 && d === 0) parts.push(`${m}m`);
  if (parts.length === 0) return `${s % 60}s`;
  return parts.join(' ');
}

/** A byte count in binary units, three significant figures. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Math.abs(bytes);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${bytes < 0 ? '-' : ''}${i === 0 ? v.toFixed(0) : v.toPrecision(3)} ${units[i] ?? 'B'}`;
}

/** A share as a percentage with two decimals: `99.86%`. */
export function formatShare(share: number): string {
  return `${(share * 100).toFixed(2)}%`;
}

/** The verdict as words. */
export function verdictText(v: 'compliant' | 'at_risk' | 'not_compliant'): string {
  return v === 'compliant' ? 'compliant' : v === 'at_risk' ? 'at risk' : 'not compliant';
}

/** Days with one decimal: `2.8 days`. */
export function formatDays(days: number): string {
  return `${days.toFixed(1)} days`;
}
