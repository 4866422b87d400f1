import { Table, tableToIPC } from 'apache-arrow';
import { findingColumnsToRecordBatch, type FindingColumns, type FindingTextColumn, type TextColumnValues } from './finding-arrow.ts';
import { withFindingIds } from './finding-cast.ts';
import { findingArrowSchema } from './finding-storage.schema.ts';

/**
 * `FindingColumns` as posted to the encoder thread: a text column whose rows all hold one value (tenant, run, account,
 * check, version, category... of a run) travels as that value once instead of one copy per row.
 */
export interface PackedFindingColumns extends Omit<FindingColumns, 'text'> {
  text: Record<FindingTextColumn, TextColumnValues | { repeat: string; nullCount: 0 }>;
}

export function packFindingColumns(columns: FindingColumns): { packed: PackedFindingColumns; transfer: ArrayBuffer[] } {
  const text = {} as PackedFindingColumns['text'];
  for (const [name, column] of Object.entries(columns.text) as [FindingTextColumn, TextColumnValues][]) {
    const first = column.values[0];
    let same = column.valid === undefined && first !== undefined && column.values.length > 1;
    for (let i = 1; same && i < column.values.length; i++) same = column.values[i] === first;
    text[name] = same ? { repeat: first!, nullCount: 0 } : column;
  }
  const { runDays, observedAt, savings, observedCost, tagOffsets } = columns;
  return {
    packed: { ...columns, text },
    // Each typed array owns its buffer (castFindingsToColumns slices or allocates them), so they move instead of being copied.
    transfer: [runDays, observedAt, savings, observedCost, tagOffsets].map((a) => a.buffer as ArrayBuffer),
  };
}

function unpackFindingColumns(packed: PackedFindingColumns): FindingColumns {
  const text = {} as FindingColumns['text'];
  for (const [name, column] of Object.entries(packed.text) as [FindingTextColumn, PackedFindingColumns['text'][FindingTextColumn]][]) {
    text[name] = 'repeat' in column ? { values: new Array<string>(packed.length).fill(column.repeat), nullCount: 0 } : column;
  }
  return { ...packed, text };
}

/**
 * The encoder thread's share of `castFindingsToBatch` (finding-parquet.worker.mjs imports this module through tsx):
 * the finding ids and the Arrow batch of a run's cast columns, as the Arrow IPC stream its parquet writer reads.
 */
export function findingColumnsToIPC(packed: PackedFindingColumns, runId: string): Uint8Array {
  const batch = findingColumnsToRecordBatch(withFindingIds(unpackFindingColumns(packed), runId));
  return tableToIPC(new Table(findingArrowSchema, [batch]), 'stream');
}
