import type { Metadata } from 'next';
import Link from 'next/link';
import { StackedBarChart } from '../../../components/charts/stacked-bar-chart.component.tsx';
import { stackSeries } from '../../../components/charts/chart-data.ts';
import { SearchParamSelect } from '../../../components/search-param-select.component.tsx';
import { BarList, Card, EmptyState, ErrorState, PageHeader, Stat } from '../../../components/ui.component.tsx';
import { attempt } from '../../../lib/api-client.server.ts';
import { costSummary, costTrend, mainCurrency, totalFor } from '../../../lib/costs.server.ts';
import { overviewWindow } from '../../../lib/overview-window.util.ts';
import { addDays, addMonths, isoDay } from '../../../lib/dates.util.ts';
import { compareDecimals, percentChange, shareOf } from '../../../lib/decimal.util.ts';
import { countFirstSeenSince, getSavings } from '../../../lib/findings.server.ts';
import { formatCount, formatDay, formatMoney, formatMonth } from '../../../lib/format.util.ts';
import type { CostSummaryResponse } from '../../../lib/api.types.ts';

export const metadata: Metadata = { title: 'Overview' };

type Search = { month?: string; currency?: string; stack?: string };

function TopList({ res, dim, currency, label }: { res: Awaited<ReturnType<typeof attempt<CostSummaryResponse>>>; dim: string; currency: string; label: string }) {
  if (!res.ok) return <ErrorState error={res.error} />;
  const rows = res.value.rows
    .filter((r) => r.currency === currency)
    .sort((a, b) => compareDecimals(b.effectiveCost, a.effectiveCost))
    .slice(0, 6);
  if (rows.length === 0) return <EmptyState title={`No ${label.toLowerCase()} yet`} />;
  const top = rows[0]?.effectiveCost ?? '0';
  return (
    <BarList
      label={label}
      items={rows.map((r) => ({
        key: r.group[dim] ?? '(none)',
        label: r.group[dim] ?? <span className="muted">(none)</span>,
        value: formatMoney(r.effectiveCost, currency),
        share: shareOf(r.effectiveCost, top),
      }))}
    />
  );
}

