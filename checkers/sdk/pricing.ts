import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';
import { z } from 'zod';

export interface PriceQuote {
  region: string;
  instanceType: string;
  /** Decimal string, never a float: prices are money. */
  hourly: string;
  currency: string;
  source: string;
  retrieved: string;
}

/** One unit price that is not an instance hour: storage per GB-month, an address hour, a GB processed, ... */
export interface RateQuote {
  region: string;
  /** The rate's key, e.g. `ebs:gp3:gb-month` (keys are listed in the rate table's `units`). */
  item: string;
  /** Decimal string, never a float. */
  price: string;
  /** What one `price` buys, e.g. `GB-month`, `hour`, `GB`. */
  unit: string;
  currency: string;
  source: string;
  retrieved: string;
}

/** Read-only price lookups a checker may use; later providers add methods here rather than new context fields. */
export interface PricingLookup {
  readonly source: string;
  readonly retrieved: string;
  readonly currency: string;
  onDemandHourly(region: string, instanceType: string): PriceQuote | undefined;
  /** A non-instance unit price by key (see the rate table); undefined when the region or key is not priced. */
  rate(region: string, item: string): RateQuote | undefined;
}

const decimalString = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'expected a non-negative decimal string such as "0.096"')
  .refine((v) => new Decimal(v).isFinite(), 'not a finite decimal');

export const priceTableSchema = z
  .object({
    source: z.string().min(1),
    retrieved: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date yyyy-mm-dd'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code'),
    operatingSystem: z.string(),
    tenancy: z.string(),
    unit: z.literal('hour'),
    note: z.string().optional(),
    regions: z.record(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region code'), z.record(z.string(), decimalString)),
  })
  .strict();
export type PriceTable = z.infer<typeof priceTableSchema>;

const regionCode = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region code');
const rateKey = z.string().regex(/^[a-z0-9-]+(:[a-z0-9-]+)+$/, 'expected a rate key such as "ebs:gp3:gb-month"');

/** Unit prices other than instance hours; every key used under `regions` must be declared in `units`. */
export const rateTableSchema = z
  .object({
    source: z.string().min(1),
    retrieved: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date yyyy-mm-dd'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code'),
    note: z.string().optional(),
    units: z.record(rateKey, z.string().min(1)),
    regions: z.record(regionCode, z.record(rateKey, decimalString)),
  })
  .strict()
  .superRefine((table, ctx) => {
    for (const [region, rates] of Object.entries(table.regions)) {
      for (const key of Object.keys(rates)) {
        if (!(key in table.units)) {
          ctx.addIssue({ code: 'custom', path: ['regions', region, key], message: `rate key not declared in "units"` });
        }
      }
    }
  });
export type RateTable = z.infer<typeof rateTableSchema>;

export class PriceTableError extends Error {
  readonly code = 'PRICE_TABLE_INVALID';
  constructor(readonly file: string, readonly field: string, reason: string) {
    super(`Price table ${file}: ${field}: ${reason}`);
    this.name = 'PriceTableError';
  }
}

export function parsePriceTable(doc: unknown, file: string): PriceTable {
  const parsed = priceTableSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PriceTableError(file, issue ? issue.path.join('.') || '$' : '$', issue?.message ?? 'invalid');
  }
  return parsed.data;
}

export function parseRateTable(doc: unknown, file: string): RateTable {
  const parsed = rateTableSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PriceTableError(file, issue ? issue.path.join('.') || '$' : '$', issue?.message ?? 'invalid');
  }
  return parsed.data;
}

function readJson(file: string | URL): { filePath: string; doc: unknown } {
  const filePath = file instanceof URL ? fileURLToPath(file) : file;
  try {
    return { filePath, doc: JSON.parse(readFileSync(filePath, 'utf8')) };
  } catch (err) {
    throw new PriceTableError(filePath, '$', err instanceof Error ? err.message : String(err));
  }
}

export function loadPriceTable(file: string | URL): PriceTable {
  const { filePath, doc } = readJson(file);
  return parsePriceTable(doc, filePath);
}

export function loadRateTable(file: string | URL): RateTable {
  const { filePath, doc } = readJson(file);
  return parseRateTable(doc, filePath);
}

/**
 * Lookup over an instance-hour table and, optionally, a rate table. Both must share one currency, so a
 * checker can add an instance price to a storage price without converting.
 */
export function createPriceLookup(table: PriceTable, rates?: RateTable): PricingLookup {
  if (rates && rates.currency !== table.currency) {
    throw new PriceTableError('rate table', 'currency', `${rates.currency} differs from the instance table's ${table.currency}`);
  }
  return {
    source: table.source,
    retrieved: table.retrieved,
    currency: table.currency,
    onDemandHourly(region, instanceType) {
      const hourly = table.regions[region]?.[instanceType];
      if (hourly === undefined) return undefined;
      return { region, instanceType, hourly, currency: table.currency, source: table.source, retrieved: table.retrieved };
    },
    rate(region, item) {
      const price = rates?.regions[region]?.[item];
      const unit = rates?.units[item];
      if (!rates || price === undefined || unit === undefined) return undefined;
      return { region, item, price, unit, currency: rates.currency, source: rates.source, retrieved: rates.retrieved };
    },
  };
}

/** A lookup that knows no prices; checkers then report savings with basis 'unknown'. */
export const emptyPriceLookup: PricingLookup = {
  source: 'none',
  retrieved: '1970-01-01',
  currency: 'USD',
  onDemandHourly: () => undefined,
  rate: () => undefined,
};
