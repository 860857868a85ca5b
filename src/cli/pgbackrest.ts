/**
 * `ubm pgbackrest --stanza S`: reads `pgbackrest info --output=json` (or a captured file) and writes
 * the stanza's pgBackRest metrics, the offsite status of repositories marked offsite and, with
 * --verify, the result of `pgbackrest verify`.
 */
import { DAILY_STALE_SECONDS } from '../config/defaults.js';
import { PGBACKREST_REPO_PATTERN } from '../config/schema.js';
import { record, recordPostgresOffsite, recordPostgresVerification } from '../exporter/record.js';
import { DEFAULT_TEXTFILE_DIR } from '../exporter/textfile.js';
import { pgbackrestGroup } from '../groups/pgbackrest.js';
import {
  DEFAULT_PGBACKREST_USER,
  type PgbackrestInvocation,
  PgbackrestError,
  type VerifyOutcome,
  pgbackrestInfoJson,
  pgbackrestVerify,
} from '../sources/pgbackrest-runner.js';
import { type StanzaSummary, evaluateOffsite, isUnknownStanza, summarizeStanza } from '../sources/pgbackrest-summary.js';
import { type PgbackrestStanza, parsePgbackrestInfo, statusText } from '../sources/pgbackrest.js';
import { ToolNotFoundError } from '../sources/run-tool.js';
import { SECONDS_PER_HOUR } from '../util/duration.js';
import { UsageError } from '../util/errors.js';
import { InputFileError, readInputFile } from '../util/input-file.js';
import { oneLine, quote } from '../util/quote.js';
import { type FlagSpec, type ParsedFlags, parseFlags, stringFlag } from './flags.js';
import type { Io } from './io.js';
import { loadOptionalConfig, withConfigTextfileDir } from './optional-config.js';
import { requireTool } from './require-tool.js';
import { STANZA_FLAG, durationFlag, labelFlag, resolveTarget, targetFlagSpecs } from './target-flags.js';

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  stanza: STANZA_FLAG,
  'pgbackrest-config': { type: 'string', value: 'FILE', help: "pgBackRest's --config (default: pgBackRest's own default)" },
  'pgbackrest-user': { type: 'string', value: 'USER', help: `OS user pgbackrest runs as when ubm runs as root (default ${DEFAULT_PGBACKREST_USER})` },
  'from-json': { type: 'string', value: 'FILE', help: 'read captured `pgbackrest info --output=json` output instead of running pgbackrest' },
  verify: { type: 'boolean', help: 'also run `pgbackrest verify` on each repository and record postgres_backup_verification_*' },
  'verify-repo': { type: 'string', value: 'repoN', multiple: true, help: 'with --verify, verify only this repository (repeatable; default: all)' },
  'offsite-repo': { type: 'string', value: 'repoN', multiple: true, help: 'a repository that holds the offsite copy (repeatable; adds to the config\'s)' },
  'offsite-max-age': { type: 'string', value: 'D', help: `newest backup age beyond which the offsite copy is stale (default: the config's, else ${DAILY_STALE_SECONDS / SECONDS_PER_HOUR}h)` },
  config: { type: 'string', value: 'FILE', help: 'backup config: offsite repositories, their max age, the backup schedule (written as stale thresholds) and the textfile directory' },
  ...targetFlagSpecs,
  'textfile-dir': { type: 'string', value: 'DIR', help: `textfile directory (default $UBM_TEXTFILE_DIR, else the config's, else ${DEFAULT_TEXTFILE_DIR})` },
};

const USAGE = 'ubm pgbackrest --stanza S [--pgbackrest-config FILE] [--from-json FILE] [--verify] [--textfile-dir DIR]';
const DESCRIPTION = `Records pgBackRest's view of a stanza: status per repository, the newest full, diff and incr backup's
completion time, duration and size, the WAL archive range (and when its newest segment last
changed, carried from the previous read), the stale thresholds of the config's backup schedule
(with --config), and the offsite status of repositories
marked offsite (1 = repository status ok and a backup newer than the max age). As root, pgbackrest
runs as --pgbackrest-user. Exit 0 when all is well, 1 on findings (bad status, stale offsite copy,
failed verify), 2 on usage errors or when pgbackrest cannot run.`;

/** A `repoN` list flag, validated. */
function repoListFlag(values: ParsedFlags, name: string): string[] {
  const v = values[name];
  const list = v === undefined ? [] : Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  for (const repo of list) {
    if (!PGBACKREST_REPO_PATTERN.test(repo)) throw new UsageError(`--${name} must name a pgBackRest repository like repo2 (got ${quote(repo)})`);
  }
  return list;
}

