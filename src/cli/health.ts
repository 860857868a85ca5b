import { type Io, UsageError } from './io.js';

/** `ubm health` (placeholder until its issue lands). */
export async function health(_argv: readonly string[], _io: Io): Promise<number> {
  throw new UsageError('health is not implemented yet');
}
