import { readFileSync } from 'node:fs';
import { LIST, VARCHAR, listValue, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import rowRuleData from '../catalog/focus-1.2.row-rules.json' with { type: 'json' };
import { focusColumns, isCustomColumn, isFocusColumn, quoteIdentifier, type FocusColumn, type FocusDataType } from '../catalog/focus-catalog.ts';

export type FocusRuleSeverity = 'error' | 'warning';

/** A rule decided from the relation's schema alone (presence, type, column naming). */
export interface SchemaRuleResult {
  kind: 'schema';
  id: string;
  column?: string;
  description: string;
  severity: FocusRuleSeverity;
  /** null when the rule cannot be decided from the data (e.g. a Conditional column whose condition is unknown). */
  failed: boolean | null;
  samples: object[];
  skipped?: string;
}

/** A rule evaluated per row: the row counts as checked when `appliesWhen` holds and as failed when `failsWhen` also holds. */
export interface RowRule {
  kind: 'row';
  id: string;
  column?: string;
  description: string;
  severity: FocusRuleSeverity;
  /** Every column the SQL reads; the rule is skipped when one is absent or mistyped. */
  columns: string[];
  appliesWhen: string;
  failsWhen: string;
}

export interface SkippedRowRule {
  kind: 'skipped';
  id: string;
  column?: string;
  description: string;
  severity: FocusRuleSeverity;
  skipped: string;
}

/**
 * Parameters referenced as `{{pN}}` tokens in rule SQL. `compile` renumbers only the tokens a statement uses into
 * `$1..$k`, so rules that end up skipped leave no unbound parameter behind.
 */
export class SqlParams {
  private readonly values: DuckDBValue[] = [];
  private readonly types: DuckDBType[] = [];

  add(value: DuckDBValue, type: DuckDBType): string {
    this.values.push(value);
    this.types.push(type);
    return `{{p${this.values.length - 1}}}`;
  }

  addStringList(values: readonly string[]): string {
    return this.add(listValue([...values]), LIST(VARCHAR));
  }

  compile(sql: string): { sql: string; values: DuckDBValue[]; types: DuckDBType[] } {
    const order = new Map<number, number>();
    const values: DuckDBValue[] = [];
    const types: DuckDBType[] = [];
    const compiled = sql.replace(/\{\{p(\d+)\}\}/g, (_, raw: string) => {
      const index = Number(raw);
      let position = order.get(index);
      if (position === undefined) {
        const value = this.values[index];
        const type = this.types[index];
        if (value === undefined || type === undefined) throw new Error(`SQL references unknown parameter {{p${index}}}`);
        values.push(value);
        types.push(type);
        position = values.length;
        order.set(index, position);
      }
      return `$${position}`;
    });
    return { sql: compiled, values, types };
  }
}

export interface RuleOptions {
  /** Largest |unit price × PricingQuantity − cost| still counted as a match, as a decimal string in the billing currency. */
  amountTolerance: string;
}

interface ModelRowRule {
  id: string;
  column: string;
  keyword: string;
  description: string;
  template: string;
  other?: string;
}

const q = quoteIdentifier;

function severityOf(keyword: string): FocusRuleSeverity | null {
  if (keyword === 'MUST' || keyword === 'MUST NOT') return 'error';
  if (keyword === 'SHOULD' || keyword === 'SHOULD NOT' || keyword === 'RECOMMENDED') return 'warning';
  return null;
}

let currencyCodes: string[] | undefined;
/** ISO 4217 list shipped by the official focus_validator (currency-codes.csv: index,code). */
export function iso4217CurrencyCodes(): string[] {
  if (currencyCodes) return currencyCodes;
  const file = new URL('./currency-codes.csv', import.meta.url);
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0] !== ',currency_codes') throw new Error(`${file.pathname}: unexpected header "${lines[0]}"`);
  currencyCodes = lines.slice(1).map((line, i) => {
    const code = line.split(',')[1]?.trim() ?? '';
    if (!/^[A-Z]{3}$/.test(code)) throw new Error(`${file.pathname}: row ${i + 2} has invalid currency code "${code}"`);
    return code;
  });
  return currencyCodes;
}

const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT']);
const TIMESTAMP_TYPES = new Set(['TIMESTAMP WITH TIME ZONE', 'TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS']);

