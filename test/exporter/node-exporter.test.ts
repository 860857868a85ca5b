/**
 * What the exporter writes is what a real node_exporter (textfile collector, loopback port)
 * exports: every family, and label values with quotes, backslashes, newlines and non-ASCII text.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { parseExposition } from '../../src/exporter/textfile.js';
import { allMetrics, externalMetrics } from '../../src/schema/catalog.js';
import { type Server, startNodeExporter } from '../support/servers.js';
import { tempDir } from '../support/temp.js';
import { requireTool } from '../support/tools.js';
import { memoryIo, sampleLines } from './helpers.js';

const NOW = Date.parse('2024-11-26T02:00:00Z');

/** One emit per family, then label values that need escaping. */
const EMITS: readonly string[][] = [
  ['backup', '--job', 'system-home', '--repository', 'nas-primary', '--status', 'success', '--duration', '150', '--files-new', '3', '--data-added', '1024', '--expected-interval', '1d'],
  ['verification', '--repository', 'nas-primary', '--status', 'success', '--duration', '60'],
  ['restore-test', '--repository', 'nas-primary', '--status', 'failure', '--duration', '9', '--files-restored', '4', '--files-failed', '1'],
  ['postgres-verification', '--stanza', 'main', '--status', 'success', '--duration', '30'],
  ['postgres-offsite', '--stanza', 'main', '--repository', 'r2-offsite', '--status', 'success'],
  ['health', '--status', 'success'],
  ['backup', '--job', 'quote "q" job', '--repository', 'back\\slash', '--status', 'success', '--duration', '1'],
  ['backup', '--job', 'line one\nline two', '--repository', 'nas-primary', '--status', 'failure', '--duration', '2'],
  ['backup', '--job', 'Sauvegarde été', '--repository', 'ストレージ 💾', '--status', 'success', '--duration', '3'],
  ['backup', '--job', 'all \\"\n mixed \\n', '--repository', '{a="b"},', '--status', 'success', '--duration', '4'],
];

describe('a real node_exporter reading the textfiles', () => {
  const dir = tempDir('node-exporter');
  let exporter: Server | undefined;

  beforeAll(async () => {
    for (const args of EMITS) {
      const io = memoryIo(NOW);
      expect(await main(['emit', ...args, '--hostname', 'höst', '--textfile-dir', dir], io), io.err()).toBe(0);
    }
    exporter = await startNodeExporter(dir);
  });

  afterAll(async () => {
    await exporter?.stop();
  });

  it('passes promtool check metrics for every file written', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.prom'));
    expect(files).toHaveLength(EMITS.length);
    for (const file of files) {
      const check = spawnSync(requireTool('promtool'), ['check', 'metrics'], { input: readFileSync(join(dir, file)), encoding: 'utf8' });
      expect({ file, status: check.status, output: check.stdout + check.stderr }).toEqual({ file, status: 0, output: '' });
    }
  });

  it('exports exactly the series of the files, label values intact, with node_textfile_scrape_error 0', async () => {
    const res = await fetch(`${exporter?.url ?? ''}/metrics`);
    const scraped = parseExposition(await res.text());
    const ours = new Set(allMetrics.map((m) => m.name));
    const written = readdirSync(dir).flatMap((f) => parseExposition(readFileSync(join(dir, f), 'utf8')));
    expect(sampleLines(scraped.filter((s) => ours.has(s.name)))).toEqual(sampleLines(written));
    expect(scraped.find((s) => s.name === externalMetrics.nodeTextfileScrapeError.name)?.value).toBe(0);
    const jobs = new Set(scraped.filter((s) => ours.has(s.name)).map((s) => s.labels.backup_job));
    for (const job of ['quote "q" job', 'line one\nline two', 'Sauvegarde été', 'all \\"\n mixed \\n']) expect(jobs).toContain(job);
    expect(scraped.filter((s) => s.name === externalMetrics.nodeTextfileMtimeSeconds.name)).toHaveLength(EMITS.length);
  });
});
