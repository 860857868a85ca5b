/** An in-process Io that records what a command prints, for running `main(argv, io)` without spawning. */
import type { Io } from '../../src/cli/io.js';

/** An Io whose stdout and stderr are kept in memory. */
export interface CapturedIo extends Io {
  readonly out: () => string;
  readonly err: () => string;
}

/** Makes a captured Io working in `cwd`, with the given environment (PATH empty unless given). */
export function captureIo(cwd: string, env: Readonly<Record<string, string | undefined>> = {}): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    env: { PATH: '', ...env },
    cwd,
    now: () => Date.UTC(2025, 0, 1),
    out: () => out,
    err: () => err,
  };
}
