/**
 * Regenerates `focus-1.2.columns.json` from the vendored spec sources in `test/fixtures/focus-spec/`:
 *   npx tsx focus/src/catalog/generate-catalog.ts
 * The spec-text parse (`focus_columns.json`) is authoritative for feature level, type, nullability and allowed values;
 * the official requirements model (`model-1.2.json`) contributes rule ids and is cross-checked, so a disagreement
 * between the two fails generation unless it is a documented override below.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const sourceDir = join(repoRoot, 'test/fixtures/focus-spec');
const outFile = join(here, 'focus-1.2.columns.json');
const rulesOutFile = join(here, 'focus-1.2.row-rules.json');

interface SpecColumnRecord {
  focus_version: string;
  column_id: string;
  display_name: string;
  column_type: string;
  feature_level: string;
  allows_nulls: string;
  data_type: string;
  value_format: string;
  number_range: string;
  allowed_values: string[];
  allowed_values_detail: Array<Record<string, string>>;
  introduced_version: string;
  description: string;
  source_file: string;
}

interface ModelRequirement {
  CheckFunction?: string;
  ColumnName?: string;
  Value?: unknown;
  Items?: ModelRequirement[];
}

interface ModelRule {
  Reference: string;
  ApplicabilityCriteria: string[];
  EntityType: string;
  Status: string;
  ValidationCriteria: {
    MustSatisfy: string;
    Keyword: string;
    Requirement: ModelRequirement;
    Condition: ModelRequirement;
  };
}

interface ModelFile {
  Details: { ModelVersion: string; FOCUSVersion: string };
  ModelRules: Record<string, ModelRule>;
}

/**
 * Known defect in the official models (1.2 and 1.3): they list CommitmentDiscountStatus as Active|Expired|Pending,
 * but the FOCUS 1.2 spec text (columns/commitmentdiscountstatus.md) defines Used|Unused. The spec text wins.
 */
const ALLOWED_VALUE_OVERRIDES: Record<string, { specValues: string[]; modelValues: string[]; reason: string }> = {
  CommitmentDiscountStatus: {
    specValues: ['Used', 'Unused'],
    modelValues: ['Active', 'Expired', 'Pending'],
    reason: 'model-1.2.json lists Active|Expired|Pending; FOCUS 1.2 spec text defines Used|Unused and is authoritative',
  },
};

const STORAGE_TYPES: Record<string, string> = {
  Decimal: 'DECIMAL(38,18)',
  DateTime: 'TIMESTAMP WITH TIME ZONE',
  String: 'VARCHAR',
  JSON: 'JSON',
};

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(sourceDir, file), 'utf8')) as T;
}

function normalizeDataType(raw: string, column: string): string {
  if (raw === 'Date/Time') return 'DateTime';
  if (raw === 'String' || raw === 'Decimal' || raw === 'JSON') return raw;
  throw new Error(`focus_columns.json: column ${column} has unknown data_type "${raw}"`);
}

function parseBool(raw: string, column: string): boolean {
  if (raw === 'True') return true;
  if (raw === 'False') return false;
  throw new Error(`focus_columns.json: column ${column} has allows_nulls "${raw}" (expected True/False)`);
}

function unconditional(rule: ModelRule): boolean {
  return Object.keys(rule.ValidationCriteria.Condition).length === 0;
}

function modelRuleIdsFor(model: ModelFile, column: string) {
  const ids: { presence?: string; presenceKeyword?: string; presenceCriteria?: string[]; type?: string; notNull?: string; allowedValues?: string; modelAllowedValues?: string[] } = {};
  const keywordRank = ['MUST', 'RECOMMENDED', 'SHOULD', 'MAY'];
  for (const [id, rule] of Object.entries(model.ModelRules)) {
    if (rule.Status !== 'Active') continue;
    const req = rule.ValidationCriteria.Requirement;
    if (rule.EntityType === 'Dataset' && req.CheckFunction === 'ColumnPresent' && req.ColumnName === column) {
      // Some columns have several presence rules (MUST for virtual currency, MAY otherwise): keep the strongest.
      const keyword = rule.ValidationCriteria.Keyword;
      if (!ids.presenceKeyword || keywordRank.indexOf(keyword) < keywordRank.indexOf(ids.presenceKeyword)) {
        ids.presence = id;
        ids.presenceKeyword = keyword;
        ids.presenceCriteria = rule.ApplicabilityCriteria;
      }
    }
    if (rule.EntityType !== 'Column' || rule.Reference !== column || !unconditional(rule)) continue;
    if ((req.CheckFunction === 'TypeString' || req.CheckFunction === 'TypeDecimal' || req.CheckFunction === 'TypeDateTime') && req.ColumnName === column) ids.type = id;
    if (req.CheckFunction === 'CheckNotValue' && req.Value === null && req.ColumnName === column && /MUST NOT be null\.$/.test(rule.ValidationCriteria.MustSatisfy)) ids.notNull = id;
    if (req.CheckFunction === 'OR' && req.Items?.every((i) => i.CheckFunction === 'CheckValue' && i.ColumnName === column)) {
      ids.allowedValues = id;
      ids.modelAllowedValues = req.Items.map((i) => String(i.Value));
    }
  }
  return ids;
}

