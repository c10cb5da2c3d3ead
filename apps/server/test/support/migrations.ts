import { mkdtemp, readdir, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrationsFolder } from '../../src/platform/migrations.ts';

/**
 * For testing one migration on data written before it: a new folder with the migrations that
 * come before `migration` (to apply first), and the names of `migration` and every later one,
 * in order (what applying the real folder afterwards must run). The caller removes the folder.
 */
export async function migrationsBefore(
  migration: string,
): Promise<{ folder: string; fromThisOne: string[] }> {
  const folder = await mkdtemp(path.join(tmpdir(), 'assay-migrations-'));
  const fromThisOne: string[] = [];
  for (const file of (await readdir(migrationsFolder)).sort()) {
    if (!file.endsWith('.ts')) continue;
    if (file < `${migration}.ts`) {
      await symlink(path.join(migrationsFolder, file), path.join(folder, file));
    } else {
      fromThisOne.push(file.slice(0, -'.ts'.length));
    }
  }
  if (fromThisOne[0] !== migration) throw new Error(`No migration ${migration}`);
  return { folder, fromThisOne };
}
