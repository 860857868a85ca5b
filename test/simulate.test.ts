/**
 * The detection simulation's harness (bench/simulate.mjs): its alert state machine follows
 * Prometheus' rules manager, and a 2-day run of a tiny population through the real emitter, real
 * promtool backfill and a real Prometheus sees a planted 6-hour failure as alert episodes, bridged
 * across the simulated Prometheus restart only by keep_firing_for.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, requireTool } from './support/tools.js';

/** An episode as the harness reports it. */
interface Episode {
  readonly alert: string;
  readonly source: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly firedAt: number;
  readonly resolvedAt: number | undefined;
}

/** The state machine's options. */
interface Timing {
  readonly fromS: number;
  readonly toS: number;
  readonly stepS: number;
  readonly forS: number;
  readonly keepFiringForS?: number;
}

/** What the test uses of bench/simulate/evaluate.mjs. */
interface EvaluateModule {
  alertEpisodes(returned: (t: number) => boolean, timing: Timing): Array<{ activeAt: number; firedAt: number; resolvedAt: number | undefined }>;
}

/** A synthetic rule evaluated beside ours. */
interface ExtraRule {
  readonly name: string;
  readonly expr: string;
  readonly forS: number;
  readonly keepFiringForS: number;
}

/** What the test uses of bench/simulate/run.mjs. */
interface RunModule {
  simulate(options: { seed: number; days: number; scale: number; only: readonly string[]; reference: boolean; extraRules: readonly ExtraRule[] }): Promise<{
    episodes: readonly Episode[];
    outages: ReadonlyArray<{ id: string; outageFrom: number; outageTo: number; failFrom: number; failTo: number }>;
    scores: Readonly<Record<string, { incidentNotes: ReadonlyMap<string, ReadonlyMap<string, number>> }>>;
  }>;
}

/** Loads a bench module (plain .mjs, outside the typed sources). */
async function benchModule<T>(path: string): Promise<T> {
  return (await import(pathToFileURL(join(REPO_ROOT, 'bench', path)).href)) as T;
}

const FAILED = 'min by (hostname, backup_job, repository) (restic_backup_status) == 0';

describe("the simulation's alert state machine", () => {
  const timing = { fromS: 0, toS: 3600, stepS: 60, forS: 300 };
  const returnedExcept = (gapFrom: number, gapTo: number) => (t: number) => t >= 600 && t <= 3000 && !(t >= gapFrom && t < gapTo);

  it('fires once `for` has passed since the expression first returned the series', async () => {
    const { alertEpisodes } = await benchModule<EvaluateModule>('simulate/evaluate.mjs');
    expect(alertEpisodes(returnedExcept(0, 0), timing)).toEqual([{ activeAt: 600, firedAt: 900, resolvedAt: 3060 }]);
  });

  it('keeps an alert firing through a gap shorter than keep_firing_for, and resolves it through a longer one', async () => {
    const { alertEpisodes } = await benchModule<EvaluateModule>('simulate/evaluate.mjs');
    const gap = returnedExcept(1200, 1800);
    expect(alertEpisodes(gap, { ...timing, keepFiringForS: 900 })).toHaveLength(1);
    expect(alertEpisodes(gap, { ...timing, keepFiringForS: 0 }).map((e) => e.firedAt)).toEqual([900, 2100]);
  });

  it('drops a pending alert whose expression stops returning before `for` has passed', async () => {
    const { alertEpisodes } = await benchModule<EvaluateModule>('simulate/evaluate.mjs');
    expect(alertEpisodes((t) => t >= 600 && t < 840, timing)).toEqual([]);
  });
});

describe('the simulation on a tiny population over 2 days', () => {
  let result: Awaited<ReturnType<RunModule['simulate']>>;

  beforeAll(async () => {
    requireTool('promtool');
    requireTool('prometheus');
    const { simulate } = await benchModule<RunModule>('simulate/run.mjs');
    result = await simulate({
      seed: 7,
      days: 2,
      scale: 0.1,
      only: ['UnifiedBackupFailed'],
      reference: false,
      extraRules: [
        { name: 'SimFailedKept', expr: FAILED, forS: 0, keepFiringForS: 3600 },
        { name: 'SimFailedBare', expr: FAILED, forS: 0, keepFiringForS: 0 },
      ],
    });
  }, 60_000);

  const incidentEpisodes = (alert: string) => result.episodes.filter((e) => e.alert === alert && e.labels.hostname === 'sim-host' && e.labels.backup_job?.startsWith('incident-') === true);

  it('sees the planted 6-hour failure as a UnifiedBackupFailed notification of that incident', () => {
    expect(incidentEpisodes('UnifiedBackupFailed').length).toBeGreaterThanOrEqual(1);
    expect(result.scores.with?.incidentNotes.get('restart')?.get('UnifiedBackupFailed')).toBeGreaterThanOrEqual(1);
  });

  it('resolves a rule without keep_firing_for during the 20 minutes without samples, and it fires again after', () => {
    const restart = result.outages.find((o) => o.id === 'restart');
    const bare = incidentEpisodes('SimFailedBare');
    expect(bare).toHaveLength(2);
    expect(bare[0]?.resolvedAt).toBeGreaterThan(restart?.outageFrom ?? Infinity);
    expect(bare[0]?.resolvedAt).toBeLessThanOrEqual((restart?.outageFrom ?? 0) + 6 * 60);
    expect(bare[1]?.firedAt).toBeGreaterThanOrEqual(restart?.outageTo ?? Infinity);
  });

  it('keeps the same rule with keep_firing_for 1h firing across the gap: one notification', () => {
    expect(incidentEpisodes('SimFailedKept')).toHaveLength(1);
  });
});
