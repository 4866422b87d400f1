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

/** Read-only price lookups a checker may use; later providers add methods here rather than new context fields. */
export interface PricingLookup {
  readonly source: string;
  readonly retrieved: string;
  readonly currency: string;
  onDemandHourly(region: string, instanceType: string): PriceQuote | undefined;
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

export function loadPriceTable(file: string | URL): PriceTable {
  const filePath = file instanceof URL ? fileURLToPath(file) : file;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(filePath, 'utf8'));
  } catch (err) {
    throw new PriceTableError(filePath, '$', err instanceof Error ? err.message : String(err));
  }
  return parsePriceTable(doc, filePath);
}

export function createPriceLookup(table: PriceTable): PricingLookup {
  return {
    source: table.source,
    retrieved: table.retrieved,
    currency: table.currency,
    onDemandHourly(region, instanceType) {
      const hourly = table.regions[region]?.[instanceType];
      if (hourly === undefined) return undefined;
      return { region, instanceType, hourly, currency: table.currency, source: table.source, retrieved: table.retrieved };
    },
  };
}

/** A lookup that knows no prices; checkers then report savings with basis 'unknown'. */
export const emptyPriceLookup: PricingLookup = {
  source: 'none',
  retrieved: '1970-01-01',
  currency: 'USD',
  onDemandHourly: () => undefined,
};
