/**
 * `ubm report`'s flags and errors: its help, the step that keeps a query under Prometheus' points
 * limit, and one line with exit 2 for an unreachable Prometheus, an empty result and a bad period.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { periodOf } from '../src/cli/report.js';
import { MAX_POINTS_PER_SERIES, chooseStep } from '../src/report/step.js';
import { captureIo } from './support/capture-io.js';
import { type Server, freePort, startPrometheus } from './support/servers.js';
import { REPO_ROOT } from './support/tools.js';

const DAY = 86_400;

/** Runs `ubm report ARGS` in process: exit code, stdout and stderr. */
async function report(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(REPO_ROOT);
  const code = await main(['report', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('ubm report: flags', () => {
  it('is listed among the commands and prints its help', async () => {
    const top = captureIo(REPO_ROOT);
    expect(await main(['--help'], top)).toBe(0);
    expect(top.out()).toMatch(/^ {2}report +the compliance report/m);
    const help = await report(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: ubm report --prometheus URL');
    for (const flag of ['--prometheus', '--config', '--from', '--to', '--days', '--format', '--out']) expect(help.out).toContain(flag);
  });

  it.each([
    ['no --prometheus', ['--days', '3'], /--prometheus URL is required/],
    ['an unknown format', ['--prometheus', 'http://127.0.0.1:9', '--format', 'pdf'], /--format 'pdf' is not one of html, json, markdown/],
    ['a --to that is no time', ['--prometheus', 'http://127.0.0.1:9', '--to', 'yesterday-ish'], /--to 'yesterday-ish' is not a time/],
    ['a --from after --to', ['--prometheus', 'http://127.0.0.1:9', '--from', '2024-02-01T00:00:00Z', '--to', '2024-01-01T00:00:00Z'], /the period is empty/],
    ['--days of zero', ['--prometheus', 'http://127.0.0.1:9', '--days', '0'], /--days '0' must be a positive number of days/],
    ['--from with --days', ['--prometheus', 'http://127.0.0.1:9', '--from', '0', '--days', '3'], /give --from or --days, not both/],
    ['a URL that is not http', ['--prometheus', 'file:///etc/passwd', '--days', '1'], /--prometheus must be an http/],
  ])('refuses %s with one line and exit 2', async (_name, args, message) => {
    const r = await report(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
  });

  it('reads RFC 3339 and Unix seconds, and defaults to the 30 days before now', () => {
    expect(periodOf({ from: '2024-01-01T00:00:00Z', to: '1706659200' }, 0)).toEqual({ from: 1_704_067_200, to: 1_706_659_200 });
    expect(periodOf({}, 1_706_659_200_500)).toEqual({ from: 1_706_659_200 - 30 * DAY, to: 1_706_659_200 });
    expect(periodOf({ days: '7', to: '2024-01-31T00:00:00Z' }, 0)).toEqual({ from: 1_706_659_200 - 7 * DAY, to: 1_706_659_200 });
  });

  it.each([
    [1, 60],
    [7, 60],
    [30, 240],
    [90, 720],
    [365, 2880],
  ])('keeps a %i-day range query under 11,000 points with a %i-second step', (days, step) => {
    expect(chooseStep(0, days * DAY)).toBe(step);
    expect(Math.ceil((days * DAY) / step)).toBeLessThan(MAX_POINTS_PER_SERIES);
  });
});

describe('ubm report: Prometheus errors', () => {
  let prometheus: Server | undefined;
  beforeAll(async () => {
    prometheus = await startPrometheus('global:\n  scrape_interval: 15s\n');
  }, 60_000);
  afterAll(async () => {
    await prometheus?.stop();
  });

  it('says in one line that a Prometheus nobody listens on is unreachable, and exits 2', async () => {
    const port = await freePort();
    const r = await report(['--prometheus', `http://user:secret@127.0.0.1:${port}/`, '--days', '1']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^ubm report: Prometheus at http://127\\.0\\.0\\.1:${port} is unreachable \\(.+\\)\\n$`));
    expect(r.err).not.toContain('secret');
  });

  it('says in one line that a Prometheus without backup metrics has nothing to report, and exits 2', async () => {
    const r = await report(['--prometheus', prometheus?.url ?? '', '--days', '2', '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^ubm report: Prometheus has no backup metrics between .+ and .+\n$/);
    expect(r.out).toBe('');
  });

  it('says in one line that a server which is no Prometheus is not one, and exits 2', async () => {
    const r = await report(['--prometheus', `${prometheus?.url ?? ''}/nothing-here`, '--days', '1']);
    expect(r.code).toBe(2);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^ubm report: Prometheus at http:\/\/127\.0\.0\.1:\d+ /);
  });
});
