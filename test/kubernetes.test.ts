/**
 * `ubm generate --format prometheus-operator`: the PrometheusRule and the dashboards' ConfigMaps are
 * valid Kubernetes objects (the CRD's schema, core/v1's schema, Kubernetes' metadata rules), carry
 * the namespace, labels and annotations of `ubm.kubernetes`, and are selected by what
 * kube-prometheus-stack deploys: its Prometheus's default ruleSelector and its Grafana's sidecar.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/errors.js';
import { loadConfig } from '../src/config/load.js';
import { generateOutputs } from '../src/generate.js';
import { RULE_FILES } from '../src/rules/files.js';
import { configMapProblems, type LabelSelector, prometheusRuleProblems, selectorMatches } from './support/kubernetes.js';
import { REPO_ROOT } from './support/tools.js';

const GOOD = join(REPO_ROOT, 'fixtures', 'config', 'good');
const BAD = join(REPO_ROOT, 'fixtures', 'config', 'bad');
const KUBERNETES = join(REPO_ROOT, 'fixtures', 'kubernetes');

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown; data?: Record<string, string> };

/** The files of `--format prometheus-operator` for a good fixture (undefined: the built-in example). */
function operatorFiles(fixture?: string): Map<string, string> {
  const loaded = fixture === undefined ? loadConfig(undefined, REPO_ROOT) : loadConfig('config.yaml', join(GOOD, fixture));
  return generateOutputs(loaded.config, { configName: loaded.name, format: 'prometheus-operator' });
}

function objectOf(files: Map<string, string>, path: string): K8sObject {
  const text = files.get(path);
  if (text === undefined) throw new Error(`no ${path}`);
  return load(text) as K8sObject;
}

function configMaps(files: Map<string, string>): Array<[string, K8sObject]> {
  return [...files.keys()].filter((p) => p.endsWith('.configmap.yml')).map((p) => [p, objectOf(files, p)]);
}

const example = operatorFiles();
const kps = operatorFiles('kubernetes');

/**
 * kube-prometheus-stack's Prometheus selects PrometheusRules by this selector unless the user sets
 * one: prometheus-community/helm-charts, charts/kube-prometheus-stack 88.5.3 (operator v0.93.1),
 * values.yaml `prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues: true` with
 * `ruleSelector: {}`, which templates/prometheus/prometheus.yaml renders as
 * `ruleSelector: { matchLabels: { release: {{ $.Release.Name | quote }} } }`
 * (older charts added `app: kube-prometheus-stack`; `ruleNamespaceSelector: {}` reads all namespaces).
 */
function kubePrometheusStackRuleSelector(releaseName: string): LabelSelector {
  return { matchLabels: { release: releaseName } };
}

/** The Grafana sidecar's selector in kube-prometheus-stack: values.yaml `grafana.sidecar.dashboards.label: grafana_dashboard`, `labelValue: "1"`. */
const SIDECAR_SELECTOR: LabelSelector = { matchLabels: { grafana_dashboard: '1' } };

describe('the PrometheusRule of --format prometheus-operator', () => {
  it.each([
    ['the built-in example', example],
    ['a config for kube-prometheus-stack', kps],
  ])('passes the CRD schema of prometheus-operator v0.93.1 and the metadata rules, for %s', (_name, files) => {
    expect(prometheusRuleProblems(objectOf(files, RULE_FILES.operator))).toEqual([]);
  });

  it("is selected by kube-prometheus-stack's default ruleSelector when release is configured", () => {
    const labels = objectOf(kps, RULE_FILES.operator).metadata.labels;
    expect(selectorMatches(kubePrometheusStackRuleSelector('kube-prometheus-stack'), labels)).toBe(true);
    expect(selectorMatches(kubePrometheusStackRuleSelector('monitoring'), labels)).toBe(false);
  });

  it('is not selected by that selector without release, as the issue found', () => {
    const labels = objectOf(example, RULE_FILES.operator).metadata.labels;
    expect(labels).toEqual({ 'app.kubernetes.io/name': 'unified-backup-monitoring' });
    expect(selectorMatches(kubePrometheusStackRuleSelector('kube-prometheus-stack'), labels)).toBe(false);
  });

  it('carries the namespace, the labels over app.kubernetes.io/name and the annotations of ubm.kubernetes', () => {
    expect(objectOf(kps, RULE_FILES.operator).metadata).toEqual({
      name: 'unified-backup-monitoring',
      namespace: 'monitoring',
      labels: { 'app.kubernetes.io/name': 'unified-backup-monitoring', 'app.kubernetes.io/part-of': 'backups', release: 'kube-prometheus-stack' },
      annotations: { 'example.org/owner': 'platform-team' },
    });
  });

  it('writes no namespace when none is configured, so kubectl uses its context', () => {
    expect(objectOf(example, RULE_FILES.operator).metadata.namespace).toBeUndefined();
  });
});

