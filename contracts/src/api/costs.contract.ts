import { z } from 'zod';
import { currencyCode, decimalString, filterValue, isoDay, isoMonth } from './common.contract.ts';

/** Dimensions a cost query can group by; `tag:<key>` groups by the value of one resource tag. */
export const COST_DIMENSIONS = [
  'service',
  'serviceCategory',
  'account',
  'subAccount',
  'region',
  'provider',
  'chargeCategory',
  'billingPeriod',
  'day',
  'month',
] as const;
export type CostDimension = (typeof COST_DIMENSIONS)[number];

/** Tag keys as clouds allow them (AWS `user:cost-center`, Azure `env`, GCP labels), without control characters. */
export const TAG_KEY = /^[A-Za-z0-9 _.:/=+@-]{1,128}$/;
export const COST_PROVIDERS = ['aws', 'azure', 'gcp', 'oci', 'other'] as const;
export const MAX_COST_GROUP_BY = 3;

/** `tag:<key>` or one of COST_DIMENSIONS. */
export const costGroupKey = z.union([
  z.enum(COST_DIMENSIONS),
  z.string().regex(/^tag:/).refine((v) => TAG_KEY.test(v.slice(4)), 'tag keys are 1-128 characters of A-Z a-z 0-9 space _ . : / = + @ -'),
]);
export type CostGroupKey = z.infer<typeof costGroupKey>;

/** `groupBy=service,region` (comma-separated, at most MAX_COST_GROUP_BY, no repeats). */
export const costGroupByParam = z
  .string()
  .max(400)
  .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0))
  .pipe(
    z
      .array(costGroupKey)
      .max(MAX_COST_GROUP_BY)
      .refine((keys) => new Set(keys).size === keys.length, 'a dimension may appear only once'),
  );

/** Filters shared by costs/summary and costs/trend; `from` is inclusive and `to` exclusive (charge days, UTC). */
export const costFilterShape = {
  from: isoDay.optional(),
  to: isoDay.optional(),
  billingPeriod: isoMonth.optional(),
  provider: z.enum(COST_PROVIDERS).optional(),
  service: filterValue.optional(),
  serviceCategory: filterValue.optional(),
  account: filterValue.optional(),
  subAccount: filterValue.optional(),
  region: filterValue.optional(),
  chargeCategory: filterValue.optional(),
  currency: currencyCode.optional(),
  /** `key=value`: only rows whose tag `key` equals `value` (read from detail rows). */
  tag: z
    .string()
    .max(400)
    .regex(/^[^=]+=.+$/, 'expected key=value')
    .refine((v) => TAG_KEY.test(v.slice(0, v.indexOf('='))), 'tag keys are 1-128 characters of A-Z a-z 0-9 space _ . : / = + @ -')
    .optional(),
};

function fromBeforeTo(q: { from?: string | undefined; to?: string | undefined }): boolean {
  return q.from === undefined || q.to === undefined || q.from < q.to;
}

export const costSummaryQuery = z
  .object({ ...costFilterShape, groupBy: costGroupByParam.optional() })
  .strict()
  .refine(fromBeforeTo, { message: 'from must be before to', path: ['from'] });
export type CostSummaryQuery = z.infer<typeof costSummaryQuery>;

export const costTrendQuery = z
  .object({
    ...costFilterShape,
    granularity: z.enum(['day', 'month']).default('day'),
    groupBy: costGroupByParam.optional(),
    /** The forecast's "today": days before it are complete. Defaults to the current UTC day. */
    asOf: isoDay.optional(),
  })
  .strict()
  .refine(fromBeforeTo, { message: 'from must be before to', path: ['from'] });
export type CostTrendQuery = z.infer<typeof costTrendQuery>;

export const costAmounts = z.object({
  currency: z.string(),
  /** FOCUS rows behind the figures. */
  rowCount: z.number().int(),
  billedCost: decimalString,
  effectiveCost: decimalString,
  listCost: decimalString,
});

/** One group: `group` maps each groupBy key to its value (null when the rows have none). */
export const costGroupRow = costAmounts.extend({ group: z.record(z.string(), z.string().nullable()) });

export const costSummaryResponse = z.object({
  from: isoDay.nullable(),
  to: isoDay.nullable(),
  groupBy: z.array(z.string()),
  /** `rollups` (daily rollups) unless a tag is grouped or filtered on, which needs the detail rows. */
  source: z.enum(['rollups', 'detail']),
  rows: z.array(costGroupRow),
  /** Per currency; amounts in different currencies are never added together. */
  totals: z.array(costAmounts),
});
export type CostSummaryResponse = z.infer<typeof costSummaryResponse>;

export const costForecast = z.object({
  currency: z.string(),
  /** The forecast month (the month of asOf). */
  month: isoMonth,
  asOf: isoDay,
  /** EffectiveCost of the month's complete days (before asOf). */
  actualToDate: decimalString,
  /** Average daily EffectiveCost over the basis days. */
  dailyRunRate: decimalString,
  /** Complete days the run rate averages (up to FORECAST_BASIS_DAYS; fewer when the data starts later). */
  basisDays: z.number().int(),
  /** Days from asOf to the month end, inclusive, projected at the run rate. */
  remainingDays: z.number().int(),
  forecast: decimalString,
});

export const costTrendResponse = z.object({
  granularity: z.enum(['day', 'month']),
  from: isoDay,
  to: isoDay,
  groupBy: z.array(z.string()),
  source: z.enum(['rollups', 'detail']),
  /** `period` is yyyy-mm-dd (day) or yyyy-mm (month); sorted by period, then group, then currency. */
  series: z.array(costGroupRow.extend({ period: z.string() })),
  forecast: z.array(costForecast),
  forecastMethod: z.string(),
});
export type CostTrendResponse = z.infer<typeof costTrendResponse>;