/** Binary floats are rejected for Decimal columns: they cannot hold source totals exactly. */
export function duckDbTypeMatches(dataType: FocusDataType, duckdbType: string): boolean {
  switch (dataType) {
    case 'String':
      return duckdbType === 'VARCHAR';
    case 'Decimal':
      return duckdbType.startsWith('DECIMAL(') || INTEGER_TYPES.has(duckdbType);
    case 'DateTime':
      return TIMESTAMP_TYPES.has(duckdbType);
    case 'JSON':
      return duckdbType === 'JSON' || duckdbType === 'VARCHAR' || duckdbType.startsWith('MAP(') || duckdbType.startsWith('STRUCT(');
  }
}

function criteriaKey(c: FocusColumn): string {
  return [...c.presenceCriteria].sort().join('+');
}

function presenceRule(column: FocusColumn, schema: ReadonlyMap<string, string>): SchemaRuleResult {
  const present = schema.has(column.name);
  const base = { kind: 'schema' as const, id: column.modelRules.presence, column: column.name, samples: [] as object[] };
  if (column.featureLevel === 'Mandatory') {
    return { ...base, description: `${column.name} MUST be present in a FOCUS dataset.`, severity: 'error', failed: !present, samples: present ? [] : [{ missingColumn: column.name }] };
  }
  if (column.featureLevel === 'Recommended' || column.featureLevel === 'Optional') {
    return { ...base, description: `${column.name} SHOULD be present in a FOCUS dataset.`, severity: 'warning', failed: !present, samples: present ? [] : [{ missingColumn: column.name }] };
  }
  const criteria = column.presenceCriteria.join(', ');
  const description = `${column.name} MUST be present in a FOCUS dataset when the provider supports it (${criteria}).`;
  if (present) return { ...base, description, severity: 'error', failed: false };
  // The provider evidently supports the feature when another column gated by exactly the same criteria is present.
  const key = criteriaKey(column);
  const witness = focusColumns.find((c) => c.name !== column.name && c.featureLevel === 'Conditional' && key !== '' && criteriaKey(c) === key && schema.has(c.name));
  if (witness) {
    return { ...base, description, severity: 'error', failed: true, samples: [{ missingColumn: column.name, presentColumnWithSameCondition: witness.name }] };
  }
  return { ...base, description, severity: 'error', failed: null, skipped: `not determinable: no present column shows the provider supports ${criteria}` };
}

function typeRule(column: FocusColumn, actual: string): SchemaRuleResult {
  const ok = duckDbTypeMatches(column.dataType, actual);
  return {
    kind: 'schema',
    id: column.modelRules.type ?? `${column.name}.Type`,
    column: column.name,
    description: `${column.name} MUST be of type ${column.dataType} (storage ${column.duckdbType}).`,
    severity: 'error',
    failed: !ok,
    samples: ok ? [] : [{ column: column.name, actualType: actual, expectedType: column.duckdbType }],
  };
}

function customColumnRule(schema: ReadonlyMap<string, string>): SchemaRuleResult {
  const unknown = [...schema.keys()].filter((name) => !isFocusColumn(name) && !isCustomColumn(name));
  return {
    kind: 'schema',
    id: 'ColumnHandling-A-010-M',
    description: 'Custom columns MUST be prefixed with a consistent x_ prefix to distinguish them from FOCUS columns.',
    severity: 'error',
    failed: unknown.length > 0,
    samples: unknown.map((name) => ({ column: name, actualType: schema.get(name) })),
  };
}

function templateRule(rule: ModelRowRule, p: SqlParams): Omit<RowRule, 'kind' | 'severity'> | null {
  const col = q(rule.column);
  const other = rule.other ? q(rule.other) : '';
  const usageOrPurchase = () => `"ChargeCategory" IN ('Usage', 'Purchase') AND "ChargeClass" IS DISTINCT FROM 'Correction'`;
  const base = { id: rule.id, column: rule.column, description: rule.description };
  switch (rule.template) {
    case 'null-when-null':
      return { ...base, columns: [rule.column, rule.other!], appliesWhen: `${other} IS NULL`, failsWhen: `${col} IS NOT NULL` };
    case 'not-null-when-not-null':
      return { ...base, columns: [rule.column, rule.other!], appliesWhen: `${other} IS NOT NULL`, failsWhen: `${col} IS NULL` };
    case 'not-null-when-not-null-and-usage':
      return { ...base, columns: [rule.column, rule.other!, 'ChargeCategory'], appliesWhen: `${other} IS NOT NULL AND "ChargeCategory" = 'Usage'`, failsWhen: `${col} IS NULL` };
    case 'null-when-tax':
      return { ...base, columns: [rule.column, 'ChargeCategory'], appliesWhen: `"ChargeCategory" = 'Tax'`, failsWhen: `${col} IS NOT NULL` };
    case 'not-null-when-usage-or-purchase-not-correction':
      return { ...base, columns: [rule.column, 'ChargeCategory', 'ChargeClass'], appliesWhen: usageOrPurchase(), failsWhen: `${col} IS NULL` };
    case 'non-negative':
      return { ...base, columns: [rule.column], appliesWhen: `${col} IS NOT NULL`, failsWhen: `${col} < ${p.add('0', VARCHAR)}::DECIMAL(38,18)` };
    default:
      throw new Error(`focus-1.2.row-rules.json: rule ${rule.id} has unknown template "${rule.template}"`);
  }
}

