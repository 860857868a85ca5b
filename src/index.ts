/** unified-backup-monitoring: the library's public face (re-exports only). */
export * from './schema/catalog.js';
export * from './schema/groups.js';
export type * from './config/model.js';
export { parseDurationSeconds, formatDuration } from './util/duration.js';
