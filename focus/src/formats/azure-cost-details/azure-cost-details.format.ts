import { readFileSync } from 'node:fs';
import { sqlFilePath, type FormatProbe, type SourceFormat } from '../format.ts';

const read = (name: string): string => readFileSync(sqlFilePath(name, import.meta.url), 'utf8').trimEnd();

/** Headers every Cost Management cost-details export has, whatever the agreement (EA / MCA) or schema version. */
const CORE = ['date', 'metername', 'meterid', 'quantity', 'chargetype', 'billingperiodstartdate', 'billingperiodenddate'];
/** The cost column is spelled differently across schema versions; one of them must be there. */
const COST = ['cost', 'costinbillingcurrency'];
/** Columns only cost details have (a FOCUS export has BilledCost / ChargeCategory instead). */
const DISTINCTIVE = ['pricingmodel', 'unitofmeasure', 'metercategory', 'consumedservice', 'subscriptionid', 'effectiveprice'];

export function detectAzureCostDetails(probe: FormatProbe): number {
  const cols = new Set(probe.columns.map((c) => c.trim().toLowerCase()));
  if (cols.has('billedcost') || cols.has('chargecategory')) return 0;
  if (!CORE.every((c) => cols.has(c)) || !COST.some((c) => cols.has(c))) return 0;
  const distinctive = DISTINCTIVE.filter((c) => cols.has(c)).length;
  return 0.6 + (0.35 * distinctive) / DISTINCTIVE.length;
}

export const azureCostDetailsFormat: SourceFormat = {
  id: 'azure-cost-details',
  title: 'Azure Cost Management cost details (EA / MCA, actual and amortized CSV exports)',
  provider: 'azure',
  fileKinds: ['csv'],
  detect: detectAzureCostDetails,
  // `filename` tells actual from amortized exports when several files are imported together.
  read: { csv: { filename: true } },
  // The conversion brings its own template for every header variant; only sourceIdSql reads src directly.
  optionalColumns: ['BillingAccountId', 'BillingProfileId'],
  sqlFile: sqlFilePath('./azure-cost-details.sql', import.meta.url),
  sourceTotalsSql: `WITH\n${read('./azure-cost-details.common.sql')}\n${read('./azure-cost-details.totals.sql')}`,
  sourceIdSql: `SELECT min(COALESCE(CASE WHEN "BillingAccountId" LIKE '%:%' THEN "BillingProfileId" END, "BillingAccountId")) AS source_id FROM src`,
  docPath: 'docs/focus/azure-cost-details.md',
};