/**
 * Pairs of magnitude bounds (unit price < 10^k, quantity < 5·10^(1-k)) under which the product stays below 50, so it
 * fits DECIMAL(38,36) exactly; with |cost| < 50 the difference stays below 100, inside the same type.
 */
const EXACT_PRODUCT_BOUNDS: ReadonlyArray<readonly [string, string]> = Array.from({ length: 13 }, (_, i) => {
  const k = i - 6;
  const bound = (exp: number, mantissa: number): string => (exp >= 0 ? `${mantissa}${'0'.repeat(exp)}.0` : `0.${'0'.repeat(-exp - 1)}${mantissa}`);
  return [bound(k, 1), bound(1 - k, 5)] as const;
});

/**
 * Unit price × PricingQuantity must match the cost. Rows whose operands are small enough (almost every real line
 * item: EXACT_PRODUCT_BOUNDS, |cost| < 50) are compared exactly: DECIMAL(38,18) × DECIMAL(38,18) is DECIMAL(38,36) and
 * needs only 128-bit multiplication. Larger rows round the operands to 12 decimals (DECIMAL(38,24) product, 14 integer
 * digits), as before; that path costs ~15× more, because DuckDB rescales DECIMAL(38,18) by 128-bit long division
 * (measured 2 s of CPU per rule per million rows), which made these two rules most of the validation time.
 * try() turns an overflow into "not comparable" instead of aborting the whole pass. A tolerance of 1 or more
 * would not fit DECIMAL(38,36) next to the difference, so it always takes the rounded path.
 */
function productRule(id: string, unitPrice: string, cost: string, description: string, p: SqlParams, opts: RuleOptions): Omit<RowRule, 'kind' | 'severity'> {
  const tolerance = p.add(opts.amountTolerance, VARCHAR);
  const price = `CAST(${q(unitPrice)} AS DECIMAL(38,18))`;
  const quantity = 'CAST("PricingQuantity" AS DECIMAL(38,18))';
  const amount = `CAST(${q(cost)} AS DECIMAL(38,18))`;
  const rounded = `try(abs(CAST(${q(unitPrice)} AS DECIMAL(38,12)) * CAST("PricingQuantity" AS DECIMAL(38,12)) - ${amount})) > CAST(${tolerance} AS DECIMAL(38,18))`;
  const small = EXACT_PRODUCT_BOUNDS.map(([pb, qb]) => `(abs(${price}) < ${pb} AND abs(${quantity}) < ${qb})`).join(' OR ');
  const exact = `CASE WHEN abs(${amount}) < 50.0 AND (${small}) THEN abs(${price} * ${quantity} - ${amount}) > CAST(${tolerance} AS DECIMAL(38,18)) ELSE ${rounded} END`;
  return {
    id,
    column: cost,
    description,
    columns: [unitPrice, 'PricingQuantity', cost, 'ChargeClass'],
    appliesWhen: `${q(unitPrice)} IS NOT NULL AND "PricingQuantity" IS NOT NULL AND "ChargeClass" IS DISTINCT FROM 'Correction'`,
    failsWhen: /^0(\.\d*)?$/.test(opts.amountTolerance) ? exact : rounded,
  };
}