/** Reads and parses the info JSON from a file (errors name the file) or from a pgbackrest run. */
async function readStanzas(fromJson: string | undefined, inv: PgbackrestInvocation, stanza: string): Promise<PgbackrestStanza[]> {
  if (fromJson !== undefined) {
    let text: string;
    try {
      // Bounded and regular files only, as for configs: a FIFO or /dev/zero must not hang ubm.
      text = readInputFile(fromJson);
    } catch (err) {
      if (!(err instanceof InputFileError)) throw err;
      throw new UsageError(`${oneLine(fromJson)}: ${err.reason}`);
    }
    try {
      return parsePgbackrestInfo(text);
    } catch (err) {
      throw new UsageError(`${oneLine(fromJson)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  let text: string;
  try {
    text = await pgbackrestInfoJson(inv, stanza);
  } catch (err) {
    if (err instanceof ToolNotFoundError || err instanceof PgbackrestError) throw new UsageError(err.message);
    throw err;
  }
  try {
    return parsePgbackrestInfo(text);
  } catch (err) {
    throw new Error(`pgbackrest info printed unexpected JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Picks the stanza; an unknown stanza is a usage error (nothing is written for a typo). */
function pickStanza(stanzas: readonly PgbackrestStanza[], name: string, source: string): PgbackrestStanza {
  const stanza = stanzas.find((s) => s.name === name);
  if (stanza === undefined) {
    throw new UsageError(`stanza ${quote(name)} is not in ${oneLine(source)} (stanzas: ${stanzas.map((s) => oneLine(s.name)).join(', ') || 'none'})`);
  }
  if (isUnknownStanza(stanza)) {
    throw new UsageError(`stanza ${quote(name)} is unknown to pgBackRest (missing stanza path in ${stanza.repos.map((r) => r.name).join(', ')})`);
  }
  return stanza;
}

/** One line per status problem of the stanza and its repositories. */
function statusFindings(summary: StanzaSummary): string[] {
  const repoLines = summary.repos
    .filter((r) => r.statusCode !== 0)
    .map((r) => `stanza ${summary.stanza} ${r.repo}: pgBackRest status ${r.statusCode} (${statusText(r.statusCode)})`);
  if (repoLines.length > 0 || summary.statusCode === 0) return repoLines;
  return [`stanza ${summary.stanza}: pgBackRest status ${summary.statusCode} (${statusText(summary.statusCode)})`];
}

/** Runs `pgbackrest verify` on the stanza's repositories (all, or those named); a named one pgBackRest does not list fails. */
async function verifyRepositories(inv: PgbackrestInvocation, summary: StanzaSummary, only: readonly string[]): Promise<VerifyOutcome[]> {
  const outcomes: VerifyOutcome[] = [];
  for (const repo of summary.repos) {
    if (only.length === 0 || only.includes(repo.repo)) outcomes.push(await pgbackrestVerify(inv, summary.stanza, repo.key));
  }
  for (const name of only.filter((n) => !summary.repos.some((r) => r.repo === n))) {
    outcomes.push({ repo: name, ok: false, reason: 'not listed by pgbackrest info', durationSeconds: 0 });
  }
  return outcomes;
}

/** `ubm pgbackrest`: see DESCRIPTION. */
export async function pgbackrest(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS, { usage: USAGE, description: DESCRIPTION, print: io.stdout });
  if (parsed === undefined) return 0;
  const v = parsed.values;
  const stanzaName = labelFlag(v, 'stanza');
  const fromJson = stringFlag(v, 'from-json');
  const verifyRepos = repoListFlag(v, 'verify-repo');
  if (verifyRepos.length > 0 && v.verify !== true) throw new UsageError('--verify-repo needs --verify');
  const config = loadOptionalConfig('pgbackrest', stringFlag(v, 'config'), io);
  const offsiteRepos = [...new Set([...(config?.postgres.pgbackrestRepos.filter((r) => r.offsite).map((r) => r.name) ?? []), ...repoListFlag(v, 'offsite-repo')])].sort();
  const maxAge = durationFlag(v, 'offsite-max-age') ?? config?.postgres.offsiteMaxAgeSeconds ?? DAILY_STALE_SECONDS;
  const user = stringFlag(v, 'pgbackrest-user') ?? DEFAULT_PGBACKREST_USER;
  const { target, hostname } = resolveTarget(withConfigTextfileDir(v, config, io), io, config);
  const inv: PgbackrestInvocation = { env: io.env, config: stringFlag(v, 'pgbackrest-config'), user };
  // Before anything is written: a missing pgbackrest is a setup error, not half a result.
  if (fromJson === undefined || v.verify === true) requireTool('pgbackrest', io.env);

  const stanza = pickStanza(await readStanzas(fromJson, inv, stanzaName), stanzaName, fromJson ?? 'pgbackrest info');
  const summary = summarizeStanza(stanza);
  const nowMs = io.now();
  const nowSeconds = Math.floor(nowMs / 1000);
  const findings = statusFindings(summary);

  // Thresholds travel with the metrics only when a config says what the schedule is.
  await record(target, pgbackrestGroup, { ...summary, hostname, endedAtMs: nowMs, backupStaleThresholds: config?.postgres.backupStaleThresholds });

  for (const repo of offsiteRepos) {
    const verdict = evaluateOffsite(summary.repos.find((r) => r.repo === repo), nowSeconds, maxAge);
    await recordPostgresOffsite(stanzaName, repo, { success: verdict.ok, hostname, endedAtMs: nowMs }, target);
    if (!verdict.ok) findings.push(`stanza ${stanzaName} offsite ${repo}: ${verdict.reason ?? 'not ok'}`);
  }

  if (v.verify === true) {
    const outcomes = await verifyRepositories(inv, summary, verifyRepos);
    const ok = outcomes.length > 0 && outcomes.every((o) => o.ok);
    const durationSeconds = outcomes.reduce((sum, o) => sum + o.durationSeconds, 0);
    await recordPostgresVerification(stanzaName, { success: ok, durationSeconds, hostname, endedAtMs: io.now() }, target);
    for (const o of outcomes) if (!o.ok) findings.push(`stanza ${stanzaName} verify ${o.repo}: ${o.reason ?? 'failed'}`);
    if (outcomes.length === 0) findings.push(`stanza ${stanzaName} verify: no repository to verify`);
  }

  for (const line of findings) io.stderr(`ubm pgbackrest: ${line}\n`);
  return findings.length === 0 ? 0 : 1;
}
