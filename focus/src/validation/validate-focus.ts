import { type DuckDBConnection } from '@duckdb/node-api';
import { FOCUS_VERSION, isCustomColumn } from '../catalog/focus-catalog.ts';
import { planFocusRules, type FocusRuleSeverity } from './focus-rules.ts';
import { countRuleFailures, describeRelation, sampleFailingRows } from './focus-validation.query.ts';

export interface ValidateFocusOptions {
  version?: typeof FOCUS_VERSION;
  /** Failing rows reported per rule (default 5). */
  sampleLimit?: number;
  /** Tolerance for "unit price × quantity MUST match cost", decimal string in billing currency (default 0.000001). */
  amountTolerance?: string;
}

export interface FocusRuleResult {
  id: string;
  column?: string;
  description: string;
  severity: FocusRuleSeverity;
  /** Rows the rule applied to (1 for a dataset-level rule; 0 when skipped). */
  checked: number;
  /** Rows that broke the rule (1 for a failed dataset-level rule). */
  failed: number;
  samples: object[];
  /** Why the rule could not be evaluated (absent column, wrong type, undeterminable condition). */
  skipped?: string;
}

export interface FocusValidationReport {
  version: typeof FOCUS_VERSION;
  relation: string;
  rowCount: number;
  rules: FocusRuleResult[];
  /** False when any error-severity rule failed. */
  passed: boolean;
  errors: number;
  warnings: number;
  /** x_ custom columns: allowed by the spec and not validated. */
  ignoredColumns: string[];
}

const DECIMAL_STRING = /^\d+(\.\d+)?$/;

/**
 * Validates a DuckDB table or view against FOCUS 1.2: column presence, types, nullability, allowed values and the
 * cross-column rules of the requirements model that SQL can decide, in one aggregate pass plus one sample query per
 * failing rule.
 */
export async function validateFocus(conn: DuckDBConnection, relationName: string, opts: ValidateFocusOptions = {}): Promise<FocusValidationReport> {
  const version = opts.version ?? FOCUS_VERSION;
  if (version !== FOCUS_VERSION) throw new Error(`validateFocus: version "${String(version)}" is not supported (supported: ${FOCUS_VERSION})`);
  const sampleLimit = opts.sampleLimit ?? 5;
  if (!Number.isInteger(sampleLimit) || sampleLimit < 0) throw new Error(`validateFocus: sampleLimit must be a non-negative integer, got ${sampleLimit}`);
  const amountTolerance = opts.amountTolerance ?? '0.000001';
  if (!DECIMAL_STRING.test(amountTolerance)) throw new Error(`validateFocus: amountTolerance must be a non-negative decimal string, got "${amountTolerance}"`);

  const schema = await describeRelation(conn, relationName);
  const plan = planFocusRules(schema, { amountTolerance });
  const { rowCount, counts } = await countRuleFailures(conn, relationName, plan.rowRules, plan.params);

  const rules: FocusRuleResult[] = plan.schemaRules.map((r) => ({
    id: r.id,
    ...(r.column ? { column: r.column } : {}),
    description: r.description,
    severity: r.severity,
    checked: r.failed === null ? 0 : 1,
    failed: r.failed ? 1 : 0,
    samples: r.samples.slice(0, sampleLimit),
    ...(r.skipped ? { skipped: r.skipped } : {}),
  }));
  for (const [i, rule] of plan.rowRules.entries()) {
    const c = counts[i]!;
    const samples = c.failed > 0 && sampleLimit > 0 ? await sampleFailingRows(conn, relationName, rule, plan.params, sampleLimit) : [];
    rules.push({ id: rule.id, ...(rule.column ? { column: rule.column } : {}), description: rule.description, severity: rule.severity, checked: c.checked, failed: c.failed, samples });
  }
  for (const s of plan.skipped) {
    rules.push({ id: s.id, ...(s.column ? { column: s.column } : {}), description: s.description, severity: s.severity, checked: 0, failed: 0, samples: [], skipped: s.skipped });
  }

  const errors = rules.filter((r) => r.severity === 'error' && r.failed > 0).length;
  const warnings = rules.filter((r) => r.severity === 'warning' && r.failed > 0).length;
  return {
    version,
    relation: relationName,
    rowCount,
    rules,
    passed: errors === 0,
    errors,
    warnings,
    ignoredColumns: [...schema.keys()].filter(isCustomColumn),
  };
}
