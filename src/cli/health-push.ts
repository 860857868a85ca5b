/**
 * `ubm health --pushgateway URL`: the self-check of a host that pushes its metrics (a Kubernetes
 * CronJob, a host without node_exporter). There is no textfile directory to judge: it pushes the
 * monitoring_health group (healthy, or unhealthy with config_invalid when the config is invalid)
 * and, with --config, the expected set (jobs with their thresholds, the checks the config turns on).
 * Each group is its own PUT to its own grouping key, so a push replaces only that group, never a
 * job's group that `ubm emit` or `ubm run` pushed.
 */
import { configuredChecks } from '../config/expected-checks.js';
import { parsePushgatewayUrl } from '../exporter/pushgateway-url.js';
import { record, recordHealth } from '../exporter/record.js';
import { monitoringExpectedJobsGroup } from '../groups/monitoring-expected-jobs.js';
import { UsageError } from '../util/errors.js';
import { type ParsedFlags, stringFlag } from './flags.js';
import { expectedJobs, loadHealthConfig } from './health-config.js';
import type { Io } from './io.js';
import { pushHostname } from './push-hostname.js';

/** `ubm health --pushgateway URL [--config FILE] [--hostname H]`: exit 0 pushed healthy, 2 usage error or invalid config (still pushed when the host is named). */
export async function healthPush(values: ParsedFlags, io: Io): Promise<number> {
  const url = stringFlag(values, 'pushgateway', true);
  if (stringFlag(values, 'textfile-dir') !== undefined) throw new UsageError('give --textfile-dir or --pushgateway, not both');
  if (stringFlag(values, 'node-exporter-user') !== undefined) throw new UsageError('--node-exporter-user judges a textfile directory, and with --pushgateway there is none to judge');
  parsePushgatewayUrl(url);
  const { config, invalid } = loadHealthConfig(stringFlag(values, 'config'), io);
  const hostname = pushHostname(stringFlag(values, 'hostname'), config);
  const target = { pushgateway: url };
  const nowMs = io.now();
  if (config !== undefined) {
    await record(target, monitoringExpectedJobsGroup, { hostname, jobs: expectedJobs(config), checks: configuredChecks(config), writtenAtMs: nowMs });
  }
  await recordHealth({ healthy: !invalid, problems: invalid ? ['config_invalid'] : [], hostname, endedAtMs: io.now() }, target);
  return invalid ? 2 : 0;
}
