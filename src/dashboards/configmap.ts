/**
 * Dashboards in Kubernetes form (`--format prometheus-operator`): one ConfigMap per dashboard,
 * carrying the label Grafana's dashboard sidecar selects (kube-prometheus-stack's
 * `grafana_dashboard: "1"` by default, `ubm.kubernetes.dashboards.configMapLabel`), the config's
 * namespace, labels and annotations, and the sidecar's folder annotation when configured. Pure.
 */
import { objectMetadata } from '../config/kubernetes.js';
import type { ResolvedConfig } from '../config/model.js';

/** The ConfigMap file beside a dashboard's JSON file: `ubm-overview.json` -> `ubm-overview.configmap.yml`. */
export function configMapFileName(jsonFile: string): string {
  return `${jsonFile.replace(/\.json$/, '')}.configmap.yml`;
}

/** The ConfigMap of one dashboard: `data` holds `<uid>.json`, the dashboard JSON as Grafana's file provisioning reads it. */
export function dashboardConfigMap(config: ResolvedConfig, jsonFile: string, json: string): Record<string, unknown> {
  const k = config.kubernetes;
  const uid = jsonFile.replace(/\.json$/, '');
  const label = k.dashboards.configMapLabel;
  const folder = k.dashboards.folderAnnotation;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    // The sidecar's label last, so that a config label of the same key cannot hide the dashboard.
    metadata: objectMetadata(k, `${uid}-dashboard`, { [label.name]: label.value }, folder === undefined ? {} : { [folder.name]: folder.value }),
    data: { [jsonFile]: json },
  };
}
