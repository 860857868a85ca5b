// A real writer process for the concurrency suites: rewrites one host's expected-jobs file N times
// (or forever) through the built exporter. Each write carries a counter forward from the previous
// file and pads the job name to a length derived from it, so a torn file cannot look valid (the
// hostname is part of the file's name, so it stays fixed).
// Usage: node writer.mjs DIR COUNT   (COUNT 0 = until killed)
import { writeGroup } from '../../dist/exporter/textfile.js';
import { metrics } from '../../dist/schema/catalog.js';

const [dir, countText] = process.argv.slice(2);
const count = Number(countText);

/** The job name that belongs with a counter value: its length varies from 2 to ~1500 bytes. */
function jobFor(counter) {
  return `w${counter}-${'x'.repeat((counter * 7919) % 1500)}`;
}

// Tell a test that start-up is over, so its kills land inside the write loop.
process.stdout.write('ready\n');

for (let i = 0; count === 0 || i < count; i++) {
  await writeGroup({
    dir,
    group: 'monitoring_expected_jobs',
    hostname: 'torture',
    key: {},
    lockTimeoutMs: 30_000,
    build: (previous) => {
      const last = previous.find((s) => s.metric.name === metrics.backupMonitoringJobStaleThresholdSeconds.name)?.value ?? 0;
      const counter = last + 1;
      const labels = { hostname: 'torture', backup_job: jobFor(counter), repository: 'torture' };
      return [
        { metric: metrics.backupMonitoringExpectedJob, labels, value: 1 },
        { metric: metrics.backupMonitoringJobStaleThresholdSeconds, labels, value: counter },
        { metric: metrics.backupMonitoringJobSlowMultiplier, labels, value: 1 + (counter % 3) },
      ];
    },
  });
}
