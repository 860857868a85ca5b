/**
 * Every shell command of docs/runbooks.md runs: each ```sh block is run by bash against the real
 * tools (a restic repository backed up through `ubm run`, a PostgreSQL cluster with pgBackRest and
 * two repositories, node_exporter on the textfiles, `ubm` itself), with the host's paths and the
 * placeholders replaced by private ones, and must exit 0. Blocks marked ```sh illustrative are not
 * run, and may hold only what needs the host's running systemd and journal or its own data.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PgCluster, startPgCluster } from './support/postgres.js';
import { type Server, startNodeExporter } from './support/servers.js';
import { tempDir } from './support/temp.js';
import { REPO_ROOT, UBM_BIN, requireTool, toolPath } from './support/tools.js';

const RUNBOOKS = readFileSync(join(REPO_ROOT, 'docs', 'runbooks.md'), 'utf8');

/** One fenced block of the runbook, with the section it belongs to. */
interface Block {
  readonly section: string;
  readonly info: string;
  readonly body: string;
}

/** The fenced blocks of a markdown text, each with its section heading. */
function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let section = '(top)';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heading = /^##+ (.+)$/.exec(line);
    if (heading?.[1] !== undefined) section = heading[1];
    const open = /^```(.*)$/.exec(line);
    if (open === null) continue;
    const end = lines.findIndex((l, j) => j > i && l === '```');
    if (end === -1) throw new Error(`docs/runbooks.md: unclosed fence at line ${i + 1}`);
    blocks.push({ section, info: (open[1] ?? '').trim(), body: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

/** The command lines of a block (comments and blank lines dropped, continuations joined). */
function commandLines(body: string): string[] {
  return body
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

const blocks = fencedBlocks(RUNBOOKS);
const runnable = blocks.filter((b) => b.info === 'sh');
const illustrative = blocks.filter((b) => b.info === 'sh illustrative');

/** What an illustrative line may start with: it needs the host's running systemd, journal or own data. */
const HOST_ONLY = /^(systemctl|journalctl|findmnt|zfs)\b|^ls \/var\/lib\/postgresql\//;
/**
 * Inline code that is a whole command of these tools (with a flag, a path or a placeholder) belongs
 * in a fenced block, where it is run or marked; naming a subcommand (`restic forget`) is prose.
 */
const INLINE_COMMAND = /`(systemctl|journalctl|restic|pgbackrest|curl|ls|runuser|sudo|psql|amtool|promtool) [^`]*(\s-|\/|\b[A-Z]{2,}\b)[^`]*`/g;

describe('docs/runbooks.md marks every command', () => {
  it('holds only ```sh blocks (run) and ```sh illustrative blocks (not run)', () => {
    expect(blocks.filter((b) => b.info !== 'sh' && b.info !== 'sh illustrative').map((b) => `${b.section}: \`\`\`${b.info}`)).toEqual([]);
    expect(runnable.length).toBeGreaterThan(15);
  });

  it('keeps illustrative blocks to what needs the host (systemctl, journalctl, its mounts and data)', () => {
    const offending = illustrative.flatMap((b) => commandLines(b.body).filter((l) => !HOST_ONLY.test(l)).map((l) => `${b.section}: ${l}`));
    expect(offending).toEqual([]);
  });

  it('writes no command of a tool as inline code in the prose', () => {
    const prose = RUNBOOKS.replace(/^```[\s\S]*?^```$/gm, '');
    expect([...prose.matchAll(INLINE_COMMAND)].map((m) => m[0])).toEqual([]);
  });

  it('names only the units of docs/deployment.md (restic-backups-JOB, ubm-verify-REPOSITORY, ...)', () => {
    const units = new Set([...RUNBOOKS.matchAll(/\b((?:restic-backups|ubm|pgbackrest-backup)-?[A-Za-z-]*?)(?:\*|\.service|\.timer)/g)].map((m) => m[1]));
    const known = /^(restic-backups-(JOB|postgres-pgbackrest|)|ubm-(verify|restore-test)-(REPOSITORY)?|ubm-pgbackrest-(verify-)?(STANZA)?|pgbackrest-backup-(STANZA)?|ubm-health)$/;
    expect([...units].filter((u) => u !== undefined && !known.test(u))).toEqual([]);
  });
});

/** The private world the commands run in. */
let root = '';
let textfiles = '';
let config = '';
let envFile = '';
let binDir = '';
let cluster: PgCluster | undefined;
let nodeExporter: Server | undefined;

/** The environment of every command: the tools, a `ubm` that runs the built CLI, the cluster's socket for psql. */
function commandEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { ...env, PATH: [binDir, toolPath()].join(delimiter), PGHOST: join(cluster?.dir ?? '', 'sock'), PGPORT: String(cluster?.port ?? 0) };
}

/** Runs a command with the test's environment; throws with its output when it fails. */
function sh(script: string): string {
  const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { env: commandEnv(), encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`exit ${String(r.status ?? r.signal)}: ${script}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('the runbook commands run pgBackRest through runuser: run the suite as root');
  for (const tool of ['restic', 'pgbackrest', 'runuser', 'curl', 'psql', 'prometheus-node-exporter']) requireTool(tool);
  root = tempDir('runbooks');
  chmodSync(root, 0o755);
  textfiles = join(root, 'textfiles');
  binDir = join(root, 'bin');
  const src = join(root, 'src');
  for (const dir of [textfiles, binDir, src]) mkdirSync(dir);
  chmodSync(textfiles, 0o755);
  writeFileSync(join(binDir, 'ubm'), `#!/bin/sh\nexec '${process.execPath}' '${UBM_BIN}' "$@"\n`, { mode: 0o755 });
  for (let i = 0; i < 8; i++) writeFileSync(join(src, `file-${i}.txt`), `runbook data ${i}\n`.repeat(50));

  // restic's credentials as /etc/ubm/restic-REPOSITORY.env holds them.
  const repo = join(root, 'restic-repo');
  const password = join(root, 'restic-password');
  writeFileSync(password, 'runbook-test\n', { mode: 0o600 });
  envFile = join(root, 'restic-nas-primary.env');
  writeFileSync(envFile, `RESTIC_REPOSITORY=${repo}\nRESTIC_PASSWORD_FILE=${password}\nRESTIC_CACHE_DIR=${join(root, 'restic-cache')}\nRESTIC_PROGRESS_FPS=0.016\n`, { mode: 0o600 });

  cluster = await startPgCluster('main');
  config = join(root, 'backup.yaml');
  writeFileSync(
    config,
    [
      'repositories:',
      `  nas-primary: { url: ${repo}, passwordFile: ${password}, primary: true, type: local }`,
      'restic:',
      '  jobs:',
      `    system-home: { enable: true, repository: nas-primary, paths: [${src}], frequency: daily }`,
      'postgres:',
      '  enable: true',
      '  pgbackrest: { enableOffsite: false, offsiteRepos: [repo2] }',
      'monitoring:',
      `  textfileCollector: { directory: ${textfiles} }`,
      '',
    ].join('\n'),
  );

  // What the units would have done by now: a backup through `ubm run`, a check and a restore test,
  // full backups into both pgBackRest repositories with a verification, the self-check.
  const withRestic = (command: string): string => `set -a; . '${envFile}'; set +a; ${command}`;
  sh(withRestic('restic init --quiet'));
  sh(withRestic(`ubm run --job system-home --repository nas-primary --expected-interval 24h --textfile-dir '${textfiles}' -- restic backup --json '${src}' >/dev/null`));
  sh(withRestic(`ubm verify --repository nas-primary --sample-files 3 --textfile-dir '${textfiles}'`));
  cluster.pgbackrest(['backup', '--type=full', '--repo=1']);
  cluster.pgbackrest(['backup', '--type=full', '--repo=2']);
  sh(`ubm pgbackrest --stanza main --pgbackrest-config '${cluster.config}' --config '${config}' --verify --textfile-dir '${textfiles}'`);
  sh(`ubm health --config '${config}' --textfile-dir '${textfiles}'`);
  nodeExporter = await startNodeExporter(textfiles);
}, 300_000);

afterAll(async () => {
  await nodeExporter?.stop();
  await cluster?.stop();
});

/** The runbook's command with the host's paths and the placeholders replaced by the test's. */
function substitute(body: string): string {
  if (cluster === undefined || nodeExporter === undefined) throw new Error('the world was not set up');
  const replaced = body
    .replaceAll('http://HOST:9100', nodeExporter.url)
    .replaceAll('/var/lib/prometheus/node-exporter', textfiles)
    .replaceAll('/etc/ubm/backup.yaml', config)
    .replaceAll('/etc/ubm/restic-REPOSITORY.env', envFile)
    .replaceAll('/etc/pgbackrest/pgbackrest.conf', cluster.config)
    .replaceAll('--repo=N', '--repo=1')
    .replace(/\bJOB\b/g, 'system-home')
    .replace(/\bREPOSITORY\b/g, 'nas-primary')
    .replace(/\bSTANZA\b/g, 'main');
  // Nothing of the real host may be touched, and no placeholder may be left.
  const left = /\/etc\/|\/var\/lib\/|\b(HOST|JOB|REPOSITORY|STANZA|N)\b/.exec(commandLines(replaced).join('\n'));
  if (left !== null) throw new Error(`unreplaced '${left[0]}' in:\n${replaced}`);
  return replaced;
}

describe('every ```sh block of docs/runbooks.md runs against the real tools and exits 0', () => {
  it.each(runnable.map((b, i) => [`${b.section} #${i + 1}: ${commandLines(b.body)[0] ?? ''}`, b] as const))('%s', (_name, block) => {
    // bash -e -o pipefail: every line must succeed, and a grep that matches nothing fails its line.
    expect(() => sh(substitute(block.body))).not.toThrow();
  });
});

describe('the runbook matches what the tools print', () => {
  it('finds the summary line it greps for in the journal in what restic backup --json prints', () => {
    const line = /grep '("message_type":"summary")'/.exec(RUNBOOKS)?.[1];
    expect(line).toBeDefined();
    const out = execFileSync('bash', ['-c', `set -a; . '${envFile}'; set +a; restic backup --json '${join(root, 'src')}'`], { env: commandEnv(), encoding: 'utf8' });
    expect(out).toContain(line ?? '');
    expect(RUNBOOKS).not.toContain('Added to the repository');
  });
});
