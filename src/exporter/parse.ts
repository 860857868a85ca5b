/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), for files written by
 * anyone: it rejects what node_exporter's parser (Prometheus' expfmt text parser) rejects (and a
 * little more: a line ending in CR, a duplicate series), so a file it accepts is one we can trust.
 */

/** One sample read from exposition text. */
export interface ParsedSample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** A family's HELP text and TYPE, as its comment lines give them. */
export interface FamilyHeaders {
  readonly help?: string;
  readonly type?: string;
}

/** Everything a parse reads: the samples, each family's headers, and where a sample carries a timestamp. */
export interface ParsedExposition {
  readonly samples: ParsedSample[];
  readonly families: ReadonlyMap<string, FamilyHeaders>;
  /** The 1-based line of the first sample with a timestamp (the textfile collector rejects such files). */
  readonly firstTimestampLine?: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** Parses a sample value as Go's strconv.ParseFloat does for the forms exporters write. */
export function parseSampleValue(text: string): number | undefined {
  if (/^[+-]?inf(inity)?$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return Number.NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(text)) return text.startsWith('-') ? -Number(text.slice(1)) : Number(text.replace(/^\+/, ''));
  return undefined;
}

/** Reads a quoted label value starting after the opening quote; returns the value and the index after the closing quote. */
function readLabelValue(line: string, start: number): { value: string; next: number } {
  let value = '';
  for (let i = start; i < line.length; i++) {
    const c = line[i];
    if (c === '"') return { value, next: i + 1 };
    if (c === '\\') {
      const e = line[i + 1];
      if (e === '\\') value += '\\';
      else if (e === '"') value += '"';
      else if (e === 'n') value += '\n';
      else throw new Error(`invalid escape sequence '\\${e ?? ''}' in label value`);
      i++;
    } else {
      value += c;
    }
  }
  throw new Error('unterminated label value');
}

/** Parses `{a="x",b="y"}` starting at the `{`; returns the labels and the index after `}`. */
function readLabels(line: string, start: number): { labels: Record<string, string>; next: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  const skipSpace = (): void => {
    while (line[i] === ' ' || line[i] === '\t') i++;
  };
  for (;;) {
    skipSpace();
    if (line[i] === '}') return { labels, next: i + 1 };
    const name = LABEL_NAME.exec(line.slice(i))?.[0];
    if (name === undefined) throw new Error(`invalid label name at column ${i + 1}`);
    if (Object.hasOwn(labels, name)) throw new Error(`duplicate label '${name}'`);
    i += name.length;
    skipSpace();
    if (line[i] !== '=') throw new Error(`expected '=' after label '${name}'`);
    i++;
    skipSpace();
    if (line[i] !== '"') throw new Error(`expected '"' to open the value of label '${name}'`);
    const read = readLabelValue(line, i + 1);
    labels[name] = read.value;
    i = read.next;
    skipSpace();
    if (line[i] === ',') {
      i++;
      continue;
    }
    if (line[i] === '}') return { labels, next: i + 1 };
    throw new Error(`expected ',' or '}' after the value of label '${name}'`);
  }
}

/** Parses one sample line; `timestamped` says whether it carried a timestamp. */
function parseSampleLine(line: string): ParsedSample & { timestamped: boolean } {
  const name = METRIC_NAME.exec(line)?.[0];
  if (name === undefined) throw new Error('invalid metric name');
  let i = name.length;
  let brace = i;
  while (line[brace] === ' ' || line[brace] === '\t') brace++;
  let labels: Record<string, string> = {};
  if (line[brace] === '{') {
    const read = readLabels(line, brace);
    labels = read.labels;
    i = read.next;
  }
  const rest = line.slice(i);
  if (rest !== '' && !/^[ \t]/.test(rest)) throw new Error('expected a space before the value');
  // Only spaces and tabs separate fields, as in expfmt (String.trim would also eat other whitespace).
  const fields = rest.replace(/^[ \t]+|[ \t]+$/g, '').split(/[ \t]+/);
  const [valueText, timestamp, extra] = fields;
  if (valueText === undefined || valueText === '') throw new Error(`missing value of '${name}'`);
  const value = parseSampleValue(valueText);
  if (value === undefined) throw new Error(`invalid value '${valueText}' of '${name}'`);
  if (timestamp !== undefined && !/^-?\d+$/.test(timestamp)) throw new Error(`invalid timestamp '${timestamp}' of '${name}'`);
  if (extra !== undefined) throw new Error(`unexpected text after the sample of '${name}'`);
  return { name, labels, value, timestamped: timestamp !== undefined };
}

/** Checks a `# HELP` or `# TYPE` line and records it in `families`; other comments are ignored. `sampled` holds the families whose samples came already. */
function checkComment(line: string, families: Map<string, FamilyHeaders>, sampled: ReadonlySet<string>): void {
  const m = /^#[ \t]+(HELP|TYPE)(?:[ \t]+(.*))?$/.exec(line);
  if (m === null) return;
  const [, keyword, rest = ''] = m;
  const name = METRIC_NAME.exec(rest)?.[0];
  if (name === undefined) throw new Error(`invalid metric name in ${keyword ?? ''} line`);
  const after = rest.slice(name.length);
  if (after !== '' && !/^[ \t]/.test(after)) throw new Error(`invalid metric name in ${keyword ?? ''} line`);
  const known = families.get(name) ?? {};
  if (keyword === 'TYPE') {
    const type = after.trim();
    if (!TYPES.has(type)) throw new Error(`unknown metric type '${type}' for '${name}'`);
    if (known.type !== undefined) throw new Error(`second TYPE line for '${name}'`);
    // expfmt gives a family its type at its first sample: a TYPE line after it is an error there.
    if (sampled.has(name)) throw new Error(`TYPE line for '${name}' after its samples`);
    families.set(name, { ...known, type });
  } else {
    if (known.help !== undefined) throw new Error(`second HELP line for '${name}'`);
    // HELP text allows only the escapes \\ and \n.
    if (after.replace(/\\[\\n]/g, '').includes('\\')) throw new Error(`invalid escape sequence in HELP of '${name}'`);
    families.set(name, { ...known, help: after.replace(/^[ \t]+/, '') });
  }
}

/** Parses exposition text written by anyone (not only us); throws an Error naming the line on anything malformed. */
export function parseExposition(text: string): ParsedSample[] {
  return parseExpositionDocument(text).samples;
}

/**
 * Decodes a file's bytes as UTF-8, throwing (naming the line) on invalid UTF-8: node_exporter
 * rejects such label values, where Node would quietly put U+FFFD in their place. A byte order mark
 * is kept, so the parser rejects it as node_exporter does.
 */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    return decoder.decode(bytes);
  } catch {
    // A newline byte is never part of a multi-byte sequence, so each line can be tried alone.
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i < bytes.length && bytes[i] !== 0x0a) continue;
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        break;
      }
      start = i + 1;
      line++;
    }
    throw new Error(`line ${line}: invalid UTF-8`);
  }
}

