/**
 * The hostname label of what a command pushes to a Pushgateway. It is always named: `--hostname`,
 * else the config's `ubm.pushgateway.hostname`. Never the machine's own name, which in a Kubernetes
 * CronJob is a new pod's on every run and would make every run a new host.
 */
import type { ResolvedConfig } from '../config/model.js';
import { resolveHostname } from '../exporter/dirs.js';
import { UsageError } from '../util/errors.js';

/** The one line a push without a hostname gets, naming both fixes. */
export const PUSH_HOSTNAME_MISSING =
  "--pushgateway needs --hostname H (or ubm.pushgateway.hostname in the --config file): a stable name for this host; a push never uses the machine's name, which a Kubernetes pod changes every run";

/** The hostname of a push: the flag (checked as a label value), else the config's; else a UsageError saying how to give one. */
export function pushHostname(flag: string | undefined, config: ResolvedConfig | undefined): string {
  if (flag !== undefined) return resolveHostname(flag);
  const fromConfig = config?.monitoring.pushgatewayHostname;
  if (fromConfig !== undefined) return fromConfig;
  throw new UsageError(PUSH_HOSTNAME_MISSING);
}
