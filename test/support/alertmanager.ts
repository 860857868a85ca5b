/**
 * The alerting half of the live stack: Alertmanager and the Pushgateway started like the other
 * servers (loopback port, private data directory, stopped by PID), and a webhook receiver served
 * by the test itself, which records every notification Alertmanager sends.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { type Server, startServer, waitFor } from './servers.js';
import { tempDir } from './temp.js';

/** One alert as Alertmanager's webhook payload carries it. */
export interface WebhookAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A webhook receiver on a loopback port, holding every alert it was sent in arrival order. */
export interface WebhookReceiver {
  readonly url: string;
  /** Every alert received so far, oldest first. */
  readonly alerts: () => readonly WebhookAlert[];
  /** Waits until an alert matching `match` has arrived, and returns it. */
  readonly waitForAlert: (what: string, match: (a: WebhookAlert) => boolean, timeoutMs?: number) => Promise<WebhookAlert>;
  readonly stop: () => Promise<void>;
}

/** The parts of Alertmanager's webhook payload (version 4) that the tests read. */
interface WebhookPayload {
  readonly alerts?: ReadonlyArray<{ status?: string; labels?: Record<string, string>; annotations?: Record<string, string> }>;
}

/** Starts an HTTP server on 127.0.0.1 that records Alertmanager's webhook POSTs. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: WebhookAlert[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      try {
        const payload = JSON.parse(body) as WebhookPayload;
        for (const a of payload.alerts ?? []) {
          received.push({ status: a.status === 'resolved' ? 'resolved' : 'firing', labels: a.labels ?? {}, annotations: a.annotations ?? {} });
        }
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    alerts: () => [...received],
    waitForAlert: (what, match, timeoutMs = 60_000) =>
      waitFor(`webhook alert ${what}`, async () => received.find(match), timeoutMs, 200),
    stop: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

/** Alertmanager with a private storage directory (removed by stop) and clustering off; `config` is alertmanager.yml. */
export async function startAlertmanager(config: string): Promise<Server & { dir: string }> {
  const dir = tempDir('alertmanager');
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, config);
  const server = await startServer(
    'prometheus-alertmanager',
    (port) => [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // An empty cluster address disables gossip, so nothing listens on 0.0.0.0:9094.
      '--cluster.listen-address=',
    ],
    '/-/ready',
  );
  return { ...server, dir, stop: stopAndRemove(server, dir) };
}

/** A server's stop that also removes its private directory. */
function stopAndRemove(server: Server, dir: string): () => Promise<void> {
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

/** A Pushgateway with its persistence file in a private directory (removed by stop). */
export async function startPushgateway(): Promise<Server & { dir: string }> {
  const dir = tempDir('pushgateway');
  const server = await startServer(
    'prometheus-pushgateway',
    (port) => [`--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${join(dir, 'pushgateway.data')}`],
    '/-/ready',
  );
  return { ...server, dir, stop: stopAndRemove(server, dir) };
}

/** Alerts Alertmanager currently holds (API v2), active and inhibited, with their state. */
export async function alertmanagerAlerts(url: string): Promise<Array<{ labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }>> {
  const res = await fetch(`${url}/api/v2/alerts`);
  if (!res.ok) throw new Error(`alertmanager answered ${res.status} to GET /api/v2/alerts`);
  return (await res.json()) as Array<{ labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }>;
}

/** Sends an alert straight to Alertmanager (API v2), e.g. a sentinel whose delivery proves that earlier groups have flushed. */
export async function postAlert(url: string, labels: Readonly<Record<string, string>>): Promise<void> {
  const res = await fetch(`${url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ labels, annotations: { summary: 'sent by the test' } }]),
  });
  if (!res.ok) throw new Error(`alertmanager answered ${res.status} to POST /api/v2/alerts`);
}