/** Parses exposition text like parseExposition, and also returns each family's headers and the first timestamped line. */
export function parseExpositionDocument(text: string): ParsedExposition {
  const samples: ParsedSample[] = [];
  const families = new Map<string, FamilyHeaders>();
  const sampled = new Set<string>();
  let firstTimestampLine: number | undefined;
  const seen = new Set<string>();
  const lines = text.split('\n');
  // A final newline ends the last line rather than starting an empty one.
  const unterminated = lines[lines.length - 1] !== '';
  if (!unterminated) lines.pop();
  lines.forEach((raw, index) => {
    try {
      // A CRLF file: expfmt reads the CR as part of the value, type or HELP text.
      if (raw.endsWith('\r')) throw new Error('ends in a carriage return (CRLF line endings)');
      const line = raw.replace(/^[ \t]+/, '');
      if (line === '') return;
      if (line.startsWith('#')) {
        checkComment(line, families, sampled);
        return;
      }
      const { timestamped, ...sample } = parseSampleLine(line);
      if (timestamped && firstTimestampLine === undefined) firstTimestampLine = index + 1;
      const identity = seriesIdentity(sample);
      if (seen.has(identity)) throw new Error(`duplicate series of '${sample.name}'`);
      seen.add(identity);
      sampled.add(sample.name);
      samples.push(sample);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`line ${index + 1}: ${message}`);
    }
  });
  // Checked after the lines, so that a half-written line names what is missing: expfmt reports an unexpected end of input.
  if (unterminated) throw new Error(`line ${lines.length}: no newline at the end of the file`);
  return firstTimestampLine === undefined ? { samples, families } : { samples, families, firstTimestampLine };
}

/** A series' identity: its name and its labels in sorted order (two samples with one identity are one series twice). */
export function seriesIdentity(sample: Pick<ParsedSample, 'name' | 'labels'>): string {
  return `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
}