/**
 * Row rules whose MustSatisfy sentence follows one of these fixed shapes become data for the validator. The model's
 * machine-readable `Condition`s are not used: several contradict their own sentence (see PROVENANCE.md).
 * Only sentences with no conditional ancestor are taken unless the ancestor's condition is just "X is not null".
 */
const ROW_RULE_SHAPES: Array<{ template: string; pattern: RegExp; params: (m: RegExpMatchArray) => Record<string, string> }> = [
  { template: 'null-when-null', pattern: /^(\w+) MUST be null when (\w+) is null\.$/, params: (m) => ({ other: m[2]! }) },
  { template: 'not-null-when-not-null', pattern: /^(\w+) (?:MUST|SHOULD) NOT be null when (\w+) is not null\.$/, params: (m) => ({ other: m[2]! }) },
  { template: 'not-null-when-not-null-and-usage', pattern: /^(\w+) MUST NOT be null when (\w+) is not null and Charge ?Category is "Usage"\.$/, params: (m) => ({ other: m[2]! }) },
  { template: 'null-when-tax', pattern: /^(\w+) MUST be null when ChargeCategory is "Tax"\.$/, params: () => ({}) },
  { template: 'not-null-when-usage-or-purchase-not-correction', pattern: /^(\w+) MUST NOT be null when ChargeCategory is "Usage" or "Purchase" and ChargeClass is not "Correction"\.$/, params: () => ({}) },
  { template: 'non-negative', pattern: /^(\w+) MUST be a non-negative decimal value\.$/, params: () => ({}) },
];

function conditionalAncestors(model: ModelFile): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  const walk = (req: ModelRequirement & { ModelRuleId?: string }, parentId: string) => {
    if (req.CheckFunction === 'CheckModelRule' && req.ModelRuleId) parents.set(req.ModelRuleId, [...(parents.get(req.ModelRuleId) ?? []), parentId]);
    for (const item of req.Items ?? []) walk(item, parentId);
  };
  for (const [id, rule] of Object.entries(model.ModelRules)) walk(rule.ValidationCriteria.Requirement, id);
  const ancestors = (id: string, seen = new Set<string>()): string[] => {
    const out: string[] = [];
    for (const p of parents.get(id) ?? []) {
      if (seen.has(p)) continue;
      seen.add(p);
      const parent = model.ModelRules[p];
      if (parent && !unconditional(parent)) out.push(parent.ValidationCriteria.MustSatisfy);
      out.push(...ancestors(p, seen));
    }
    return out;
  };
  return new Map(Object.keys(model.ModelRules).map((id) => [id, ancestors(id)]));
}

function extractRowRules(model: ModelFile, columnNames: Set<string>) {
  const ancestors = conditionalAncestors(model);
  const rules = [];
  for (const [id, rule] of Object.entries(model.ModelRules)) {
    if (rule.Status !== 'Active' || rule.EntityType !== 'Column') continue;
    const text = rule.ValidationCriteria.MustSatisfy;
    for (const shape of ROW_RULE_SHAPES) {
      const m = text.match(shape.pattern);
      if (!m) continue;
      const column = m[1]!;
      const params = shape.params(m);
      for (const name of [column, ...Object.values(params)]) {
        if (!columnNames.has(name)) throw new Error(`model-1.2.json ${id}: "${name}" is not a FOCUS 1.2 column`);
      }
      const onlyWhenNotNull = `When ${column} is not null, ${column} adheres to the following additional requirements:`;
      const blocking = (ancestors.get(id) ?? []).filter((a) => a !== onlyWhenNotNull);
      if (blocking.length > 0) throw new Error(`model-1.2.json ${id}: shape "${shape.template}" matched but it is nested under "${blocking[0]}"`);
      rules.push({ id, column, keyword: rule.ValidationCriteria.Keyword, description: text, template: shape.template, ...params });
      break;
    }
  }
  return rules.sort((a, b) => a.id.localeCompare(b.id));
}

function writeAtomically(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
}

