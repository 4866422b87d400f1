import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FindingWireInput } from '@openfinops/contracts';
import { createTwoFilesPatch } from 'diff';
import { z } from 'zod';
import { awsPricing } from '../aws/pricing/ec2-pricing.ts';
import { collectFindings, createCheckerContext, fixedClock, type CreateContextOptions } from './context.ts';
import type { Checker } from './define-checker.ts';
import { focusInputFromFixture } from './focus-fixture.ts';
import { parseInventoryDocument, type InventorySnapshot } from './inventory.ts';
import { memoryLogger, type LogEntry } from './logger.ts';
import type { PricingLookup } from './pricing.ts';

/** Where every checker keeps its fixture pair, relative to its folder. */
export const FIXTURE_INPUT = 'fixtures/input.json';
export const FIXTURE_EXPECTED = 'fixtures/expected-findings.json';

/**
 * `fixtures/input.json`: the clock and account the run sees, optional config, the inventory keyed by kind
 * (any document `parseInventoryDocument` accepts), and `focus` rows for billing checks.
 */
export const checkerFixtureSchema = z
  .object({
    clock: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time such as "2026-11-22T00:00:00Z"' }),
    accountId: z.string().min(1),
    tenantId: z.string().min(1).optional(),
    description: z.string().optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    inventory: z.record(z.string(), z.unknown()).optional(),
    focus: z.unknown().optional(),
  })
  .strict();

export interface CheckerFixture {
  file: string;
  clock: Date;
  accountId: string;
  tenantId: string;
  config: Record<string, unknown> | undefined;
  inventory: InventorySnapshot;
  /** Raw `focus` section; billing checks define and parse its shape. */
  focus: unknown;
}

export class CheckerFixtureError extends Error {
  readonly code = 'CHECKER_FIXTURE_INVALID';
  constructor(readonly file: string, readonly field: string, reason: string) {
    super(`${file}: ${field}: ${reason}`);
    this.name = 'CheckerFixtureError';
  }
}

/** The folder a checker lives in, from its `moduleUrl`. */
export function checkerDir(checker: Pick<Checker<unknown>, 'id' | 'moduleUrl'>): string {
  if (!checker.moduleUrl) {
    throw new CheckerFixtureError(checker.id, 'moduleUrl', 'not set: add `moduleUrl: import.meta.url` to its defineChecker(...) call');
  }
  return path.dirname(fileURLToPath(checker.moduleUrl));
}

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CheckerFixtureError(file, '$', (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CheckerFixtureError(file, '$', `not valid JSON: ${(err as Error).message}`);
  }
}

export function loadCheckerFixture(dir: string): CheckerFixture {
  const file = path.join(dir, FIXTURE_INPUT);
  const parsed = checkerFixtureSchema.safeParse(readJsonFile(file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : (issue?.path.join('.') ?? '') || '$';
    throw new CheckerFixtureError(file, field, issue?.message ?? 'invalid');
  }
  const doc = parsed.data;
  const hasInventory = doc.inventory !== undefined && Object.keys(doc.inventory).length > 0;
  return {
    file,
    clock: new Date(doc.clock),
    accountId: doc.accountId,
    tenantId: doc.tenantId ?? 'fixture',
    config: doc.config,
    inventory: hasInventory ? parseInventoryDocument(doc.inventory, `${file}: inventory`, { accountId: doc.accountId }) : {},
    focus: doc.focus,
  };
}

export function loadExpectedFindings(dir: string): { file: string; findings: unknown[] | undefined } {
  const file = path.join(dir, FIXTURE_EXPECTED);
  if (!existsSync(file)) return { file, findings: undefined };
  const doc = readJsonFile(file);
  if (!Array.isArray(doc)) throw new CheckerFixtureError(file, '$', 'expected a JSON array of findings');
  return { file, findings: doc };
}

export interface RunFixtureOptions {
  /** Folder holding `fixtures/`; defaults to the checker's own folder. */
  dir?: string;
  /** Defaults to the shipped AWS prices. */
  pricing?: PricingLookup;
  /** Extra context options derived from the fixture (billing checks add their FOCUS input here). */
  contextOptions?: (fixture: CheckerFixture) => Partial<CreateContextOptions>;
}

export interface FixtureRun {
  fixture: CheckerFixture;
  findings: FindingWireInput[];
  logs: LogEntry[];
}

/** Runs a checker over its `fixtures/input.json` with the fixture's clock, account and config. */
export async function runCheckerFixture(checker: Checker<unknown>, opts: RunFixtureOptions = {}): Promise<FixtureRun> {
  const fixture = loadCheckerFixture(opts.dir ?? checkerDir(checker));
  const logger = memoryLogger();
  // Billing checks read the fixture's `focus` rows through an in-memory FOCUS input, closed after the run.
  const focus = checker.inputs.focus === true ? focusInputFromFixture(fixture) : undefined;
  try {
    const ctx = createCheckerContext(checker, {
      tenantId: fixture.tenantId,
      accountId: fixture.accountId,
      config: fixture.config,
      inventory: fixture.inventory,
      pricing: opts.pricing ?? awsPricing(),
      clock: fixedClock(fixture.clock),
      logger,
      ...(focus ? { focus } : {}),
      ...opts.contextOptions?.(fixture),
    });
    return { fixture, findings: await collectFindings(checker, ctx), logs: logger.entries };
  } finally {
    await focus?.close();
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** Pretty JSON with sorted keys, so a diff shows value changes only, never key order. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

export interface FixtureComparison {
  ok: boolean;
  /** Unified diff (expected → actual); '' when equal. */
  diff: string;
}

export function compareFindings(expected: unknown[] | undefined, actual: unknown[], expectedFile = 'expected-findings.json'): FixtureComparison {
  const before = expected === undefined ? '' : stableJson(expected);
  const after = stableJson(JSON.parse(JSON.stringify(actual)));
  if (before === after) return { ok: true, diff: '' };
  const diff = createTwoFilesPatch(expected === undefined ? `${expectedFile} (missing)` : expectedFile, 'actual findings', before, after, undefined, undefined, {
    context: 3,
  });
  return { ok: false, diff };
}

/** Atomic (temp file + rename) so an interrupted `--update` never leaves half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}

export interface CheckerTestResult {
  checkerId: string;
  ok: boolean;
  diff: string;
  expectedFile: string;
  findings: FindingWireInput[];
  updated: boolean;
}

/** `finops checker test`: run against the fixture and compare, or rewrite the expected file with `update`. */
export async function testCheckerFixture(checker: Checker<unknown>, opts: RunFixtureOptions & { update?: boolean } = {}): Promise<CheckerTestResult> {
  const dir = opts.dir ?? checkerDir(checker);
  const run = await runCheckerFixture(checker, { ...opts, dir });
  const expected = loadExpectedFindings(dir);
  const cmp = compareFindings(expected.findings, run.findings, path.relative(process.cwd(), expected.file) || expected.file);
  if (opts.update && !cmp.ok) {
    writeJsonAtomic(expected.file, run.findings);
    return { checkerId: checker.id, ok: true, diff: cmp.diff, expectedFile: expected.file, findings: run.findings, updated: true };
  }
  return { checkerId: checker.id, ok: cmp.ok, diff: cmp.diff, expectedFile: expected.file, findings: run.findings, updated: false };
}
