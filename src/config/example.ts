/**
 * The built-in example config: the design's own setup (host `forge`), used when `--config` is absent.
 * Written as the data a YAML file would hold, so it goes through the same validation as a user's file.
 */

/** The design's example, in its own option tree plus a few `ubm` additions. */
export const EXAMPLE_CONFIG: unknown = {
  enable: true,
  repositories: {
    'nas-primary': {
      url: '/mnt/nas-backup',
      passwordFile: '/run/secrets/restic-password',
      primary: true,
      type: 'local',
      repositoryName: 'NFS',
      repositoryLocation: 'nas-1',
      pruneSchedule: 'weekly',
    },
    'r2-offsite': {
      url: 's3:https://account.r2.cloudflarestorage.com/bucket/forge',
      passwordFile: '/run/secrets/restic-password',
      environmentFile: '/run/secrets/restic-r2-env',
      primary: false,
      type: 's3',
      repositoryName: 'R2',
      repositoryLocation: 'offsite',
      pruneSchedule: 'weekly',
    },
  },
  restic: {
    enable: true,
    jobs: {
      'system-home': { enable: true, repository: 'nas-primary', paths: ['/home'], frequency: 'daily', tags: ['system'] },
    },
  },
  services: {
    grafana: {
      backup: { enable: true, repository: 'nas-primary', frequency: 'daily', tags: ['monitoring', 'grafana'], useSnapshots: true, zfsDataset: 'tank/services/grafana' },
    },
    loki: { backup: { enable: true, repository: 'nas-primary', frequency: 'daily', tags: ['monitoring', 'logs'] } },
    sonarr: { backup: { enable: true, repository: 'nas-primary', frequency: 'daily', tags: ['media'] } },
    plex: { backup: { enable: true, repository: 'nas-primary', frequency: 'weekly', tags: ['media'] } },
    dispatcharr: { backup: { enable: true, repository: 'nas-primary', frequency: 'hourly', tags: ['media'] } },
  },
  postgres: {
    enable: true,
    pgbackrest: {
      enableOffsite: true,
      offsiteRepository: 'r2-offsite',
      archivePath: '/mnt/nas-postgresql/pgbackrest',
      excludePatterns: ['**/lock/*', '**/tmp/*', '**/*.tmp'],
      offsiteRepos: ['repo2'],
    },
    verification: { enable: true, schedule: 'weekly', testDatabase: 'postgres' },
  },
  snapshots: { enable: true, retentionPolicy: { keepBackupSnapshots: 1, maxAge: '24h' } },
  monitoring: {
    enable: true,
    textfileCollector: { directory: '/var/lib/node_exporter/textfile_collector', retentionDays: 7 },
    alerting: { enable: true, thresholds: { backupStaleHours: 30, slowBackupMultiplier: 2.0, verificationStaleHours: 168 } },
    dashboards: { enable: true, outputPath: '/var/lib/backup-docs/dashboards' },
  },
  verification: {
    enable: true,
    schedule: 'weekly',
    checkData: false,
    checkDataSubset: '10%',
    restoreTesting: { enable: true, schedule: 'monthly', sampleFiles: 5 },
    testDir: '/tmp/restore-tests',
    reporting: { enable: true, outputDir: '/var/lib/backup-docs/verification' },
  },
  ubm: {
    hostnames: ['forge'],
    postgres: { stanzas: ['main'], repos: ['repo1'] },
  },
};
