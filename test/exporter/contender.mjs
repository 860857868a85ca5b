// One of the writers of the crash-and-contention run: records runs of the job `home` through the
// built exporter, for ever (until killed). It prints `ready` once loaded and starts writing on the
// first line of its stdin (a test keeps spares loaded, as Node takes a while to start). Like a
// backup hook, it reads the clock when the run ends and records a moment later (0-100 ms: the hook's
// own work, another writer's lock). After each write it prints `ok STATUS END_SECONDS`, so the test
// knows which runs were recorded.
// Usage: node contender.mjs DIR
import { recordBackup } from '../../dist/exporter/record.js';

const [dir] = process.argv.slice(2);
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
for (;;) {
  const success = Math.random() < 0.7;
  const endedAtMs = Date.now();
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 100));
  await recordBackup(
    { job: 'home', repository: 'nas', hostname: 'h', success, durationSeconds: 1 + Math.round(Math.random() * 100), endedAtMs },
    { textfileDir: dir, lockTimeoutMs: 30_000 },
  );
  process.stdout.write(`ok ${success ? 1 : 0} ${Math.floor(endedAtMs / 1000)}\n`);
}
