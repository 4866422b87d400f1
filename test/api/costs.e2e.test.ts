import { fromScaled, toScaled } from '@openfinops/focus';
import { LakeLayout } from '@openfinops/tenants';
import { beforeAll, expect, it } from 'vitest';
import { FocusLakeRepository } from '../../apps/api/src/imports/focus-lake.repository.ts';
import { ImportService } from '../../apps/api/src/imports/import.service.ts';
import { AWS_SAMPLES, expectedFor, expectedString, FOCUS_SAMPLE } from '../import/import-fixtures.ts';
import { call, createTenant, createUser, describeApi, login } from './api-harness.ts';
import { detailQuery, importCostSamples } from './cost-fixtures.ts';

interface Amounts {
  currency: string;
  rowCount: number;
  billedCost: string;
  effectiveCost: string;
  listCost: string;
}
type GroupRow = Amounts & { group: Record<string, string | null> };

const sum = (values: string[]) => fromScaled(values.reduce((a, v) => a + toScaled(v), 0n));

describeApi('tenant costs API over imported billing samples', (ctx) => {
  let token = '';
  const get = async (qs: string) => {
    const res = await call(ctx.api, 'GET', `/tenants/cost-a/costs/${qs}`, { token });
    return res;
  };

  beforeAll(async () => {
    await createTenant(ctx.api, 'cost-a', 'Cost A');
    await createUser(ctx.api, 'viewer@cost.example', { tenantId: 'cost-a', role: 'viewer' });
    token = (await login(ctx.api, 'viewer@cost.example')).accessToken;
    await importCostSamples(ctx.api, 'cost-a');
  }, 120_000);

  it('totals per currency equal the detail totals (finops focus totals) and the samples\' EXPECTED figures', async () => {
    const res = await get('summary');
    expect(res.status).toBe(200);
    expect(res.body.source).toBe('rollups');
    const detail = await new FocusLakeRepository(new LakeLayout(ctx.api.dataDir)).totals('cost-a');
    const currencies = [...new Set(detail.map((d) => d.currency))].sort();
    expect(currencies).toEqual(['CAD', 'EUR', 'USD']);
    expect(res.body.totals).toEqual(
      currencies.map((currency) => {
        const rows = detail.filter((d) => d.currency === currency);
        return {
          currency,
          rowCount: rows.reduce((a, r) => a + r.rows, 0),
          billedCost: sum(rows.map((r) => r.billedCost)),
          effectiveCost: sum(rows.map((r) => r.effectiveCost)),
          listCost: sum(rows.map((r) => r.listCost)),
        };
      }),
    );
    const cad = res.body.totals.find((t: Amounts) => t.currency === 'CAD');
    expect(cad.billedCost).toBe(expectedString(expectedFor('focus-converters', 'azure-ea_sample-anonymous-ea-export-dataset.csv'), 'sum_CostInBillingCurrency'));
    expect(res.body.totals.find((t: Amounts) => t.currency === 'EUR')).toMatchObject({ billedCost: '17.75', effectiveCost: '17.75', listCost: '20.25', rowCount: 2 });
  });

  it('groups by billing period and provider exactly as the detail totals, with filters narrowing them', async () => {
    const res = await get('summary?groupBy=billingPeriod,provider');
    const detail = await new FocusLakeRepository(new LakeLayout(ctx.api.dataDir)).totals('cost-a');
    const got = (res.body.rows as GroupRow[]).map((r) => ({
      billingPeriod: r.group.billingPeriod,
      provider: r.group.provider,
      currency: r.currency,
      rows: r.rowCount,
      billedCost: r.billedCost,
      effectiveCost: r.effectiveCost,
      listCost: r.listCost,
    }));
    const key = (r: { billingPeriod: string | null | undefined; provider: string | null | undefined; currency: string }) => `${r.billingPeriod}|${r.provider}|${r.currency}`;
    expect(got.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(detail.sort((a, b) => key(a).localeCompare(key(b))));

    const aws = await get('summary?billingPeriod=2023-11&provider=aws');
    expect(aws.body.totals).toEqual([
      { currency: 'USD', rowCount: 1281, billedCost: '1.6823086974', effectiveCost: '1.6823086974', listCost: '3.3561726949' },
    ]);
    const focus = expectedFor(FOCUS_SAMPLE.folder, FOCUS_SAMPLE.file) as { by_ProviderName: Record<string, { rows: number; BilledCost: string; EffectiveCost: string }> };
    const sample = await get('summary?billingPeriod=2024-09&provider=azure');
    expect(sample.body.totals).toEqual([
      expect.objectContaining({ currency: 'USD', rowCount: focus.by_ProviderName.Microsoft!.rows, billedCost: focus.by_ProviderName.Microsoft!.BilledCost }),
    ]);
  });

  it('groups by service within a period: each group equals the detail rows of that service and they add up to the total', async () => {
    const res = await get('summary?groupBy=service&billingPeriod=2024-09&provider=aws');
    expect(res.status).toBe(200);
    const reference = await detailQuery<{ service: string | null; billed: string; n: string }>(
      ctx.api,
      'cost-a',
      `SELECT "ServiceName" AS service, CAST(SUM("BilledCost") AS VARCHAR) AS billed, CAST(count(*) AS VARCHAR) AS n
         FROM DETAIL WHERE billing_period = '2024-09' AND provider = 'aws' GROUP BY 1`,
    );
    const rows = res.body.rows as GroupRow[];
    expect(rows.length).toBe(reference.length);
    expect(rows.length).toBeGreaterThan(3);
    for (const ref of reference) {
      const row = rows.find((r) => r.group.service === ref.service);
      expect(row, String(ref.service)).toBeDefined();
      expect(row!.billedCost).toBe(fromScaled(toScaled(ref.billed)));
      expect(row!.rowCount).toBe(Number(ref.n));
    }
    expect(sum(rows.map((r) => r.billedCost))).toBe(res.body.totals[0].billedCost);
  });

  it('groups by a tag from the detail rows and filters on a tag value', async () => {
    const res = await get('summary?groupBy=tag:env');
    expect(res.status).toBe(200);
    expect(res.body.source).toBe('detail');
    const reference = await detailQuery<{ v: string | null; currency: string; billed: string }>(
      ctx.api,
      'cost-a',
      `SELECT "Tags"['env'] AS v, "BillingCurrency" AS currency, CAST(SUM("BilledCost") AS VARCHAR) AS billed FROM DETAIL GROUP BY 1, 2`,
    );
    const prod = reference.filter((r) => r.v === 'prod');
    expect(prod.length).toBeGreaterThan(0);
    for (const ref of reference) {
      const row = (res.body.rows as GroupRow[]).find((r) => r.group['tag:env'] === ref.v && r.currency === ref.currency);
      expect(row?.billedCost, `${ref.v}/${ref.currency}`).toBe(fromScaled(toScaled(ref.billed)));
    }
    const filtered = await get('summary?tag=env%3Dprod');
    expect(filtered.body.totals).toEqual(
      prod.map((p) => expect.objectContaining({ currency: p.currency, billedCost: fromScaled(toScaled(p.billed)) })),
    );
  });

  it('restricts to charge days with from (inclusive) and to (exclusive), by day', async () => {
    const res = await get('summary?groupBy=day&from=2024-09-03&to=2024-09-06');
    expect(res.status).toBe(200);
    const days = (res.body.rows as GroupRow[]).map((r) => r.group.day);
    expect([...new Set(days)].sort()).toEqual(['2024-09-03', '2024-09-04', '2024-09-05']);
    const reference = await detailQuery<{ billed: string }>(
      ctx.api,
      'cost-a',
      `SELECT CAST(SUM("BilledCost") AS VARCHAR) AS billed FROM DETAIL
        WHERE CAST("ChargePeriodStart" AS DATE) >= DATE '2024-09-03' AND CAST("ChargePeriodStart" AS DATE) < DATE '2024-09-06'`,
    );
    expect(res.body.totals.map((t: Amounts) => t.billedCost)).toEqual([fromScaled(toScaled(reference[0]!.billed))]);
  });

  it('answers a daily trend with a month-end forecast from the last complete days, exact to the decimal', async () => {
    const res = await get('trend?granularity=day&from=2024-09-01&to=2024-10-01&provider=aws&asOf=2024-09-11');
    expect(res.status).toBe(200);
    const daily = await detailQuery<{ day: string; eff: string }>(
      ctx.api,
      'cost-a',
      `SELECT strftime(CAST("ChargePeriodStart" AS DATE), '%Y-%m-%d') AS day, CAST(SUM("EffectiveCost") AS VARCHAR) AS eff
         FROM DETAIL WHERE provider = 'aws' AND billing_period = '2024-09' GROUP BY 1 ORDER BY 1`,
    );
    expect((res.body.series as Array<{ period: string }>).map((s) => s.period)).toEqual(daily.map((d) => d.day));
    const before = (from: string) => daily.filter((d) => d.day >= from && d.day < '2024-09-11').map((d) => toScaled(d.eff));
    const actual = before('2024-09-01').reduce((a, v) => a + v, 0n);
    const basis = before('2024-09-04').reduce((a, v) => a + v, 0n);
    // 20 days (11th..30th) at the average of the 7 days 4th..10th; divisions round half away from zero at 18 decimals.
    const round = (a: bigint, b: bigint) => (2n * (a % b) >= b ? a / b + 1n : a / b);
    const usd = res.body.forecast.find((f: { currency: string }) => f.currency === 'USD');
    expect(usd).toEqual({
      currency: 'USD',
      month: '2024-09',
      asOf: '2024-09-11',
      actualToDate: fromScaled(actual),
      dailyRunRate: fromScaled(round(basis, 7n)),
      basisDays: 7,
      remainingDays: 20,
      forecast: fromScaled(actual + round(basis * 20n, 7n)),
    });
    expect(res.body.forecastMethod).toMatch(/average daily EffectiveCost/);
  });

  it('averages over fewer days when the data starts inside the window, and monthly series add up to the summary', async () => {
    const early = await get('trend?granularity=day&provider=aws&billingPeriod=2024-09&asOf=2024-09-04');
    const usd = early.body.forecast.find((f: { currency: string }) => f.currency === 'USD');
    expect(usd.basisDays).toBe(3);
    expect(usd.remainingDays).toBe(27);

    const monthly = await get('trend?granularity=month&from=2023-01-01&to=2025-01-01&asOf=2024-12-15');
    const summary = await get('summary?groupBy=month&from=2023-01-01&to=2025-01-01');
    const series = (monthly.body.series as Array<GroupRow & { period: string }>).map((s) => `${s.period}|${s.currency}|${s.billedCost}`).sort();
    const grouped = (summary.body.rows as GroupRow[]).map((r) => `${r.group.month}|${r.currency}|${r.billedCost}`).sort();
    expect(series).toEqual(grouped);
    expect(series.length).toBeGreaterThanOrEqual(5);
  });

  it('answers from cache while the lake is unchanged and sees a new import at once', async () => {
    const first = await get('summary?groupBy=billingPeriod&provider=aws');
    expect(first.body.rows.map((r: GroupRow) => r.group.billingPeriod)).toEqual(['2023-11', '2024-09']);
    expect((await get('summary?groupBy=billingPeriod&provider=aws')).body).toEqual(first.body);
    const logzio = AWS_SAMPLES.find((s) => s.folder === 'logzio-aws-cost-and-usage')!;
    const imported = await new ImportService(ctx.api.store, new LakeLayout(ctx.api.dataDir)).import({ tenantId: 'cost-a', inputs: [logzio.input], threads: 1 });
    expect(imported.status).toBe('imported');
    const after = await get('summary?groupBy=billingPeriod&provider=aws');
    expect(after.body.rows.map((r: GroupRow) => r.group.billingPeriod)).toEqual(['2018-03', '2023-11', '2024-09']);
    const period = after.body.rows.find((r: GroupRow) => r.group.billingPeriod === '2018-03');
    expect(period.billedCost).toBe(imported.totals[0]!.billedCost);
  }, 120_000);

  it('refuses unknown dimensions, malformed tags, bad dates and unknown parameters with 400; hostile values match nothing', async () => {
    for (const qs of [
      'summary?groupBy=colour',
      'summary?groupBy=service,service',
      'summary?groupBy=a,b,c,d',
      "summary?groupBy=tag:x'%3B%20DROP%20TABLE%20t%3B--",
      'summary?from=2024-09-10&to=2024-09-01',
      'summary?from=2024-13-01',
      'summary?provider=ibm',
      'summary?currency=usd',
      'summary?tag=novalue',
      'summary?sort=1',
      'trend?granularity=week',
      'trend?asOf=yesterday',
    ]) {
      const res = await get(qs);
      expect(res.status, qs).toBe(400);
      expect(res.body.error.code, qs).toBe('VALIDATION_FAILED');
    }
    for (const hostile of ["' OR 1=1 --", '"; DROP TABLE x; --', '%', '../../etc/passwd', '\\x00']) {
      const res = await get(`summary?groupBy=service&service=${encodeURIComponent(hostile)}&region=${encodeURIComponent(hostile)}`);
      expect(res.status, hostile).toBe(200);
      expect(res.body.rows, hostile).toEqual([]);
      const tagged = await get(`summary?tag=${encodeURIComponent(`env=${hostile}`)}`);
      expect(tagged.status, hostile).toBe(200);
      expect(tagged.body.totals, hostile).toEqual([]);
    }
  });
});
