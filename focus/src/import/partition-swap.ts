/**
 * Replaces lake partitions so that a crash at any point leaves each one either wholly old or wholly new.
 *
 * Protocol (journal in the tenant's staging dir, written atomically with temp + rename):
 *   1. new partitions are fully written under staging, then the journal is written in phase 'swapping';
 *   2. for each pair: rename final → trash (when a final exists), rename staged → final;
 *   3. the journal is rewritten in phase 'committed'; trash and staging are deleted; the journal is deleted.
 * Recovery (start of every import, and before lake reads): a 'swapping' journal is rolled BACK (new finals removed,
 * trash restored), so the lake matches the ImportState the crashed run never updated; a 'committed' journal is
 * rolled forward (only cleanup remains). Trash and staging live outside the lake globs, so readers never see them.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SwapPair {
  /** Fully written new partition directory (under staging). */
  staged: string;
  /** Final partition directory in the lake. */
  final: string;
  /** Where the old final goes during the swap (under staging). */
  trash: string;
  /** Whether a final existed when the swap started. */
  hadOld: boolean;
}

interface Journal {
  phase: 'swapping' | 'committed';
  pairs: SwapPair[];
  workDir: string;
}

const JOURNAL_SUFFIX = '.swap.json';

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

async function writeAtomic(file: string, content: string): Promise<void> {
  const tmp = `${file}.tmp-${randomUUID()}`;
  await writeFile(tmp, content);
  await rename(tmp, file);
}

/** Test hook: FINOPS_IMPORT_CRASH_AT=<point> kills the process (as SIGKILL would) at that point of the swap. */
function crashPoint(point: string): void {
  if (process.env.FINOPS_IMPORT_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}

/** Serialises imports of one tenant: a directory created atomically, holding the owner's pid. */
export async function acquireTenantLock(stagingRoot: string, timeoutMs = 30_000, signal?: AbortSignal): Promise<() => Promise<void>> {
  await mkdir(stagingRoot, { recursive: true });
  const lockDir = path.join(stagingRoot, '.lock');
  const started = Date.now();
  for (;;) {
    // A cancelled run waiting behind another import stops now, not after the whole timeout.
    signal?.throwIfAborted();
    try {
      await mkdir(lockDir);
      await writeFile(path.join(lockDir, 'pid'), String(process.pid));
      return () => rm(lockDir, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(await readFile(path.join(lockDir, 'pid'), 'utf8').catch(() => 'NaN'));
      let alive = Number.isInteger(pid) && pid > 0;
      if (alive) {
        try {
          process.kill(pid, 0);
        } catch {
          alive = false;
        }
      }
      // A lock without a pid file is either being created right now or left by a crash between mkdir and write.
      const age = Date.now() - ((await stat(lockDir).catch(() => null))?.mtimeMs ?? 0);
      if (!alive && (Number.isInteger(pid) || age > 5_000)) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - started > timeoutMs) {
        throw new Error(`Another import for this tenant is running (lock ${lockDir}, pid ${pid}); try again later`, { cause: err });
      }
      // The timer's own AbortError would hide the signal's reason, which is what an import stops with.
      await sleep(200, undefined, { signal }).catch((err: unknown) => {
        signal?.throwIfAborted();
        throw err;
      });
    }
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  if (await exists(from)) {
    await mkdir(path.dirname(to), { recursive: true });
    await rename(from, to);
  }
}

async function rollBack(journal: Journal): Promise<void> {
  for (const pair of [...journal.pairs].reverse()) {
    const trashPresent = await exists(pair.trash);
    const finalPresent = await exists(pair.final);
    if (pair.hadOld && !trashPresent) continue; // the old final was never moved away
    if (finalPresent && (trashPresent || !pair.hadOld)) {
      // The final is the new partition (the old is in trash, or there was none): move it out before restoring.
      await rm(pair.final, { recursive: true, force: true });
    }
    if (trashPresent) await renameIfExists(pair.trash, pair.final);
  }
}

/** Finishes or undoes any swap a crashed import left behind. Call with the tenant lock held. */
export async function recoverInterruptedSwaps(stagingRoot: string): Promise<number> {
  const names = await readdir(stagingRoot).catch(() => [] as string[]);
  let recovered = 0;
  for (const name of names.filter((n) => n.endsWith(JOURNAL_SUFFIX))) {
    const file = path.join(stagingRoot, name);
    const journal = JSON.parse(await readFile(file, 'utf8')) as Journal;
    if (journal.phase === 'swapping') await rollBack(journal);
    await rm(journal.workDir, { recursive: true, force: true });
    await rm(file, { force: true });
    recovered++;
  }
  // Work dirs of imports that crashed before writing a journal hold nothing the lake needs.
  for (const name of names.filter((n) => n.startsWith('import-'))) {
    if (!names.includes(`${name}${JOURNAL_SUFFIX}`)) await rm(path.join(stagingRoot, name), { recursive: true, force: true });
  }
  return recovered;
}

/** Swaps staged partitions into place (see the protocol above). `workDir` is the import's staging directory. */
export async function swapPartitions(
  stagingRoot: string,
  workDir: string,
  pairs: Array<{ staged: string; final: string }>,
): Promise<void> {
  const trashRoot = path.join(workDir, 'trash');
  const full: SwapPair[] = [];
  for (const [i, p] of pairs.entries()) {
    full.push({ ...p, trash: path.join(trashRoot, String(i)), hadOld: await exists(p.final) });
  }
  const journalFile = path.join(stagingRoot, `${path.basename(workDir)}${JOURNAL_SUFFIX}`);
  await writeAtomic(journalFile, JSON.stringify({ phase: 'swapping', pairs: full, workDir } satisfies Journal));
  crashPoint('after-staging');
  for (const pair of full) {
    if (pair.hadOld) await renameIfExists(pair.final, pair.trash);
    crashPoint('between-renames');
    await mkdir(path.dirname(pair.final), { recursive: true });
    await rename(pair.staged, pair.final);
  }
  await writeAtomic(journalFile, JSON.stringify({ phase: 'committed', pairs: full, workDir } satisfies Journal));
  crashPoint('after-commit');
  await rm(workDir, { recursive: true, force: true });
  await rm(journalFile, { force: true });
}
