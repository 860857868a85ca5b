/**
 * The library's generators and `ubm generate` agree: for every config and format, the files the
 * CLI writes are byte for byte the library's `generateOutputs`, under the same relative paths.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import type { OutputFormat } from '../src/config/output.js';
import { generateOutputs } from '../src/generate.js';
import { runUbm } from './support/processes.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT } from './support/tools.js';

/** Every file under `dir`, by path relative to it. */
function readTree(dir: string, root = dir): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) for (const [k, v] of readTree(path, root)) out.set(k, v);
    else out.set(relative(root, path), readFileSync(path, 'utf8'));
  }
  return out;
}

const CASES: ReadonlyArray<readonly [string, string | undefined, OutputFormat]> = [
  ['the built-in example', undefined, 'prometheus'],
  ['the built-in example as a PrometheusRule', undefined, 'prometheus-operator'],
  ['a config with dashboards turned off', 'dashboards-off', 'prometheus'],
  ['a config with per-job overrides', 'overrides', 'prometheus'],
  ['a config for kube-prometheus-stack as Kubernetes objects', 'kubernetes', 'prometheus-operator'],
];

describe('the library and ubm generate', () => {
  it.each(CASES)('write the same bytes for %s', async (_name, fixture, format) => {
    const out = tempDir('generate-library');
    const configDir = fixture === undefined ? REPO_ROOT : join(REPO_ROOT, 'fixtures', 'config', 'good', fixture);
    const configArgs = fixture === undefined ? [] : ['--config', join(configDir, 'config.yaml')];
    const cli = await runUbm(['generate', '--out', out, '--format', format, ...configArgs]);
    expect({ code: cli.code, stderr: cli.stderr }).toEqual({ code: 0, stderr: '' });
    const loaded = loadConfig(fixture === undefined ? undefined : 'config.yaml', configDir);
    const library = generateOutputs(loaded.config, { configName: loaded.name, format });
    expect(readTree(out)).toEqual(library);
  });

  it('leaves out dashboards/ when the config turns dashboards off, in both', () => {
    const loaded = loadConfig('config.yaml', join(REPO_ROOT, 'fixtures', 'config', 'good', 'dashboards-off'));
    const paths = [...generateOutputs(loaded.config, { configName: 'config.yaml', format: 'prometheus' }).keys()];
    expect(paths.filter((p) => p.startsWith('dashboards/'))).toEqual([]);
    expect(paths.filter((p) => p.startsWith('rules/')).length).toBeGreaterThan(0);
  });
});
