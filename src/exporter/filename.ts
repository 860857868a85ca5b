/**
 * Names on disk: one `.prom` file per group, host and key, and the hidden temporary and lock files
 * beside it (names that never end in `.prom`, so node_exporter never reads them).
 */
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { type GroupKey, textfileGroups } from '../groups/index.js';
import type { GroupId } from '../schema/catalog.js';

// node:crypto costs ~6 ms to load; only the rare over-long key needs it, so it loads on demand.
const require = createRequire(import.meta.url);

/** A short random hex string for unique names (uniqueness is enforced by O_EXCL, not by this). */
export function randomSuffix(): string {
  return `${Math.random().toString(16).slice(2, 10)}${Math.random().toString(16).slice(2, 6)}`;
}

/** Longest file name we produce; filesystems allow 255 bytes and temp names add ~40. */
const MAX_NAME = 180;

/**
 * Encodes a key value injectively into `[A-Za-z0-9-]` plus `_hh` escapes of its UTF-8 bytes,
 * so that `.` can separate the parts and two different keys never share a file.
 */
export function encodeKeyValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9-]/.test(c) ? c : `_${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/**
 * The file of a group, host and key: the prefix, then the hostname, then the key's values
 * (deterministic, filesystem-safe, collision-free for different hosts and keys). The hostname is
 * part of every name so that hosts sharing a directory, or a host renamed, never read or replace
 * each other's files.
 */
export function groupFilePath(dir: string, group: GroupId, hostname: string, key: GroupKey): string {
  return join(dir, fileNameOf(group, [hostname, ...keyValues(group, key)]));
}

/**
 * Where releases before the hostname joined the file key wrote the same group and key (no hostname
 * part); the writer carries such a file forward once and removes it (see docs/exporter.md).
 */
export function legacyGroupFilePath(dir: string, group: GroupId, key: GroupKey): string {
  return join(dir, fileNameOf(group, keyValues(group, key)));
}

/** The group's key label values, in its layout's order. */
function keyValues(group: GroupId, key: GroupKey): string[] {
  return textfileGroups[group].keyLabels.map((label) => key[label] ?? '');
}

/** `<prefix>.<part>....prom`, each part encoded. */
function fileNameOf(group: GroupId, values: readonly string[]): string {
  const parts = values.map(encodeKeyValue);
  let name = [textfileGroups[group].filePrefix, ...parts].join('.');
  if (name.length > MAX_NAME) {
    // Very long keys keep a readable head and a hash of the whole key, which stays collision-free in practice.
    const { createHash } = require('node:crypto') as typeof import('node:crypto');
    const digest = createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
    name = `${name.slice(0, MAX_NAME - 34)}.${digest}`;
  }
  return `${name}.prom`;
}

/** A fresh temporary path beside `target` (hidden, never ending in `.prom`). */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomSuffix()}.ubm-tmp`);
}

/** The lock file that serialises read-modify-write of `target`. */
export function lockPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.ubm-lock`);
}

/** True for the names of our temporary and lock files (so `ubm health` can clean up old ones). */
export function isExporterTempFile(name: string): boolean {
  return name.startsWith('.') && (name.endsWith('.ubm-tmp') || name.endsWith('.ubm-lock') || name.endsWith('.ubm-stale'));
}
