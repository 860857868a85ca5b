/**
 * The Prometheus side of the rule-evaluation benchmark: start the real server on a backfilled data
 * directory (loopback port, stopped by PID) and evaluate expressions through /api/v1/query with
 * stats=all, or over a range (what a recording rule would have recorded).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Asks the kernel for a free loopback port. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/** Starts a server on a free loopback port, waits until `readyPath` answers 200; stop() ends it by PID. */
export async function startServer(bin, argsFor, readyPath) {
  const port = await freePort();
  const child = spawn(bin, argsFor(port), { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (c) => {
    log = (log + c.toString()).slice(-4000);
  });
  const exited = new Promise((r) => child.once('exit', r));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${bin} exited: ${log.trim()}`);
    try {
      if ((await fetch(`${url}${readyPath}`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${bin} not ready: ${log.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, pid: child.pid, stop, log: () => log };
}

/**
 * Starts Prometheus on `dataDir` with its default query limits (query.max-samples 50,000,000).
 * Blocks are never compacted while it runs (min = max block duration), so every run reads the
 * same blocks; retention is long because the data is in 2023. `configText` replaces the default
 * prometheus.yml (e.g. to load rule files).
 */
export async function startPrometheus({ prometheus, dataDir, workDir, configText = 'global:\n  scrape_interval: 15s\n  evaluation_interval: 15s\n' }) {
  const config = join(workDir, 'prometheus.yml');
  writeFileSync(config, configText);
  return startServer(
    prometheus,
    (port) => [
      `--config.file=${config}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=10y',
      '--storage.tsdb.min-block-duration=2h',
      '--storage.tsdb.max-block-duration=2h',
    ],
    '/-/ready',
  );
}

/** A range query: the matrix of series (labels and [time, value] points) an expression gives over [from, to]. */
export async function queryRange(url, expr, from, to, stepS) {
  const res = await fetch(`${url}/api/v1/query_range`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: expr, start: String(from), end: String(to), step: `${stepS}s` }).toString(),
  });
  const body = await res.json();
  if (body.status !== 'success') throw new Error(`range query failed: ${expr}: ${body.error}`);
  return body.data.result.map((r) => ({ metric: r.metric, values: r.values.map(([t, v]) => [Math.round(t), v]) }));
}

/** An instant query whose answer is one number (0 when empty). */
export async function queryScalar(url, expr, timeS) {
  const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr, time: String(timeS) })}`);
  const body = await res.json();
  if (body.status !== 'success') throw new Error(`query failed: ${expr}: ${body.error}`);
  const v = body.data.result[0]?.value[1];
  return v === undefined ? 0 : Number(v);
}

/** One instant query with stats=all: samples read, peak samples held, engine time and round trip. */
export async function queryStats(url, expr, timeS) {
  const started = process.hrtime.bigint();
  const res = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: expr, time: String(timeS), stats: 'all' }).toString(),
  });
  const body = await res.json();
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  if (body.status !== 'success') throw new Error(`query failed: ${expr}: ${body.error}`);
  const stats = body.data.stats;
  if (stats?.samples?.totalQueryableSamples === undefined) throw new Error('this Prometheus returns no stats.samples.totalQueryableSamples');
  return {
    samples: stats.samples.totalQueryableSamples,
    peak: stats.samples.peakSamples,
    evalS: stats.timings.evalTotalTime,
    wallS,
    results: Array.isArray(body.data.result) ? body.data.result.length : 0,
  };
}
