/**
 * The docs' systemd units and NixOS module are the checked files, shown as they are: every unit in
 * docs/systemd/ passes `systemd-analyze verify`; the NixOS files parse (`nix-instantiate --parse`),
 * and the module, evaluated with stand-ins for nixpkgs, keeps the restic module's ExecStart= list
 * and renders units that pass `systemd-analyze verify` too; every unit block and every Nix block of
 * the markdown is a copy of its file; one name per unit across the docs; Debian's textfile directory
 * is the one Debian's node_exporter reads.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './support/temp.js';
import { REPO_ROOT, UBM_BIN, requireTool } from './support/tools.js';

const SYSTEMD_DIR = join(REPO_ROOT, 'docs', 'systemd');
const NIXOS_DIR = join(REPO_ROOT, 'docs', 'nixos');
const DOCS = ['README.md', ...readdirSync(join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const unitFiles = readdirSync(SYSTEMD_DIR).filter((f) => /\.(service|timer)$/.test(f)).sort();
const nixFiles = readdirSync(NIXOS_DIR).filter((f) => f.endsWith('.nix')).sort();

/** Where the docs install ubm; the test points it at the built CLI. */
const UBM_PATH = '/usr/local/bin/ubm';

/** Every fenced block of a markdown file: its info string and body. */
function fences(doc: string): Array<{ info: string; body: string }> {
  const text = readFileSync(join(REPO_ROOT, doc), 'utf8');
  return [...text.matchAll(/^```(.*)\n([\s\S]*?)^```$/gm)].map((m) => ({ info: (m[1] ?? '').trim(), body: m[2] ?? '' }));
}

