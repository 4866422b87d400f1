import type { Metadata } from 'next';
import { StackedBarChart } from '../../../../components/charts/stacked-bar-chart.component.tsx';
import { stackSeries } from '../../../../components/charts/chart-data.ts';
import { Card, EmptyState, ErrorState, PageHeader } from '../../../../components/ui.component.tsx';
import { attempt } from '../../../../lib/api-client.server.ts';
import { costSummary, costTrend, mainCurrency } from '../../../../lib/costs.server.ts';
import { addDays, addMonths, daysBetween } from '../../../../lib/dates.util.ts';
import { formatCount, formatDay, formatMoney } from '../../../../lib/format.util.ts';
import { explorerSearch, FILTER_FIELDS, GROUP_DIMENSIONS, parseExplorerQuery } from './explorer-query.ts';

export const metadata: Metadata = { title: 'Cost explorer' };

const FILTER_LABELS: Record<(typeof FILTER_FIELDS)[number], string> = {
  provider: 'Provider',
  service: 'Service',
  account: 'Account',
  region: 'Region',
  chargeCategory: 'Charge category',
};

export default async function CostExplorerPage({ params, searchParams }: { params: Promise<{ tenantId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { tenantId } = await params;
  const q = parseExplorerQuery(await searchParams);

  // Without a range: the latest month that has data, so the first view is never empty when data exists.
  let from = q.from;
  let to = q.to;
  if (!from || !to || from >= to) {
    const months = await attempt(costSummary(tenantId, { groupBy: 'month' }));
    const latest = months.ok ? months.value.rows.map((r) => r.group.month).filter((m): m is string => !!m).sort().at(-1) : undefined;
    if (!months.ok) {
      return (
        <>
          <PageHeader title="Cost explorer" />
          <div className="card">
            <ErrorState error={months.error} />
          </div>
        </>
      );
    }
    from = latest ? `${latest}-01` : addDays(new Date().toISOString().slice(0, 10), -30);
    to = latest ? addMonths(from, 1) : addDays(from, 31);
  }
  const granularity = daysBetween(from, to) > 62 ? 'month' : 'day';
  const common = { from, to, currency: q.currency, ...q.filters };
  const [summary, trend] = await Promise.all([
    attempt(costSummary(tenantId, { ...common, groupBy: q.groupBy })),
    attempt(costTrend(tenantId, { ...common, granularity, groupBy: q.groupBy })),
  ]);
  const groupKey = q.groupBy;
  const dimLabel = q.dim === 'tag' ? `Tag ${q.tagKey}` : (GROUP_DIMENSIONS.find((d) => d.value === q.dim)?.label ?? q.dim);
  const currency = q.currency ?? (summary.ok ? mainCurrency(summary.value.totals) : null) ?? 'USD';

  const periods: string[] = [];
  if (granularity === 'day') for (let d = from; d < to; d = addDays(d, 1)) periods.push(d);
  else for (let m = `${from.slice(0, 7)}-01`; m < to; m = addMonths(m, 1)) periods.push(m.slice(0, 7));
  const chart = trend.ok
    ? stackSeries(
        trend.value.series.filter((s) => s.currency === currency).map((s) => ({ period: s.period, key: s.group[groupKey] ?? '(none)', amount: s.effectiveCost })),
        periods,
      )
    : null;
  const search = explorerSearch(q, from, to);
  const base = `/t/${encodeURIComponent(tenantId)}/costs`;

  return (
    <>
      <PageHeader
        title="Cost explorer"
        description={
          <>
            {formatDay(from)} – {formatDay(addDays(to, -1))}, grouped by {dimLabel.toLowerCase()}
          </>
        }
        actions={
          <a className="btn" href={`${base}/export?${search.toString()}`} download>
            Download CSV
          </a>
        }
      />
      <Card>
        <form method="get" action={base} className="form-stack" aria-label="Cost query">
          <div className="filters">
            <div className="field">
              <label htmlFor="from">From</label>
              <input id="from" name="from" type="date" defaultValue={from} required />
            </div>
            <div className="field">
              <label htmlFor="to">To (exclusive)</label>
              <input id="to" name="to" type="date" defaultValue={to} required />
            </div>
            <div className="field">
              <label htmlFor="groupBy">Group by</label>
              <select id="groupBy" name="groupBy" defaultValue={q.dim}>
                {GROUP_DIMENSIONS.map((d) => (
                  <option key={d.value} value={d.value}>
                    {d.label}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="tagKey">
                Tag key <span className="help">(with “Tag key…”)</span>
              </label>
              <input id="tagKey" name="tagKey" defaultValue={q.tagKey} placeholder="e.g. env" maxLength={128} />
            </div>
            {FILTER_FIELDS.map((f) => (
              <div className="field" key={f}>
                <label htmlFor={`f-${f}`}>{FILTER_LABELS[f]}</label>
                <input id={`f-${f}`} name={f} defaultValue={q.filters[f] ?? ''} placeholder="any" maxLength={200} />
              </div>
            ))}
            <div className="field">
              <label htmlFor="currency">Currency</label>
              <input id="currency" name="currency" defaultValue={q.currency ?? ''} placeholder="any" maxLength={3} pattern="[A-Z]{3}" />
            </div>
          </div>
          <div className="form-row">
            <button type="submit" className="btn btn-primary">
              Apply
            </button>
            <a className="btn btn-ghost" href={base}>
              Reset
            </a>
          </div>
        </form>
      </Card>

      <Card title={`Effective cost by ${dimLabel.toLowerCase()}`} hint={`${granularity === 'day' ? 'Daily' : 'Monthly'}, ${currency}; top 7 and the rest as “Other”`}>
        {!trend.ok ? (
          <ErrorState error={trend.error} />
        ) : chart && chart.keys.length > 0 ? (
          <StackedBarChart points={chart.points} keys={chart.keys} currency={currency} granularity={granularity} label={`Effective cost by ${dimLabel}`} />
        ) : (
          <EmptyState title="No costs match">Widen the date range or clear a filter.</EmptyState>
        )}
      </Card>

      <Card title="Breakdown" hint={summary.ok ? `${formatCount(summary.value.rows.length)} group(s) · source: ${summary.value.source}` : undefined} flush>
        {!summary.ok ? (
          <ErrorState error={summary.error} />
        ) : summary.value.rows.length === 0 ? (
          <EmptyState title="No costs match">Widen the date range or clear a filter.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="cost-table">
              <thead>
                <tr>
                  <th scope="col">{dimLabel}</th>
                  <th scope="col">Currency</th>
                  <th scope="col" className="num">
                    Billed
                  </th>
                  <th scope="col" className="num">
                    Effective
                  </th>
                  <th scope="col" className="num hide-phone">
                    List
                  </th>
                  <th scope="col" className="num hide-phone">
                    Rows
                  </th>
                </tr>
              </thead>
              <tbody>
                {summary.value.rows.map((r, i) => (
                  <tr key={`${r.group[groupKey] ?? ''}-${r.currency}-${i}`}>
                    <td className="truncate">{r.group[groupKey] ?? <span className="muted">(none)</span>}</td>
                    <td>{r.currency}</td>
                    <td className="num">{formatMoney(r.billedCost, r.currency)}</td>
                    <td className="num">{formatMoney(r.effectiveCost, r.currency)}</td>
                    <td className="num hide-phone">{formatMoney(r.listCost, r.currency)}</td>
                    <td className="num hide-phone">{formatCount(r.rowCount)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                {summary.value.totals.map((t) => (
                  <tr key={t.currency} style={{ fontWeight: 700 }}>
                    <td>Total</td>
                    <td>{t.currency}</td>
                    <td className="num" data-testid={`cost-total-billed-${t.currency}`}>
                      {formatMoney(t.billedCost, t.currency)}
                    </td>
                    <td className="num">{formatMoney(t.effectiveCost, t.currency)}</td>
                    <td className="num hide-phone">{formatMoney(t.listCost, t.currency)}</td>
                    <td className="num hide-phone">{formatCount(t.rowCount)}</td>
                  </tr>
                ))}
              </tfoot>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
