/**
 * What `ubm generate` and `ubm check` hand every producer of generated files (rules, dashboards):
 * the output format and the config's name. A producer is pure: config in, files out.
 */
import type { ResolvedConfig } from './model.js';

/** Output formats of `ubm generate`. */
export type OutputFormat = 'prometheus' | 'prometheus-operator';

/** The formats, for flag validation. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['prometheus', 'prometheus-operator'];

/** Rule engines `ubm generate --engine` writes for: `victoriametrics` adds a rule file vmalert 1.79 loads (see src/rules/vmalert.ts). */
export type RuleEngine = 'prometheus' | 'victoriametrics';

/** The engines, for flag validation. */
export const RULE_ENGINES: readonly RuleEngine[] = ['prometheus', 'victoriametrics'];

/** What every producer of generated files gets besides the config. */
export interface GenerateContext {
  /** How generated files name their config (a base name, never a path). */
  readonly configName: string;
  readonly format: OutputFormat;
  /** The rule engine; absent means `prometheus` (the default output, unchanged). */
  readonly engine?: RuleEngine;
}

/** A producer of generated files: paths relative to the output directory (`rules/x.yml`) -> content. */
export interface OutputProducer {
  /** Short name for messages (`rules`, `dashboards`). */
  readonly name: string;
  readonly produce: (config: ResolvedConfig, ctx: GenerateContext) => ReadonlyMap<string, string>;
}