/** Runs `systemd-analyze verify` on one unit file; its warnings count as failures. */
function verifyUnit(path: string, cwd: string): { code: number | null; output: string } {
  const r = spawnSync(requireTool('systemd-analyze'), ['verify', path], { cwd, encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

describe('the markdown shows the checked files', () => {
  const blocks = DOCS.flatMap((doc) => fences(doc).map((f) => ({ doc, ...f })));

  it.each(blocks.filter((b) => / file=/.test(b.info)).map((b) => [`${b.doc}: ${b.info}`, b] as const))('%s is a copy of its file', (_name, block) => {
    const path = /file=(\S+)/.exec(block.info)?.[1] ?? '';
    expect(block.body, 'run `node scripts/sync-doc-includes.mjs`').toBe(readFileSync(join(REPO_ROOT, path), 'utf8'));
  });

  it('has no unit in an ini block that is not a file of docs/systemd/ (so every unit shown is verified)', () => {
    const loose = blocks.filter((b) => b.info.startsWith('ini') && !b.info.includes(' file=') && /^\[(Unit|Service|Timer|Install)\]$/m.test(b.body));
    expect(loose.map((b) => `${b.doc}: ${b.body.split('\n')[0] ?? ''}`)).toEqual([]);
  });

  it('has no Nix block that is not a file of docs/nixos/ (so every Nix snippet shown is parsed)', () => {
    const loose = blocks.filter((b) => b.info.startsWith('nix') && !b.info.includes(' file=docs/nixos/'));
    expect(loose.map((b) => `${b.doc}: ${b.body.split('\n')[0] ?? ''}`)).toEqual([]);
  });

  it('shows every unit file of docs/systemd/ in docs/deployment.md', () => {
    const shown = fences('docs/deployment.md').map((f) => /file=docs\/systemd\/(\S+)/.exec(f.info)?.[1]);
    expect(unitFiles.filter((f) => !shown.includes(f))).toEqual([]);
  });
});

describe('every unit of docs/systemd/ passes systemd-analyze verify', () => {
  let dir = '';
  beforeAll(() => {
    dir = tempDir('units');
    for (const file of unitFiles) writeFileSync(join(dir, file), readFileSync(join(SYSTEMD_DIR, file), 'utf8').replaceAll(UBM_PATH, UBM_BIN));
  });

  it.each(unitFiles)('%s', (file) => {
    expect(verifyUnit(join(dir, file), dir)).toEqual({ code: 0, output: '' });
  });

  it.each(unitFiles.filter((f) => f.endsWith('.service')))('%s runs ubm from /usr/local/bin and writes to Debian\'s textfile directory', (file) => {
    const text = readFileSync(join(SYSTEMD_DIR, file), 'utf8');
    expect(text).toContain(UBM_PATH);
    expect(text).toContain('Environment=UBM_TEXTFILE_DIR=/var/lib/prometheus/node-exporter');
    if (/restic backup --json/.test(text)) expect(text).toContain('Environment=RESTIC_PROGRESS_FPS=0.016');
  });
});

/** The value nix-instantiate gives for the module, with nixpkgs' functions replaced by stand-ins. */
interface Evaluated {
  readonly module: {
    readonly services: { readonly restic: { readonly backups: Record<string, Record<string, unknown>> } };
    readonly systemd: { readonly services: Record<string, NixService>; readonly timers: Record<string, NixTimer> };
  };
  readonly scripts: ReadonlyArray<{ name: string; text: string }>;
}
interface NixService {
  readonly description?: string;
  readonly wants?: string[];
  readonly after?: string[];
  readonly environment?: Record<string, string>;
  readonly serviceConfig?: Record<string, unknown>;
}
interface NixTimer {
  readonly wantedBy?: string[];
  readonly timerConfig?: Record<string, unknown>;
}

/**
 * Evaluates a module of docs/nixos/ with stand-ins: `pkgs.callPackage` gives a prefix whose bin/ubm
 * is the built CLI, `pkgs.restic` and friends are /usr (Debian's binaries), and scripts are traced.
 */
function evaluate(file: string, prefix: string, scripts: string): Evaluated {
  const expr = `
    let
      lib = {
        nameValuePair = name: value: { inherit name value; };
        mapAttrs' = f: set: builtins.listToAttrs (map (n: f n set.\${n}) (builtins.attrNames set));
        optional = c: x: if c then [ x ] else [ ];
      };
      pkgs = {
        callPackage = f: args: "${prefix}";
        writeText = name: text: "/etc/ubm/\${name}";
        writeShellScript = name: text: builtins.trace (builtins.toJSON { inherit name text; }) "${scripts}/\${name}";
        restic = "/usr"; pgbackrest = "/usr"; util-linux = "/usr";
      };
      config = { modules.services.backup = { enable = true; }; };
    in import ${join(NIXOS_DIR, file)} { inherit config lib pkgs; }`;
  const r = spawnSync(requireTool('nix-instantiate'), ['--eval', '--strict', '--json', '--option', 'build-users-group', '', '-E', expr], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nix-instantiate --eval ${file} failed: ${r.stderr}`);
  const traced = [...r.stderr.matchAll(/^trace: (\{.*\})$/gm)].map((m) => JSON.parse(m[1] ?? '{}') as { name: string; text: string });
  return { module: JSON.parse(r.stdout) as Evaluated['module'], scripts: traced };
}

/** A systemd setting's value as a unit file writes it. */
function unitValue(value: unknown): string {
  return typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
}

/** The unit file NixOS would write for a service (the parts the docs use). */
function renderService(s: NixService): string {
  const lines = ['[Unit]'];
  if (s.description !== undefined) lines.push(`Description=${s.description}`);
  if (s.wants !== undefined && s.wants.length > 0) lines.push(`Wants=${s.wants.join(' ')}`);
  if (s.after !== undefined && s.after.length > 0) lines.push(`After=${s.after.join(' ')}`);
  lines.push('', '[Service]');
  for (const [k, v] of Object.entries(s.environment ?? {})) lines.push(`Environment="${k}=${v}"`);
  for (const [k, v] of Object.entries(s.serviceConfig ?? {})) for (const one of Array.isArray(v) ? v : [v]) lines.push(`${k}=${unitValue(one)}`);
  return `${lines.join('\n')}\n`;
}

/** The unit file NixOS would write for a timer. */
function renderTimer(t: NixTimer): string {
  const lines = ['[Timer]', ...Object.entries(t.timerConfig ?? {}).map(([k, v]) => `${k}=${unitValue(v)}`)];
  if (t.wantedBy !== undefined) lines.push('', '[Install]', `WantedBy=${t.wantedBy.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

/** What nixpkgs' restic module makes of a job (its ExecStart= list: backup with extraBackupArgs, forget --prune, check). */
function resticModuleService(name: string, extraBackupArgs: readonly string[]): NixService {
  return {
    description: `restic backups ${name}`,
    wants: ['network-online.target'],
    after: ['network-online.target'],
    environment: { RESTIC_PASSWORD_FILE: '/run/secrets/restic', RESTIC_REPOSITORY: '/mnt/nas-backup' },
    serviceConfig: {
      Type: 'oneshot',
      ExecStart: [
        `/usr/bin/restic backup ${[...extraBackupArgs, '--exclude-file=/etc/restic-excludes'].join(' ')} --files-from=/run/restic-backups-${name}/includes`,
        '/usr/bin/restic unlock',
        '/usr/bin/restic forget --prune --keep-daily 7',
        '/usr/bin/restic check',
      ],
      User: 'root',
      RuntimeDirectory: `restic-backups-${name}`,
    },
  };
}

describe('the NixOS files of docs/nixos/', () => {
  it.each(nixFiles)('%s parses (nix-instantiate --parse)', (file) => {
    const r = spawnSync(requireTool('nix-instantiate'), ['--parse', join(NIXOS_DIR, file)], { encoding: 'utf8' });
    expect({ code: r.status, stderr: r.stderr.replace(/^warning: the group 'nixbld'.*\n/gm, '') }).toEqual({ code: 0, stderr: '' });
  });

  const modules = nixFiles.filter((f) => f !== 'package.nix');
  let prefix = '';
  let scripts = '';
  let units = '';
  beforeAll(() => {
    prefix = tempDir('nix-ubm');
    mkdirSync(join(prefix, 'bin'));
    symlinkSync(UBM_BIN, join(prefix, 'bin', 'ubm'));
    scripts = tempDir('nix-scripts');
    units = tempDir('nix-units');
  });

  it.each(modules)("%s never sets a restic job's ExecStart=, and records it from ExecStopPost=", (file) => {
    const { module } = evaluate(file, prefix, scripts);
    const jobs = Object.keys(module.services.restic.backups);
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      expect(module.services.restic.backups[job]).toEqual({ extraBackupArgs: ['--json'], progressFps: 0.016 });
      const service = module.systemd.services[`restic-backups-${job}`];
      expect(Object.keys(service ?? {})).toEqual(['serviceConfig']);
      expect(Object.keys(service?.serviceConfig ?? {})).toEqual(['ExecStopPost']);
      const stopPost = service?.serviceConfig?.ExecStopPost;
      expect(Array.isArray(stopPost), 'a list, so that it merges with the module\'s own ExecStopPost=').toBe(true);
      expect((stopPost as string[])[0]).toMatch(new RegExp(`^\\+${prefix}/bin/ubm emit backup --from-systemd --unit %n --job ${job} --repository \\S+ `));
    }
  });

  it.each(modules)('%s gives units that pass systemd-analyze verify, the restic jobs as nixpkgs builds them', (file) => {
    const { module, scripts: traced } = evaluate(file, prefix, scripts);
    for (const s of traced) {
      writeFileSync(join(scripts, s.name), `#!/bin/sh\n${s.text}`);
      chmodSync(join(scripts, s.name), 0o755);
      const syntax = spawnSync('bash', ['-n', join(scripts, s.name)], { encoding: 'utf8' });
      expect({ script: s.name, code: syntax.status, stderr: syntax.stderr }).toEqual({ script: s.name, code: 0, stderr: '' });
    }
    const written: string[] = [];
    for (const [name, ours] of Object.entries(module.systemd.services)) {
      const job = /^restic-backups-(.+)$/.exec(name)?.[1];
      // A restic job's unit is the restic module's, with our ExecStopPost= merged in (lists concatenate).
      const base = job === undefined ? {} : resticModuleService(job, module.services.restic.backups[job]?.extraBackupArgs as string[]);
      const merged: NixService = { ...base, ...ours, serviceConfig: { ...base.serviceConfig, ...ours.serviceConfig } };
      writeFileSync(join(units, `${name}.service`), renderService(merged));
      written.push(`${name}.service`);
    }
    for (const [name, timer] of Object.entries(module.systemd.timers ?? {})) {
      writeFileSync(join(units, `${name}.timer`), renderTimer(timer));
      written.push(`${name}.timer`);
    }
    for (const unit of written) expect({ unit, ...verifyUnit(join(units, unit), units) }).toEqual({ unit, code: 0, output: '' });
  });

  it('ubm.nix defines the units of docs/systemd/, under the same names', () => {
    const { module } = evaluate('ubm.nix', prefix, scripts);
    const nixUnits = [...Object.keys(module.systemd.services).map((n) => `${n}.service`), ...Object.keys(module.systemd.timers).map((n) => `${n}.timer`)];
    // The restic jobs' timers come from the restic module itself.
    const debianOnly = unitFiles.filter((f) => !nixUnits.includes(f) && !/^restic-backups-.*\.timer$/.test(f));
    expect(debianOnly).toEqual([]);
    expect(nixUnits.filter((u) => !unitFiles.includes(u))).toEqual([]);
  });
});

/** Units the docs may name that are not theirs: Debian's and systemd's own. */
const SYSTEM_UNITS = new Set(['prometheus-node-exporter.service', 'prometheus-alertmanager.service', 'postgresql.service', 'network-online.target', 'timers.target']);

describe('one name per unit across the docs', () => {
  const known = [...unitFiles, ...SYSTEM_UNITS];
  /** A unit name as the docs write it, placeholders (JOB, <job>, *) as patterns. */
  const pattern = (name: string): RegExp =>
    new RegExp(`^${name.replace(/[.]/g, '\\.').replace(/\*/g, '.*').replace(/<[a-z]+>|\b[A-Z]{2,}\b/g, '[a-z0-9-]+')}$`);

  it.each(DOCS)('%s names only units that docs/systemd/ (or Debian) has', (doc) => {
    const text = readFileSync(join(REPO_ROOT, doc), 'utf8');
    const named = new Set([...text.matchAll(/[A-Za-z0-9<>*@_-]+\.(?:service|timer|target)\b/g)].map((m) => m[0]).filter((n) => !n.startsWith('-')));
    const unknown = [...named].filter((n) => !known.some((k) => pattern(n).test(k)));
    expect(unknown).toEqual([]);
  });
});

describe("the textfile directories are said as they are", () => {
  it("Debian's node_exporter reads /var/lib/prometheus/node-exporter by default, as the docs say", () => {
    const help = spawnSync(requireTool('prometheus-node-exporter'), ['--help'], { encoding: 'utf8' });
    expect(`${help.stdout}${help.stderr}`).toMatch(/--collector\.textfile\.directory="\/var\/lib\/prometheus\/node-exporter"/);
    const deployment = readFileSync(join(REPO_ROOT, 'docs', 'deployment.md'), 'utf8');
    expect(deployment).toContain("**`/var/lib/prometheus/node-exporter`** is where **Debian's** `prometheus-node-exporter` reads");
    expect(deployment).toContain("**`/var/lib/node_exporter/textfile_collector`** is **`ubm`'s own default**");
  });

  it.each(DOCS)("%s never calls ubm's default directory node_exporter's default", (doc) => {
    expect(readFileSync(join(REPO_ROOT, doc), 'utf8')).not.toMatch(/node_exporter's default/);
  });

  it.each(['README.md', 'docs/deployment.md'])('%s says RESTIC_PROGRESS_FPS where restic backup --json is wrapped', (doc) => {
    expect(readFileSync(join(REPO_ROOT, doc), 'utf8')).toContain('RESTIC_PROGRESS_FPS=0.016');
  });
});

