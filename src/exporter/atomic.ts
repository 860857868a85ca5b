/**
 * Atomic file replacement: write a hidden temporary file in the same directory, fsync it,
 * rename it over the target and fsync the directory, so a reader sees the old file or the new
 * one and never a part of either.
 */
import { closeSync, constants, fchmodSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { tempPathFor } from './filename.js';

/** Mode of every file we write, whatever the umask: node_exporter may run as another user. */
export const FILE_MODE = 0o644;

// O_EXCL refuses an existing path, symlink included; O_NOFOLLOW says the same on its own.
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** How many fresh temporary names to try when one already exists (a leftover or a planted symlink). */
const TEMP_ATTEMPTS = 5;

/**
 * Writes `content` to a fresh hidden temporary file beside `target` (mode 0644, never following
 * what is there) and fsyncs it; returns its path, for the caller to rename over `target`.
 * `tempName` picks temporary paths (tests fix it).
 */
export function stageFile(target: string, content: string, tempName: (target: string) => string = tempPathFor): string {
  let fd: number | undefined;
  let temp = '';
  for (let attempt = 1; fd === undefined; attempt++) {
    temp = tempName(target);
    try {
      fd = openSync(temp, CREATE_FLAGS, FILE_MODE);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code === 'EEXIST' || code === 'ELOOP') && attempt < TEMP_ATTEMPTS) continue;
      throw err;
    }
  }
  try {
    fchmodSync(fd, FILE_MODE);
    const bytes = Buffer.from(content, 'utf8');
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    removeQuietly(temp);
    throw err;
  }
  return temp;
}

/** Writes `content` to `target` atomically with mode 0644; `tempName` picks temporary paths (tests fix it). */
export function writeFileAtomic(target: string, content: string, tempName: (target: string) => string = tempPathFor): void {
  const temp = stageFile(target, content, tempName);
  try {
    renameSync(temp, target);
  } catch (err) {
    removeQuietly(temp);
    throw err;
  }
  fsyncDir(dirname(target));
}

/** Removes a file if it is still there. */
export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone, or renamed: nothing to clean up.
  }
}

/** Makes a rename durable; some filesystems refuse fsync on a directory, which is harmless. */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    fsyncSync(fd);
  } catch {
    // Durability of the rename is best effort; atomicity does not depend on it.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
