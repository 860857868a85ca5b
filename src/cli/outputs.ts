/**
 * The producers of `ubm generate` and `ubm check`: each turns the resolved config into files under
 * the output directory. To add one, import it here and append it to the list.
 */
import type { ResolvedConfig } from '../config/model.js';
import type { GenerateContext, OutputProducer } from '../config/output.js';

/** Every producer, loaded lazily so that other commands never import the generators. */
export async function loadProducers(): Promise<OutputProducer[]> {
  const [{ rulesProducer }, { dashboardsProducer }] = await Promise.all([import('../rules/files.js'), import('../dashboards/index.js')]);
  return [rulesProducer, dashboardsProducer];
}

/** All generated files of all producers, by path relative to the output directory, in path order. */
export async function produceAll(config: ResolvedConfig, ctx: GenerateContext): Promise<Map<string, string>> {
  return mergeOutputs(await loadProducers(), config, ctx);
}

/** Runs the producers and merges their files; two producers writing one path is an error naming both. */
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
