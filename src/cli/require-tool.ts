/** The backup tools a command runs (restic, pgbackrest): looked up before anything is written. */
import { ToolNotFoundError, requireExecutable } from '../sources/run-tool.js';
import { UsageError } from '../util/errors.js';
import type { Io } from './io.js';

/** Throws a UsageError (exit 2: a setup problem, not a finding) when `tool` is not on PATH. */
export function requireTool(tool: string, env: Io['env']): void {
  try {
    requireExecutable(tool, env.PATH);
  } catch (err) {
    if (err instanceof ToolNotFoundError) throw new UsageError(err.message);
    throw err;
  }
}
