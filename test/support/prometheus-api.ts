/** Reading a running Prometheus' rule evaluation state through its HTTP API. */
import { waitFor } from './servers.js';

/** The parts of /api/v1/rules the tests read. */
interface RulesAnswer {
  readonly status: string;
  readonly data?: { readonly groups: ReadonlyArray<{ readonly name: string; readonly lastEvaluation: string }> };
}

/** Unix milliseconds of a rule group's last evaluation (0 before the first). */
export async function lastEvaluationMs(url: string, group: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/rules`);
  const body = (await res.json()) as RulesAnswer;
  const found = body.data?.groups.find((g) => g.name === group);
  if (found === undefined) throw new Error(`prometheus has no rule group ${group}`);
  const ms = Date.parse(found.lastEvaluation);
  return Number.isNaN(ms) || ms < 0 ? 0 : ms;
}

/** Waits until `group` has been evaluated from start to end after `afterMs` (an evaluation that started later). */
export async function waitForEvaluationAfter(url: string, group: string, afterMs: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(`rule group ${group} evaluated after ${new Date(afterMs).toISOString()}`, async () => ((await lastEvaluationMs(url, group)) > afterMs ? true : undefined), timeoutMs);
}