function handWrittenRules(schema: ReadonlyMap<string, string>, p: SqlParams, opts: RuleOptions): Array<Omit<RowRule, 'kind' | 'severity'> & { severity?: FocusRuleSeverity }> {
  const rules: Array<Omit<RowRule, 'kind' | 'severity'> & { severity?: FocusRuleSeverity }> = [];
  rules.push({
    id: 'ChargePeriod.StartBeforeEnd',
    column: 'ChargePeriodStart',
    description: 'ChargePeriodStart (inclusive start bound, ChargePeriodStart-C-004-M) MUST be before ChargePeriodEnd (exclusive end bound, ChargePeriodEnd-C-004-M).',
    columns: ['ChargePeriodStart', 'ChargePeriodEnd'],
    appliesWhen: '"ChargePeriodStart" IS NOT NULL AND "ChargePeriodEnd" IS NOT NULL',
    failsWhen: '"ChargePeriodStart" >= "ChargePeriodEnd"',
  });
  rules.push({
    id: 'BillingPeriod.StartBeforeEnd',
    column: 'BillingPeriodStart',
    description: 'BillingPeriodStart (inclusive start bound, BillingPeriodStart-C-004-M) MUST be before BillingPeriodEnd (exclusive end bound, BillingPeriodEnd-C-004-M).',
    columns: ['BillingPeriodStart', 'BillingPeriodEnd'],
    appliesWhen: '"BillingPeriodStart" IS NOT NULL AND "BillingPeriodEnd" IS NOT NULL',
    failsWhen: '"BillingPeriodStart" >= "BillingPeriodEnd"',
  });
  rules.push({
    id: 'BillingCurrency-C-006-M',
    column: 'BillingCurrency',
    description: 'BillingCurrency MUST be expressed in national currency (ISO 4217 code, e.g. USD, EUR).',
    columns: ['BillingCurrency'],
    appliesWhen: '"BillingCurrency" IS NOT NULL',
    failsWhen: `NOT list_contains(${p.addStringList(iso4217CurrencyCodes())}, "BillingCurrency")`,
  });
  const sub = focusColumns.find((c) => c.name === 'ServiceSubcategory');
  const parents = sub?.allowedValueParents ?? {};
  const subs = p.addStringList(Object.keys(parents));
  rules.push({
    id: 'ServiceSubcategory-C-004-M',
    column: 'ServiceSubcategory',
    description: 'ServiceSubcategory MUST have one and only one parent ServiceCategory as specified in the allowed values.',
    columns: ['ServiceSubcategory', 'ServiceCategory'],
    appliesWhen: `list_contains(${subs}, "ServiceSubcategory")`,
    failsWhen: `list_extract(${p.addStringList(Object.values(parents))}, list_position(${subs}, "ServiceSubcategory")) IS DISTINCT FROM "ServiceCategory"`,
  });
  // ConsumedQuantity-C-004-C reads CommitmentDiscountStatus only when the dataset has it (no commitment discounts otherwise).
  const hasStatus = schema.has('CommitmentDiscountStatus');
  rules.push({
    id: 'ConsumedQuantity-C-004-C',
    column: 'ConsumedQuantity',
    description: 'ConsumedQuantity MUST be null when ChargeCategory is not "Usage", or when ChargeCategory is "Usage" and CommitmentDiscountStatus is "Unused".',
    columns: ['ConsumedQuantity', 'ChargeCategory', ...(hasStatus ? ['CommitmentDiscountStatus'] : [])],
    appliesWhen: `"ChargeCategory" IS DISTINCT FROM 'Usage'${hasStatus ? ` OR "CommitmentDiscountStatus" = 'Unused'` : ''}`,
    failsWhen: '"ConsumedQuantity" IS NOT NULL',
  });
  rules.push({
    id: 'ConsumedQuantity-C-006-C',
    column: 'ConsumedQuantity',
    description: 'When ChargeCategory is "Usage" and CommitmentDiscountStatus is not "Unused", ConsumedQuantity MUST NOT be null when ChargeClass is not "Correction".',
    columns: ['ConsumedQuantity', 'ChargeCategory', 'ChargeClass', ...(hasStatus ? ['CommitmentDiscountStatus'] : [])],
    appliesWhen: `"ChargeCategory" = 'Usage' AND "ChargeClass" IS DISTINCT FROM 'Correction'${hasStatus ? ` AND "CommitmentDiscountStatus" IS DISTINCT FROM 'Unused'` : ''}`,
    failsWhen: '"ConsumedQuantity" IS NULL',
  });
  rules.push({
    id: 'CommitmentDiscountQuantity-C-005-C',
    column: 'CommitmentDiscountQuantity',
    description: 'When ChargeCategory is "Usage" or "Purchase" and CommitmentDiscountId is not null, CommitmentDiscountQuantity MUST NOT be null when ChargeClass is not "Correction".',
    columns: ['CommitmentDiscountQuantity', 'CommitmentDiscountId', 'ChargeCategory', 'ChargeClass'],
    appliesWhen: `"ChargeCategory" IN ('Usage', 'Purchase') AND "CommitmentDiscountId" IS NOT NULL AND "ChargeClass" IS DISTINCT FROM 'Correction'`,
    failsWhen: '"CommitmentDiscountQuantity" IS NULL',
  });
  rules.push(productRule('ListCost-C-009-C', 'ListUnitPrice', 'ListCost',
    'The product of ListUnitPrice and PricingQuantity MUST match the ListCost when ListUnitPrice is not null, PricingQuantity is not null, and ChargeClass is not "Correction".', p, opts));
  rules.push(productRule('ContractedCost-C-009-C', 'ContractedUnitPrice', 'ContractedCost',
    'The product of ContractedUnitPrice and PricingQuantity MUST match the ContractedCost when ContractedUnitPrice is not null, PricingQuantity is not null, and ChargeClass is not "Correction".', p, opts));
  // Key-value columns stored as text must hold a JSON object; MAP/STRUCT storage is an object by construction.
  for (const [name, id] of [['Tags', 'Tags-C-001-M'], ['SkuPriceDetails', 'SkuPriceDetails-C-001-M']] as const) {
    const type = schema.get(name);
    if (type !== 'VARCHAR' && type !== 'JSON') continue;
    rules.push({
      id,
      column: name,
      description: `${name} MUST conform to KeyValueFormat requirements (a serialized JSON object, ECMA-404).`,
      columns: [name],
      appliesWhen: `${q(name)} IS NOT NULL`,
      failsWhen: `coalesce(try(json_type(${q(name)}::VARCHAR)) = 'OBJECT', false) = false`,
    });
  }
  return rules;
}

