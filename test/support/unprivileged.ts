/**
 * Running the built CLI as an unprivileged user. The clone may sit in a folder that only root can
 * enter (root's home, a `mktemp -d`), so that user runs a copy of the CLI staged under $TMPDIR:
 * bin/, dist/, package.json and the production node_modules, readable by everyone.
 */
import { chmodSync, cpSync, existsSync, lstatSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { tempDir } from './temp.js';
import { REPO_ROOT } from './tools.js';

/** The uid and gid of `nobody`: no file of the tests' belongs to it. */
const UNPRIVILEGED_ID = 65534;

/** bin/ubm.js of this test file's copy of the CLI, staged on first use. */
let staged: string | undefined;

/** `setpriv` arguments that run `node bin/ubm.js ARGS` as the unprivileged user, from a copy of the CLI it can reach. */
export function asUnprivilegedUbm(args: readonly string[]): string[] {
  staged ??= stageCli();
  const id = String(UNPRIVILEGED_ID);
  return [`--reuid=${id}`, `--regid=${id}`, '--clear-groups', process.execPath, staged, ...args];
}

/** Copies the CLI into a fresh temporary directory, opens it to everyone, and returns its bin/ubm.js. */
function stageCli(): string {
  const root = tempDir('cli-copy');
  for (const entry of ['bin', 'dist', 'package.json']) cpSync(join(REPO_ROOT, entry), join(root, entry), { recursive: true });
  for (const pkg of productionPackages()) cpSync(pkg, join(root, relative(REPO_ROOT, pkg)), { recursive: true });
  openToEveryone(root);
  for (const path of [root, process.execPath]) assertReachable(path);
  return join(root, 'bin', 'ubm.js');
}

/** The top-level node_modules folders the CLI needs at run time: `dependencies`, followed transitively. */
function productionPackages(): string[] {
  const found = new Set<string>();
  const visit = (pkgDir: string): void => {
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    const names = ['dependencies', 'optionalDependencies', 'peerDependencies'].flatMap((field) => {
      const deps = manifest[field];
      return typeof deps === 'object' && deps !== null ? Object.keys(deps) : [];
    });
    for (const name of names) {
      const dep = resolvePackage(pkgDir, name);
      if (dep === undefined || found.has(dep)) continue;
      found.add(dep);
      visit(dep);
    }
  };
  visit(REPO_ROOT);
  // A package nested in another's node_modules comes along with the folder it sits in.
  const topLevel = join(REPO_ROOT, 'node_modules');
  return [...found].filter((dir) => !relative(topLevel, dir).split(sep).includes('node_modules'));
}

/** Where Node finds package `name` from `pkgDir`: the nearest node_modules/name up to the repository; undefined when absent (an optional peer). */
function resolvePackage(pkgDir: string, name: string): string | undefined {
  for (let dir = pkgDir; dir.startsWith(REPO_ROOT); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === REPO_ROOT) break;
  }
  return undefined;
}

/** Gives everyone read access to files and search access to directories (a clone made under umask 077 has neither). */
function openToEveryone(path: string): void {
  const st = lstatSync(path);
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    chmodSync(path, st.mode | 0o555);
    for (const name of readdirSync(path)) openToEveryone(join(path, name));
  } else {
    chmodSync(path, st.mode | 0o444);
  }
}

/** Throws unless every folder above `path` lets other users through, naming the first that does not. */
function assertReachable(path: string): void {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(`uid ${UNPRIVILEGED_ID} cannot reach ${path}: ${dir} is closed to other users (set TMPDIR to a folder everyone can enter, as scripts/test-ci.sh does)`);
    }
    if (dirname(dir) === dir) return;
  }
}
