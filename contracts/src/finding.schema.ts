import { z } from 'zod';
import { DecimalError, toDecimal18_6 } from './decimal.ts';

export const PROVIDERS = ['aws', 'azure', 'gcp'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const FINDING_CATEGORIES = ['waste', 'rightsizing', 'modernization', 'commitment', 'governance', 'anomaly'] as const;
export type FindingCategory = (typeof FINDING_CATEGORIES)[number];

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SAVINGS_BASES = ['exact', 'estimated', 'unknown'] as const;
export type SavingsBasis = (typeof SAVINGS_BASES)[number];

export const FINDING_STATUSES = ['open', 'resolved', 'suppressed'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

export const ProviderSchema = z.enum(PROVIDERS);
export const FindingCategorySchema = z.enum(FINDING_CATEGORIES);
export const SeveritySchema = z.enum(SEVERITIES);
export const SavingsBasisSchema = z.enum(SAVINGS_BASES);
export const FindingStatusSchema = z.enum(FINDING_STATUSES);

export const CHECK_ID_PATTERN = /^[a-z0-9-]+\/[a-z0-9-]+$/;
// semver.org 2.0.0 grammar (no leading 'v').
export const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

const requiredText = () => z.string().trim().min(1, 'must not be empty');

/**
 * Money on the wire is decimal text ("12.5"): JSON numbers are refused so no float ever carries a
 * value. It must fit DECIMAL(18,6) exactly (trailing zeros beyond 6 digits are tolerated).
 */
function decimalText(field: string, opts: { allowNegative: boolean }) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? undefined : 'must be a decimal string such as "12.5" (numbers are rejected to keep floats out)') })
    .superRefine((text, ctx) => {
      let scaled: bigint;
      try {
        scaled = toDecimal18_6(text, field);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof DecimalError ? error.message : String(error) });
        return;
      }
      if (!opts.allowNegative && scaled < 0n) {
        ctx.addIssue({ code: 'custom', message: `${field}: "${text}" is negative; savings are reported as a non-negative amount` });
      }
    });
}

/** A finding as a checker emits it (camelCase, unknown keys rejected). */
export const FindingWireSchema = z.strictObject({
  provider: ProviderSchema,
  // Account ids keep leading zeros ("012345678901"), so only strings are accepted.
  accountId: requiredText(),
  region: requiredText(),
  resourceType: requiredText(),
  resourceId: requiredText(),
  checkId: z.string().trim().regex(CHECK_ID_PATTERN, 'must look like "<namespace>/<check>" in lower-case letters, digits and dashes'),
  checkVersion: z.string().trim().regex(SEMVER_PATTERN, 'must be a semantic version such as "1.2.0"'),
  category: FindingCategorySchema,
  severity: SeveritySchema,
  title: requiredText(),
  recommendation: requiredText(),
  estimatedMonthlySavings: decimalText('estimatedMonthlySavings', { allowNegative: false }),
  currency: z.string().regex(CURRENCY_PATTERN, 'must be an ISO 4217 code of 3 upper-case letters'),
  savingsBasis: SavingsBasisSchema,
  // Negative costs are legal: credits and refunds.
  observedMonthlyCost: decimalText('observedMonthlyCost', { allowNegative: true }).nullable().optional(),
  evidence: z.record(z.string(), z.json()).default({}),
  tags: z.record(z.string(), z.string()).default({}),
  discriminator: z.string().trim().optional(),
  exclusionGroup: z.string().trim().min(1, 'must not be empty when given').optional(),
});

/** A validated finding (after defaults and trimming). */
export type FindingWire = z.output<typeof FindingWireSchema>;
/** What a checker may pass in (evidence/tags optional). */
export type FindingWireInput = z.input<typeof FindingWireSchema>;
