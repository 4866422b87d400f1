import { describe, expect, it } from 'vitest';
import { sourceTotalsAndConversion } from './focus-import.ts';
import type { SourceTotalsRow } from './import-queries.ts';

const ROWS: SourceTotalsRow[] = [{ billing_period: '2024-03', currency: 'USD', row_count: '2', billed_total: '1.5', effective_total: null }];

/** Records what the scans were asked to do; each scan's outcomes are taken in turn from its list. */
function harness(outcomes: { totals: Array<'ok' | Error>; convert: Array<'ok' | Error> }) {
  const log: string[] = [];
  const ops = {
    totals: async (side: boolean) => {
      log.push(`totals:${side ? 'side' : 'main'}`);
      const o = outcomes.totals.shift() ?? 'ok';
      if (o !== 'ok') throw o;
      return ROWS;
    },
    convert: async () => {
      log.push('convert');
      const o = outcomes.convert.shift() ?? 'ok';
      if (o !== 'ok') throw o;
    },
    interrupt: (side: boolean) => log.push(`interrupt:${side ? 'side' : 'main'}`),
    beforeRetry: async () => {
      log.push('cleanup');
    },
  };
  return { ops, log };
}

describe('source totals beside the conversion', () => {
  it('runs both scans at once and returns the totals', async () => {
    const { ops, log } = harness({ totals: ['ok'], convert: ['ok'] });
    expect(await sourceTotalsAndConversion(ops)).toEqual(ROWS);
    expect(log.sort()).toEqual(['convert', 'totals:side']);
  });

  it('throws the first real failure, not the other scan’s interruption, and does not retry', async () => {
    const bad = new Error('Conversion Error: Could not convert string "x" to DECIMAL(38,18)');
    const { ops, log } = harness({ totals: [bad], convert: [new Error('INTERRUPT Error: Interrupted!')] });
    await expect(sourceTotalsAndConversion(ops)).rejects.toBe(bad);
    expect(log).toContain('interrupt:main');
    expect(log).not.toContain('cleanup');
    const other = harness({ totals: [new Error('INTERRUPT Error: Interrupted!')], convert: [new Error('IO Error: disk full')] });
    await expect(sourceTotalsAndConversion(other.ops)).rejects.toThrow('disk full');
    expect(other.log).toContain('interrupt:side');
  });

  it('falls back to one scan at a time on the main connection when both together overrun the memory limit', async () => {
    const oom = new Error('Out of Memory Error: failed to pin block of size 256.0 KiB (244.0 MiB/244.1 MiB used)');
    const { ops, log } = harness({ totals: [new Error('INTERRUPT Error: Interrupted!')], convert: [oom] });
    expect(await sourceTotalsAndConversion(ops)).toEqual(ROWS);
    // The partial output goes before the second attempt; then totals first, conversion second, both on the main one.
    expect(log.slice(log.indexOf('cleanup'))).toEqual(['cleanup', 'totals:main', 'convert']);
  });

  it('does not retry an out-of-memory failure twice', async () => {
    const oom = () => new Error('Out of Memory Error: could not allocate block');
    const { ops } = harness({ totals: ['ok', 'ok'], convert: [oom(), oom()] });
    await expect(sourceTotalsAndConversion(ops)).rejects.toThrow(/Out of Memory/);
  });
});
