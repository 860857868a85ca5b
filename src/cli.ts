/**
 * argv -> command -> exit code. Commands load lazily so that `ubm emit` never pays for the
 * dashboard or rule generators' imports.
 */
import { UsageError } from './util/errors.js';
import { oneLine, quote } from './util/quote.js';
import { type Command, type Io, processIo } from './cli/io.js';

const commands: Readonly<Record<string, { summary: string; load: () => Promise<Command> }>> = {
  generate: { summary: 'write Prometheus rules, promtool tests, inhibit rules and Grafana dashboards', load: async () => (await import('./cli/generate.js')).generate },
  check: { summary: 'check that generated files, config and promtool agree', load: async () => (await import('./cli/check.js')).check },
  schema: { summary: "print the config's JSON Schema", load: async () => (await import('./cli/schema.js')).schema },
  emit: { summary: 'write one family of metrics to the textfile directory', load: async () => (await import('./cli/emit.js')).emit },
  run: { summary: 'run a backup command and record its metrics', load: async () => (await import('./cli/run.js')).run },
  pgbackrest: { summary: 'record pgBackRest metrics from `pgbackrest info`', load: async () => (await import('./cli/pgbackrest.js')).pgbackrest },
  verify: { summary: 'run restic check and a sample restore test', load: async () => (await import('./cli/verify.js')).verify },
  health: { summary: 'run the monitoring self-check', load: async () => (await import('./cli/health.js')).health },
  locks: { summary: "record a restic repository's locks, without taking one", load: async () => (await import('./cli/locks.js')).locks },
  report: { summary: 'the compliance report of a period, from Prometheus (html, json or markdown)', load: async () => (await import('./cli/report.js')).report },
  'merge-inhibit': { summary: 'merge the generated inhibit rules into an existing alertmanager.yml', load: async () => (await import('./cli/merge-inhibit.js')).mergeInhibit },
};

const USAGE = `Usage: ubm COMMAND [FLAGS...]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(11)} ${c.summary}`)
  .join('\n')}

Run \`ubm COMMAND --help\` for a command's flags.
Exit codes: 0 ok; 1 findings (drift, failed check) or, for run, the command's own code; 2 usage or config error.
`;

/** Runs the CLI with the given argv and Io; returns the exit code. Never throws. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(USAGE);
    return name === undefined ? 2 : 0;
  }
  const entry = commands[name];
  if (entry === undefined) {
    io.stderr(`ubm: unknown command ${quote(name)} (commands: ${Object.keys(commands).join(', ')})\n`);
    return 2;
  }
  try {
    const command = await entry.load();
    return await command(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      // One error is one line: whatever a message quotes, a newline in it must not forge a second.
      io.stderr(`ubm ${name}: ${oneLine(err.message)}\n`);
      return err.exitCode;
    }
    // An unexpected failure still gets one line, never a stack trace.
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`ubm ${name}: ${oneLine(message.split('\n')[0] ?? 'failed')}\n`);
    return 1;
  }
}
