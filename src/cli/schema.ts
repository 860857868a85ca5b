/** `ubm schema`: the config's JSON Schema on stdout, derived from the same zod schema that validates configs. */
import { configJsonSchema } from '../config/load.js';
import { parseFlags } from './flags.js';
import type { Io } from './io.js';

/** `ubm schema`. */
export async function schema(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseFlags(argv, {}, {
    usage: 'ubm schema',
    description: "Prints the config's JSON Schema (draft 2020-12): the design's modules.services.backup tree plus the kit's ubm additions.",
    print: io.stdout,
  });
  if (parsed === undefined) return 0;
  io.stdout(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  return 0;
}
