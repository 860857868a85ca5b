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

/** A failure the user caused (bad flag, bad config): one line on stderr, exit 2. */
export class UsageError extends Error {
  /** Exit code the CLI returns for this error. */
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UsageError';
    this.exitCode = exitCode;
  }
}

/** A command: argv after the command name in, exit code out. */
export type Command = (argv: readonly string[], io: Io) => Promise<number>;
