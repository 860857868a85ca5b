/**
 * The Pushgateway target: the same group exposition PUT under a grouping key of
 * job=<group file prefix>, hostname and the group's key labels, with carry-forward read back from
 * the Pushgateway's own API.
 */
import { type GroupKey, textfileGroups } from '../groups/index.js';
import type { GroupId, LabelName } from '../schema/catalog.js';
import { type SeriesValue, encodeSeries } from './encode.js';
import { parseSampleValue } from './parse.js';
import { parsePushgatewayUrl } from './pushgateway-url.js';
import { checkSeriesForKey } from './textfile.js';

/** A request to replace one group on a Pushgateway. */
export interface PushGroupRequest {
  /** The Pushgateway's base URL (`http://host:9091`); user:password in it becomes basic auth. */
  readonly url: string;
  readonly group: GroupId;
  readonly hostname: string;
  readonly key: GroupKey;
  /** As for writeGroup: previous series (read back from the Pushgateway) in, new series out. */
  readonly build: (previous: readonly SeriesValue[]) => readonly SeriesValue[];
  /** Milliseconds before a request is abandoned (default 10 s). */
  readonly timeoutMs?: number;
}

/** The grouping key's labels: the Pushgateway requires `job`, which carries the group. */
export function groupingLabels(group: GroupId, hostname: string, key: GroupKey): Array<[string, string]> {
  const layout = textfileGroups[group];
  return [['job', layout.filePrefix], ['hostname', hostname], ...layout.keyLabels.map((l): [string, string] => [l, key[l] ?? ''])];
}

/** Whether a grouping value can stand in the URL path as it is: a plain word, and not `.` or `..`, which URL resolution removes. */
function isPlainPathValue(value: string): boolean {
  return /^[A-Za-z0-9_.-]+$/.test(value) && value !== '.' && value !== '..';
}

/** The URL path of a grouping key; values other than plain words go base64url-encoded (`label@base64/...`). */
export function groupingPath(labels: ReadonlyArray<readonly [string, string]>): string {
  return `/metrics${labels
    .map(([name, value]) => (isPlainPathValue(value) ? `/${name}/${value}` : `/${name}@base64/${value === '' ? '=' : Buffer.from(value, 'utf8').toString('base64url')}`))
    .join('')}`;
}

/** The shape of one group in GET /api/v1/metrics. */
interface ApiGroup {
  readonly labels?: Record<string, string>;
  readonly [metric: string]: unknown;
}

/** The series of our group found in the Pushgateway's /api/v1/metrics answer. */
export function previousFromApi(body: unknown, group: GroupId, grouping: ReadonlyArray<readonly [string, string]>): SeriesValue[] {
  const data = (body as { data?: unknown }).data;
  if (!Array.isArray(data)) return [];
  const match = (data as ApiGroup[]).find((g) => {
    const labels = g.labels ?? {};
    return Object.keys(labels).length === grouping.length && grouping.every(([n, v]) => labels[n] === v);
  });
  if (match === undefined) return [];
  const out: SeriesValue[] = [];
  for (const metric of textfileGroups[group].members) {
    const family = match[metric.name] as { metrics?: Array<{ labels?: Record<string, string>; value?: string }> } | undefined;
    for (const m of family?.metrics ?? []) {
      const value = m.value === undefined ? undefined : parseSampleValue(m.value);
      if (value === undefined) continue;
      const labels: Partial<Record<LabelName, string>> = {};
      for (const l of metric.labels) labels[l] = m.labels?.[l] ?? '';
      out.push({ metric, labels, value });
    }
  }
  return out;
}

/** A failure the gateway answered with (an HTTP status): passed through `request` as it is. */
class GatewayAnswer extends Error {}

/** A failed exchange with the gateway as one line that names it (and only its host): a timeout says how long it waited. */
function gatewayError(display: string, err: unknown, timeoutMs: number): Error {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return new Error(`pushgateway ${display} did not answer within ${timeoutMs / 1000} s`);
  }
  const cause = (err as { cause?: { code?: string } }).cause?.code;
  return new Error(`pushgateway ${display} unreachable (${cause ?? (err instanceof Error ? err.message : String(err))})`);
}

/**
 * One request with a timeout that covers the body too (a gateway that sends headers and then stalls
 * must not hang the hook): `read` consumes the response within the same deadline.
 */
async function request<T>(display: string, url: string, init: RequestInit, timeoutMs: number, read: (r: Response) => Promise<T>): Promise<T> {
  try {
    return await read(await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) }));
  } catch (err) {
    throw err instanceof GatewayAnswer ? err : gatewayError(display, err, timeoutMs);
  }
}

/**
 * Reads the group back, builds, encodes and PUTs it (replacing the whole group); returns the
 * grouping path. Concurrent pushes of one key from two processes are not serialised.
 */
export async function pushGroup(req: PushGroupRequest): Promise<string> {
  const { base, display, headers } = parsePushgatewayUrl(req.url);
  const timeoutMs = req.timeoutMs ?? 10_000;
  const grouping = groupingLabels(req.group, req.hostname, req.key);
  const body = await request(display, `${base}/api/v1/metrics`, { headers }, timeoutMs, async (got) => {
    if (!got.ok) throw new GatewayAnswer(`pushgateway ${display} answered ${got.status} to GET /api/v1/metrics`);
    return (await got.json()) as unknown;
  });
  const previous = previousFromApi(body, req.group, grouping);
  const series = req.build(previous);
  checkSeriesForKey(req.group, req.key, series, req.hostname);
  const path = groupingPath(grouping);
  const init = { method: 'PUT', headers: { ...headers, 'content-type': 'text/plain; version=0.0.4' }, body: await encodeSeries(series) };
  await request(display, `${base}${path}`, init, timeoutMs, async (put) => {
    if (put.ok) return;
    const text = (await put.text()).split('\n')[0] ?? '';
    throw new GatewayAnswer(`pushgateway ${display} answered ${put.status}: ${text}`);
  });
  return path;
}
