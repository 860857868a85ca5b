/**
 * Finding the real tools the suites run. Under CI=true a missing tool fails the test; elsewhere
 * it fails too, with the command that installs it: nothing here skips.
 */
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/** The repository root. */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** Where scripts/install-tools.sh unpacks promtool and prometheus. */
export const LOCAL_TOOLS_BIN = join(REPO_ROOT, '.tools', 'bin');

/** Extra directories searched for tools: the repo's .tools/bin and PostgreSQL 15's server binaries. */
const EXTRA_DIRS = [LOCAL_TOOLS_BIN, '/usr/lib/postgresql/15/bin'];

/** Returns the absolute path of a tool, or throws naming the install command. */
export function requireTool(name: string): string {
  const dirs = [...EXTRA_DIRS, ...(process.env.PATH ?? '').split(delimiter)];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`required tool '${name}' not found: run 'bash scripts/install-tools.sh'`);
}

/** PATH with the local tool directories first, for spawning `ubm` commands that call tools. */
export function toolPath(): string {
  return [...EXTRA_DIRS, process.env.PATH ?? ''].join(delimiter);
}

/** The compiled CLI entry point (built by `npm test` before vitest runs). */
export const UBM_BIN = join(REPO_ROOT, 'bin', 'ubm.js');
