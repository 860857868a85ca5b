/**
 * Setup file for every test file (vitest.config.ts `setupFiles`). Its afterAll is registered
 * first, so it runs last, after the file's own hooks have stopped the servers using the directories.
 */
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp.js';

afterAll(removeTempDirs);