export interface FocusRulePlan {
  schemaRules: SchemaRuleResult[];
  rowRules: RowRule[];
  skipped: SkippedRowRule[];
  params: SqlParams;
}

/**
 * Every rule the validator runs, in report order: dataset-level presence and types first, then row rules.
 * `schema` maps each column of the relation to its DuckDB type.
 */
export function planFocusRules(schema: ReadonlyMap<string, string>, opts: RuleOptions): FocusRulePlan {
  const params = new SqlParams();
  const schemaRules: SchemaRuleResult[] = [];
  const mistyped = new Set<string>();
  for (const column of focusColumns) {
    schemaRules.push(presenceRule(column, schema));
    const actual = schema.get(column.name);
    if (actual !== undefined) {
      const t = typeRule(column, actual);
      if (t.failed) mistyped.add(column.name);
      schemaRules.push(t);
    }
  }
  schemaRules.push(customColumnRule(schema));

  const candidates: Array<Omit<RowRule, 'kind' | 'severity'> & { severity: FocusRuleSeverity }> = [];
  for (const column of focusColumns) {
    if (column.mustNotBeNull) {
      candidates.push({
        id: column.modelRules.notNull ?? `${column.name}.NotNull`,
        column: column.name,
        description: `${column.name} MUST NOT be null.`,
        severity: 'error',
        columns: [column.name],
        appliesWhen: 'true',
        failsWhen: `${q(column.name)} IS NULL`,
      });
    }
    if (column.allowedValues) {
      candidates.push({
        id: column.modelRules.allowedValues ?? `${column.name}.AllowedValues`,
        column: column.name,
        description: `${column.name} MUST be one of the allowed values: ${column.allowedValues.join(', ')}.${column.allowedValuesOverride ? ` (${column.allowedValuesOverride})` : ''}`,
        severity: 'error',
        columns: [column.name],
        appliesWhen: `${q(column.name)} IS NOT NULL`,
        failsWhen: `NOT list_contains(${params.addStringList(column.allowedValues)}, ${q(column.name)})`,
      });
    }
  }
  for (const rule of rowRuleData.rules as ModelRowRule[]) {
    const severity = severityOf(rule.keyword);
    const built = severity ? templateRule(rule, params) : null;
    if (built && severity) candidates.push({ ...built, severity });
  }
  for (const rule of handWrittenRules(schema, params, opts)) candidates.push({ ...rule, severity: rule.severity ?? 'error' });

  const rowRules: RowRule[] = [];
  const skipped: SkippedRowRule[] = [];
  for (const c of candidates) {
    const missing = c.columns.filter((name) => !schema.has(name));
    const wrongType = c.columns.filter((name) => mistyped.has(name));
    const base = { id: c.id, column: c.column, description: c.description, severity: c.severity };
    if (missing.length > 0) skipped.push({ kind: 'skipped', ...base, skipped: `column(s) absent: ${missing.join(', ')}` });
    else if (wrongType.length > 0) skipped.push({ kind: 'skipped', ...base, skipped: `column(s) have the wrong type: ${wrongType.join(', ')}` });
    else rowRules.push({ kind: 'row', ...c });
  }
  return { schemaRules, rowRules, skipped, params };
}
