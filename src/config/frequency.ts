/**
 * A job's frequency -> the longest interval between two of its runs, in seconds.
 * Accepts systemd calendar shorthands, the OnCalendar expressions whose gaps can be bounded
 * (every day, given weekdays, a day of the month or of the year, at listed or repeated times)
 * and durations (`6h`). Always the *longest* gap: a threshold built on it never fires early.
 */
import { parseDurationSeconds } from '../util/duration.js';
import { quote } from '../util/quote.js';

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;
const YEAR = 366 * DAY;

/** systemd's shorthands with their longest gap (a month is 31 days, a quarter 92, a half-year 184, a year 366). */
export const CALENDAR_SHORTHANDS: Readonly<Record<string, number>> = {
  minutely: MINUTE,
  hourly: HOUR,
  daily: DAY,
  weekly: 7 * DAY,
  monthly: 31 * DAY,
  quarterly: 92 * DAY,
  semiannually: 184 * DAY,
  yearly: YEAR,
  annually: YEAR,
};

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const WEEKDAY_LONG = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** The outcome of reading a frequency: its interval, or why it has none. */
export type FrequencyResult = { readonly seconds: number } | { readonly error: string };

/** The one-line explanation shown when a frequency cannot be read. */
export const FREQUENCY_HELP =
  "use a systemd calendar shorthand (hourly, daily, weekly, monthly, ...), an OnCalendar expression with a fixed interval (e.g. '*-*-* 02:00:00', 'Mon *-*-* 03:00', '*-*-* *:00/15') or a duration (e.g. '6h')";

/** Reads a frequency; never throws. */
export function frequencyInterval(text: string): FrequencyResult {
  const s = text.trim();
  const fail: FrequencyResult = { error: `cannot derive an interval from ${quote(text)}: ${FREQUENCY_HELP}` };
  if (s === '') return fail;
  const shorthand = CALENDAR_SHORTHANDS[s.toLowerCase()];
  if (shorthand !== undefined) return { seconds: shorthand };
  // A duration needs a unit: a bare number would be ambiguous (seconds? a day of the month?).
  if (/^[\d.]+(ms|s|m|min|h|d|w)/.test(s) && !s.includes(':') && !s.includes('-')) {
    const seconds = parseDurationSeconds(s);
    if (seconds === undefined || seconds <= 0) return fail;
    // Between the shortest and the longest shorthand: thresholds derive from it, and a bound keeps them sane.
    if (seconds < MINUTE || seconds > YEAR) return { error: `the frequency ${quote(text)} must be from 1 minute (minutely) to 366 days (yearly)` };
    return { seconds };
  }
  const seconds = onCalendarInterval(s);
  return seconds === undefined ? fail : { seconds };
}

/** The longest gap of an OnCalendar expression, or undefined when it cannot be bounded simply. */
function onCalendarInterval(expr: string): number | undefined {
  const tokens = expr.split(/\s+/);
  let weekdays: number[] | undefined;
  let date: { month: string; day: string } | undefined;
  let time: string | undefined;
  for (const token of tokens) {
    if (token === 'UTC') continue;
    if (token.includes(':')) {
      if (time !== undefined) return undefined;
      time = token;
    } else if (token.includes('-')) {
      if (date !== undefined) return undefined;
      const parts = token.split('-');
      // Y-M-D or M-D; the year must be a wildcard (a fixed year has no repeating interval).
      const [year, month, day] = parts.length === 3 ? parts : ['*', ...parts];
      if (year !== '*' || month === undefined || day === undefined || parts.length > 3) return undefined;
      date = { month, day };
    } else {
      if (weekdays !== undefined || date !== undefined || time !== undefined) return undefined;
      weekdays = parseWeekdays(token);
      if (weekdays === undefined) return undefined;
    }
  }
  const times = timesOfDay(time ?? '00:00:00');
  if (times === undefined) return undefined;
  const month = date?.month ?? '*';
  const day = date?.day ?? '*';
  if (day === '*' && month === '*') {
    if (weekdays === undefined || weekdays.length === 7) return maxCyclicGap(times, 24 * 60) * MINUTE;
    return maxCyclicGap(weekdays, 7) * DAY;
  }
  if (weekdays !== undefined) return undefined;
  const dayNumber = fixedNumber(day, 1, 28);
  if (dayNumber === undefined) return undefined;
  if (month === '*') return 31 * DAY;
  return fixedNumber(month, 1, 12) === undefined ? undefined : 366 * DAY;
}

