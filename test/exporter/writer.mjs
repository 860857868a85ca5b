// A real writer process for the concurrency suites: rewrites one verification file N times (or
// forever) through the built exporter. Each write carries a counter forward from the previous file
// and pads the hostname to a length derived from it, so a torn file cannot look valid.
// Usage: node writer.mjs DIR COUNT   (COUNT 0 = until killed)
import { writeGroup } from '../../dist/exporter/textfile.js';
import { metrics } from '../../dist/schema/catalog.js';

const [dir, countText] = process.argv.slice(2);
const count = Number(countText);

/** The hostname that belongs with a counter value: its length varies from 2 to ~1500 bytes. */
function hostnameFor(counter) {
  return `w${counter}-${'x'.repeat((counter * 7919) % 1500)}`;
}

// Tell a test that start-up is over, so its kills land inside the write loop.
process.stdout.write('ready\n');

for (let i = 0; count === 0 || i < count; i++) {
  await writeGroup({
    dir,
    group: 'restic_verification',
    key: { repository: 'torture' },
    lockTimeoutMs: 30_000,
    build: (previous) => {
      const last = previous.find((s) => s.metric.name === metrics.resticVerificationDurationSeconds.name)?.value ?? 0;
      const counter = last + 1;
      const labels = { hostname: hostnameFor(counter), repository: 'torture' };
      return [
        { metric: metrics.resticVerificationStatus, labels, value: counter % 2 },
        { metric: metrics.resticVerificationDurationSeconds, labels, value: counter },
        { metric: metrics.resticVerificationLastRunTimestampSeconds, labels, value: 1_700_000_000 + counter },
      ];
    },
  });
}
