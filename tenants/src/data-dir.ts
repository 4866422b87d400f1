import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: `data/` lives beside the workspaces, whatever the caller's cwd. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.FINOPS_DATA_DIR?.trim();
  return configured ? path.resolve(configured) : path.join(REPO_ROOT, 'data');
}

/** Where the embedded PGlite store keeps its files when DATABASE_URL is unset. */
export function embeddedStoreDir(dataDir: string): string {
  return path.join(dataDir, 'store', 'pglite');
}
