/**
 * `ubm merge-inhibit`: the generated inhibit rules go into an existing alertmanager.yml (Debian's
 * shipped one first) as one marked block that later runs replace; the user's own rules, routes and
 * comments stay; amtool accepts every result; a file that cannot be merged safely is left alone.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { MERGE_BEGIN, MERGE_END } from '../src/rules/inhibit-merge.js';
import { memoryIo } from './exporter/helpers.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT, requireTool } from './support/tools.js';

/** Debian's prometheus-alertmanager ships this file; scripts/install-tools.sh installs the package. */
const DEBIAN_CONFIG = '/etc/prometheus/alertmanager.yml';
const GENERATED = join(REPO_ROOT, 'rules', 'alertmanager-inhibit-rules.yml');
const generatedRules = (load(readFileSync(GENERATED, 'utf8')) as { inhibit_rules: unknown[] }).inhibit_rules;

const MINIMAL = 'route:\n  receiver: default\nreceivers:\n  - name: default\n';
const USER_RULE = '- source_matchers: [severity="critical"]\n  target_matchers: [severity="warning"]\n  equal: [alertname]\n';

/** Runs `ubm merge-inhibit` in-process. */
async function merge(config: string, rules = GENERATED, extra: readonly string[] = []): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo(Date.now());
  const code = await main(['merge-inhibit', '--alertmanager-config', config, '--inhibit-rules', rules, ...extra], io);
  return { code, out: io.out(), err: io.err() };
}

/** amtool's verdict and the number of inhibit rules it found. */
function amtool(file: string): { code: number | null; rules: number | undefined; output: string } {
  const r = spawnSync(requireTool('amtool'), ['check-config', file], { encoding: 'utf8' });
  const output = r.stdout + r.stderr;
  const m = /- (\d+) inhibit rules/.exec(output);
  return { code: r.status, rules: m?.[1] === undefined ? undefined : Number(m[1]), output };
}

/** A private copy of a config text. */
function configFile(text: string, name = 'alertmanager.yml'): string {
  const file = join(tempDir('merge-inhibit'), name);
  writeFileSync(file, text);
  return file;
}

/** The config's inhibit rules, parsed. */
function rulesIn(file: string): unknown[] {
  return (load(readFileSync(file, 'utf8')) as { inhibit_rules?: unknown[] }).inhibit_rules ?? [];
}

