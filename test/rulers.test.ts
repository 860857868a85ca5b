/**
 * The rule file as other rulers read it (Thanos Ruler, the Mimir/Cortex ruler, any alert generator
 * that follows Prometheus' alert-generator compliance specification 1.0): only the rule fields
 * that format has, unique group names, recording rules before the alerts that read them in the same
 * group (the specification guarantees in-group order), and only the template functions of the
 * Prometheus 2.33 template reference that every compliant generator must support.
 */
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig, loadConfigText } from '../src/config/load.js';
import { RULE_FILES, generateRuleFiles } from '../src/rules/files.js';
import { REPO_ROOT } from './support/tools.js';

/**
 * The template functions every compliant alert generator must support: the Prometheus 2.33 template
 * reference without the optional ones (graphLink, tableLink, tmpl, pathPrefix, safeHtml, strvalue),
 * plus Go's text/template builtins.
 */
const REQUIRED_FUNCTIONS = new Set([
  'query', 'first', 'label', 'value', 'sortByLabel',
  'humanize', 'humanize1024', 'humanizeDuration', 'humanizePercentage', 'humanizeTimestamp', 'toTime',
  'title', 'toUpper', 'toLower', 'stripPort', 'match', 'reReplaceAll', 'parseDuration', 'args',
  // Go text/template
  'and', 'or', 'not', 'len', 'index', 'print', 'printf', 'println', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'html', 'js', 'urlquery', 'slice', 'call',
]);
/** Template actions and keywords: not functions. */
const KEYWORDS = new Set(['if', 'else', 'end', 'with', 'range', 'define', 'template', 'block', 'break', 'continue', 'nil']);

/** The fields a rule may have in the compliance specification's format (Prometheus 2.33), and `keep_firing_for` (ours, see below). */
const RULE_FIELDS = { alert: ['alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'], record: ['record', 'expr', 'labels'] };

interface RuleFile {
  readonly groups: ReadonlyArray<{ readonly name: string; readonly interval?: string; readonly rules: ReadonlyArray<Record<string, unknown>> }>;
}

/** The words in function position inside `{{ ... }}` actions: after `{{`, `(` or `|`. */
function templateFunctions(text: string): string[] {
  const found: string[] = [];
  for (const action of text.matchAll(/\{\{-?(.*?)-?\}\}/gs)) {
    // String literals (printf's queries) hold no functions.
    const code = (action[1] ?? '').replace(/"(?:[^"\\]|\\.)*"|`[^`]*`/g, '""');
    for (const m of code.matchAll(/(?:^|[(|])\s*([A-Za-z_][A-Za-z0-9_]*)/g)) {
      const word = m[1] ?? '';
      if (!KEYWORDS.has(word)) found.push(word);
    }
  }
  return found;
}

const configs: ReadonlyArray<readonly [string, RuleFile]> = [
  ['the built-in example', loadRules(loadConfig(undefined, REPO_ROOT).config)],
  ['a config without keep_firing_for (for rulers that predate it)', loadRules(loadConfigText('ubm: { alerting: { keepFiringFor: 0s } }\n', 'c.yaml'))],
];

function loadRules(config: Parameters<typeof generateRuleFiles>[0]): RuleFile {
  return load(generateRuleFiles(config, { configName: 'c.yaml', format: 'prometheus' }).get(RULE_FILES.rules) ?? '') as RuleFile;
}

describe('the rule file, as Thanos Ruler, the Mimir ruler and other compliant alert generators read it', () => {
  it.each(configs)('has only the fields of the rule format, and unique group names, for %s', (_name, file) => {
    const names = file.groups.map((g) => g.name);
    expect(new Set(names).size).toBe(names.length);
    for (const g of file.groups) {
      expect(Object.keys(g).filter((k) => !['name', 'interval', 'rules'].includes(k))).toEqual([]);
      for (const r of g.rules) {
        const allowed = 'alert' in r ? RULE_FIELDS.alert : RULE_FIELDS.record;
        expect(Object.keys(r).filter((k) => !allowed.includes(k)), JSON.stringify(r).slice(0, 80)).toEqual([]);
      }
    }
  });

  it('leaves keep_firing_for out when keepFiringFor is 0s, so a ruler that predates it reads the file', () => {
    const text = JSON.stringify(configs[1]?.[1]);
    expect(text).not.toContain('keep_firing_for');
    expect(JSON.stringify(configs[0]?.[1])).toContain('keep_firing_for');
  });

  it('records every threshold before the first alert that reads it, in the same group', () => {
    for (const [, file] of configs) {
      for (const g of file.groups) {
        g.rules.forEach((r, i) => {
          if (!('alert' in r)) return;
          for (const record of file.groups.flatMap((x) => x.rules).filter((x) => typeof x.record === 'string')) {
            const name = String(record.record);
            if (!String(r.expr).includes(name)) continue;
            // The recording rule is in this group, before the alert.
            expect(g.rules.slice(0, i).map((x) => x.record), `${String(r.alert)} reads ${name}`).toContain(name);
          }
        });
      }
    }
  });

  it('uses only the template functions every compliant alert generator must support', () => {
    for (const [, file] of configs) {
      const used = new Set(file.groups.flatMap((g) => g.rules).flatMap((r) => Object.values((r.annotations ?? {}) as Record<string, string>).flatMap(templateFunctions)));
      expect(used.size).toBeGreaterThan(3);
      expect([...used].filter((f) => !REQUIRED_FUNCTIONS.has(f))).toEqual([]);
    }
  });

  it.each([
    ['an optional function', '{{ $labels.x | safeHtml }}', ['safeHtml']],
    ['a function of a later Prometheus', '{{ $value | humanizeDurationx }}', ['humanizeDurationx']],
  ])('would catch %s', (_name, template, unsupported) => {
    expect(templateFunctions(template).filter((f) => !REQUIRED_FUNCTIONS.has(f))).toEqual(unsupported);
  });
});
