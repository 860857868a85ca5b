/**
 * Kubernetes' syntax rules for names, label keys, label values and annotation keys, as the API
 * server enforces them (k8s.io/apimachinery/pkg/util/validation: IsDNS1123Label,
 * IsDNS1123Subdomain, IsQualifiedName, IsValidLabelValue). The OpenAPI schemas do not carry these
 * rules, so the config checks them here and the tests check generated objects with them. Pure.
 */

/** Longest DNS-1123 label (a namespace), label name part and label value. */
export const MAX_LABEL_LENGTH = 63;
/** Longest DNS-1123 subdomain (an object name, a label key's prefix). */
export const MAX_SUBDOMAIN_LENGTH = 253;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why `value` is not a DNS-1123 label (a namespace name), or undefined when it is one. */
export function dns1123LabelProblem(value: string): string | undefined {
  if (value.length > MAX_LABEL_LENGTH) return `must be at most ${MAX_LABEL_LENGTH} characters (a DNS-1123 label), not ${value.length}`;
  if (!DNS1123_LABEL.test(value)) return 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit';
  return undefined;
}

/** Why `value` is not a DNS-1123 subdomain (an object name), or undefined when it is one. */
export function dns1123SubdomainProblem(value: string): string | undefined {
  if (value.length > MAX_SUBDOMAIN_LENGTH) return `must be at most ${MAX_SUBDOMAIN_LENGTH} characters (a DNS-1123 subdomain), not ${value.length}`;
  if (!DNS1123_SUBDOMAIN.test(value)) return 'must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit';
  return undefined;
}

/** Why `key` is not a label or annotation key (`[prefix/]name`), or undefined when it is one. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'must be a name with at most one "/" prefix (such as "example.com/name")';
  const name = parts[parts.length - 1] ?? '';
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix === '') return 'has an empty prefix before "/"';
    const problem = dns1123SubdomainProblem(prefix);
    if (problem !== undefined) return `prefix ${problem}`;
  }
  if (name === '') return 'must have a name (after the prefix)';
  if (name.length > MAX_LABEL_LENGTH) return `name part must be at most ${MAX_LABEL_LENGTH} characters, not ${name.length}`;
  if (!QUALIFIED_NAME_PART.test(name)) return 'name part must consist of letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  return undefined;
}

/** Why `value` is not a label value, or undefined when it is one (the empty string is one). */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > MAX_LABEL_LENGTH) return `must be at most ${MAX_LABEL_LENGTH} characters (a label value), not ${value.length}`;
  if (!LABEL_VALUE.test(value)) return 'must be empty or consist of letters, digits, "-", "_" and ".", starting and ending with a letter or digit (a label value)';
  return undefined;
}

/** Why `key` cannot key a ConfigMap's `data`, or undefined when it can. */
export function configMapKeyProblem(key: string): string | undefined {
  if (key.length > MAX_SUBDOMAIN_LENGTH) return `must be at most ${MAX_SUBDOMAIN_LENGTH} characters, not ${key.length}`;
  if (key === '.' || key === '..' || !/^[-._a-zA-Z0-9]+$/.test(key)) return 'must consist of letters, digits, "-", "_" and "." (a ConfigMap key)';
  return undefined;
}

/** The object metadata fields these rules cover. */
export interface MetadataToCheck {
  readonly name?: unknown;
  readonly namespace?: unknown;
  readonly labels?: unknown;
  readonly annotations?: unknown;
}

function entries(value: unknown): Array<[string, unknown]> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];
}

/**
 * What the API server would reject in an object's metadata (name, namespace, label keys and
 * values, annotation keys), as `metadata.path: problem` lines; empty when nothing.
 */
export function metadataProblems(metadata: MetadataToCheck): string[] {
  const out: string[] = [];
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const nameProblem = name === '' ? 'is required' : dns1123SubdomainProblem(name);
  if (nameProblem !== undefined) out.push(`metadata.name: ${nameProblem}`);
  if (metadata.namespace !== undefined) {
    const problem = typeof metadata.namespace === 'string' ? dns1123LabelProblem(metadata.namespace) : 'must be a string';
    if (problem !== undefined) out.push(`metadata.namespace: ${problem}`);
  }
  for (const [key, value] of entries(metadata.labels)) {
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem !== undefined) out.push(`metadata.labels[${JSON.stringify(key)}]: key ${keyProblem}`);
    const valueProblem = typeof value === 'string' ? labelValueProblem(value) : 'must be a string';
    if (valueProblem !== undefined) out.push(`metadata.labels[${JSON.stringify(key)}]: value ${valueProblem}`);
  }
  for (const [key] of entries(metadata.annotations)) {
    // The API server checks annotation keys lower-cased.
    const keyProblem = qualifiedNameProblem(key.toLowerCase());
    if (keyProblem !== undefined) out.push(`metadata.annotations[${JSON.stringify(key)}]: key ${keyProblem}`);
  }
  return out;
}
