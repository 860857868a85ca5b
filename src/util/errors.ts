/** Errors shared by the CLI, the exporter and the sources: none of them may import the CLI. */

/** A failure the user caused (bad flag, bad config, unusable directory): one line on stderr, exit 2. */
export class UsageError extends Error {
  /** Exit code the CLI returns for this error. */
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UsageError';
    this.exitCode = exitCode;
  }
}
