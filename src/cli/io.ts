/** The process edges a command may touch, passed in so that commands run in tests without spawning. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Current time in milliseconds since the epoch. */
  readonly now: () => number;
}

/** Streams already given a listener by survive(). */
const guarded = new WeakSet<NodeJS.WriteStream>();

/**
 * Keeps a failing stdout or stderr (its reader went away: EPIPE; a full disk) from crashing the
 * process with a stack trace: Node throws an 'error' event nobody listens to. Later writes are dropped.
 */
function survive(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  if (!guarded.has(stream)) {
    guarded.add(stream);
    stream.on('error', () => undefined);
  }
  return stream;
}

/** Writes, never throwing: what cannot be written is dropped. */
function writeTo(stream: NodeJS.WriteStream, text: string): void {
  try {
    if (!stream.destroyed) survive(stream).write(text);
  } catch {
    // A stream that fails synchronously: the text has nowhere to go.
  }
}

/** The real process's Io. */
export function processIo(): Io {
  survive(process.stdout);
  survive(process.stderr);
  return {
    stdout: (text) => writeTo(process.stdout, text),
    stderr: (text) => writeTo(process.stderr, text),
    env: process.env,
    cwd: process.cwd(),
    now: () => Date.now(),
  };
}

/** A command: argv after the command name in, exit code out. */
export type Command = (argv: readonly string[], io: Io) => Promise<number>;
