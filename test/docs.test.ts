import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allMetrics } from '../src/schema/catalog.js';
import { configKeyRows, ignoredConfigKeys, renderConfigTables } from '../src/config/docs.js';
import { configJsonSchema, loadConfig } from '../src/config/load.js';
import { renderAlertsTable } from '../src/rules/docs.js';
import { renderMetricsTable } from '../src/schema/docs.js';
import { asRecord } from '../src/util/record.js';
import { REPO_ROOT } from './support/tools.js';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const configDoc = readFileSync(join(REPO_ROOT, 'docs', 'config.md'), 'utf8');
const ci = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8');

function section(name: string, text = readme): string | undefined {
  return new RegExp(`<!-- ${name}:begin -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(text)?.[1];
}

describe('the README', () => {
  it('holds the metrics table exactly as the catalog renders it (run `npm run build && node scripts/render-docs.mjs`)', () => {
    expect(section('metrics')).toBe(renderMetricsTable());
  });

  it('holds the alerts table exactly as the generator renders it for the built-in example', () => {
    expect(section('alerts')).toBe(renderAlertsTable(loadConfig(undefined, REPO_ROOT).config));
  });

  it('lists every catalog metric in its table', () => {
    const table = renderMetricsTable();
    for (const m of allMetrics) expect(table).toContain(`| \`${m.name}\` |`);
  });

  it("opens with the two set-up commands, and .ci/run runs the second one", () => {
    const commands = [...readme.slice(0, 1500).matchAll(/^```sh\n(.+)\n```$/gm)].map((m) => m[1]);
    expect(commands.length).toBeGreaterThanOrEqual(2);
    const testCommand = commands[1] ?? '';
    const ciLast = ci.trim().split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).pop();
    expect(ciLast).toBe(testCommand);
  });
});

describe('docs/config.md', () => {
  const tables = renderConfigTables();

  it.each(Object.keys(tables))('holds the %s section exactly as the config schema renders it (run `npm run docs`)', (name) => {
    expect(section(name, configDoc)).toBe(tables[name]);
  });

  it('describes every key of the schema, on one line', () => {
    const rows = Object.values(configKeyRows()).flat();
    expect(rows.length).toBeGreaterThan(60);
    for (const row of rows) {
      expect(row.description, row.key).not.toBe('');
      expect(row.description, row.key).not.toContain('\n');
    }
    expect(rows.map((r) => r.key)).toEqual(expect.arrayContaining(['monitoring.alerting.thresholds.backupStaleHours', 'ubm.jobs.<job>.staleAfter', 'ubm.alerting.for.UnifiedBackupNeverReported']));
  });

  it('lists the ignored keys apart from the tables', () => {
    const ignored = ignoredConfigKeys().map((k) => k.key);
    expect(ignored).toEqual(expect.arrayContaining(['globalSettings', 'restic.jobs.<job>.excludePatterns', 'monitoring.dashboards.outputPath']));
    const keys = Object.values(configKeyRows()).flat().map((r) => r.key);
    for (const key of ignored) expect(keys).not.toContain(key);
  });

  it('takes its descriptions and defaults from the JSON Schema that ubm schema prints', () => {
    const path = ['monitoring', 'alerting', 'thresholds', 'backupStaleHours'];
    const node = path.reduce<unknown>((n, key) => asRecord(asRecord(asRecord(n)?.properties)?.[key]), configJsonSchema());
    const row = Object.values(configKeyRows()).flat().find((r) => r.key === path.join('.'));
    expect(asRecord(node)?.default).toBe(30);
    expect(row).toEqual({ key: path.join('.'), type: 'number', default: '`30`', description: asRecord(node)?.description });
  });
});
