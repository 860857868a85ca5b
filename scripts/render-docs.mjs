// Rewrites the generated sections of the docs (between <!-- NAME:begin --> and <!-- NAME:end -->)
// from the compiled code: the catalog, the alerts, the dashboards' panels and the config schema's keys.
// Run `npm run build` first (`npm run docs` does both); test/docs.test.ts and test/dashboards.test.ts
// fail when they drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderConfigTables } from '../dist/config/docs.js';
import { loadConfig } from '../dist/config/load.js';
import { renderPanelTables } from '../dist/dashboards/docs.js';
import { renderAlertsTable } from '../dist/rules/docs.js';
import { renderMetricsTable } from '../dist/schema/docs.js';

const example = loadConfig(undefined, process.cwd()).config;
const files = {
  'README.md': { metrics: renderMetricsTable(), alerts: renderAlertsTable(example) },
  'docs/dashboards.md': { panels: renderPanelTables(example) },
  'docs/config.md': renderConfigTables(),
};

for (const [path, sections] of Object.entries(files)) {
  const file = new URL(`../${path}`, import.meta.url);
  let text = readFileSync(file, 'utf8');
  for (const [name, body] of Object.entries(sections)) {
    const re = new RegExp(`(<!-- ${name}:begin -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
    if (!re.test(text)) throw new Error(`${path} has no ${name} section markers`);
    text = text.replace(re, (_m, a, b) => `${a}${body}\n${b}`);
  }
  writeFileSync(file, text);
}
