import { parseArgs } from 'node:util';
import { UsageError } from '../util/errors.js';
import { oneLine, quote } from '../util/quote.js';

/** One flag of a command: its type, whether repeatable, and its line of help. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly help: string;
  readonly multiple?: boolean;
  /** Placeholder shown in help (`DIR`, `SECONDS`). */
  readonly value?: string;
}

/** Parsed flags: string values (or lists) and booleans, keyed by flag name. */
export type ParsedFlags = Record<string, string | boolean | string[] | undefined>;

/** Renders a command's --help text from its flag specs. */
export function renderHelp(usage: string, description: string, flags: Readonly<Record<string, FlagSpec>>): string {
  const lines = Object.entries(flags).map(([name, spec]) => {
    const left = spec.type === 'string' ? `--${name} ${spec.value ?? 'VALUE'}` : `--${name}`;
    return `  ${left.padEnd(32)} ${spec.help}`;
  });
  return `Usage: ${usage}\n\n${description}\n\nFlags:\n${lines.join('\n')}\n  ${'--help'.padEnd(32)} show this help\n`;
}

/**
 * Parses argv against the specs. Unknown flags, missing values and stray positionals become
 * a one-line UsageError. Returns undefined when --help was asked (the help has been printed).
 */
export function parseFlags(
  argv: readonly string[],
  flags: Readonly<Record<string, FlagSpec>>,
  help: { usage: string; description: string; print: (text: string) => void; positionals?: boolean },
): { values: ParsedFlags; positionals: string[] } | undefined {
  if (argv.includes('--help') || argv.includes('-h')) {
    help.print(renderHelp(help.usage, help.description, flags));
    return undefined;
  }
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(flags)) {
    options[name] = spec.multiple === true ? { type: spec.type, multiple: true } : { type: spec.type };
  }
  try {
    const parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: help.positionals === true });
    return { values: parsed.values as ParsedFlags, positionals: parsed.positionals };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new UsageError(conciseParseError(message, argv));
  }
}

/** The flag's name as the user typed it, from parseArgs' `'-d, --duration <value>'`. */
function flagName(described: string): string {
  return described.split(',').pop()?.trim() ?? described;
}

/**
 * parseArgs refuses `--flag -5` as ambiguous (the value looks like a flag): say which value, and
 * that a negative number is never one we take.
 */
function ambiguousValue(flag: string, argv: readonly string[]): string {
  const at = argv.findIndex((arg, i) => arg === flag && (argv[i + 1] ?? '').startsWith('-'));
  const value = argv[at + 1];
  if (at === -1 || value === undefined) return `flag ${quote(flag)} needs a value`;
  if (/^-\.?\d/.test(value)) return `flag ${quote(flag)} must not be negative (got ${quote(value)})`;
  if (value.startsWith('--')) return `flag ${quote(flag)} needs a value before ${quote(value)}`;
  return `flag ${quote(flag)} does not take ${quote(value)}, which looks like a flag (write ${flag}=${oneLine(value)} if it is the value)`;
}

/** Node's parseArgs messages are long and multi-line; keep the first sentence, naming the flag and the value. */
function conciseParseError(message: string, argv: readonly string[]): string {
  const ambiguous = /Option '([^']+)' argument is ambiguous/.exec(message);
  if (ambiguous !== null) return ambiguousValue(flagName(ambiguous[1] ?? ''), argv);
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown !== null) return `unknown flag ${quote(unknown[1] ?? '')} (see --help)`;
  const missing = /Option '([^']+?)(?: <value>)?' argument missing/.exec(message);
  if (missing !== null) return `flag ${quote(flagName(missing[1] ?? ''))} needs a value`;
  const positional = /Unexpected argument '([^']+)'/.exec(message);
  if (positional !== null) return `unexpected argument ${quote(positional[1] ?? '')} (see --help)`;
  return (message.split('\n')[0] ?? message).replace(/\. To specify.*$/, '');
}

/** Returns a string flag's value, or throws a UsageError naming it when required and absent or empty. */
export function stringFlag(values: ParsedFlags, name: string, required: true): string;
export function stringFlag(values: ParsedFlags, name: string, required?: false): string | undefined;
export function stringFlag(values: ParsedFlags, name: string, required = false): string | undefined {
  const v = values[name];
  if (Array.isArray(v)) throw new UsageError(`--${name} given more than once`);
  if (typeof v === 'boolean') throw new UsageError(`--${name} takes a value`);
  if (v === undefined) {
    if (required) throw new UsageError(`missing required flag --${name}`);
    return undefined;
  }
  if (v.trim() === '') throw new UsageError(`--${name} must not be empty`);
  return v;
}
