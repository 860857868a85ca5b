/**
 * `restic check` (repository verification). restic 0.14 prints no JSON for check: its exit code is
 * the verdict, and its stderr only tells us which kind of failure to name.
 */
import { type ToolResult, requireExecutable, runTool } from './run-tool.js';

/** The verdict of one restic run that checks something. */
export interface ResticOutcome {
  readonly ok: boolean;
  /** Why it failed, in one line that never repeats restic's text (which may contain the repository URL). */
  readonly reason: string | undefined;
  readonly durationSeconds: number;
}

/** How much pack data `restic check` reads: none, a subset (`--read-data-subset`), or all (`--read-data`). */
export type ReadData = { readonly kind: 'none' } | { readonly kind: 'subset'; readonly subset: string } | { readonly kind: 'all' };

/**
 * Validates a `--read-data-subset` value as restic 0.14 accepts it: `n/t` (1 <= n <= t), `p%`
 * (0 < p <= 100) or a size (`500M`, `2G`). Returns an error message, or undefined when valid.
 */
export function readDataSubsetError(value: string): string | undefined {
  const fraction = /^(\d+)\/(\d+)$/.exec(value);
  if (fraction !== null) {
    const n = Number(fraction[1]);
    const t = Number(fraction[2]);
    return n >= 1 && n <= t ? undefined : 'n/t needs 1 <= n <= t';
  }
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(value);
  if (percent !== null) {
    const p = Number(percent[1]);
    return p > 0 && p <= 100 ? undefined : 'a percentage must be above 0 and at most 100';
  }
  if (/^\d+(\.\d+)?[KMGT]$/i.test(value) && Number.parseFloat(value) > 0) return undefined;
  return "expected n/t (like 1/5), a percentage (like 10%) or a size (like 500M)";
}

/** Names the kind of failure from restic's stderr and exit code, without quoting it. */
export function classifyResticFailure(result: Pick<ToolResult, 'code' | 'signal' | 'stderr'>): string {
  const err = result.stderr;
  if (result.signal !== null) return `restic was killed by ${result.signal}`;
  // restic 0.14: `Resolving password failed: Fatal: /path does not exist` (which would read as missing data below).
  if (/Resolving password failed|password file|reading password/i.test(err)) return 'restic could not read the repository password (RESTIC_PASSWORD_FILE or RESTIC_PASSWORD_COMMAND)';
  if (/wrong password or no key found/i.test(err)) return 'wrong password or no key found for the repository';
  if (/Please specify repository location|repository (location|file) .*empty/i.test(err)) return 'no repository given (set RESTIC_REPOSITORY or RESTIC_REPOSITORY_FILE)';
  if (/unable to open config file|Is there a repository at the following location|unable to open repository|dial tcp|no such host|connection refused/i.test(err)) {
    return 'repository unreachable (no repository at the configured location, or it cannot be reached)';
  }
  if (/repository is already locked|unable to create lock/i.test(err)) return 'repository is locked by another restic process';
  if (/no snapshot(s)? found|no matching ID found/i.test(err)) return 'the repository has no snapshot';
  if (/repository contains errors|does not exist|Pack ID does not match|ciphertext verification failed|error for tree|is not referenced|unused/i.test(err)) {
    return 'restic found errors in the repository (damaged or missing data)';
  }
  return `restic exited with code ${result.code ?? 'unknown'}`;
}

/** The arguments of `restic check` for the requested amount of data reading. */
export function checkArgs(readData: ReadData): string[] {
  if (readData.kind === 'subset') return ['check', `--read-data-subset=${readData.subset}`];
  if (readData.kind === 'all') return ['check', '--read-data'];
  return ['check'];
}

/** Runs `restic check` with restic's own environment selecting the repository. Throws ToolNotFoundError when restic is missing. */
export async function resticCheck(env: Readonly<Record<string, string | undefined>>, readData: ReadData): Promise<ResticOutcome> {
  const restic = requireExecutable('restic', env.PATH);
  const result = await runTool(restic, checkArgs(readData), { env });
  if (result.code === 0) return { ok: true, reason: undefined, durationSeconds: result.durationSeconds };
  return { ok: false, reason: classifyResticFailure(result), durationSeconds: result.durationSeconds };
}
