import { DataType, Utf8, vectorFromArray, type Data } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { castFindings } from './finding-cast.ts';
import { findingRecordsFromTable, findingsToArrowTable } from './finding-arrow.ts';
import { findingArrowSchema, findingTagsType } from './finding-storage.schema.ts';
import { sampleWireFinding } from './testing/finding-samples.ts';

const ctx = { tenantId: 'acme', runId: 'run-1', observedAt: new Date('2024-06-01T10:20:30.456Z') };

function mixedRecords() {
  const { records, rejected } = castFindings(
    [
      sampleWireFinding({ resourceId: 'ascii', tags: {} }),
      sampleWireFinding({ resourceId: 'unicode-é', title: 'Größe → 日本 🚀', discriminator: 'gp2→gp3', tags: { 'z-ü': 'ï', a: '', m: 'x' } }),
      sampleWireFinding({ resourceId: 'lone', title: 'broken \ud800 text', observedMonthlyCost: null, exclusionGroup: 'g' }),
      sampleWireFinding({ resourceId: 'neg', observedMonthlyCost: '-0.000001', estimatedMonthlySavings: '0' }),
    ],
    ctx,
  );
  expect(rejected).toEqual([]);
  return records;
}

function buffers(data: Data): { offsets: number[]; bytes: number[]; valid: boolean[] } {
  const valid = Array.from({ length: data.length }, (_, i) => data.getValid(i));
  // Builders pad their buffers to 64 bytes; only the first length + 1 offsets and the bytes they cover are data.
  const offsets = [...(data.valueOffsets as Int32Array).subarray(0, data.length + 1)];
  return { offsets, bytes: [...(data.values as Uint8Array).subarray(0, offsets.at(-1))], valid };
}

describe('findingsToArrowTable', () => {
  it('writes the same Utf8 buffers as apache-arrow builders, for ASCII, non-ASCII and lone surrogates', () => {
    const records = mixedRecords();
    const table = findingsToArrowTable(records);
    for (const field of findingArrowSchema.fields.filter((f) => DataType.isUtf8(f.type))) {
      const values = records.map((r) => r[field.name as keyof typeof r] as string | null);
      const expected = vectorFromArray(values, new Utf8()).data[0]!;
      const actual = table.getChild(field.name)!.data[0]!;
      expect({ field: field.name, ...buffers(actual) }).toEqual({ field: field.name, ...buffers(expected) });
    }
  });

  it('builds the tags map with sorted entries, like a builder over sorted Maps', () => {
    const records = mixedRecords();
    const actual = findingsToArrowTable(records).getChild('tags')!;
    const expected = vectorFromArray(
      records.map((r) => new Map(Object.entries(r.tags).sort(([a], [b]) => (a < b ? -1 : 1)))),
      findingTagsType,
    );
    const plain = (vector: { toArray(): ArrayLike<unknown> }) => Array.from(vector.toArray(), (m) => (m as { toJSON(): unknown }).toJSON());
    expect(plain(actual)).toEqual(plain(expected));
    expect([...(actual.data[0]!.valueOffsets as Int32Array).subarray(0, 5)]).toEqual([0, 0, 3, 4, 5]);
    expect(Object.keys((actual.get(1) as { toJSON(): Record<string, string> }).toJSON())).toEqual(['a', 'm', 'z-ü']);
  });

  it('round-trips every value through the table (money, nulls, dates, tags)', () => {
    const records = mixedRecords();
    const back = findingRecordsFromTable(findingsToArrowTable(records));
    // The lone surrogate becomes U+FFFD in UTF-8, as with apache-arrow's own encoder.
    expect(back[2]?.title).toBe('broken \ufffd text');
    expect(back.map((r, i) => (i === 2 ? { ...r, title: records[2]!.title } : r))).toEqual(records);
    expect(back[3]?.observed_monthly_cost).toBe('-0.000001');
  });

  it('accepts non-canonical decimal text through the general parser and refuses bad text naming the record', () => {
    const [record] = mixedRecords();
    const loose = { ...record!, estimated_monthly_savings: '12.5', observed_monthly_cost: ' -3 ' };
    expect(findingRecordsFromTable(findingsToArrowTable([loose]))[0]).toMatchObject({ estimated_monthly_savings: '12.500000', observed_monthly_cost: '-3.000000' });
    expect(() => findingsToArrowTable([record!, { ...record!, estimated_monthly_savings: '1e3' }])).toThrow(/finding record 1 .*estimated_monthly_savings/);
  });
});
