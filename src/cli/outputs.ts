/**
 * The generated outputs for `ubm generate` and `ubm check`, loaded lazily so that other commands
 * never import the generators.
 */
import type { ResolvedConfig } from '../config/model.js';
import type { GenerateContext } from '../config/output.js';

/** All generated files of all producers, by path relative to the output directory, in path order. */
export async function produceAll(config: ResolvedConfig, ctx: GenerateContext): Promise<Map<string, string>> {
  const { generateOutputs } = await import('../generate.js');
  return generateOutputs(config, ctx);
}
