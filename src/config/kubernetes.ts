/**
 * `ubm.kubernetes`: the namespace, labels and annotations of the Kubernetes objects that
 * `ubm generate --format prometheus-operator` writes (the PrometheusRule, the dashboards'
 * ConfigMaps), and the Grafana sidecar's label. Its schema (checked with Kubernetes' own syntax
 * rules, so a bad label is a config error naming the key, not an object the API server refuses),
 * its resolution, and the metadata every generated object gets. Pure.
 */
import { z } from 'zod';
import { DASHBOARD_CONFIGMAP_LABEL } from './defaults.js';
import { dns1123LabelProblem, labelValueProblem, qualifiedNameProblem } from './kubernetes-names.js';

/** The `app.kubernetes.io/name` label every generated object carries, under the config's own labels. */
export const KUBERNETES_APP_NAME = 'unified-backup-monitoring';

/** A string checked by one of the syntax rules (a message, or undefined when it passes). */
function checked(rule: (value: string) => string | undefined): z.ZodString {
  return z.string().superRefine((value, ctx) => {
    const problem = rule(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** A map whose keys must be label (or annotation) keys, each problem reported at its key. */
function keyedMap<T extends z.ZodType<string>>(value: T): z.ZodType<Record<string, string>> {
  return z.record(z.string().meta({ title: 'key' }), value).superRefine((map, ctx) => {
    for (const key of Object.keys(map)) {
      const problem = qualifiedNameProblem(key);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `key ${problem}` });
    }
  });
}

const labelValue = checked(labelValueProblem);

/** A label or annotation: its key and value. */
const nameValue = (what: string, value: z.ZodString): z.ZodObject =>
  z.strictObject({
    name: checked(qualifiedNameProblem).meta({ description: `The ${what}'s key.` }),
    value: value.meta({ description: `The ${what}'s value.` }),
  });

/** The schema of `ubm.kubernetes`. */
export const kubernetesSchema = z.strictObject({
  namespace: checked(dns1123LabelProblem)
    .optional()
    .meta({
      description:
        "The namespace of the PrometheusRule and the dashboards' ConfigMaps (a DNS-1123 label). Unset: no namespace is written, and `kubectl apply` puts them in its context's namespace. kube-prometheus-stack's defaults (`ruleNamespaceSelector: {}`, the Grafana sidecar's `searchNamespace: ALL`) read every namespace.",
    }),
  labels: keyedMap(labelValue)
    .optional()
    .meta({
      description:
        "Labels of every generated object, over `app.kubernetes.io/name: unified-backup-monitoring`. kube-prometheus-stack's Prometheus selects PrometheusRules by `release: <Helm release name>` (`ruleSelectorNilUsesHelmValues: true`): set `release` to that name, or its Prometheus never loads the rules. Keys and values follow Kubernetes' label syntax.",
    }),
  annotations: keyedMap(z.string())
    .optional()
    .meta({ description: 'Annotations of every generated object (keys follow the label key syntax; values are free text).' }),
  dashboards: z
    .strictObject({
      configMapLabel: nameValue('label', labelValue)
        .optional()
        .meta({
          description: `The label Grafana's dashboard sidecar selects ConfigMaps by (its \`label\` and \`labelValue\`): kube-prometheus-stack's \`${DASHBOARD_CONFIGMAP_LABEL.name}: "${DASHBOARD_CONFIGMAP_LABEL.value}"\` by default. It wins over a label of the same key in \`labels\`.`,
          defaultDescription: `${DASHBOARD_CONFIGMAP_LABEL.name}: "${DASHBOARD_CONFIGMAP_LABEL.value}"`,
        }),
      folderAnnotation: nameValue('annotation', z.string().min(1, { error: 'must not be empty' }))
        .optional()
        .meta({
          description:
            "The sidecar's folder annotation (its `folderAnnotation`, e.g. `grafana_folder`) and the folder the dashboards go to, e.g. `{ name: grafana_folder, value: Backups }`. Unset: no folder annotation; the sidecar puts them in its default folder.",
        }),
    })
    .optional(),
});

/** `ubm.kubernetes` as written. */
export type KubernetesInput = z.infer<typeof kubernetesSchema>;

/** A label or annotation. */
export interface NameValue {
  readonly name: string;
  readonly value: string;
}

/** `ubm.kubernetes` after defaults. */
export interface ResolvedKubernetes {
  readonly namespace?: string;
  /** The config's labels (without `app.kubernetes.io/name`, which objectMetadata adds under them). */
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly dashboards: {
    readonly configMapLabel: NameValue;
    readonly folderAnnotation?: NameValue;
  };
}

function nameValueOf(value: unknown): NameValue | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { name, value: v } = value as { name?: unknown; value?: unknown };
  return typeof name === 'string' && typeof v === 'string' ? { name, value: v } : undefined;
}

/** Resolves `ubm.kubernetes` (validated) with its defaults. */
export function resolveKubernetes(input: KubernetesInput | undefined): ResolvedKubernetes {
  const folder = nameValueOf(input?.dashboards?.folderAnnotation);
  return {
    ...(input?.namespace === undefined ? {} : { namespace: input.namespace }),
    labels: { ...input?.labels },
    annotations: { ...input?.annotations },
    dashboards: {
      configMapLabel: nameValueOf(input?.dashboards?.configMapLabel) ?? { ...DASHBOARD_CONFIGMAP_LABEL },
      ...(folder === undefined ? {} : { folderAnnotation: folder }),
    },
  };
}

/** Metadata of a generated Kubernetes object. */
export interface ObjectMetadata {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

function sorted(map: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The metadata of a generated object named `name`: the namespace, `app.kubernetes.io/name` under
 * the config's labels under `extra` labels, the config's annotations under `extraAnnotations`;
 * keys sorted, so the output is deterministic.
 */
export function objectMetadata(
  k: ResolvedKubernetes,
  name: string,
  extra: Readonly<Record<string, string>> = {},
  extraAnnotations: Readonly<Record<string, string>> = {},
): ObjectMetadata {
  const annotations = sorted({ ...k.annotations, ...extraAnnotations });
  return {
    name,
    ...(k.namespace === undefined ? {} : { namespace: k.namespace }),
    labels: sorted({ 'app.kubernetes.io/name': KUBERNETES_APP_NAME, ...k.labels, ...extra }),
    ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
  };
}
