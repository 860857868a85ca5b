// Rewrites the generated sections of README.md (between <!-- NAME:begin --> and <!-- NAME:end -->)
// from the compiled catalog. Run `npm run build` first; test/docs.test.ts fails when they drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderMetricsTable } from '../dist/schema/docs.js';

const file = new URL('../README.md', import.meta.url);
const sections = { metrics: renderMetricsTable() };
let text = readFileSync(file, 'utf8');
for (const [name, body] of Object.entries(sections)) {
  const re = new RegExp(`(<!-- ${name}:begin -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
  if (!re.test(text)) throw new Error(`README.md has no ${name} section markers`);
  text = text.replace(re, (_m, a, b) => `${a}${body}\n${b}`);
}
writeFileSync(file, text);
