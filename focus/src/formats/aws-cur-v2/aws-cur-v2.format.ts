import { readFileSync } from 'node:fs';
import { awsCurV1Format, referencedSourceColumns } from '../aws-cur-v1/aws-cur-v1.format.ts';
import type { FormatProbe, SourceFormat } from '../format.ts';

/** A CUR 1.0 `category/Name` column as CUR 2.0 spells it: every capital starts a snake_case word (ARN → a_r_n). */
export function curV2ColumnName(v1: string): string {
  const snake = (part: string): string => part.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/^_/, '');
  const [category = '', name = ''] = v1.split('/');
  return `${snake(category)}_${snake(name)}`;
}

const V1_COLUMN = /"((?:bill|lineItem|product|pricing|reservation|savingsPlan|identity)\/[^"]+)"/g;

/**
 * Where CUR 2.0 has more than a renamed column: [CUR 1.0 expression in aws-cur-v1.sql, CUR 2.0 expression]. The
 * product attributes may come as the `product` map or as flattened `product_*` columns, and tags are the
 * `resource_tags` map instead of one `resourceTags/…` column per key.
 */
const CUR_V2_EXPRESSIONS: ReadonlyArray<readonly [string, string]> = [
  ['CAST(NULL AS VARCHAR) AS "BillingAccountName"', `CAST(NULLIF(t."bill_payer_account_name", '') AS VARCHAR) AS "BillingAccountName"`],
  ['t."product/PurchaseOption"', `COALESCE(t."product"['purchase_option'], t."product_purchase_option")`],
  [
    'CAST(t."lineItem/UsageAccountId" AS VARCHAR) AS "SubAccountName"',
    `CAST(COALESCE(NULLIF(t."line_item_usage_account_name", ''), t."line_item_usage_account_id") AS VARCHAR) AS "SubAccountName"`,
  ],
  ['t."__tags" AS "Tags"', 't."resource_tags" AS "Tags"'],
];

/**
 * aws-cur-v1 SQL (conversion or totals) → the same SQL over CUR 2.0 columns. Throws when an expression listed in
 * CUR_V2_EXPRESSIONS is no longer in the CUR 1.0 text, so an edit there cannot silently drop a CUR 2.0 difference.
 */
export function curV1SqlToV2(sql: string, expressions: ReadonlyArray<readonly [string, string]> = CUR_V2_EXPRESSIONS): string {
  let out = sql;
  for (const [v1, v2] of expressions) {
    if (!out.includes(v1)) throw new Error(`aws-cur-v2: the CUR 1.0 SQL no longer contains ${v1}; update CUR_V2_EXPRESSIONS`);
    out = out.replaceAll(v1, v2);
  }
  return out.replace(V1_COLUMN, (_, column: string) => `"${curV2ColumnName(column)}"`);
}

export const awsCurV2Format: SourceFormat = {
  id: 'aws-cur-v2',
  title: 'AWS CUR 2.0 / Data Exports (snake_case columns), parquet, CSV or CSV.gz',
  provider: 'aws',
  fileKinds: ['csv', 'parquet'],
  detect(probe: FormatProbe): number {
    const cols = new Set(probe.columns);
    if (!cols.has('line_item_unblended_cost') || !cols.has('line_item_line_item_type')) return 0;
    return cols.has('bill_billing_period_start_date') ? 0.95 : 0.5;
  },
  // One mapping for both CUR generations: aws-cur-v1.sql, rendered over the CUR 2.0 column names.
  sqlFile: awsCurV1Format.sqlFile,
  renderSql: (sql) => curV1SqlToV2(sql),
  optionalColumns: referencedSourceColumns(
    curV1SqlToV2(readFileSync(awsCurV1Format.sqlFile, 'utf8')),
    /"((?:bill|line_item|product|pricing|reservation|savings_plan|identity|resource_tags)(?:_[a-z0-9_]+)?)"/g,
  ),
  mapColumns: ['resource_tags', 'product', 'discount', 'cost_category'],
  sourceTotalsSql: curV1SqlToV2(awsCurV1Format.sourceTotalsSql, []),
  sourceIdSql: curV1SqlToV2(awsCurV1Format.sourceIdSql ?? '', []),
  docPath: 'docs/focus/aws-cur-v2.md',
};
