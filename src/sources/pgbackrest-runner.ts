/**
 * Running the real pgbackrest: `info --output=json` and `verify`. pgBackRest refuses to work as
 * root, so as root it runs as its OS user (`postgres` by default) through runuser.
 */
import { type ToolResult, requireExecutable, runTool } from './run-tool.js';
import { quote } from '../util/quote.js';

/** How to call pgbackrest. */
export interface PgbackrestInvocation {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** pgBackRest's --config; when undefined pgBackRest uses its own default. */
  readonly config: string | undefined;
  /** The OS user to run as when we run as root. */
  readonly user: string;
}

/** A pgbackrest run that failed; the message is one line and names no path or URL. */
export class PgbackrestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PgbackrestError';
  }
}

/** The user pgBackRest runs as by default when we are root. */
export const DEFAULT_PGBACKREST_USER = 'postgres';

// Names of pgBackRest's common error codes (src/build/error/error.yaml); its messages may name paths, so we print these instead.
const ERROR_NAMES: Readonly<Record<number, string>> = {
  27: 'config',
  31: 'option-invalid',
  32: 'option-invalid-value',
  37: 'option-required',
  39: 'protocol',
  41: 'file-open',
  42: 'file-read',
  49: 'host-connect',
  50: 'lock-acquire',
  53: 'path-open',
  55: 'file-missing',
  56: 'db-connect',
  73: 'path-missing',
  95: 'crypto',
  101: 'service',
  103: 'repo-invalid',
  105: 'access',
};

/** Describes a failed run in one line from pgBackRest's `ERROR: [055]: ...` code, never its text. */
export function describeFailure(what: string, result: ToolResult, user: string | undefined): string {
  if (user !== undefined && /runuser: user .* does not exist/.test(result.stderr)) return `user ${quote(user)} does not exist (see --pgbackrest-user)`;
  const m = /ERROR: \[(\d+)\]/.exec(result.stderr);
  if (m !== null) {
    const code = Number(m[1]);
    const name = ERROR_NAMES[code];
    return `${what} failed with pgBackRest error ${code}${name === undefined ? '' : ` (${name})`}`;
  }
  if (result.signal !== null) return `${what} was killed by ${result.signal}`;
  return `${what} failed with exit code ${result.code ?? 'unknown'}`;
}

/** True when this process runs as root. */
function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Runs `pgbackrest [--config=F] ARGS`, as `inv.user` through runuser when we are root. Throws ToolNotFoundError when missing. */
export async function runPgbackrest(inv: PgbackrestInvocation, args: readonly string[]): Promise<ToolResult> {
  const bin = requireExecutable('pgbackrest', inv.env.PATH);
  const full = [...(inv.config === undefined ? [] : [`--config=${inv.config}`]), ...args];
  if (!isRoot()) return runTool(bin, full, { env: inv.env });
  // runuser lives in /usr/sbin, which a service's PATH may lack.
  const runuser = requireExecutable('runuser', `${inv.env.PATH ?? ''}:/usr/sbin:/sbin`);
  return runTool(runuser, ['-u', inv.user, '--', bin, ...full], { env: inv.env });
}

/** Runs `pgbackrest --stanza=S info --output=json` and returns its JSON text; throws PgbackrestError when it fails. */
export async function pgbackrestInfoJson(inv: PgbackrestInvocation, stanza: string): Promise<string> {
  const result = await runPgbackrest(inv, [`--stanza=${stanza}`, 'info', '--output=json']);
  if (result.code !== 0) throw new PgbackrestError(describeFailure('pgbackrest info', result, isRoot() ? inv.user : undefined));
  return result.stdout;
}

/** The outcome of `pgbackrest verify` on one repository. */
export interface VerifyOutcome {
  readonly repo: string;
  readonly ok: boolean;
  /** Why it failed, in one line (no paths). */
  readonly reason: string | undefined;
  readonly durationSeconds: number;
}

/**
 * Reads the text of `pgbackrest verify --output=text --verbose`: pgBackRest 2.45 exits 0 even when it
 * finds invalid files, so the `status:` line is the verdict. Returns undefined when there is no status line.
 */
export function parseVerifyStatus(text: string): { ok: boolean; invalid: string | undefined } | undefined {
  const status = /^status: (\S+)/m.exec(text)?.[1];
  if (status === undefined) return undefined;
  // Lines like `backup: 20261126-110950F, status: invalid` or `checksum invalid: 1` say what went wrong.
  const invalidBackups = [...text.matchAll(/status: invalid/g)].length;
  const problems = [...text.matchAll(/(missing|checksum invalid|size invalid|other): ([1-9]\d*)/g)].map((m) => `${m[1] ?? ''} ${m[2] ?? ''}`);
  const details = [invalidBackups > 0 ? `${invalidBackups} invalid backup(s)` : '', ...problems].filter((s) => s !== '').join(', ');
  return { ok: status === 'ok', invalid: details === '' ? undefined : details };
}

/** Runs `pgbackrest --stanza=S --repo=N verify` and judges it from its status line. Throws ToolNotFoundError when missing. */
export async function pgbackrestVerify(inv: PgbackrestInvocation, stanza: string, repoKey: number): Promise<VerifyOutcome> {
  const repo = `repo${repoKey}`;
  const result = await runPgbackrest(inv, [`--stanza=${stanza}`, `--repo=${repoKey}`, 'verify', '--output=text', '--verbose']);
  if (result.code !== 0) {
    return { repo, ok: false, reason: describeFailure('pgbackrest verify', result, isRoot() ? inv.user : undefined), durationSeconds: result.durationSeconds };
  }
  const verdict = parseVerifyStatus(result.stdout);
  if (verdict === undefined) return { repo, ok: false, reason: 'pgbackrest verify printed no status', durationSeconds: result.durationSeconds };
  const reason = verdict.ok ? undefined : `pgbackrest verify found errors${verdict.invalid === undefined ? '' : ` (${verdict.invalid})`}`;
  return { repo, ok: verdict.ok, reason, durationSeconds: result.durationSeconds };
}