/** `Mon`, `Mon,Fri`, `Mon..Fri`, `Sat,Sun`, full names too -> weekday indexes. */
function parseWeekdays(token: string): number[] | undefined {
  const out = new Set<number>();
  for (const part of token.split(',')) {
    const [from, to, ...rest] = part.split('..');
    if (rest.length > 0 || from === undefined) return undefined;
    const a = weekdayIndex(from);
    const b = to === undefined ? a : weekdayIndex(to);
    if (a === undefined || b === undefined) return undefined;
    // Ranges wrap around the week like systemd's (Sat..Mon).
    for (let i = a; ; i = (i + 1) % 7) {
      out.add(i);
      if (i === b) break;
    }
  }
  return [...out].sort((x, y) => x - y);
}

function weekdayIndex(name: string): number | undefined {
  const n = name.toLowerCase();
  const short = WEEKDAYS.indexOf(n);
  if (short >= 0) return short;
  const long = WEEKDAY_LONG.indexOf(n);
  return long >= 0 ? long : undefined;
}

/** `HH:MM[:SS]` with `*`, lists, `a..b` and `a/step` in hours and minutes -> minutes of the day. */
function timesOfDay(token: string): number[] | undefined {
  const [h, m, s, ...rest] = token.split(':');
  if (h === undefined || m === undefined || rest.length > 0) return undefined;
  // Seconds must be fixed: sub-minute schedules are not backup schedules.
  if (s !== undefined && fixedNumber(s, 0, 59) === undefined) return undefined;
  const hours = valueSet(h, 23);
  const minutes = valueSet(m, 59);
  if (hours === undefined || minutes === undefined) return undefined;
  return hours.flatMap((hour) => minutes.map((minute) => hour * 60 + minute)).sort((a, b) => a - b);
}

/** One calendar component: `*`, `5`, `1,7`, `8..18`, `0/15`, `*\/15` -> its sorted values within 0..max. */
function valueSet(text: string, max: number): number[] | undefined {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [base, stepText, ...rest] = part.split('/');
    if (base === undefined || rest.length > 0) return undefined;
    const step = stepText === undefined ? undefined : fixedNumber(stepText, 1, max);
    if (stepText !== undefined && step === undefined) return undefined;
    let from: number | undefined;
    let to: number | undefined;
    if (base === '*') {
      from = 0;
      to = max;
    } else if (base.includes('..')) {
      const [a, b] = base.split('..');
      from = fixedNumber(a ?? '', 0, max);
      to = fixedNumber(b ?? '', 0, max);
    } else {
      from = fixedNumber(base, 0, max);
      to = step === undefined ? from : max;
    }
    if (from === undefined || to === undefined || to < from) return undefined;
    for (let v = from; v <= to; v += step ?? 1) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

function fixedNumber(text: string, min: number, max: number): number | undefined {
  if (!/^\d{1,2}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

/** The largest gap between consecutive sorted values on a cycle of the given length. */
function maxCyclicGap(values: readonly number[], cycle: number): number {
  let gap = 0;
  values.forEach((v, i) => {
    const next = i + 1 < values.length ? (values[i + 1] ?? v) : (values[0] ?? v) + cycle;
    gap = Math.max(gap, next - v);
  });
  return gap === 0 ? cycle : gap;
}
