import type { Checker, CheckerClock, CheckerContext, CheckerInputs } from './define-checker.ts';
import type { FocusInput } from './focus-input.ts';
import type { InventoryKind, InventoryRecord, InventorySnapshot } from './inventory.ts';
import { type CheckerLogger, silentLogger } from './logger.ts';
import { emptyPriceLookup, type PricingLookup } from './pricing.ts';
import type { FindingWireInput } from '@openfinops/contracts';

export class UndeclaredInputError extends Error {
  readonly code = 'CHECKER_UNDECLARED_INPUT';
  constructor(readonly checkerId: string, readonly kind: string) {
    super(
      kind === 'focus'
        ? `Checker ${checkerId} read FOCUS billing data but does not declare inputs.focus: true`
        : `Checker ${checkerId} read inventory "${kind}" but does not declare it in inputs.inventory`,
    );
    this.name = 'UndeclaredInputError';
  }
}

export class MissingInputError extends Error {
  readonly code = 'CHECKER_INPUT_MISSING';
  constructor(readonly checkerId: string, readonly kind: string) {
    super(`Checker ${checkerId} declares inputs.${kind} but the run was given no ${kind} data source`);
    this.name = 'MissingInputError';
  }
}

export interface CreateContextOptions {
  tenantId: string;
  accountId: string;
  /** Raw config; parsed with the checker's schema (defaults applied). */
  config?: unknown;
  inventory?: InventorySnapshot;
  /** FOCUS rows of the tenant (`createFocusInputFromLake` / `createFocusInputFromRows`); the caller closes it. */
  focus?: FocusInput;
  pricing?: PricingLookup;
  clock?: CheckerClock;
  logger?: CheckerLogger;
}

export const systemClock: CheckerClock = { now: () => new Date() };

export function fixedClock(at: Date): CheckerClock {
  return { now: () => new Date(at.getTime()) };
}

export function createCheckerContext<Config>(checker: Checker<Config>, opts: CreateContextOptions): CheckerContext<Config> {
  const declared = new Set<string>(checker.inputs.inventory ?? []);
  const snapshot = opts.inventory ?? {};
  const inputs: CheckerInputs = {
    inventory<K extends InventoryKind>(kind: K) {
      if (!declared.has(kind)) throw new UndeclaredInputError(checker.id, kind);
      const records = (snapshot[kind] ?? []) as InventoryRecord<K>[];
      return Object.freeze([...records]);
    },
    get focus(): FocusInput {
      if (checker.inputs.focus !== true) throw new UndeclaredInputError(checker.id, 'focus');
      if (!opts.focus) throw new MissingInputError(checker.id, 'focus');
      return opts.focus;
    },
  };
  return Object.freeze({
    tenantId: opts.tenantId,
    accountId: opts.accountId,
    config: Object.freeze(checker.parseConfig(opts.config)) as Readonly<Config>,
    inputs,
    pricing: opts.pricing ?? emptyPriceLookup,
    clock: opts.clock ?? systemClock,
    logger: opts.logger ?? silentLogger,
  });
}

/** Drains a checker's output, whether it yields synchronously or asynchronously. */
export async function collectFindings<Config>(checker: Checker<Config>, ctx: CheckerContext<Config>): Promise<FindingWireInput[]> {
  const output = checker.run(ctx);
  const out: FindingWireInput[] = [];
  // A synchronous generator is drained without `for await`, which would cost a promise and a microtask per finding.
  if (Symbol.iterator in output) {
    for (const finding of output) {
      // `for await` would have awaited a promise a (plugin's) generator yields; keep that behaviour.
      out.push(typeof (finding as { then?: unknown } | null)?.then === 'function' ? await finding : finding);
    }
    return out;
  }
  for await (const finding of output) out.push(finding);
  return out;
}
