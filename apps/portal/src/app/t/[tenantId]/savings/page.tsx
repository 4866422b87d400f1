import type { Metadata } from 'next';
import Link from 'next/link';
import { StackedBarChart } from '../../../../components/charts/stacked-bar-chart.component.tsx';
import { stackSeries } from '../../../../components/charts/chart-data.ts';
import { DataTable, ListCard } from '../../../../components/data-list.component.tsx';
import { BarList, Card, EmptyState, ErrorState, PageHeader, ProviderBadge, Stat } from '../../../../components/ui.component.tsx';
import { attempt } from '../../../../lib/api-client.server.ts';
import { addMonths } from '../../../../lib/dates.util.ts';
import { addDecimals, compareDecimals, shareOf } from '../../../../lib/decimal.util.ts';
import { getSavings, listFindings } from '../../../../lib/findings.server.ts';
import { formatCount, formatMoney, formatMonth, humanize } from '../../../../lib/format.util.ts';

export const metadata: Metadata = { title: 'Savings' };

export default async function SavingsPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const [savings, top] = await Promise.all([attempt(getSavings(tenantId)), attempt(listFindings(tenantId, { status: 'open', sort: '-savings', limit: 10 }))]);
  const base = `/t/${encodeURIComponent(tenantId)}`;
  if (!savings.ok) {
    return (
      <>
        <PageHeader title="Savings" />
        <div className="card">
          <ErrorState error={savings.error} title="Savings could not be loaded" />
        </div>
      </>
    );
  }
  const { realized, realizedSince } = savings.value;
  // The currency carrying the most findings first; a currency whose estimates add up to nothing goes last.
  const open = [...savings.value.open].sort((a, b) => Number(compareDecimals(b.total, '0') !== 0) - Number(compareDecimals(a.total, '0') !== 0) || b.counted - a.counted);
  const main = open[0];
  const months: string[] = [];
  const end = new Date().toISOString().slice(0, 7);
  for (let m = `${realizedSince}-01`; m.slice(0, 7) <= end; m = addMonths(m, 1)) months.push(m.slice(0, 7));
  const realizedByCurrency = new Map<string, number>();
  for (const r of realized) realizedByCurrency.set(r.currency, (realizedByCurrency.get(r.currency) ?? 0) + r.counted);
  const realizedCurrency = [...realizedByCurrency.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? main?.currency ?? 'USD';
  const realizedChart = stackSeries(
    realized.filter((r) => r.currency === realizedCurrency).map((r) => ({ period: r.month, key: 'Realized', amount: r.total })),
    months,
  );

  return (
    <>
      <PageHeader
        title="Savings"
        description="Estimated monthly savings of open findings. Alternatives for one resource (an exclusion group) count once, at the largest."
        actions={
          <Link className="btn btn-primary" href={`${base}/findings?status=open&sort=-savings`}>
            Work the list
          </Link>
        }
      />
      <div className="grid grid-3">
        {open.length === 0 ? (
          <Stat label="Open savings / month" value={formatMoney('0', 'USD')} testId="savings-open-USD" foot={<span>No open findings with an estimate</span>} />
        ) : (
          open.map((s) => (
            <Stat
              key={s.currency}
              label={`Open savings / month (${s.currency})`}
              testId={`savings-open-${s.currency}`}
              value={formatMoney(s.total, s.currency)}
              foot={
                <span>
                  {formatCount(s.counted)} findings counted{s.excluded ? `, ${formatCount(s.excluded)} alternative(s) left out` : ''}
                </span>
              }
            />
          ))
        )}
        <Stat
          label={`Realized since ${formatMonth(realizedSince)}`}
          testId="savings-realized"
          multi
          value={
            realized.length
              ? [...new Set(realized.map((r) => r.currency))]
                  .map((c) => formatMoney(addDecimals(realized.filter((r) => r.currency === c).map((r) => r.total)), c))
                  .join(' · ')
              : formatMoney('0', realizedCurrency)
          }
          foot={<span>Estimates of findings resolved each month</span>}
        />
      </div>

      {open.map((s) => (
        <div className="grid grid-2" key={s.currency}>
          <Card title="By category" hint={s.currency}>
            {s.byCategory.length ? (
              <BarList
                label={`Savings by category in ${s.currency}`}
                items={s.byCategory.map((c) => ({ key: c.key, label: humanize(c.key), value: formatMoney(c.total, s.currency), share: shareOf(c.total, s.byCategory[0]?.total ?? '0') }))}
              />
            ) : (
              <EmptyState title="Nothing open" />
            )}
          </Card>
          <Card title="By check" hint={s.currency} flush>
            <DataTable
              rows={s.byCheck}
              rowKey={(c) => c.key}
              columns={[
                {
                  header: 'Check',
                  cell: (c) => (
                    <Link href={`${base}/findings?status=open&check=${encodeURIComponent(c.key)}`} className="mono">
                      {c.key}
                    </Link>
                  ),
                },
                { header: 'Findings', className: 'num hide-phone', cell: (c) => formatCount(c.counted) },
                { header: 'Savings / month', className: 'num', cell: (c) => formatMoney(c.total, s.currency) },
              ]}
            />
          </Card>
        </div>
      ))}

      <ListCard
        title="Top opportunities"
        hint="Open findings with the largest estimates"
        result={top.ok ? { ok: true, value: top.value.findings } : top}
        empty={{ title: 'No open findings', icon: '✓', body: 'Nothing to act on right now.' }}
        rowKey={(f) => f.fingerprint}
        columns={[
          {
            header: 'Finding',
            cell: (f) => (
              <>
                <Link href={`${base}/findings?status=open&fp=${f.fingerprint}`} className="row-title">
                  {f.title}
                </Link>
                <div className="row-sub mono">
                  {f.checkId} · {f.resourceId}
                </div>
              </>
            ),
          },
          { header: 'Provider', className: 'hide-phone', cell: (f) => <ProviderBadge provider={f.provider} /> },
          { header: 'Savings / month', className: 'num', cell: (f) => formatMoney(f.estimatedMonthlySavings, f.currency) },
        ]}
      />

      <Card title="Realized savings" hint={`Per month a finding was resolved, ${realizedCurrency}`}>
        {realized.length ? (
          <StackedBarChart points={realizedChart.points} keys={realizedChart.keys} currency={realizedCurrency} granularity="month" label="Realized savings per month" />
        ) : (
          <EmptyState title="Nothing realized yet">When a finding is fixed, the next check run resolves it and its estimate counts here.</EmptyState>
        )}
      </Card>
    </>
  );
}

