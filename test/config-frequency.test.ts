/** Frequencies -> the longest interval between two runs: shorthands, OnCalendar expressions, durations. */
import { describe, expect, it } from 'vitest';
import { frequencyInterval } from '../src/config/frequency.js';

const H = 3600;
const D = 86_400;

describe('frequencyInterval', () => {
  it.each([
    ['minutely', 60],
    ['hourly', H],
    ['daily', D],
    ['Daily', D],
    ['weekly', 7 * D],
    ['monthly', 31 * D],
    ['quarterly', 92 * D],
    ['semiannually', 184 * D],
    ['yearly', 366 * D],
    ['annually', 366 * D],
    ['*-*-* 02:00:00', D],
    ['02:00', D],
    ['*-*-* 02:00 UTC', D],
    ['Mon *-*-* 03:00', 7 * D],
    ['Mon 03:00', 7 * D],
    ['monday 03:00', 7 * D],
    ['Mon..Fri 22:30', 3 * D],
    ['Sat..Mon 01:00', 5 * D],
    ['Mon,Thu 04:00', 4 * D],
    ['Mon..Sun *:0/15', 15 * 60],
    ['*-*-* *:00/15', 15 * 60],
    ['*:0/5', 5 * 60],
    ['*-*-* 06,18:00', 12 * H],
    ['*-*-* 0/6:00', 6 * H],
    ['*-*-* 8..18:00', 14 * H],
    ['*-*-01 04:00:00', 31 * D],
    ['*-01-01 00:00', 366 * D],
    ['6h', 6 * H],
    ['30m', 30 * 60],
    ['1d12h', 36 * H],
    ['2w', 14 * D],
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(frequencyInterval(text)).toEqual({ seconds });
  });

  it.each([
    ['every tuesday'],
    [''],
    ['90'],
    ['2025-06-01 02:00'],
    ['*-*-31 02:00'],
    ['*-02-* 02:00'],
    ['Mon *-*-01 02:00'],
    ['*-*-* 25:00'],
    ['*-*-* 02:00:0/10'],
    ['Funday 02:00'],
    ['*-*-* 02:00 03:00'],
    ['0h'],
    ['6 hours'],
  ])("cannot derive an interval from '%s' and says what would work", (text) => {
    const r = frequencyInterval(text);
    expect(r).toHaveProperty('error');
    expect('error' in r ? r.error : '').toContain(`'${text}'`);
    expect('error' in r ? r.error : '').toContain('systemd calendar shorthand');
  });
});
