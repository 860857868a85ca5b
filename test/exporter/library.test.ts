/** The typed library API in src/index.ts records what the CLI records. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import {
  metrics,
  parseExposition,
  recordBackup,
  recordHealth,
  recordPostgresOffsite,
  recordPostgresVerification,
  recordRestoreTest,
  recordVerification,
  runBackup,
} from '../../src/index.js';
import { tempDir } from '../support/temp.js';
import { memoryIo } from './helpers.js';

const AT = Date.parse('2024-11-26T02:00:00Z');

describe('the library API', () => {
  it.each([
    ['recordBackup', (dir: string) => recordBackup({ job: 'j', repository: 'r', success: true, durationSeconds: 12.5, hostname: 'h', endedAtMs: AT, expectedIntervalSeconds: 3600 }, { textfileDir: dir }), ['backup', '--job', 'j', '--repository', 'r', '--status', 'success', '--duration', '12.5', '--expected-interval', '1h']],
    ['recordVerification', (dir: string) => recordVerification('r', { success: false, durationSeconds: 3, hostname: 'h', endedAtMs: AT }, { textfileDir: dir }), ['verification', '--repository', 'r', '--status', 'failure', '--duration', '3']],
    ['recordRestoreTest', (dir: string) => recordRestoreTest('r', { success: true, filesRestored: 5, filesFailed: 0, hostname: 'h', endedAtMs: AT }, { textfileDir: dir }), ['restore-test', '--repository', 'r', '--status', '1', '--files-restored', '5', '--files-failed', '0']],
    ['recordPostgresVerification', (dir: string) => recordPostgresVerification('main', { success: true, hostname: 'h', endedAtMs: AT }, { textfileDir: dir }), ['postgres-verification', '--stanza', 'main', '--status', 'success']],
    ['recordPostgresOffsite', (dir: string) => recordPostgresOffsite('main', 'repo2', { success: false, hostname: 'h', endedAtMs: AT }, { textfileDir: dir }), ['postgres-offsite', '--stanza', 'main', '--repository', 'repo2', '--status', 'failure']],
    ['recordHealth', (dir: string) => recordHealth({ healthy: true, hostname: 'h', endedAtMs: AT }, { textfileDir: dir }), ['health', '--status', 'success']],
  ] as const)('%s writes the same file as the matching ubm emit', async (_name, record, argv) => {
    const viaLibrary = tempDir('lib');
    const viaCli = tempDir('cli');
    const path = await record(viaLibrary);
    const io = memoryIo(AT);
    expect(await main(['emit', ...argv, '--hostname', 'h', '--textfile-dir', viaCli], io), io.err()).toBe(0);
    expect(readdirSync(viaLibrary)).toEqual(readdirSync(viaCli));
    expect(path).toBe(join(viaLibrary, readdirSync(viaLibrary)[0] ?? ''));
    expect(readFileSync(path, 'utf8')).toBe(readFileSync(join(viaCli, readdirSync(viaCli)[0] ?? ''), 'utf8'));
  });

  it('runBackup runs the command, reads a restic summary from its output and records the run', async () => {
    const dir = tempDir('lib-run');
    const stdout = new PassThrough();
    let seen = '';
    stdout.on('data', (c: Buffer) => (seen += c.toString()));
    const summary = '{"message_type":"summary","files_new":4,"total_files_processed":9,"data_added":100}';
    const result = await runBackup({
      job: 'lib',
      repository: 'r',
      hostname: 'h',
      command: [process.execPath, '-e', `console.log(${JSON.stringify(summary)})`],
      target: { textfileDir: dir },
      stdout,
      forwardSignals: false,
    });
    expect(result).toMatchObject({ exitCode: 0, summary: { filesNew: 4, totalFilesProcessed: 9, dataAdded: 100 } });
    expect(result.recordError).toBeUndefined();
    expect(seen).toBe(`${summary}\n`);
    const values = new Map(parseExposition(readFileSync(result.recordedTo ?? '', 'utf8')).map((s) => [s.name, s.value]));
    expect(values.get(metrics.resticBackupFilesNew.name)).toBe(4);
    expect(values.get(metrics.resticBackupStatus.name)).toBe(1);
  });

  it('runBackup returns a recording failure beside the command result instead of throwing', async () => {
    const result = await runBackup({ job: 'j', repository: 'r', command: ['true'], target: { textfileDir: '/nonexistent/ubm' }, forwardSignals: false });
    expect(result.exitCode).toBe(0);
    expect(result.recordError).toBe('textfile directory /nonexistent/ubm does not exist');
  });
});
