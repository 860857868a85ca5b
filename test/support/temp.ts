/**
 * Temporary directories for tests. Each one is removed when its test file has finished (the
 * setup file test/support/cleanup.ts registers the removal for every file), so a run leaves
 * $TMPDIR as it found it; scripts/test-ci.sh checks that.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The directories made by this test file (vitest gives each file its own module instance). */
const made = new Set<string>();

/** Makes a private directory under $TMPDIR, removed when the test file has finished. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ubm-${prefix}-`));
  made.add(dir);
  return dir;
}

/** Removes every directory this test file made; throws naming those it could not remove. */
export function removeTempDirs(): void {
  const problems: string[] = [];
  for (const dir of made) {
    try {
      rmSync(dir, { recursive: true, force: true });
      made.delete(dir);
    } catch (err) {
      problems.push(`${dir} (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  if (problems.length > 0) throw new Error(`could not remove temporary directories: ${problems.join('; ')}`);
}
