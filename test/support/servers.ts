/**
 * Starting the real servers on 127.0.0.1 with private data directories, and stopping them by PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { tempDir } from './temp.js';
import { requireTool } from './tools.js';

/** A running server started by a test. */
export interface Server {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  /** Recent stderr/stdout, for failure messages. */
  readonly log: () => string;
  readonly stop: () => Promise<void>;
}

/** Asks the kernel for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** Polls fn until it returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${lastError === '' ? '' : `: ${lastError}`}`);
}

/** Spawns a server process and waits until `readyPath` on its port answers 200; `asUid` runs it as that uid and gid (through setpriv, which execs it: the PID stays the server's). */
export async function startServer(tool: string, args: (port: number) => string[], readyPath: string, asUid?: number): Promise<Server> {
  const bin = requireTool(tool);
  const port = await freePort();
  const [command, argv] =
    asUid === undefined ? [bin, args(port)] : [requireTool('setpriv'), [`--reuid=${asUid}`, `--regid=${asUid}`, '--clear-groups', bin, ...args(port)]];
  const child: ChildProcess = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer): void => {
    log = (log + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${tool} did not start`);
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await waitFor(`${tool} on ${url}${readyPath}`, async () => {
      if (child.exitCode !== null) throw new Error(`${tool} exited: ${log}`);
      const res = await fetch(`${url}${readyPath}`);
      return res.ok ? true : undefined;
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { pid, port, url, log: () => log, stop };
}

/** node_exporter with only the textfile collector, reading `dir`; `asUid` runs it as that user, as a packaged node_exporter runs as its own. */
export async function startNodeExporter(dir: string, asUid?: number): Promise<Server> {
  return startServer(
    'prometheus-node-exporter',
    (port) => [
      `--web.listen-address=127.0.0.1:${port}`,
      '--collector.disable-defaults',
      '--collector.textfile',
      `--collector.textfile.directory=${dir}`,
      '--web.disable-exporter-metrics',
    ],
    '/metrics',
    asUid,
  );
}

/** Prometheus with a private TSDB; `config` is the YAML of prometheus.yml (rule_files relative to it). */
export async function startPrometheus(config: string, extraArgs: string[] = []): Promise<Server & { dir: string }> {
  const dir = tempDir('prometheus');
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, config);
  const server = await startServer(
    'prometheus',
    (port) => [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      ...extraArgs,
    ],
    '/-/ready',
  );
  return { ...server, dir };
}

/** Runs an instant query against a Prometheus and returns the result vector. */
export async function promQuery(url: string, query: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
  if (body.status !== 'success' || body.data === undefined) throw new Error(`query failed: ${query}: ${body.error ?? res.status}`);
  if (body.data.resultType !== 'vector') throw new Error(`query ${query} returned ${body.data.resultType}, not a vector`);
  return body.data.result as Array<{ metric: Record<string, string>; value: [number, string] }>;
}

/**
 * node_exporter on `textfiles`, scraped as job "node" by a Prometheus that evaluates `ruleFile`,
 * both every second: the live tests' stack. Each server is pushed onto `started` as soon as it
 * runs, so that the caller stops every one by its PID, even when this fails half-way.
 */
export async function startRuleStack(textfiles: string, ruleFile: string, started: Server[]): Promise<{ prometheusUrl: string }> {
  const node = await startNodeExporter(textfiles);
  started.push(node);
  const prometheus = await startPrometheus(
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: [${JSON.stringify(ruleFile)}]`,
      `scrape_configs: [{ job_name: node, static_configs: [{ targets: ["127.0.0.1:${node.port}"] }] }]`,
      '',
    ].join('\n'),
  );
  started.push(prometheus);
  return { prometheusUrl: prometheus.url };
}
