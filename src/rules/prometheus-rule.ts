/**
 * The PrometheusRule object of `--format prometheus-operator`: the rule groups under the
 * metadata of `ubm.kubernetes` (namespace, labels, annotations), so that a Prometheus selecting
 * rules by label (kube-prometheus-stack's `release: <name>`) loads it. Pure.
 */
import { objectMetadata } from '../config/kubernetes.js';
import type { ResolvedConfig } from '../config/model.js';
import type { RuleGroup } from './groups.js';

/** The PrometheusRule's `metadata.name`. */
export const PROMETHEUS_RULE_NAME = 'unified-backup-monitoring';

/** The PrometheusRule object (monitoring.coreos.com/v1) holding `groups`. */
export function prometheusRule(config: ResolvedConfig, groups: readonly RuleGroup[]): Record<string, unknown> {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: objectMetadata(config.kubernetes, PROMETHEUS_RULE_NAME),
    spec: { groups },
  };
}
