import { type FocusImportResult, type ImportedPartition, importFocusFiles, type ValidationSummary, validateFocus } from '@openfinops/focus';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LakeLayout } from '@openfinops/tenants';
import { localChange } from '../common/cache-changes.ts';
import { newRunId } from '../store/run-id.ts';
import type { Store } from '../store/store.ts';
import { TenantRepository } from '../tenants/tenant.repository.ts';
import { ImportStateRepository, type ImportStateRecord } from './import-state.repository.ts';

export interface ImportRequest {
  tenantId: string;
  inputs: readonly string[];
  /** 'auto' or a format id from the registry. */
  format?: string;
  /** Fail the import when the converted rows break an error-level FOCUS rule (default: report only). */
  strictValidation?: boolean;
  onProgress?: (message: string) => void;
  threads?: number;
  memoryLimit?: string;
  /** Run id to use (a worker's run); a new one otherwise. */
  runId?: string;
  /** Source identity from a cloud connector (see FocusImportOptions.source). */
  source?: { sourceKey: string; version: string; sourceId: string };
  /** A worker run's signal: see FocusImportOptions.signal for where it takes effect. */
  signal?: AbortSignal;
}

export type ImportSummary = FocusImportResult & { runId: string };

/** Summarises the catalog engineer's validation report for the import summary (rules that failed, by id). */
export async function validateForImport(conn: DuckDBConnection, relation: string): Promise<ValidationSummary> {
  const report = await validateFocus(conn, relation, { sampleLimit: 1 });
  const failed = report.rules.filter((r) => r.failed > 0);
  return {
    valid: report.passed,
    errors: report.errors,
    warnings: report.warnings,
    messages: failed.map((r) => `${r.severity} ${r.id}${r.column ? ` (${r.column})` : ''}: ${r.failed} row(s): ${r.description}`),
  };
}

function stateRecord(tenantId: string, runId: string, sourceKey: string, version: string, p: ImportedPartition): ImportStateRecord {
  const summary: ImportStateRecord['currencySummary'] = {};
  for (const t of p.totals) summary[t.currency] = { rows: t.rows, billedCost: t.billedCost, effectiveCost: t.effectiveCost, listCost: t.listCost };
  const currencies = Object.keys(summary);
  return {
    tenantId,
    sourceKey,
    billingPeriod: p.billingPeriod,
    provider: p.provider,
    version,
    rowCount: p.rows,
    // One currency: its total. Several: 0 here, each total in currencySummary (amounts in different currencies never add up).
    billedCost: currencies.length === 1 ? (summary[currencies[0] as string]?.billedCost ?? '0') : '0',
    currencySummary: summary,
    runId,
  };
}

/** `finops import` and the API's import endpoint: converts, validates, reconciles and swaps, then records ImportState. */
export class ImportService {
  private readonly states: ImportStateRepository;
  private readonly tenants: TenantRepository;

  constructor(
    store: Store,
    private readonly layout: LakeLayout,
  ) {
    this.states = new ImportStateRepository(store.prisma);
    this.tenants = new TenantRepository(store.prisma);
  }

  async import(request: ImportRequest): Promise<ImportSummary> {
    await this.tenants.require(request.tenantId);
    const runId = request.runId ?? newRunId();
    const strict = request.strictValidation ?? false;
    // Any import that got past detection may have swapped partitions (even one that failed after its swap began).
    let lakeMayHaveChanged = true;
    try {
      const result = await this.run(request, runId, strict);
      lakeMayHaveChanged = result.status !== 'skipped';
      return { ...result, runId };
    } finally {
      if (lakeMayHaveChanged) localChange('lake');
    }
  }

  private run(request: ImportRequest, runId: string, strict: boolean) {
    return importFocusFiles({
      tenantId: request.tenantId,
      inputs: request.inputs,
      layout: this.layout,
      format: request.format ?? 'auto',
      runId,
      validate: validateForImport,
      failOnInvalid: strict,
      onProgress: request.onProgress,
      threads: request.threads,
      memoryLimit: request.memoryLimit,
      source: request.source,
      signal: request.signal,
      state: {
        isUnchanged: (sourceKey, version) => this.states.hasVersion(request.tenantId, sourceKey, version),
        recordImported: ({ sourceKey, version, partition }) =>
          this.states.upsert(stateRecord(request.tenantId, runId, sourceKey, version, partition)),
      },
    });
  }
}
