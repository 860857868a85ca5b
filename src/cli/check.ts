import { type Io, UsageError } from './io.js';

/** `ubm check` (placeholder until its issue lands). */
export async function check(_argv: readonly string[], _io: Io): Promise<number> {
  throw new UsageError('check is not implemented yet');
}
