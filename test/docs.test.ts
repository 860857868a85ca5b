import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allMetrics } from '../src/schema/catalog.js';
import { loadConfig } from '../src/config/load.js';
import { renderAlertsTable } from '../src/rules/docs.js';
import { renderMetricsTable } from '../src/schema/docs.js';
import { REPO_ROOT } from './support/tools.js';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const ci = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8');

function section(name: string): string | undefined {
  return new RegExp(`<!-- ${name}:begin -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(readme)?.[1];
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
