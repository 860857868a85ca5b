/**
 * The maintenance alerts' inhibit rule in a real Alertmanager: a failed prune mutes the staleness of
 * that repository's prune (the failure is the page), and nothing else: not another repository's,
 * and not because another operation (a check) of the same repository failed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minimalAlertmanagerConfig } from '../src/cli/check.js';
import { loadConfig } from '../src/config/load.js';
import { RULE_FILES, generateRuleFiles } from '../src/rules/files.js';
import { alertmanagerAlerts, postAlert, startAlertmanager } from './support/alertmanager.js';
import type { Server } from './support/servers.js';
import { REPO_ROOT } from './support/tools.js';

const inhibit = generateRuleFiles(loadConfig(undefined, REPO_ROOT).config, { configName: 'example', format: 'prometheus' }).get(RULE_FILES.inhibit) ?? '';

describe('the maintenance inhibit rule in a running Alertmanager', () => {
  let am: (Server & { dir: string }) | undefined;
  beforeAll(async () => {
    am = await startAlertmanager(minimalAlertmanagerConfig(inhibit));
  });
  afterAll(async () => {
    await am?.stop();
  });

  it("mutes a repository's ResticMaintenanceStale while its prune has failed, and nothing else", async () => {
    const url = am?.url ?? '';
    const prune = { hostname: 'forge', repository: 'nas-primary', operation: 'prune' };
    await postAlert(url, { alertname: 'ResticMaintenanceFailed', severity: 'high', ...prune });
    await postAlert(url, { alertname: 'ResticMaintenanceStale', severity: 'medium', ...prune });
    await postAlert(url, { alertname: 'ResticMaintenanceFailed', severity: 'high', ...prune, repository: 'b2', operation: 'check' });
    await postAlert(url, { alertname: 'ResticMaintenanceStale', severity: 'medium', ...prune, repository: 'b2' });
    await postAlert(url, { alertname: 'ResticMaintenanceStale', severity: 'medium', ...prune, repository: 'r2-offsite' });
    const state = Object.fromEntries(
      (await alertmanagerAlerts(url)).map((a) => [`${a.labels.alertname ?? ''} ${a.labels.repository ?? ''} ${a.labels.operation ?? ''}`, a.status.state]),
    );
    expect(state).toEqual({
      'ResticMaintenanceFailed nas-primary prune': 'active',
      'ResticMaintenanceStale nas-primary prune': 'suppressed',
      'ResticMaintenanceFailed b2 check': 'active',
      'ResticMaintenanceStale b2 prune': 'active',
      'ResticMaintenanceStale r2-offsite prune': 'active',
    });
  });
});
