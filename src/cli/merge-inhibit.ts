/**
 * `ubm merge-inhibit --alertmanager-config FILE --inhibit-rules FILE`: puts the generated inhibit
 * rules into an existing alertmanager.yml, replacing the block an earlier run wrote and keeping
 * everything else (the user's own inhibit rules, routes, comments) as it was.
 */
import { chmodSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { stageFile } from '../exporter/atomic.js';
import { mergeInhibitRules, parseInhibitRulesFile } from '../rules/inhibit-merge.js';
import { UsageError } from '../util/errors.js';
import { oneLine } from '../util/quote.js';
import { type FlagSpec, parseFlags, stringFlag } from './flags.js';
import type { Io } from './io.js';

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  'alertmanager-config': { type: 'string', value: 'FILE', help: 'the alertmanager.yml to update in place; required' },
  'inhibit-rules': { type: 'string', value: 'FILE', help: "ubm generate's rules/alertmanager-inhibit-rules.yml; required" },
  stdout: { type: 'boolean', help: 'print the merged file instead of writing it' },
};

const USAGE = 'ubm merge-inhibit --alertmanager-config FILE --inhibit-rules FILE [--stdout]';
const DESCRIPTION = `Merges the generated Alertmanager inhibit rules into an existing alertmanager.yml. They go into one block
marked with '# >>> ubm inhibit rules' comments inside inhibit_rules:, which a later run replaces; your own
inhibit rules, routes and comments stay as they are. The file is rewritten atomically, with its mode kept,
only when it changes. Check the result with \`amtool check-config FILE\`, then reload Alertmanager.`;

/** Reads a file named by a flag, or says which flag's file could not be read. */
function readInput(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--${flag} ${oneLine(path)}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}

/** `ubm merge-inhibit`. */
export async function mergeInhibit(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, FLAGS, { usage: USAGE, description: DESCRIPTION, print: io.stdout });
  if (parsed === undefined) return 0;
  const target = stringFlag(parsed.values, 'alertmanager-config', true);
  const rulesPath = stringFlag(parsed.values, 'inhibit-rules', true);
  const current = readInput('alertmanager-config', target);
  let merged: ReturnType<typeof mergeInhibitRules>;
  try {
    merged = mergeInhibitRules(current, parseInhibitRulesFile(readInput('inhibit-rules', rulesPath), oneLine(rulesPath)), oneLine(target));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(oneLine(err instanceof Error ? err.message : String(err)));
  }
  if (parsed.values.stdout === true) {
    io.stdout(merged.text);
    return 0;
  }
  if (merged.text === current) {
    io.stdout(`${target}: the ubm inhibit rules are up to date\n`);
    return 0;
  }
  const mode = statSync(target).mode & 0o7777;
  const temp = stageFile(target, merged.text);
  try {
    chmodSync(temp, mode);
    renameSync(temp, target);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  io.stdout(`${target}: ${merged.replaced ? 'replaced' : 'added'} the ubm inhibit rules, kept ${merged.kept} of your own\n`);
  return 0;
}
