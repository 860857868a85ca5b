import { type Io, UsageError } from './io.js';

/** `ubm emit` (placeholder until its issue lands). */
export async function emit(_argv: readonly string[], _io: Io): Promise<number> {
  throw new UsageError('emit is not implemented yet');
}
