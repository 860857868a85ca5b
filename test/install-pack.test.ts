/**
 * The README's install from a packed tarball works as written: `npm pack`, then `npm install -g
 * --prefix DIR` of the tarball, gives a `ubm` that runs its commands with its own dependencies.
 * (The package is not on the npm registry: `npm install -g unified-backup-monitoring` would 404.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './support/temp.js';
import { REPO_ROOT } from './support/tools.js';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const TARBALL = `${pkg.name}-${pkg.version}.tgz`;

/** Runs npm (or anything) to completion and throws with its output when it fails. */
function run(file: string, args: readonly string[], cwd = REPO_ROOT): string {
  const r = spawnSync(file, [...args], { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${String(r.status ?? r.signal)}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let prefix = '';
let packDir = '';

beforeAll(() => {
  packDir = tempDir('pack');
  prefix = tempDir('prefix');
  // dist/ is built before the suite runs (npm test, test:ci); --ignore-scripts keeps prepack from
  // rebuilding it under the other suites' feet. A user's `npm pack` runs prepack, which builds.
  run('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir]);
  // Dependencies come from npm's cache when it has them, else from the registry.
  run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(packDir, TARBALL)], packDir);
}, 600_000);

describe('npm pack and npm install -g --prefix DIR of the tarball', () => {
  it('writes the tarball the README names', () => {
    expect(readdirSync(packDir)).toEqual([TARBALL]);
  });

  it('puts ubm in DIR/bin, and ubm --help lists every command', () => {
    const bin = join(prefix, 'bin', 'ubm');
    expect(existsSync(bin)).toBe(true);
    const help = run(bin, ['--help']);
    for (const command of ['generate', 'check', 'emit', 'run', 'pgbackrest', 'verify', 'health', 'merge-inhibit']) expect(help).toContain(`  ${command} `);
  });

  it('runs ubm generate with its installed dependencies (Grafana SDK, js-yaml, lezer)', () => {
    const out = tempDir('pack-generate');
    run(join(prefix, 'bin', 'ubm'), ['generate', '--out', out], out);
    expect(readdirSync(join(out, 'rules'))).toContain('alertmanager-inhibit-rules.yml');
    expect(readdirSync(join(out, 'dashboards')).length).toBeGreaterThan(0);
  });

  it('documents exactly these commands in the README', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npm pack');
    expect(readme).toContain(`npm install -g --prefix /usr/local ./${TARBALL}`);
    expect(readme).not.toMatch(/npm install -g unified-backup-monitoring\b/);
  });
});
