/** Splitting a stream of output chunks into lines, for tools whose output is read as it arrives. */
import { StringDecoder } from 'node:string_decoder';

/** A line splitter's two ends: feed it chunks, then end it to flush a last line without a newline. */
export interface LineSplitter {
  readonly push: (chunk: Buffer | string) => void;
  readonly end: () => void;
}

/**
 * Calls `onLine` for every line of the stream. A line longer than `maxLength` characters is
 * dropped whole instead of being held in memory (an endless line must not grow the buffer).
 */
export function lineSplitter(onLine: (line: string) => void, maxLength = Number.POSITIVE_INFINITY): LineSplitter {
  let rest = '';
  // True while the rest of an over-long line is still arriving.
  let skipping = false;
  // A multi-byte character may straddle two chunks.
  const decoder = new StringDecoder('utf8');
  const emit = (line: string): void => {
    if (skipping) skipping = false;
    else onLine(line);
  };
  return {
    push: (chunk) => {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      let start = 0;
      for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
        emit(rest + text.slice(start, nl));
        rest = '';
        start = nl + 1;
      }
      rest += text.slice(start);
      if (rest.length > maxLength) {
        rest = '';
        skipping = true;
      }
    },
    end: () => {
      rest += decoder.end();
      if (rest !== '') emit(rest);
      rest = '';
    },
  };
}
