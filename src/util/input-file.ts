/**
 * Reading a file the user names (a config, captured tool output): a regular file of bounded size,
 * never a FIFO that blocks for ever nor a device that never ends.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Largest input file read: 4 MiB is far beyond any real config or `pgbackrest info` output. */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;

/** A file that cannot be used as input; `reason` completes `FILE: ...` (`no such file`, `is not a regular file`). */
export class InputFileError extends Error {
  /** Why, in words that follow the file's name. */
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.name = 'InputFileError';
    this.reason = reason;
  }
}

/** The words for an open or read failure's code. */
function reasonOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'is a symlink loop';
  return `cannot be read (${code ?? 'error'})`;
}

/** How a size reads in a message (`4 MiB`). */
function mebibytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
}

/**
 * Reads a regular file of at most `maxBytes` bytes as UTF-8 text. Opens without blocking (a FIFO
 * with no writer would otherwise hang the open), checks with fstat what was opened, and reads at
 * most one byte more than allowed, so a file that grows while read is refused too. Throws InputFileError.
 */
export function readInputFile(path: string, maxBytes = MAX_INPUT_BYTES): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    throw new InputFileError(reasonOf(err));
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new InputFileError('is a directory');
    if (!st.isFile()) throw new InputFileError('is not a regular file (a FIFO, device or socket cannot be read as input)');
    const tooBig = new InputFileError(`is larger than ${mebibytes(maxBytes)}`);
    if (st.size > maxBytes) throw tooBig;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // One byte beyond the limit tells a file that grew while read from one that fits exactly.
      const chunk = Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (err) {
        throw new InputFileError(reasonOf(err));
      }
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) throw tooBig;
    }
    return decode(Buffer.concat(chunks, total));
  } finally {
    closeSync(fd);
  }
}

/** UTF-8 text; invalid bytes are an error rather than silent U+FFFD replacements. */
function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputFileError('is not UTF-8 text');
  }
}
