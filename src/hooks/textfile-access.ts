/**
 * The textfile directory as node_exporter's user sees it. `ubm health` usually runs as root, which
 * reads everything; node_exporter runs as its own user (Debian: `prometheus`), so a file of mode
 * 0600, a directory of mode 0700 or a dangling symlink is fine for one and lost for the other.
 * Access is judged from mode bits and owners along the path (the kernel's rules for a process with
 * that user's uid and groups; ACLs and LSMs are not read), and the directory and files that others
 * may write are named: what they write, node_exporter serves as ours.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, readlinkSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** Who reads the textfiles: a uid and the gids of its primary and supplementary groups. */
export interface Reader {
  /** As the user gave it (a name or a uid). */
  readonly user: string;
  readonly uid: number;
  readonly gids: readonly number[];
  /** False when no such user exists here: it is judged as any other user (the "other" mode bits alone). */
  readonly known: boolean;
}

/** What a stat tells about permissions. */
export interface Perms {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

/** `id USER`'s answer (`uid=102(prometheus) gid=105(prometheus) groups=105(prometheus),4(adm)`), or undefined when there is no such user. */
export function parseIdOutput(text: string): { uid: number; gid: number; gids: number[] } | undefined {
  const uid = /uid=(\d+)/.exec(text)?.[1];
  const gid = /gid=(\d+)/.exec(text)?.[1];
  if (uid === undefined || gid === undefined) return undefined;
  const groups = /groups=(\S+)/.exec(text)?.[1] ?? '';
  const gids = [...groups.matchAll(/(?:^|,)(\d+)/g)].map((m) => Number(m[1]));
  return { uid: Number(uid), gid: Number(gid), gids: [...new Set([Number(gid), ...gids])] };
}

/** Runs `id` (which asks NSS, so LDAP and systemd's dynamic users count) for a name or uid. */
function id(user: string): ReturnType<typeof parseIdOutput> {
  const result = spawnSync('id', ['--', user], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  return result.status === 0 ? parseIdOutput(result.stdout) : undefined;
}

/** node_exporter's user by name or uid; a user that does not exist here is judged as any other user. */
export function lookupReader(user: string): Reader {
  const found = id(user);
  if (found !== undefined) return { user, uid: found.uid, gids: found.gids, known: true };
  // A bare uid without a passwd entry (a container's user) is still that uid, with no groups.
  return /^\d+$/.test(user) ? { user, uid: Number(user), gids: [], known: true } : { user, uid: -1, gids: [], known: false };
}

/** The rwx bits that apply to `reader` on a file with these permissions (root passes every read and search check). */
function bitsFor(p: Perms, reader: Reader): number {
  if (reader.uid === 0) return 7;
  if (p.uid === reader.uid) return (p.mode >> 6) & 7;
  if (reader.gids.includes(p.gid)) return (p.mode >> 3) & 7;
  return p.mode & 7;
}

/** Whether `reader` may read (4), search (1) or both (5) a file with these permissions. */
export function permits(p: Perms, reader: Reader, bits: number): boolean {
  return (bitsFor(p, reader) & bits) === bits;
}

/** A mode as `0640`, and an owner as `uid:gid`, for messages. */
function describe(p: Perms): string {
  return `mode ${(p.mode & 0o7777).toString(8).padStart(4, '0')}, owner ${p.uid}:${p.gid}`;
}

/** Who the reader is, in a message. */
function who(reader: Reader): string {
  return reader.known ? `user ${reader.user}` : `user ${reader.user}, not found here, judged as any other user`;
}

/** The outcome of following a path as the reader would. */
export type Resolved = { readonly ok: true; readonly path: string; readonly perms: Perms & { readonly isFile: boolean; readonly isDirectory: boolean } } | { readonly ok: false; readonly why: string };

/** Symlinks followed at most, as Linux does (MAXSYMLINKS). */
const MAX_LINKS = 40;

/**
 * Follows `path` component by component as the kernel does for `reader`: search permission on each
 * directory passed, symlinks read and followed (relative to their directory), up to 40 of them.
 * Says why not when a component is missing (a dangling symlink), not searchable, or loops.
 */
export function resolveAs(path: string, reader: Reader): Resolved {
  const pending = resolve(path).split('/').filter((c) => c !== '');
  let current = '/';
  let links = 0;
  while (pending.length > 0) {
    const name = pending.shift() ?? '';
    if (name === '.') continue;
    const dir = statSync(current);
    if (!permits(dir, reader, 1)) return { ok: false, why: `cannot enter ${current} (${describe(dir)})` };
    if (name === '..') {
      current = dirname(current);
      continue;
    }
    const next = join(current, name);
    let link;
    try {
      link = lstatSync(next);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return { ok: false, why: code === 'ENOENT' ? `${next} does not exist` : `cannot look at ${next} (${code ?? 'error'})` };
    }
    if (link.isSymbolicLink()) {
      if (++links > MAX_LINKS) return { ok: false, why: `too many symlinks from ${path}` };
      const target = readlinkSync(next);
      pending.unshift(...target.split('/').filter((c) => c !== ''));
      if (isAbsolute(target)) current = '/';
      continue;
    }
    if (pending.length > 0 && !link.isDirectory()) return { ok: false, why: `${next} is not a directory` };
    current = next;
  }
  const st = statSync(current);
  return { ok: true, path: current, perms: { mode: st.mode, uid: st.uid, gid: st.gid, isFile: st.isFile(), isDirectory: st.isDirectory() } };
}

/** Why node_exporter's user cannot list the textfile directory, or undefined when it can. */
export function directoryAccessProblem(dir: string, reader: Reader): string | undefined {
  const r = resolveAs(dir, reader);
  if (!r.ok) return `node_exporter (${who(reader)}) cannot reach it: ${r.why}`;
  if (!permits(r.perms, reader, 5)) return `node_exporter (${who(reader)}) cannot list it (${describe(r.perms)})`;
  return undefined;
}

/** Why node_exporter's user cannot open the `.prom` file `name` of `dir`, or undefined when it can. */
export function fileAccessProblem(dir: string, name: string, reader: Reader): string | undefined {
  const path = join(dir, name);
  let link;
  try {
    link = lstatSync(path);
  } catch {
    return undefined;
  }
  const r = resolveAs(path, reader);
  if (!r.ok) {
    const target = link.isSymbolicLink() ? ` (a symlink to ${readlinkSync(path)})` : '';
    return `node_exporter (${who(reader)}) cannot open it${target}: ${r.why}`;
  }
  if (!r.perms.isFile) return undefined;
  if (!permits(r.perms, reader, 4)) return `node_exporter (${who(reader)}) cannot read it (${r.path === path ? '' : `${r.path}: `}${describe(r.perms)})`;
  return undefined;
}

/**
 * Why others may write a file or directory with these permissions, or undefined when only its owner
 * (and root) may: world-writable, or group-writable by a group other than root's and the owner's own
 * (primary) group. A group shared with other users is a way to forge or delete evidence.
 */
export function writableByOthers(p: Perms, ownerGid: number | undefined): string | undefined {
  if ((p.mode & 0o002) !== 0) return `anyone may write it (${describe(p)})`;
  if ((p.mode & 0o020) !== 0 && p.gid !== 0 && p.gid !== ownerGid) return `group ${p.gid} may write it (${describe(p)}), and it is neither root's nor the owner's own group`;
  return undefined;
}

/** The primary gid of a uid, from NSS; undefined when the uid has no user. Cached per run. */
export function primaryGidLookup(): (uid: number) => number | undefined {
  const cache = new Map<number, number | undefined>();
  return (uid) => {
    if (!cache.has(uid)) cache.set(uid, id(String(uid))?.gid);
    return cache.get(uid);
  };
}

/** Why others may write the file or directory that `path` resolves to (as root sees it), or undefined. */
export function writableByOthersAt(path: string, ownerGid: (uid: number) => number | undefined): string | undefined {
  let st;
  try {
    st = statSync(path);
  } catch {
    return undefined;
  }
  return writableByOthers(st, ownerGid(st.uid));
}
