/**
 * The flags that record a repository maintenance run (`ubm run --operation`, `ubm emit maintenance`):
 * the operation, a bounded label value, and the prune stale threshold a config gives the repository.
 */
import type { ResolvedConfig } from '../config/model.js';
import { MAINTENANCE_OPERATIONS, type MaintenanceOperation } from '../schema/catalog.js';
import { UsageError } from '../util/errors.js';
import { quote } from '../util/quote.js';
import { type FlagSpec, type ParsedFlags, stringFlag } from './flags.js';

/** `--operation`: which maintenance operation the run is. */
export const OPERATION_FLAG: FlagSpec = {
  type: 'string',
  value: 'OP',
  help: `${MAINTENANCE_OPERATIONS.join(', ')}: prune for restic forget --prune and restic prune, forget for a forget that frees no space; required`,
};

/** Whether a value is one of the operations. */
function isOperation(value: string): value is MaintenanceOperation {
  return (MAINTENANCE_OPERATIONS as readonly string[]).includes(value);
}

/** Parses `--operation`: forget, prune or check (a fixed set, so the label stays bounded). */
export function operationFlag(values: ParsedFlags): MaintenanceOperation {
  const v = stringFlag(values, 'operation', true);
  if (!isOperation(v)) throw new UsageError(`--operation must be ${MAINTENANCE_OPERATIONS.slice(0, -1).join(', ')} or ${MAINTENANCE_OPERATIONS.at(-1) ?? ''} (got ${quote(v)})`);
  return v;
}

/**
 * The stale threshold a prune of `repository` is recorded with: the config's for that repository
 * (from its pruneSchedule, or ubm.maintenance.staleAfter), the config's fallback for a repository it
 * does not list; none without a config (the previous one is carried forward) or for another operation.
 */
export function pruneThresholdOf(config: ResolvedConfig | undefined, repository: string, operation: MaintenanceOperation): number | undefined {
  if (config === undefined || operation !== 'prune') return undefined;
  return config.repositories.find((r) => r.name === repository)?.pruneStaleThresholdSeconds ?? config.maintenance.fallbackStaleThresholdSeconds;
}
