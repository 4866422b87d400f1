import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '@openfinops/focus';
import { FIXTURES, importInto, memoryConnection, totalsBy, withDataDir } from './azure-import.helpers.ts';

const V12 = path.join(FIXTURES, 'finops-toolkit/focuscost-1.2_synthetic.csv');
const V10 = path.join(FIXTURES, 'finops-toolkit/focuscost-1.0_synthetic.csv');

async function header(file: string): Promise<string[]> {
  return ((await readFile(file, 'utf8')).split(/\r?\n/)[0] ?? '').split(',');
}

describe('azure-focus import', () => {
  it('detects Microsoft FocusCost exports ahead of the generic FOCUS passthrough', async () => {
    for (const file of [V12, V10]) {
      expect(detectFormat({ fileName: path.basename(file), fileKind: 'csv', columns: await header(file) })?.format.id).toBe('azure-focus');
    }
    // A FOCUS file without Microsoft's x_ columns stays with the generic format.
    const plain = (await header(V12)).filter((c) => !c.startsWith('x_'));
    expect(detectFormat({ fileName: 'f.csv', fileKind: 'csv', columns: plain })?.format.id).toBe('focus');
  });

  it('passes a FocusCost 1.2 file through type-checked, keeping x_ columns and currencies apart', async () => {
    await withDataDir(async (dir) => {
      const result = await importInto(dir, [V12]);
      expect(result.format).toBe('azure-focus');
      expect(result.rows).toBe(3);
      expect(result.validation?.valid, result.validation?.messages.join('\n')).toBe(true);
      const billed = totalsBy(result, 'billedCost');
      const effective = totalsBy(result, 'effectiveCost');
      // Hand sums of the fixture rows: USD 1.2345678901234567 + 3.25; EUR 10.10.
      expect(new Decimal(billed['2024-03/USD'] ?? 'NaN').eq('4.4845678901234567')).toBe(true);
      expect(new Decimal(effective['2024-03/USD'] ?? 'NaN').eq('1.2345678901234567')).toBe(true);
      expect(new Decimal(billed['2024-03/EUR'] ?? 'NaN').eq('10.10')).toBe(true);
      // Microsoft's x_ columns survive into the lake.
      const conn = await memoryConnection();
      const kept = await conn.runAndReadAll(
        `SELECT count(*)::INTEGER AS n FROM read_parquet($1, union_by_name = true) WHERE "x_SkuMeterCategory" = 'Virtual Machines' AND "x_ResourceGroupName" = 'rg-web'`,
        [`${dir}/lake/focus/**/*.parquet`],
      );
      expect(kept.getRowObjectsJson()[0]?.['n']).toBe(3);
    });
  });

  it('upgrades a FocusCost 1.0 file (x_InvoiceId, x_PricingCurrency, x_SkuMeterName → 1.2 columns)', async () => {
    await withDataDir(async (dir) => {
      const result = await importInto(dir, [V10]);
      expect(result.format).toBe('azure-focus');
      expect(result.rows).toBe(2);
      expect(result.validation?.valid, result.validation?.messages.join('\n')).toBe(true);
      expect(new Decimal(totalsBy(result, 'billedCost')['2024-03/USD'] ?? 'NaN').eq('4.4845678901234567')).toBe(true);
    });
  });

  it('stops on a value that is not a decimal, naming the file and the column', async () => {
    await withDataDir(async (dir) => {
      const text = await readFile(V12, 'utf8');
      const bad = path.join(dir, 'bad-focuscost.csv');
      await writeFile(bad, text.replace('1.2345678901234567', 'twelve'));
      await expect(importInto(dir, [bad])).rejects.toThrow(/bad-focuscost\.csv.*(BilledCost|EffectiveCost|ContractedCost).*twelve/);
    });
  });
});
