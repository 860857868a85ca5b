/** The encoder (prom-client) and the strict reader agree on every label value and sample value. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeSeries } from '../../src/exporter/encode.js';
import { decodeUtf8Strict } from '../../src/exporter/parse.js';
import { type SeriesValue, parseExposition, parseExpositionDocument } from '../../src/exporter/textfile.js';
import { metrics } from '../../src/schema/catalog.js';

/** Label values that stress the escaping: quotes, backslashes, newlines, other controls, non-ASCII. */
const trickyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\r', '\t', 'n', '{', '}', ',', '=', ' ', '#', 'é', 'ß', '日', '💾', '\u0000', '\u2028'), maxLength: 20 }),
);

/** Sample values, including NaN, infinities and extremes. */
const sampleValue = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, 1, 1_795_691_853, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE));

/** Equality that treats NaN as equal to NaN and -0 as 0 (the text format has one zero). */
function sameValue(a: number, b: number): boolean {
  return Number.isNaN(a) ? Number.isNaN(b) : a === b;
}

describe('encoding and parsing exposition text', () => {
  it('round-trips any label values and sample values through the encoder and the parser (1,500 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.record({ hostname: trickyText, backup_job: trickyText, repository: trickyText, value: sampleValue }), {
          minLength: 1,
          maxLength: 4,
          selector: (r) => JSON.stringify([r.hostname, r.backup_job, r.repository]),
        }),
        async (rows) => {
          const series: SeriesValue[] = rows.map((r) => ({
            metric: metrics.resticBackupDurationSeconds,
            labels: { hostname: r.hostname, backup_job: r.backup_job, repository: r.repository },
            value: r.value,
          }));
          const parsed = parseExposition(await encodeSeries(series));
          expect(parsed).toHaveLength(rows.length);
          for (const r of rows) {
            const found = parsed.find((p) => p.labels.hostname === r.hostname && p.labels.backup_job === r.backup_job && p.labels.repository === r.repository);
            expect(found?.name).toBe(metrics.resticBackupDurationSeconds.name);
            expect(sameValue(found?.value ?? Number.NaN, r.value) || (Number.isNaN(r.value) && Number.isNaN(found?.value))).toBe(true);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('writes HELP and TYPE from the catalog once per family and no sample timestamps', async () => {
    const labels = { hostname: 'h', backup_job: 'j', repository: 'r' };
    const text = await encodeSeries([
      { metric: metrics.resticBackupStatus, labels, value: 1 },
      { metric: metrics.resticBackupStatus, labels: { ...labels, backup_job: 'k' }, value: 0 },
    ]);
    expect(text).toBe(
      `# HELP restic_backup_status ${metrics.resticBackupStatus.help}\n# TYPE restic_backup_status gauge\n` +
        'restic_backup_status{hostname="h",backup_job="j",repository="r"} 1\nrestic_backup_status{hostname="h",backup_job="k",repository="r"} 0\n',
    );
  });

  it.each([
    ['a label missing', { hostname: 'h', backup_job: 'j' }, /labels must be exactly/],
    ['an extra label', { hostname: 'h', backup_job: 'j', repository: 'r', stanza: 's' }, /labels must be exactly/],
  ])('refuses a series with %s', async (_case, labels, message) => {
    await expect(encodeSeries([{ metric: metrics.resticBackupStatus, labels, value: 1 }])).rejects.toThrow(message);
  });

  it('reports each family\'s HELP and TYPE and the first sample line that carries a timestamp', () => {
    const doc = parseExpositionDocument('# HELP a_total Things  done.\n# TYPE a_total counter\na_total 1\n# TYPE b gauge\nb{x="1 2"} 2\nb{x="3"} 3 1700000000000\n');
    expect(Object.fromEntries(doc.families)).toEqual({ a_total: { help: 'Things  done.', type: 'counter' }, b: { type: 'gauge' } });
    expect(doc.firstTimestampLine).toBe(6);
    expect(doc.samples).toHaveLength(3);
    expect(parseExpositionDocument('b{x="1 2"} 2\n').firstTimestampLine).toBeUndefined();
  });

  it('refuses the same series twice', async () => {
    const s = { metric: metrics.resticBackupStatus, labels: { hostname: 'h', backup_job: 'j', repository: 'r' }, value: 1 };
    await expect(encodeSeries([s, { ...s, value: 0 }])).rejects.toThrow(/the same series twice/);
  });

  it.each([
    ['spaces, tabs and a timestamp', 'a_metric{x="1"}\t 2.5 1700000000000\n', [{ name: 'a_metric', labels: { x: '1' }, value: 2.5 }]],
    ['a trailing comma and spaces inside braces', 'm{ a = "x" , }  1\n', [{ name: 'm', labels: { a: 'x' }, value: 1 }]],
    ['empty braces', 'm{} -3e2\n', [{ name: 'm', labels: {}, value: -300 }]],
    ['an empty file', '', []],
    ['a carriage return inside a label value', 'm{a="x\ry"} 1\n', [{ name: 'm', labels: { a: 'x\ry' }, value: 1 }]],
    ['infinities and NaN in any case', 'a +Inf\nb -inf\nc Nan\n', [{ name: 'a', labels: {}, value: Infinity }, { name: 'b', labels: {}, value: -Infinity }, { name: 'c', labels: {}, value: Number.NaN }]],
    ['comments and HELP with escapes', '# just a comment\n# HELP m a \\\\ b \\n c\n# TYPE m counter\nm 1\n', [{ name: 'm', labels: {}, value: 1 }]],
    ['escaped label values', 'm{v="q\\"b\\\\n\\n"} 0\n', [{ name: 'm', labels: { v: 'q"b\\n\n' }, value: 0 }]],
    ['colons in names', 'job:m:rate5m 1\n', [{ name: 'job:m:rate5m', labels: {}, value: 1 }]],
  ])('reads text from other writers: %s', (_case, text, expected) => {
    expect(parseExposition(text)).toEqual(expected);
  });

  it.each([
    ['a value that is not a number', 'm 1\nm{a="b"} x\n', 'line 2: invalid value'],
    ['a missing value', 'm{a="b"}\n', 'line 1: missing value'],
    ['an unterminated label value', 'm{a="b} 1\n', 'line 1: unterminated label value'],
    ['an unknown escape', 'm{a="\\t"} 1\n', 'line 1: invalid escape sequence'],
    ['a bad label name', 'm{1a="b"} 1\n', 'line 1: invalid label name'],
    ['a duplicate label', 'm{a="b",a="c"} 1\n', "line 1: duplicate label 'a'"],
    ['a duplicate series', '\nm{a="b"} 1\nm{a="b"} 2\n', "line 3: duplicate series of 'm'"],
    ['an unknown type', '# TYPE m gauges\n', "line 1: unknown metric type 'gauges'"],
    ['a second TYPE line', '# TYPE m gauge\n# TYPE m gauge\n', "line 2: second TYPE line for 'm'"],
    ['a bad metric name', '1m 1\n', 'line 1: invalid metric name'],
    ['text after the timestamp', 'm 1 2 3\n', 'line 1: unexpected text'],
    ['a non-integer timestamp', 'm 1 2.5\n', "line 1: invalid timestamp '2.5'"],
    ['a missing equals sign', 'm{a "b"} 1\n', "line 1: expected '=' after label 'a'"],
    ['a half-written file', '# HELP m x\n# TYPE m gauge\nm{a="b"', "line 3: expected ',' or '}' after the value of label 'a'"],
    ['no newline after the last sample (node_exporter: unexpected end of input)', 'm 1\nn 2', 'line 2: no newline at the end of the file'],
    ['no newline after a last comment', 'm 1\n# done', 'line 2: no newline at the end of the file'],
    ['CRLF line endings (node_exporter reads the CR into the value)', 'm 1\r\n', 'line 1: ends in a carriage return (CRLF line endings)'],
    ['a CRLF HELP line (node_exporter keeps the CR in the HELP text)', '# HELP m x\r\nm 1\n', 'line 1: ends in a carriage return'],
    ['a TYPE line after its samples', 'm 1\n# TYPE m gauge\n', "line 2: TYPE line for 'm' after its samples"],
  ])('names the line of a malformed text: %s', (_case, text, message) => {
    expect(() => parseExposition(text)).toThrow(message);
  });

  it.each([
    ['plain ASCII', Buffer.from('m 1\n'), 'm 1\n'],
    ['UTF-8 label values', Buffer.from('m{a="日本 💾"} 1\n'), 'm{a="日本 💾"} 1\n'],
  ])('decodes %s as UTF-8', (_case, bytes, text) => {
    expect(decodeUtf8Strict(bytes)).toBe(text);
  });

  it.each([
    ['a stray byte in a label value on line 2', Buffer.concat([Buffer.from('m 1\nn{a="'), Buffer.from([0xff]), Buffer.from('"} 1\n')]), 'line 2: invalid UTF-8'],
    ['a truncated sequence at the end', Buffer.concat([Buffer.from('m 1\n'), Buffer.from([0xe6, 0x97])]), 'line 2: invalid UTF-8'],
    ['an encoded surrogate', Buffer.from([0x6d, 0x7b, 0x61, 0x3d, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d, 0x20, 0x31, 0x0a]), 'line 1: invalid UTF-8'],
  ])('refuses invalid UTF-8 that Node would quietly replace: %s', (_case, bytes, message) => {
    expect(() => decodeUtf8Strict(bytes)).toThrow(message);
  });
});
