import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Real-tool suites start servers on loopback ports; two workers fit the 2-core machine.
    maxWorkers: 2,
    reporters: ['default'],
    // Removes each file's temporary directories; 'stack' runs that afterAll after the file's own.
    setupFiles: ['test/support/cleanup.ts'],
    sequence: { hooks: 'stack' },
  },
});
