/** The process edges a command may touch, passed in so that commands run in tests without spawning. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Current time in milliseconds since the epoch. */
  readonly now: () => number;
}

/** The real process's Io. */
export function processIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    now: () => Date.now(),
  };
}

/** A command: argv after the command name in, exit code out. */
export type Command = (argv: readonly string[], io: Io) => Promise<number>;