describe('the dashboard ConfigMaps of --format prometheus-operator', () => {
  it('come one per dashboard, beside its JSON, and only with that format', () => {
    const jsons = [...kps.keys()].filter((p) => p.startsWith('dashboards/') && p.endsWith('.json'));
    expect(configMaps(kps).map(([p]) => p)).toEqual(jsons.map((p) => p.replace(/\.json$/, '.configmap.yml')));
    expect(jsons.length).toBe(3);
    const loaded = loadConfig(undefined, REPO_ROOT);
    const plain = generateOutputs(loaded.config, { configName: loaded.name, format: 'prometheus' });
    expect([...plain.keys()].filter((p) => p.endsWith('.configmap.yml'))).toEqual([]);
  });

  it.each([
    ['the built-in example', example],
    ['a config for kube-prometheus-stack', kps],
  ])('pass the core/v1 ConfigMap schema and the metadata rules, for %s', (_name, files) => {
    for (const [path, object] of configMaps(files)) expect({ path, problems: configMapProblems(object) }).toEqual({ path, problems: [] });
  });

  it('hold each dashboard JSON byte for byte under <uid>.json', () => {
    for (const [path, object] of configMaps(kps)) {
      const json = path.replace(/\.configmap\.yml$/, '.json');
      const key = json.slice(json.lastIndexOf('/') + 1);
      expect(Object.keys(object.data ?? {})).toEqual([key]);
      expect(object.data?.[key]).toBe(kps.get(json));
    }
  });

  it("are selected by the Grafana sidecar's default label and land in the configured folder", () => {
    for (const [, object] of configMaps(kps)) {
      expect(selectorMatches(SIDECAR_SELECTOR, object.metadata.labels)).toBe(true);
      expect(object.metadata.namespace).toBe('monitoring');
      expect(object.metadata.annotations).toEqual({ 'example.org/owner': 'platform-team', grafana_folder: 'Backups' });
    }
  });

  it('take the sidecar label from ubm.kubernetes.dashboards.configMapLabel, over a config label of the same key', () => {
    const loaded = loadConfig('config.yaml', join(GOOD, 'kubernetes'));
    const k = loaded.config.kubernetes;
    const config = { ...loaded.config, kubernetes: { ...k, labels: { ...k.labels, dashboards: 'off' }, dashboards: { configMapLabel: { name: 'dashboards', value: 'backups' } } } };
    const files = generateOutputs(config, { configName: loaded.name, format: 'prometheus-operator' });
    for (const [, object] of configMaps(files)) {
      expect(object.metadata.labels.dashboards).toBe('backups');
      expect(object.metadata.labels.grafana_dashboard).toBeUndefined();
      expect(configMapProblems(object)).toEqual([]);
    }
    expect(objectOf(files, RULE_FILES.operator).metadata.labels.dashboards).toBe('off');
  });
});

describe('the metadata of the Kubernetes objects', () => {
  it('stays as reviewed for a config for kube-prometheus-stack (golden)', async () => {
    const metadata = [[RULE_FILES.operator, objectOf(kps, RULE_FILES.operator)] as const, ...configMaps(kps)].map(([path, o]) => ({ path, apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata }));
    await expect(dump(metadata, { lineWidth: -1, noRefs: true })).toMatchFileSnapshot(join(KUBERNETES, 'kube-prometheus-stack', 'metadata.yml'));
  });
});

/** A valid object to break: the kube-prometheus-stack fixture's PrometheusRule or first ConfigMap. */
function broken(kind: 'rule' | 'configmap', change: (o: Record<string, unknown> & K8sObject) => void): Record<string, unknown> {
  const source = kind === 'rule' ? objectOf(kps, RULE_FILES.operator) : (configMaps(kps)[0]?.[1] ?? objectOf(kps, 'none'));
  const copy = structuredClone(source) as Record<string, unknown> & K8sObject;
  change(copy);
  return copy;
}

