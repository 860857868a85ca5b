import { type Io, UsageError } from './io.js';

/** `ubm schema` (placeholder until its issue lands). */
export async function schema(_argv: readonly string[], _io: Io): Promise<number> {
  throw new UsageError('schema is not implemented yet');
}
