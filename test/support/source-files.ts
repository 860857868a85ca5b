/** The repository's own TypeScript sources, for suites that check the code itself (catalog names, layering). */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every .ts file under a directory, recursively. */
export function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}
