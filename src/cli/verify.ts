import { type Io, UsageError } from './io.js';

/** `ubm verify` (placeholder until its issue lands). */
export async function verify(_argv: readonly string[], _io: Io): Promise<number> {
  throw new UsageError('verify is not implemented yet');
}
