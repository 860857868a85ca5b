/**
 * Every generated output at once: the producers of `ubm generate` and `ubm check` (rules,
 * dashboards), merged into one map of files. The library and the CLI both call this, so they
 * write the same bytes. To add a producer, append it to PRODUCERS.
 */
import type { ResolvedConfig } from './config/model.js';
import type { GenerateContext, OutputProducer } from './config/output.js';
import { dashboardsProducer } from './dashboards/index.js';
import { rulesProducer } from './rules/files.js';

/** Every producer of generated files. */
export const PRODUCERS: readonly OutputProducer[] = [rulesProducer, dashboardsProducer];

/** Runs the producers and merges their files, in path order; two producers writing one path is an error naming both. */
export function mergeOutputs(producers: readonly OutputProducer[], config: ResolvedConfig, ctx: GenerateContext): Map<string, string> {
  const out = new Map<string, { producer: string; content: string }>();
  for (const producer of producers) {
    for (const [path, content] of producer.produce(config, ctx)) {
      const other = out.get(path);
      // Two producers writing one path would make the output depend on their order.
      if (other !== undefined) throw new Error(`${producer.name} and ${other.producer} both generate ${path}`);
      out.set(path, { producer: producer.name, content });
    }
  }
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, v]) => [path, v.content]));
}

/** All generated files (`rules/…`, `dashboards/…`) for a resolved config, by path relative to the output directory. */
export function generateOutputs(config: ResolvedConfig, ctx: GenerateContext): Map<string, string> {
  return mergeOutputs(PRODUCERS, config, ctx);
}
