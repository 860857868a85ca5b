/**
 * What `ubm generate` and `ubm check` hand every producer of generated files (rules, dashboards):
 * the output format and the config's name. A producer is pure: config in, files out.
 */
import type { ResolvedConfig } from './model.js';

/** Output formats of `ubm generate`. */
export type OutputFormat = 'prometheus' | 'prometheus-operator';

/** The formats, for flag validation. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['prometheus', 'prometheus-operator'];

/** What every producer of generated files gets besides the config. */
export interface GenerateContext {
  /** How generated files name their config (a base name, never a path). */
  readonly configName: string;
  readonly format: OutputFormat;
}

/** A producer of generated files: paths relative to the output directory (`rules/x.yml`) -> content. */
export interface OutputProducer {
  /** Short name for messages (`rules`, `dashboards`). */
  readonly name: string;
  readonly produce: (config: ResolvedConfig, ctx: GenerateContext) => ReadonlyMap<string, string>;
}
