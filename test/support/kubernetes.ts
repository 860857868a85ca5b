/**
 * Checking generated Kubernetes objects offline, as the API server and `kubectl apply` (whose
 * field validation is strict by default) would:
 * - a PrometheusRule against the CRD's openAPIV3Schema of prometheus-operator v0.93.1, vendored
 *   from kube-prometheus-stack 88.5.3 (fixtures/kubernetes/schemas/README.md), with ajv; objects
 *   that declare properties get `additionalProperties: false`, as strict field validation rejects
 *   unknown fields;
 * - a ConfigMap against Kubernetes' core/v1 OpenAPI schema with kubernetes-models' validator;
 * - the metadata of both with Kubernetes' syntax rules for names, namespaces, label keys and values
 *   and annotation keys (src/config/kubernetes-names.ts), which no OpenAPI schema carries.
 * Each returns its problems as lines; none means valid.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { load } from 'js-yaml';
import { ConfigMap } from 'kubernetes-models/v1';
import { configMapKeyProblem, metadataProblems } from '../../src/config/kubernetes-names.js';
import { REPO_ROOT } from './tools.js';

/** Where the vendored schemas live. */
export const SCHEMA_DIR = join(REPO_ROOT, 'fixtures', 'kubernetes', 'schemas');

type Schema = { [key: string]: unknown };

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The schema with `additionalProperties: false` wherever an object declares its properties (kubectl's strict field validation). */
function strict(schema: Schema): Schema {
  return strictValue(schema) as Schema;
}

function strictValue(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictValue);
  if (!isSchema(schema)) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) out[key] = key === 'properties' && isSchema(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strictValue(v)])) : strictValue(value);
  if (isSchema(schema.properties) && schema.additionalProperties === undefined && schema['x-kubernetes-preserve-unknown-fields'] !== true) out.additionalProperties = false;
  return out;
}

/** The openAPIV3Schema of the vendored PrometheusRule CRD's `v1` version. */
export function prometheusRuleSchema(): Schema {
  const crd = load(readFileSync(join(SCHEMA_DIR, 'crd-prometheusrules.yaml'), 'utf8'));
  const versions = isSchema(crd) && isSchema(crd.spec) && Array.isArray(crd.spec.versions) ? crd.spec.versions : [];
  const v1: unknown = versions.find((v: unknown) => isSchema(v) && v.name === 'v1');
  const schema = isSchema(v1) && isSchema(v1.schema) ? v1.schema.openAPIV3Schema : undefined;
  if (!isSchema(schema)) throw new Error('the vendored CRD has no v1 openAPIV3Schema');
  return schema;
}

let compiled: ValidateFunction | undefined;

/** The CRD's patterns are Go (RE2) expressions: its `(?i)` prefix becomes JavaScript's `i` flag. */
function goRegExp(pattern: string, flags: string): RegExp {
  return pattern.includes('(?i)') ? new RegExp(pattern.replace('(?i)', ''), `${flags}i`) : new RegExp(pattern, flags);
}
goRegExp.code = 'goRegExp';

function prometheusRuleValidator(): ValidateFunction {
  // strict: false lets ajv pass over the x-kubernetes-* extensions of a structural schema; the two
  // formats appear only under status, which ubm never writes.
  compiled ??= new Ajv({ allErrors: true, strict: false, code: { regExp: goRegExp }, formats: { 'date-time': true, int64: true } }).compile(strict(prometheusRuleSchema()));
  return compiled;
}

function ajvLines(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath === '' ? '(object)' : e.instancePath}: ${e.message ?? e.keyword}${e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : ''}`);
}

function metadataOf(object: unknown): Schema {
  return isSchema(object) && isSchema(object.metadata) ? object.metadata : {};
}

/** Problems of a PrometheusRule: the CRD schema (strict), its apiVersion and kind, its metadata. */
export function prometheusRuleProblems(object: unknown): string[] {
  const validate = prometheusRuleValidator();
  const out = validate(object) ? [] : ajvLines(validate.errors);
  if (!isSchema(object) || object.apiVersion !== 'monitoring.coreos.com/v1' || object.kind !== 'PrometheusRule') out.push('apiVersion/kind: must be monitoring.coreos.com/v1 PrometheusRule');
  return [...out, ...metadataProblems(metadataOf(object))];
}

/** ObjectMeta's fields (metav1.ObjectMeta): strict field validation rejects any other. */
const OBJECT_META_FIELDS = new Set(['annotations', 'creationTimestamp', 'deletionGracePeriodSeconds', 'deletionTimestamp', 'finalizers', 'generateName', 'generation', 'labels', 'managedFields', 'name', 'namespace', 'ownerReferences', 'resourceVersion', 'selfLink', 'uid']);
/** ConfigMap's top-level fields (core/v1). */
const CONFIG_MAP_FIELDS = new Set(['apiVersion', 'binaryData', 'data', 'immutable', 'kind', 'metadata']);
/** The API server's limit on a ConfigMap's data (1 MiB). */
export const MAX_CONFIG_MAP_BYTES = 1024 * 1024;

/** Problems of a ConfigMap: core/v1's schema, unknown fields, data keys and size, its metadata. */
export function configMapProblems(object: unknown): string[] {
  if (!isSchema(object)) return ['(object): must be an object'];
  const out: string[] = [];
  try {
    new ConfigMap(object).validate();
  } catch (err) {
    out.push(`core/v1 ConfigMap schema: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (object.apiVersion !== 'v1' || object.kind !== 'ConfigMap') out.push('apiVersion/kind: must be v1 ConfigMap');
  for (const key of Object.keys(object)) if (!CONFIG_MAP_FIELDS.has(key)) out.push(`${key}: unknown field`);
  const metadata = metadataOf(object);
  for (const key of Object.keys(metadata)) if (!OBJECT_META_FIELDS.has(key)) out.push(`metadata.${key}: unknown field`);
  const data = isSchema(object.data) ? object.data : {};
  let bytes = 0;
  for (const [key, value] of Object.entries(data)) {
    const problem = configMapKeyProblem(key);
    if (problem !== undefined) out.push(`data[${JSON.stringify(key)}]: key ${problem}`);
    bytes += Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  }
  if (bytes > MAX_CONFIG_MAP_BYTES) out.push(`data: ${bytes} bytes, over the ${MAX_CONFIG_MAP_BYTES} a ConfigMap holds`);
  return [...out, ...metadataProblems(metadata)];
}

/** A label selector (metav1.LabelSelector), as a Prometheus object's `ruleSelector` holds it. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; readonly values?: readonly string[] }>;
}

/**
 * Whether a label selector selects an object with these labels, as metav1.LabelSelectorAsSelector
 * evaluates it: every matchLabels pair and every expression must hold; an empty selector selects all.
 */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const has = (key: string): boolean => Object.hasOwn(labels, key);
  const labelsOk = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => has(k) && labels[k] === v);
  const exprsOk = (selector.matchExpressions ?? []).every((e) => {
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        return value !== undefined && (e.values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(e.values ?? []).includes(value);
      case 'Exists':
        return has(e.key);
      case 'DoesNotExist':
        return !has(e.key);
    }
  });
  return labelsOk && exprsOk;
}