describe('the validators', () => {
  const rules: ReadonlyArray<readonly [string, Record<string, unknown>, RegExp]> = [
    ['a label value of 64 characters', broken('rule', (o) => (o.metadata.labels.release = 'r'.repeat(64))), /metadata\.labels\["release"\]: value must be at most 63/],
    ['no spec', broken('rule', (o) => delete o.spec), /must have required property 'spec'/],
    ['spec.groups that is not a list', broken('rule', (o) => (o.spec = { groups: { name: 'x' } })), /\/spec\/groups: must be array/],
    ['a rule without expr', broken('rule', (o) => (o.spec = { groups: [{ name: 'g', rules: [{ alert: 'A' }] }] })), /must have required property 'expr'/],
    ['an unknown field in a rule', broken('rule', (o) => (o.spec = { groups: [{ name: 'g', rules: [{ alert: 'A', expr: '1', severity: 'high' }] }] })), /must NOT have additional properties \(severity\)/],
    ['an upper-case namespace', broken('rule', (o) => (o.metadata.namespace = 'Monitoring')), /metadata\.namespace: must be a DNS-1123 label/],
  ];
  it.each(rules)('reject a PrometheusRule with %s', (_name, object, problem) => {
    expect(prometheusRuleProblems(object).join('\n')).toMatch(problem);
  });

  const maps: ReadonlyArray<readonly [string, Record<string, unknown>, RegExp]> = [
    ['a data value that is not a string', broken('configmap', (o) => (o.data = { 'x.json': 1 as unknown as string })), /core\/v1 ConfigMap schema: .*must be string/],
    ['a data key with a slash', broken('configmap', (o) => (o.data = { 'dashboards/x.json': '{}' })), /data\["dashboards\/x\.json"\]: key must consist of/],
    ['a label key with two slashes', broken('configmap', (o) => (o.metadata.labels['a/b/c'] = 'x')), /metadata\.labels\["a\/b\/c"\]: key must be a name with at most one "\/"/],
    ['an unknown top-level field', broken('configmap', (o) => (o.spec = {})), /spec: unknown field/],
    ['data over 1 MiB', broken('configmap', (o) => (o.data = { 'x.json': 'x'.repeat(1024 * 1024) })), /over the 1048576 a ConfigMap holds/],
  ];
  it.each(maps)('reject a ConfigMap with %s', (_name, object, problem) => {
    expect(configMapProblems(object).join('\n')).toMatch(problem);
  });
});

describe('ubm.kubernetes in the config', () => {
  it.each([
    ['kubernetes-bad-labels', [/ubm\.kubernetes\.labels\.release: must be at most 63 characters/, /ubm\.kubernetes\.labels\["example\.org\/team\/name"\]: key must be a name with at most one/, /ubm\.kubernetes\.dashboards\.configMapLabel\.value: must be empty or consist of/]],
    ['kubernetes-namespace-not-a-dns-label', [/ubm\.kubernetes\.namespace: must be a DNS-1123 label/]],
  ])('is refused with a line naming each bad field: %s', (fixture, expected) => {
    let error: unknown;
    try {
      loadConfig('config.yaml', join(BAD, fixture));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = error instanceof ConfigError ? error.lines : [];
    expect(lines.length).toBe(expected.length);
    for (const re of expected) expect(lines.some((l) => re.test(l))).toBe(true);
  });

  it('defaults to no namespace, no labels of its own and the grafana_dashboard: "1" sidecar label', () => {
    expect(loadConfig(undefined, REPO_ROOT).config.kubernetes).toEqual({ labels: {}, annotations: {}, dashboards: { configMapLabel: { name: 'grafana_dashboard', value: '1' } } });
  });

  it('keeps the vendored CRD the one kube-prometheus-stack ships for prometheus-operator v0.93.1', () => {
    const crd = readFileSync(join(KUBERNETES, 'schemas', 'crd-prometheusrules.yaml'), 'utf8');
    expect(crd).toContain('operator.prometheus.io/version: 0.93.1');
    expect(crd).toContain('name: prometheusrules.monitoring.coreos.com');
  });
});
