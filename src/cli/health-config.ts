/** The `--config` of `ubm health`: loaded, or marked invalid (its problems printed) so that the self-check still reports. */
import type { ResolvedConfig } from '../config/model.js';
import { UsageError } from '../util/errors.js';
import type { Io } from './io.js';
import { loadOptionalConfig } from './optional-config.js';
import type { ExpectedJob } from '../groups/monitoring-expected-jobs.js';

/** The config, or why it is invalid (its problems have been printed, one line each). */
export function loadHealthConfig(path: string | undefined, io: Io): { config: ResolvedConfig | undefined; invalid: boolean } {
  try {
    return { config: loadOptionalConfig('health', path, io), invalid: false };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    // The self-check still reports, so that the alert says the config is invalid rather than that the check stopped.
    io.stderr(`ubm health: ${err.message}\n`);
    return { config: undefined, invalid: true };
  }
}

/** The config's jobs with the thresholds their alerts use: the expected set, whether written or pushed. */
export function expectedJobs(config: ResolvedConfig): ExpectedJob[] {
  return config.jobs.map((j) => ({ name: j.name, repository: j.repository, staleThresholdSeconds: j.staleThresholdSeconds, slowMultiplier: j.slowMultiplier, shrinkRatio: j.shrinkRatio }));
}
