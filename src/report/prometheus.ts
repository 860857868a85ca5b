/**
 * A small client of the Prometheus HTTP API (range and instant queries) for `ubm report`. Its
 * failures are ReportSourceErrors with one line that names the server, never a stack trace.
 */

/** Prometheus could not answer: unreachable, an HTTP error, or a query it refused. */
export class ReportSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportSourceError';
  }
}

/** One series of a range query: its labels and [time, value] points, time in seconds. */
export interface RangeSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** The shape of the API's answers that the client reads. */
interface ApiAnswer {
  readonly status?: string;
  readonly error?: string;
  readonly data?: { readonly resultType?: string; readonly result?: ReadonlyArray<{ metric?: Record<string, string>; values?: ReadonlyArray<[number, string]>; value?: [number, string] }> };
}

/** Where the API is: its base URL without credentials, and the basic-auth header the URL's user part gives. */
export interface Endpoint {
  readonly base: string;
  readonly authorization?: string;
}

/**
 * The endpoint of a --prometheus URL: no trailing slash, user and password moved into a basic-auth
 * header (fetch refuses them in the URL, and they must never reach a message). Refuses what is not http(s).
 */
export function apiBase(url: string): Endpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ReportSourceError('--prometheus is not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ReportSourceError('--prometheus must be an http:// or https:// URL');
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  const base = parsed.toString().replace(/\/+$/, '');
  return user === '' && password === '' ? { base } : { base, authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

/** Where the URL points, for messages: scheme, host and port only (never credentials or a path). */
function origin(base: string): string {
  try {
    return new URL(base).origin;
  } catch {
    return 'Prometheus';
  }
}

/** POSTs a query form to an API path; returns the parsed answer or throws a ReportSourceError. */
async function post(endpoint: Endpoint, path: string, form: Readonly<Record<string, string>>): Promise<ApiAnswer> {
  const base = endpoint.base;
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(endpoint.authorization === undefined ? {} : { authorization: endpoint.authorization }) },
      body: new URLSearchParams(form).toString(),
    });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
    throw new ReportSourceError(`Prometheus at ${origin(base)} is unreachable (${cause})`);
  }
  let body: ApiAnswer;
  try {
    body = (await res.json()) as ApiAnswer;
  } catch {
    throw new ReportSourceError(`Prometheus at ${origin(base)} answered HTTP ${res.status} without a JSON body: is it a Prometheus?`);
  }
  if (body.status !== 'success') throw new ReportSourceError(`Prometheus at ${origin(base)} refused a query: ${body.error ?? `HTTP ${res.status}`}`);
  return body;
}

/** A range query over [start, end] every stepSeconds. */
export async function queryRange(endpoint: Endpoint, expr: string, start: number, end: number, stepSeconds: number): Promise<RangeSeries[]> {
  const body = await post(endpoint, '/api/v1/query_range', { query: expr, start: String(start), end: String(end), step: `${stepSeconds}s` });
  return (body.data?.result ?? []).map((r) => ({
    labels: r.metric ?? {},
    points: (r.values ?? []).map(([t, v]) => [Math.round(t), Number(v)] as const),
  }));
}

/** An instant query at `time`: each series' labels and value. */
export async function queryInstant(endpoint: Endpoint, expr: string, time: number): Promise<Array<{ labels: Readonly<Record<string, string>>; value: number }>> {
  const body = await post(endpoint, '/api/v1/query', { query: expr, time: String(time) });
  return (body.data?.result ?? []).map((r) => ({ labels: r.metric ?? {}, value: Number(r.value?.[1]) }));
}
