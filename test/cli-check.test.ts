/**
 * `ubm check`: exit 0 when DIR holds exactly what `ubm generate` writes and promtool and amtool
 * accept it, 1 with a short list when it drifted or a tool failed, 2 for a bad config.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { RULE_FILES } from '../src/rules/files.js';
import { captureIo } from './support/capture-io.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT, toolPath } from './support/tools.js';

/** A directory holding what `ubm generate` writes (with extra args). */
async function generated(...args: string[]): Promise<string> {
  const out = tempDir('check');
  const io = captureIo(out);
  expect(await main(['generate', '--out', out, ...args], io), io.err()).toBe(0);
  return out;
}

describe('ubm check', () => {
  it('passes fresh output, with promtool and amtool on PATH', async () => {
    const out = await generated();
    const io = captureIo(out, { PATH: toolPath() });
    expect(await main(['check', '--dir', '.'], io)).toBe(0);
    expect(io.err()).toBe('');
    expect(io.out()).toBe('ok: 7 generated files in . are up to date\n');
    // ubm check runs every generated promtool test: about 40 s of CPU on two cores shared with the suite.
  }, 180_000);

  it('lists the files that are missing or differ, says how to update them, and exits 1', async () => {
    const out = await generated();
    rmSync(join(out, RULE_FILES.inhibit));
    const rules = join(out, RULE_FILES.rules);
    writeFileSync(rules, readFileSync(rules, 'utf8').replace('for: 10m', 'for: 15m'));
    const io = captureIo(REPO_ROOT);
    expect(await main(['check', '--dir', out], io)).toBe(1);
    const line = readFileSync(rules, 'utf8').split('\n').findIndex((l) => l.includes('for: 15m')) + 1;
    expect(io.err()).toBe(
      [
        `ubm check: ${out}/rules/alertmanager-inhibit-rules.yml: missing`,
        `ubm check: ${out}/rules/ubm-rules.yml: differs from the generated output from line ${line}`,
        `ubm check: 2 of 7 generated files are out of date: run 'ubm generate --out ${out}'`,
        '',
      ].join('\n'),
    );
  });

  it('checks against the given config, and names it in the update hint', async () => {
    const config = join(REPO_ROOT, 'fixtures', 'config', 'good', 'overrides', 'config.yaml');
    const out = await generated('--config', config);
    expect(await main(['check', '--config', config, '--dir', out], captureIo(out))).toBe(0);
    const io = captureIo(out);
    expect(await main(['check', '--dir', out], io)).toBe(1);
    expect(io.err()).toContain(`7 of 7 generated files are out of date: run 'ubm generate --out ${out}'`);
  });

  it('compares the PrometheusRule object when DIR holds one', async () => {
    const out = await generated('--format', 'prometheus-operator');
    expect(await main(['check', '--dir', out], captureIo(out))).toBe(0);
    writeFileSync(join(out, RULE_FILES.operator), '# edited\n');
    const io = captureIo(out);
    expect(await main(['check', '--dir', out], io)).toBe(1);
    expect(io.err()).toContain('/rules/ubm-prometheusrule.yml: differs from the generated output from line 1');
    expect(io.err()).toContain('--format prometheus-operator');
  });

  it('says so when promtool and amtool are not on PATH, and still passes', async () => {
    const out = await generated();
    const io = captureIo(out, { PATH: '' });
    expect(await main(['check', '--dir', out], io)).toBe(0);
    expect(io.err()).toBe('ubm check: promtool is not on PATH: rule files not checked with promtool\nubm check: amtool is not on PATH: inhibit rules not checked with amtool\n');
  });

  it("exits 1 with the failing tools' output when promtool and amtool reject the files", async () => {
    const out = await generated();
    // Stand-ins that fail as the real tools do: what check must report is the failure, whatever its cause.
    const bin = tempDir('failing-tools');
    writeFileSync(join(bin, 'promtool'), '#!/bin/sh\necho "  FAILED: $2 $3"\nexit 1\n');
    writeFileSync(join(bin, 'amtool'), '#!/bin/sh\necho "  FAILED: unknown field in inhibit rule" >&2\nexit 1\n');
    chmodSync(join(bin, 'promtool'), 0o755);
    chmodSync(join(bin, 'amtool'), 0o755);
    const io = captureIo(out, { PATH: bin });
    expect(await main(['check', '--dir', out], io)).toBe(1);
    expect(io.err()).toContain('ubm check: promtool check rules failed (exit 1):\nubm check: FAILED: rules ubm-rules.yml\n');
    expect(io.err()).toContain('ubm check: promtool test rules ubm-rules.test.yml failed (exit 1):\nubm check: FAILED: rules ubm-rules.test.yml\n');
    expect(io.err()).toContain('ubm check: amtool check-config failed on the inhibit rules (exit 1):\nubm check: FAILED: unknown field in inhibit rule\n');
    expect(io.out()).toBe('');
  });

  it('exits 2 on a bad config, before looking at DIR', async () => {
    const dir = join(REPO_ROOT, 'fixtures', 'config', 'bad', 'job-repository-not-defined');
    const io = captureIo(dir);
    expect(await main(['check', '--config', 'config.yaml', '--dir', tempDir('check')], io)).toBe(2);
    expect(io.err()).toBe(
      "ubm check: config.yaml: restic.jobs.home.repository: repository 'nas-primay' is not defined; did you mean 'nas-primary'? (repositories: nas-primary)\n",
    );
  });

  it('reports missing rules and dashboards directories as missing files', async () => {
    const out = tempDir('check');
    mkdirSync(join(out, 'rules'));
    const io = captureIo(out);
    expect(await main(['check'], io)).toBe(1);
    expect(io.err()).toContain("ubm check: 7 of 7 generated files are out of date: run 'ubm generate --out .'");
  });

  it("passes on the repository's own rules/ (npm run check)", async () => {
    const io = captureIo(REPO_ROOT, { PATH: '' });
    const code = await main(['check', '--dir', REPO_ROOT], io);
    expect(io.err().split('\n').filter((l) => !l.includes('is not on PATH') && l !== '')).toEqual([]);
    expect(code).toBe(0);
  });
});