export default async function OverviewPage({ params, searchParams }: { params: Promise<{ tenantId: string }>; searchParams: Promise<Search> }) {
  const { tenantId } = await params;
  const search = await searchParams;
  const stack = search.stack === 'provider' ? 'provider' : 'service';
  const today = isoDay(new Date());

  const months = await attempt(costSummary(tenantId, { groupBy: 'month' }));
  if (!months.ok) {
    return (
      <>
        <PageHeader title="Overview" />
        <div className="card">
          <ErrorState error={months.error} title="Costs could not be loaded" />
        </div>
      </>
    );
  }
  const monthList = [...new Set(months.value.rows.map((r) => r.group.month).filter((m): m is string => !!m))].sort().reverse();
  const month = search.month && monthList.includes(search.month) ? search.month : monthList[0];
  const savings = await attempt(getSavings(tenantId));

  if (!month) {
    return (
      <>
        <PageHeader title="Overview" />
        <div className="card">
          <EmptyState title="No billing data yet" icon="📥">
            Once your operator connects a cloud account (or imports a billing file), spend shows up here.
          </EmptyState>
        </div>
      </>
    );
  }

  const monthFrom = `${month}-01`;
  const monthTo = addMonths(monthFrom, 1);
  const days = await attempt(costSummary(tenantId, { from: monthFrom, to: monthTo, groupBy: 'day' }));
  const lastDataDay = days.ok ? ([...days.value.rows.map((r) => r.group.day).filter((d): d is string => !!d)].sort().at(-1) ?? null) : null;
  const w = overviewWindow(month, lastDataDay, today);
  const [mtd, previous, trend, services, accounts, regions, newFindings] = await Promise.all([
    attempt(costSummary(tenantId, { from: w.from, to: w.to })),
    attempt(costSummary(tenantId, { from: w.previousFrom, to: w.previousTo })),
    attempt(costTrend(tenantId, { from: monthFrom, to: monthTo, granularity: 'day', groupBy: stack, ...(w.complete ? {} : { asOf: w.to }) })),
    attempt(costSummary(tenantId, { from: w.from, to: w.to, groupBy: 'service' })),
    attempt(costSummary(tenantId, { from: w.from, to: w.to, groupBy: 'account' })),
    attempt(costSummary(tenantId, { from: w.from, to: w.to, groupBy: 'region' })),
    attempt(countFirstSeenSince(tenantId, new Date(Date.now() - 7 * 86_400_000))),
  ]);

  const currencies = [...new Set(months.value.rows.filter((r) => r.group.month === month).map((r) => r.currency))].sort();
  const currency = search.currency && currencies.includes(search.currency) ? search.currency : ((mtd.ok ? mainCurrency(mtd.value.totals) : null) ?? currencies[0] ?? 'USD');
  const spent = mtd.ok ? (totalFor(mtd.value.totals, currency)?.effectiveCost ?? '0') : null;
  const before = previous.ok ? (totalFor(previous.value.totals, currency)?.effectiveCost ?? '0') : null;
  const change = spent !== null && before !== null ? percentChange(spent, before) : null;
  const forecast = trend.ok ? trend.value.forecast.find((f) => f.currency === currency && f.month === month) : undefined;
  // A currency whose open findings estimate nothing would read as "€0.00 ·" beside the real figure.
  const openSavings = savings.ok ? savings.value.open.filter((s) => compareDecimals(s.total, '0') !== 0) : [];
  const lastDay = addDays(w.to, -1);

  const dayList: string[] = [];
  for (let d = monthFrom; d < monthTo; d = addDays(d, 1)) dayList.push(d);
  const chart = trend.ok
    ? stackSeries(
        trend.value.series.filter((s) => s.currency === currency).map((s) => ({ period: s.period, key: s.group[stack] ?? '(none)', amount: s.effectiveCost })),
        dayList,
      )
    : null;

  const base = `/t/${encodeURIComponent(tenantId)}`;
  const stackHref = (s: string) => `${base}?${new URLSearchParams({ month, currency, stack: s }).toString()}`;

  return (
    <>
      <PageHeader
        title="Overview"
        description={
          <>
            {formatMonth(month)} · data through <strong>{formatDay(lastDay)}</strong> · effective cost (amortized), {currency}
          </>
        }
        actions={
          <>
            <SearchParamSelect name="month" label="Month" value={month} options={monthList.map((m) => ({ value: m, label: formatMonth(m) }))} />
            {currencies.length > 1 ? <SearchParamSelect name="currency" label="Currency" value={currency} options={currencies.map((c) => ({ value: c, label: c }))} /> : null}
          </>
        }
      />

      <div className="grid grid-4">
        <Stat
          label={w.complete ? 'Spend this month' : 'Month-to-date spend'}
          testId="stat-mtd"
          value={spent === null ? '—' : formatMoney(spent, currency)}
          foot={
            before === null ? (
              <span>Previous period unavailable</span>
            ) : (
              <>
                {change !== null ? <span className={change.startsWith('-') ? 'delta-down' : 'delta-up'}>{change.startsWith('-') ? '▼' : '▲'} {change.replace('-', '')}%</span> : null}
                <span>
                  vs {formatMoney(before, currency)} ({formatDay(w.previousFrom, true)}–{formatDay(addDays(w.previousTo, -1), true)})
                </span>
              </>
            )
          }
        />
        <Stat
          label={w.complete ? 'Month total (complete)' : 'Month-end forecast'}
          testId="stat-forecast"
          value={w.complete ? (spent === null ? '—' : formatMoney(spent, currency)) : forecast ? formatMoney(forecast.forecast, currency) : '—'}
          foot={
            w.complete ? (
              <span>All days of {formatMonth(month)} are in</span>
            ) : forecast ? (
              <span>
                {formatMoney(forecast.dailyRunRate, currency)}/day run rate over {forecast.basisDays} day{forecast.basisDays === 1 ? '' : 's'}
              </span>
            ) : (
              <span>{trend.ok ? 'Not enough complete days yet' : 'Forecast unavailable'}</span>
            )
          }
        />
        <Stat
          label="Open savings / month"
          testId="stat-savings"
          multi={openSavings.length > 1}
          value={savings.ok ? (openSavings.length ? openSavings.map((s) => formatMoney(s.total, s.currency)).join(' · ') : formatMoney('0', currency)) : '—'}
          foot={
            savings.ok ? (
              <Link href={`${base}/savings`}>
                {formatCount(openSavings.reduce((n, s) => n + s.counted, 0))} findings counted, alternatives once
              </Link>
            ) : (
              <span>{savings.error.message}</span>
            )
          }
        />
        <Stat
          label="New findings this week"
          testId="stat-new-findings"
          value={newFindings.ok ? formatCount(newFindings.value) : '—'}
          foot={<Link href={`${base}/findings?sort=-firstSeenAt`}>Newest first</Link>}
        />
      </div>

      <Card
        title="Daily spend"
        hint={`Effective cost per day, stacked by ${stack}`}
        actions={
          <nav className="segmented" aria-label="Stack by">
            <Link href={stackHref('service')} aria-current={stack === 'service' ? 'true' : undefined}>
              Service
            </Link>
            <Link href={stackHref('provider')} aria-current={stack === 'provider' ? 'true' : undefined}>
              Provider
            </Link>
          </nav>
        }
      >
        {!trend.ok ? (
          <ErrorState error={trend.error} />
        ) : chart && chart.keys.length > 0 ? (
          <StackedBarChart points={chart.points} keys={chart.keys} currency={currency} label={`Daily spend in ${formatMonth(month)} stacked by ${stack}`} />
        ) : (
          <EmptyState title="No spend in this month" />
        )}
      </Card>

      <div className="grid grid-3">
        <Card title="Top services">
          <TopList res={services} dim="service" currency={currency} label="Services" />
        </Card>
        <Card title="Top accounts">
          <TopList res={accounts} dim="account" currency={currency} label="Accounts" />
        </Card>
        <Card title="Top regions">
          <TopList res={regions} dim="region" currency={currency} label="Regions" />
        </Card>
      </div>
    </>
  );
}
