/** Runs tsc on the type-level tests: a series with a missing or extra label must not compile. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/tools.js';

describe('the type-level label tests', () => {
  it('compile, with every @ts-expect-error case failing as it should', () => {
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', join(REPO_ROOT, 'test', 'types', 'tsconfig.json')], { encoding: 'utf8' });
    expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({ status: 0, output: '' });
  });
});
