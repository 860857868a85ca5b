// Fills every fenced block whose info string names a file (```ini file=docs/systemd/ubm-health.service)
// with that file's text, in README.md and docs/*.md. The files are the source: they are what the
// tests verify (systemd-analyze verify, nix-instantiate) and what users copy; test/docs-units.test.ts
// fails when a block drifts from its file. Run by `npm run docs`; needs no build.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const docs = ['README.md', ...readdirSync(new URL('docs/', root)).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const FENCE = /^```(\w+) file=(\S+)\n[\s\S]*?^```$/gm;

for (const doc of docs) {
  const url = new URL(doc, root);
  const text = readFileSync(url, 'utf8');
  const synced = text.replace(FENCE, (_block, lang, path) => {
    const body = readFileSync(new URL(path, root), 'utf8');
    return `\`\`\`${lang} file=${path}\n${body.endsWith('\n') ? body : `${body}\n`}\`\`\``;
  });
  if (synced !== text) {
    writeFileSync(url, synced);
    console.log(`sync-doc-includes: updated ${doc}`);
  }
}
