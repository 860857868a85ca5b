/** Checking a Pushgateway URL and keeping its credentials out of messages (loaded without the rest of the Pushgateway client). */
import { UsageError } from '../util/errors.js';

/** Splits a Pushgateway URL into its base (no credentials) and an Authorization header; throws a UsageError when it is not http(s). */
export function parsePushgatewayUrl(raw: string): { base: string; display: string; headers: Record<string, string> } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError('--pushgateway must be an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('--pushgateway must be an http:// or https:// URL');
  const headers: Record<string, string> = {};
  if (url.username !== '' || url.password !== '') {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  const base = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  // Messages show only scheme and host: a path or credentials may be secret.
  return { base, display: `${url.protocol}//${url.host}`, headers };
}
