import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '@openfinops/focus';
import { FIXTURES, importInto, totalsBy, withDataDir } from './azure-import.helpers.ts';

const EA_ACTUAL = path.join(FIXTURES, 'finops-toolkit/EA_ActualCost_Small.csv');
const EA_EMPTY = path.join(FIXTURES, 'finops-toolkit/EA_NoRows.csv');
const EA_CONVERTERS = path.join(FIXTURES, 'azure-ea/azure-ea_sample-anonymous-ea-export-dataset.csv');

interface EaExpected {
  rows: number;
  sum_Cost?: string;
  sum_CostInBillingCurrency?: string;
  by_ChargeType_PricingModel: Record<string, { rows: number; Cost?: string; CostInBillingCurrency?: string }>;
}

async function expected(folder: string): Promise<EaExpected> {
  const json = JSON.parse(await readFile(path.join(FIXTURES, folder, 'EXPECTED_TOTALS.json'), 'utf8')) as Record<string, EaExpected>;
  const only = Object.values(json)[0];
  if (!only) throw new Error(`${folder}/EXPECTED_TOTALS.json is empty`);
  return only;
}

function header(file: string): Promise<string[]> {
  return readFile(file, 'utf8').then((t) => (t.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '').split(','));
}

describe('azure-cost-details import', () => {
  it('converts the finops-toolkit EA actual sample (11 rows, legacy Cost column) and reconciles exactly', async () => {
    const exp = await expected('finops-toolkit');
    await withDataDir(async (dir) => {
      const result = await importInto(dir, [EA_ACTUAL]);
      expect(result.format).toBe('azure-cost-details');
      expect(result.rows).toBe(exp.rows);
      expect(result.validation?.valid, result.validation?.messages.join('\n')).toBe(true);
      const billed = totalsBy(result, 'billedCost');
      const effective = totalsBy(result, 'effectiveCost');
      expect(Object.keys(billed)).toEqual(['2023-09/USD']);
      // Actual only: BilledCost = Σ Cost; EffectiveCost = Σ Cost minus the commitment (reservation) purchase, which
      // amortization would spread over the usage it covers.
      expect(new Decimal(billed['2023-09/USD'] ?? 'NaN').eq(exp.sum_Cost ?? 'NaN')).toBe(true);
      const onDemand = exp.by_ChargeType_PricingModel['Usage/OnDemand']?.Cost ?? 'NaN';
      expect(new Decimal(effective['2023-09/USD'] ?? 'NaN').eq(onDemand)).toBe(true);
      expect(result.partitions.map((p) => p.provider)).toEqual(['azure']);
    });
  });

  it('converts the focus-converters Azure EA sample (27 rows, CostInBillingCurrency, CAD, 5.64902E-05 notation)', async () => {
    const exp = await expected('azure-ea');
    await withDataDir(async (dir) => {
      const result = await importInto(dir, [EA_CONVERTERS]);
      expect(result.format).toBe('azure-cost-details');
      expect(result.rows).toBe(exp.rows);
      expect(result.validation?.valid, result.validation?.messages.join('\n')).toBe(true);
      const billed = totalsBy(result, 'billedCost');
      const effective = totalsBy(result, 'effectiveCost');
      expect(Object.keys(billed)).toEqual(['2023-09/CAD']);
      expect(new Decimal(billed['2023-09/CAD'] ?? 'NaN').eq(exp.sum_CostInBillingCurrency ?? 'NaN')).toBe(true);
      expect(new Decimal(effective['2023-09/CAD'] ?? 'NaN').eq(exp.sum_CostInBillingCurrency ?? 'NaN')).toBe(true);
    });
  });

  it('keeps currencies apart when EA exports in USD and CAD are imported together', async () => {
    const usd = await expected('finops-toolkit');
    const cad = await expected('azure-ea');
    await withDataDir(async (dir) => {
      const result = await importInto(dir, [EA_ACTUAL, EA_CONVERTERS]);
      const billed = totalsBy(result, 'billedCost');
      expect(Object.keys(billed).sort()).toEqual(['2023-09/CAD', '2023-09/USD']);
      expect(new Decimal(billed['2023-09/USD'] ?? 'NaN').eq(usd.sum_Cost ?? 'NaN')).toBe(true);
      expect(new Decimal(billed['2023-09/CAD'] ?? 'NaN').eq(cad.sum_CostInBillingCurrency ?? 'NaN')).toBe(true);
    });
  });

  it('accepts a header-only export as zero rows', async () => {
    await withDataDir(async (dir) => {
      const result = await importInto(dir, [EA_EMPTY], 'azure-cost-details');
      expect(result.rows).toBe(0);
      expect(result.totals).toEqual([]);
    });
  });

  it('combines actual and amortized exports of the same period by Microsoft\'s rule and refuses amortized alone', async () => {
    const actualText = await readFile(EA_ACTUAL, 'utf8');
    const lines = actualText.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.length > 0);
    const [head, purchase, ...usage] = lines;
    if (!head || !purchase) throw new Error('EA sample shape changed');
    const cols = head.split(',');
    const ix = (name: string): number => cols.indexOf(name);
    // Amortized export of the same month: the on-demand rows unchanged, plus one reservation-covered usage row and one
    // UnusedReservation row carrying the amortized purchase (0.50 + 2.75 = the 3.25 purchase). Built by editing the
    // purchase row's fields; the CSV has no embedded commas in the edited fields.
    const edit = (row: string, changes: Record<string, string>): string => {
      const fields = row.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.map((f) => f.replace(/,$/, '')) ?? [];
      for (const [k, v] of Object.entries(changes)) fields[ix(k)] = v;
      return fields.slice(0, cols.length).join(',');
    };
    const riUsage = edit(purchase, { ChargeType: 'Usage', Cost: '0.5', Frequency: 'UsageBased', Quantity: '10' });
    const unused = edit(purchase, { ChargeType: 'UnusedReservation', Cost: '2.75', Frequency: 'UsageBased' });
    const amortized = [head, ...usage, riUsage, unused].join('\n') + '\n';
    await withDataDir(async (dir) => {
      const inputDir = path.join(dir, 'in');
      await mkdir(inputDir);
      const actualPath = path.join(inputDir, 'EA_ActualCost_2023-09.csv');
      const amortizedPath = path.join(inputDir, 'EA_AmortizedCost_2023-09.csv');
      await copyFile(EA_ACTUAL, actualPath);
      await writeFile(amortizedPath, amortized);

      await expect(importInto(dir, [amortizedPath], 'azure-cost-details')).rejects.toThrow(/without the actual cost export/);

      const result = await importInto(dir, [actualPath, amortizedPath]);
      // 10 on-demand + RI usage + unused (amortized) + the purchase (actual) = 13 rows.
      expect(result.rows).toBe(13);
      const billed = totalsBy(result, 'billedCost')['2023-09/USD'] ?? 'NaN';
      const effective = totalsBy(result, 'effectiveCost')['2023-09/USD'] ?? 'NaN';
      // Billed = the invoice (on-demand 5.2950077867419368 + purchase 3.25); effective = on-demand + 0.5 + 2.75.
      expect(new Decimal(billed).eq('8.5450077867419368')).toBe(true);
      expect(new Decimal(effective).eq('8.5450077867419368')).toBe(true);
    });
  });

  it('detection picks azure-cost-details for both EA header variants and not for FOCUS or GCP headers', async () => {
    for (const file of [EA_ACTUAL, EA_CONVERTERS, EA_EMPTY]) {
      const hit = detectFormat({ fileName: path.basename(file), fileKind: 'csv', columns: await header(file) });
      expect(hit?.format.id, file).toBe('azure-cost-details');
    }
    const focusHeader = await header(path.join(FIXTURES, 'finops-toolkit/focuscost-1.2_synthetic.csv'));
    expect(detectFormat({ fileName: 'x.csv', fileKind: 'csv', columns: focusHeader })?.format.id).toBe('azure-focus');
  });
});
