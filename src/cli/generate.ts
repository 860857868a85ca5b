import { type Io, UsageError } from './io.js';

/** `ubm generate` (placeholder until its issue lands). */
export async function generate(_argv: readonly string[], _io: Io): Promise<number> {
  throw new UsageError('generate is not implemented yet');
}