function columnOrder(): string[] {
  // columns.mdpp is the spec's authoritative column set and order (alphabetical by file name).
  const mdpp = readFileSync(join(sourceDir, 'v1.2/columns/columns.mdpp'), 'utf8');
  return [...mdpp.matchAll(/^!INCLUDE "([a-z]+)\.md"/gm)].map((m) => `v1.2/columns/${m[1]}.md`);
}

function generate() {
  const spec = readJson<SpecColumnRecord[]>('focus_columns.json').filter((r) => r.focus_version === '1.2');
  const model = readJson<ModelFile>('model-1.2.json');
  if (model.Details.FOCUSVersion !== '1.2') throw new Error(`model-1.2.json: FOCUSVersion is ${model.Details.FOCUSVersion}, expected 1.2`);
  const bySource = new Map(spec.map((r) => [r.source_file, r]));
  const order = columnOrder();
  if (order.length !== spec.length) throw new Error(`columns.mdpp lists ${order.length} columns but focus_columns.json has ${spec.length} for 1.2`);

  const columns = order.map((sourceFile) => {
    const r = bySource.get(sourceFile);
    if (!r) throw new Error(`focus_columns.json: no 1.2 record for ${sourceFile}`);
    const name = r.column_id;
    const dataType = normalizeDataType(r.data_type, name);
    const ids = modelRuleIdsFor(model, name);
    const allowsNulls = parseBool(r.allows_nulls, name);
    if (!ids.presence) throw new Error(`model-1.2.json: no ColumnPresent rule for ${name}`);
    const specValues = r.allowed_values;
    const override = ALLOWED_VALUE_OVERRIDES[name];
    if (ids.modelAllowedValues && !sameSet(ids.modelAllowedValues, specValues)) {
      if (!override || !sameSet(override.modelValues, ids.modelAllowedValues) || !sameSet(override.specValues, specValues)) {
        throw new Error(`${name}: spec allowed values [${specValues.join('|')}] differ from model [${ids.modelAllowedValues.join('|')}] and no override is declared`);
      }
    }
    // Tags get a MAP so `Tags['key']` filters stay fast; other JSON columns stay JSON text.
    const duckdbType = name === 'Tags' ? 'MAP(VARCHAR, VARCHAR)' : STORAGE_TYPES[dataType];
    const parentCategory = name === 'ServiceSubcategory'
      ? Object.fromEntries(r.allowed_values_detail.map((d) => {
        if (!d.value || !d.parent_service_category) throw new Error(`focus_columns.json: ServiceSubcategory value without parent_service_category: ${JSON.stringify(d)}`);
        return [d.value, d.parent_service_category];
      }))
      : undefined;
    return {
      name,
      displayName: r.display_name,
      columnType: r.column_type,
      featureLevel: r.feature_level,
      allowsNulls,
      // The normative bullet "X MUST NOT be null" outranks the informative constraint table: for PricingCurrency and
      // PricingCurrencyEffectiveCost the 1.2 table says "Allows nulls: True" while the bullet (and the model) forbid nulls.
      mustNotBeNull: !allowsNulls || ids.notNull !== undefined,
      dataType,
      duckdbType,
      valueFormat: r.value_format === '<not specified>' ? null : r.value_format,
      numberRange: r.number_range || null,
      ...(specValues.length > 0 ? { allowedValues: specValues } : {}),
      ...(parentCategory ? { allowedValueParents: parentCategory } : {}),
      ...(override ? { allowedValuesOverride: override.reason } : {}),
      introducedVersion: r.introduced_version,
      description: r.description,
      specSource: r.source_file,
      presenceCriteria: ids.presenceCriteria ?? [],
      modelRules: {
        presence: ids.presence,
        ...(ids.type ? { type: ids.type } : {}),
        ...(ids.notNull ? { notNull: ids.notNull } : {}),
        ...(ids.allowedValues ? { allowedValues: ids.allowedValues } : {}),
      },
    };
  });

  const out = {
    focusVersion: '1.2',
    generatedBy: 'focus/src/catalog/generate-catalog.ts',
    sources: [
      'test/fixtures/focus-spec/focus_columns.json (FOCUS_Spec v1.2, CC BY 4.0)',
      'test/fixtures/focus-spec/model-1.2.json (focus_validator v2.0.1, MIT)',
    ],
    columns,
  };
  writeAtomically(outFile, out);
  const rowRules = extractRowRules(model, new Set(columns.map((c) => c.name)));
  writeAtomically(rulesOutFile, { focusVersion: '1.2', generatedBy: out.generatedBy, source: out.sources[1], rules: rowRules });
  process.stdout.write(`wrote ${columns.length} columns to ${outFile}\nwrote ${rowRules.length} row rules to ${rulesOutFile}\n`);
}

generate();
