import { type Io, UsageError } from './io.js';

/** `ubm pgbackrest` (placeholder until its issue lands). */
export async function pgbackrest(_argv: readonly string[], _io: Io): Promise<number> {
  throw new UsageError('pgbackrest is not implemented yet');
}
