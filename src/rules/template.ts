/**
 * Alert annotation templates as data: rendered once into Prometheus' Go template syntax, and
 * evaluated here with known labels and values to write the generated promtool tests'
 * `exp_annotations`. One description, two renderings: they cannot drift apart.
 */
import { SECONDS_PER_DAY, SECONDS_PER_HOUR } from '../util/duration.js';

/**
 * How a number is shown: Prometheus' humanizeDuration, humanize1024 followed by `B` (bytes),
 * humanizePercentage (a share), or printf with a fixed number of decimals.
 */
export type ValueFormat = 'duration' | 'bytes' | 'percent' | 'integer' | 'decimal1';

/** A query run while the annotation renders: `expr` has one `%q` per label in `args`. */
export interface QueryPart {
  readonly query: string;
  readonly args: readonly string[];
  readonly format: ValueFormat;
  /** Shown before the value when the query returns something. */
  readonly prefix?: string;
  /** Shown after the value when the query returns something (e.g. ` ago`). */
  readonly suffix?: string;
  /** Shown instead when the query returns nothing. */
  readonly otherwise?: string;
}

/** One piece of a template: literal text, a label of the alert, its value, or a query's value. */
export type TemplatePart = string | { readonly label: string } | { readonly value: ValueFormat } | QueryPart;

/** The inputs of a rendering in tests: the alert's labels and value, and the answers to its queries. */
export interface TemplateContext {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /** The value a query part returns for the given label values, or undefined for an empty result. */
  readonly query?: (part: QueryPart, args: readonly string[]) => number | undefined;
}

/** The Go template pipeline stage that formats a value (after `operand | ` or as a call on it). */
const GO_PIPE: Readonly<Record<ValueFormat, string>> = {
  duration: 'humanizeDuration',
  bytes: 'humanize1024',
  percent: 'humanizePercentage',
  integer: 'printf "%.0f"',
  decimal1: 'printf "%.1f"',
};

/** What the template writes right after the formatted value. */
function unitAfter(format: ValueFormat): string {
  return format === 'bytes' ? 'B' : '';
}

function goFormat(format: ValueFormat, operand: string): string {
  if (format === 'integer' || format === 'decimal1') return `${GO_PIPE[format]} ${operand}`;
  return `${operand} | ${GO_PIPE[format]}`;
}

/** Renders the parts as a Prometheus annotation template. */
export function renderGoTemplate(parts: readonly TemplatePart[]): string {
  return parts
    .map((p) => {
      if (typeof p === 'string') return p.replace(/\{\{/g, '{{ "{{" }}');
      if ('label' in p) return `{{ $labels.${p.label} }}`;
      if ('value' in p) return `{{ ${goFormat(p.value, '$value')} }}${unitAfter(p.value)}`;
      const args = p.args.map((a) => ` $labels.${a}`).join('');
      const call = `query (printf ${JSON.stringify(p.query)}${args})`;
      const shown = `. | first | value | ${GO_PIPE[p.format]}`;
      const otherwise = p.otherwise === undefined ? '' : `{{ else }}${p.otherwise}`;
      return `{{ with ${call} }}${p.prefix ?? ''}{{ ${shown} }}${unitAfter(p.format)}${p.suffix ?? ''}${otherwise}{{ end }}`;
    })
    .join('');
}

/** Evaluates the parts as Prometheus would, for test expectations. */
export function evaluateTemplate(parts: readonly TemplatePart[], ctx: TemplateContext): string {
  return parts
    .map((p) => {
      if (typeof p === 'string') return p;
      if ('label' in p) return ctx.labels[p.label] ?? '';
      if ('value' in p) return formatValue(p.value, ctx.value);
      const v = ctx.query?.(p, p.args.map((a) => ctx.labels[a] ?? ''));
      return v === undefined ? (p.otherwise ?? '') : `${p.prefix ?? ''}${formatValue(p.format, v)}${p.suffix ?? ''}`;
    })
    .join('');
}

/** Formats a number like the Go template function or printf verb named by `format` (and the unit written after it). */
export function formatValue(format: ValueFormat, v: number): string {
  if (format === 'duration') return humanizeDuration(v);
  if (format === 'bytes') return `${humanize1024(v)}${unitAfter(format)}`;
  if (format === 'percent') return humanizePercentage(v);
  return v.toFixed(format === 'integer' ? 0 : 1);
}

/** Go's `%.4g`, for the values humanizeDuration prints with significant digits. */
function go4g(v: number): string {
  if (v === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 4) {
    const [mant = '0', e = '0'] = v.toExponential(3).split('e');
    const trimmed = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
    const n = Number(e);
    return `${trimmed}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const fixed = v.toPrecision(4);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/** Prometheus' humanizeDuration template function (template/template.go), reimplemented. */
export function humanizeDuration(value: number): string {
  if (Number.isNaN(value) || !Number.isFinite(value)) return go4g(value);
  if (value === 0) return '0s';
  let v = value;
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    v = Math.abs(v);
    const total = Math.trunc(v);
    const seconds = total % 60;
    const minutes = Math.trunc(total / 60) % 60;
    const hours = Math.trunc(total / SECONDS_PER_HOUR) % 24;
    const days = Math.trunc(total / SECONDS_PER_DAY);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${go4g(v)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${go4g(v)}${prefix}s`;
}

/** Prometheus' humanize1024 template function: binary prefixes (ki, Mi, ...), four significant digits. */
export function humanize1024(value: number): string {
  if (Math.abs(value) <= 1 || !Number.isFinite(value)) return go4g(value);
  let v = value;
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return `${go4g(v)}${prefix}`;
}

/** Prometheus' humanizePercentage template function: a share as a percentage, four significant digits. */
export function humanizePercentage(value: number): string {
  return `${go4g(value * 100)}%`;
}
