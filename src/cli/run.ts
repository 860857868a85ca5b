import { type Io, UsageError } from './io.js';

/** `ubm run` (placeholder until its issue lands). */
export async function run(_argv: readonly string[], _io: Io): Promise<number> {
  throw new UsageError('run is not implemented yet');
}
