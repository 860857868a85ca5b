/**
 * VictoriaMetrics' side of the live stack (Debian's `victoria-metrics` 1.79): the single-node
 * server scraping by itself, and vmalert evaluating a rule file against it. Started like the other
 * servers (loopback port, private data directory, stopped by PID).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Server, startServer } from './servers.js';
import { tempDir } from './temp.js';

/** One alert as Prometheus' and vmalert's `/api/v1/alerts` both list it (the fields the tests read). */
export interface ApiAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly state: string;
}

/**
 * Single-node VictoriaMetrics with a private storage directory, scraping what `scrapeConfig` (the
 * YAML of a Prometheus config's `scrape_configs`) lists. Queries see samples at once instead of
 * 30 s late (`-search.latencyOffset=0s`), as a Prometheus would.
 */
export async function startVictoriaMetrics(scrapeConfig: string): Promise<Server & { dir: string }> {
  const dir = tempDir('victoriametrics');
  const configFile = join(dir, 'scrape.yml');
  writeFileSync(configFile, scrapeConfig);
  const server = await startServer(
    'victoria-metrics',
    (port) => [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${join(dir, 'data')}`,
      `-promscrape.config=${configFile}`,
      '-search.latencyOffset=0s',
      '-loggerLevel=ERROR',
    ],
    '/health',
  );
  return { ...server, dir };
}

/**
 * vmalert evaluating `ruleFile` every second against VictoriaMetrics at `vmUrl` (query, recording
 * rules and alert state written back, state restored from it), notifying the Alertmanager at
 * `notifierUrl`. Everything else is vmalert's default.
 */
export async function startVmalert(vmUrl: string, ruleFile: string, notifierUrl: string): Promise<Server> {
  return startServer(
    'vmalert',
    (port) => [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-rule=${ruleFile}`,
      `-datasource.url=${vmUrl}`,
      `-remoteWrite.url=${vmUrl}`,
      `-remoteRead.url=${vmUrl}`,
      // Recording rules' results reach VictoriaMetrics a second after evaluation instead of five.
      '-remoteWrite.flushInterval=1s',
      `-notifier.url=${notifierUrl}`,
      '-evaluationInterval=1s',
      '-loggerLevel=ERROR',
    ],
    '/health',
  );
}

/** The alerts an engine lists at `/api/v1/alerts` (Prometheus and vmalert answer the same shape). */
export async function apiAlerts(url: string): Promise<ApiAlert[]> {
  const res = await fetch(`${url}/api/v1/alerts`);
  const body = (await res.json()) as { status?: string; data?: { alerts?: ApiAlert[] } };
  if (body.status !== 'success' || body.data?.alerts === undefined) throw new Error(`${url}/api/v1/alerts answered ${res.status}`);
  return body.data.alerts;
}