describe("ubm merge-inhibit on Debian's shipped alertmanager.yml", () => {
  it('adds the generated rules beside its own one, and amtool check-config accepts the result', async () => {
    if (!existsSync(DEBIAN_CONFIG)) throw new Error(`${DEBIAN_CONFIG} is missing: run 'bash scripts/install-tools.sh' (prometheus-alertmanager)`);
    const file = configFile(readFileSync(DEBIAN_CONFIG, 'utf8'));
    expect(await merge(file)).toEqual({ code: 0, out: `${file}: added the ubm inhibit rules, kept 1 of your own\n`, err: '' });
    expect(amtool(file)).toMatchObject({ code: 0, rules: 1 + generatedRules.length });
    // Everything else is as Debian wrote it: only lines were added.
    const before = readFileSync(DEBIAN_CONFIG, 'utf8').split('\n');
    const after = readFileSync(file, 'utf8').split('\n');
    expect(after.filter((l) => !before.includes(l)).every((l) => l.startsWith('- ') || l.startsWith('  ') || l.startsWith('#'))).toBe(true);
    expect(before.every((l) => after.includes(l))).toBe(true);
  });

  it('changes nothing when run a second time', async () => {
    const file = configFile(readFileSync(DEBIAN_CONFIG, 'utf8'));
    await merge(file);
    const first = readFileSync(file, 'utf8');
    const mtime = statSync(file).mtimeMs;
    expect(await merge(file)).toEqual({ code: 0, out: `${file}: the ubm inhibit rules are up to date\n`, err: '' });
    expect(readFileSync(file, 'utf8')).toBe(first);
    expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it("replaces its block with fewer rules later, keeping a rule the user added after the first merge", async () => {
    const file = configFile(readFileSync(DEBIAN_CONFIG, 'utf8'));
    await merge(file);
    writeFileSync(file, readFileSync(file, 'utf8').replace(MERGE_END, `${MERGE_END}\n${USER_RULE.trimEnd()}`));
    const fewer = join(tempDir('merge-inhibit-rules'), 'inhibit.yml');
    writeFileSync(fewer, `inhibit_rules:\n${USER_RULE.replace('critical', 'page').replace('warning', 'ticket')}`);
    expect(await merge(file, fewer)).toEqual({ code: 0, out: `${file}: replaced the ubm inhibit rules, kept 2 of your own\n`, err: '' });
    expect(amtool(file)).toMatchObject({ code: 0, rules: 3 });
    expect(readFileSync(file, 'utf8').split(MERGE_BEGIN).length).toBe(2);
  });
});

/** [case, alertmanager.yml before, the inhibit rules amtool counts after]. */
const shapes: ReadonlyArray<readonly [string, string, number]> = [
  ['a config without inhibit_rules gets the key at its end', MINIMAL, generatedRules.length],
  ['an empty inhibit_rules: [] becomes the block', `${MINIMAL}inhibit_rules: []\n`, generatedRules.length],
  ['an inhibit_rules: with nothing under it before the next key', `inhibit_rules:\n${MINIMAL}`, generatedRules.length],
  ['items indented under the key keep their indentation', `${MINIMAL}inhibit_rules:\n${USER_RULE.replace(/^/gm, '  ')}`, 1 + generatedRules.length],
  ['items at column 0 (Debian\'s style) stay at column 0', `inhibit_rules:\n${USER_RULE}${MINIMAL}`, 1 + generatedRules.length],
];

describe('ubm merge-inhibit fits the shape of the file', () => {
  it.each(shapes)('%s', async (_name, text, count) => {
    const file = configFile(text);
    const r = await merge(file);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    const check = amtool(file);
    expect(check, check.output).toMatchObject({ code: 0, rules: count });
    expect(rulesIn(file)).toEqual(expect.arrayContaining(generatedRules));
    expect(await merge(file)).toMatchObject({ code: 0, out: expect.stringContaining('up to date') as unknown });
  });

  it("keeps the file's mode", async () => {
    const file = configFile(MINIMAL);
    chmodSync(file, 0o640);
    await merge(file);
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  it('prints the merged file with --stdout and writes nothing', async () => {
    const file = configFile(MINIMAL);
    const r = await merge(file, GENERATED, ['--stdout']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(MERGE_BEGIN);
    expect(readFileSync(file, 'utf8')).toBe(MINIMAL);
  });
});

/** [case, alertmanager.yml (or undefined: no file), inhibit rules file text, the problem the one line names]. */
const refusals: ReadonlyArray<readonly [string, string | undefined, string, string]> = [
  ['inhibit_rules written inline', `${MINIMAL}inhibit_rules: [{source_matchers: [a="b"], target_matchers: [c="d"]}]\n`, '', 'inhibit_rules is written inline'],
  ['a ubm block whose end line was deleted', `${MINIMAL}inhibit_rules:\n  ${MERGE_BEGIN}\n`, '', 'the ubm inhibit rules block has no end line'],
  ['a file that is not YAML', 'route: [\n', '', 'is not valid YAML'],
  ['a file that is a list, not a config', '- a\n', '', 'is not a YAML mapping'],
  ['an alertmanager.yml that does not exist', undefined, '', '--alertmanager-config'],
  ['an inhibit rules file without inhibit_rules', MINIMAL, 'groups: []\n', 'has no inhibit_rules list'],
];

describe('ubm merge-inhibit leaves a file alone when it cannot merge safely', () => {
  it.each(refusals)('%s: exit 2, one line, file unchanged', async (_name, text, rulesText, problem) => {
    const dir = tempDir('merge-inhibit-bad');
    const file = join(dir, 'alertmanager.yml');
    if (text !== undefined) writeFileSync(file, text);
    let rules = GENERATED;
    if (rulesText !== '') {
      rules = join(dir, 'inhibit.yml');
      writeFileSync(rules, rulesText);
    }
    const r = await merge(file, rules);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^ubm merge-inhibit: [^\n]*\n$/);
    expect(r.err).toContain(problem);
    if (text !== undefined) expect(readFileSync(file, 'utf8')).toBe(text);
    else expect(existsSync(file)).toBe(false);
  });
});

describe('the docs give one command for the merge', () => {
  it('docs/deployment.md and the README name ubm merge-inhibit with both flags', () => {
    for (const doc of ['README.md', 'docs/deployment.md']) {
      expect(readFileSync(join(REPO_ROOT, doc), 'utf8'), doc).toMatch(/ubm merge-inhibit --inhibit-rules \S+ --alertmanager-config \S+/);
    }
  });
});

