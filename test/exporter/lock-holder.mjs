// Takes a lock through the built exporter and holds it: prints `locked PID` once it holds it, then
// waits for a line on stdin (or its end) before it lets go. Used to hold a lock from another PID namespace.
// Usage: node lock-holder.mjs LOCK_PATH
import { withFileLock } from '../../dist/exporter/lock.js';

const [path] = process.argv.slice(2);
await withFileLock(path, async () => {
  process.stdout.write(`locked ${process.pid}\n`);
  await new Promise((resolve) => {
    process.stdin.once('data', resolve);
    process.stdin.once('end', resolve);
  });
});
