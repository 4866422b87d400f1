'use client';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCompact, formatDay, formatMoney, formatMonth } from '../../lib/format.util.ts';
import { SERIES_COLOURS, type StackedPoint } from './chart-data.ts';

interface TooltipProps {
  active?: boolean;
  label?: string | number;
  payload?: ReadonlyArray<{ dataKey?: unknown; color?: string; name?: unknown; payload?: unknown }>;
}

/** Stacked bars per day or month. The tooltip lists the exact decimal amounts, not the plotted floats. */
export function StackedBarChart({ points, keys, currency, granularity = 'day', label }: {
  points: StackedPoint[];
  keys: string[];
  currency: string;
  granularity?: 'day' | 'month';
  label: string;
}) {
  const data = points.map((p) => ({ period: p.period, ...Object.fromEntries(keys.map((k) => [k, p.values[k] ?? 0])), __point: p }));
  const fmtPeriod = (v: string) => (granularity === 'day' ? formatDay(v, true) : formatMonth(v));
  const renderTooltip = ({ active, payload, label: period }: TooltipProps) => {
    if (!active || !payload?.length) return null;
    const point = (payload[0]?.payload as { __point?: StackedPoint } | undefined)?.__point;
    if (!point) return null;
    return (
      <div className="card" style={{ padding: 12, fontSize: 12, boxShadow: 'var(--shadow-lg)', minWidth: 200 }}>
        <div style={{ fontWeight: 700, marginBottom: 6 }}>{fmtPeriod(String(period))}</div>
        {[...payload].reverse().map((entry) => {
          const key = String(entry.dataKey);
          const exact = point.exact[key];
          if (exact === undefined) return null;
          return (
            <div key={key} style={{ display: 'flex', justifyContent: 'space-between', gap: 16 }}>
              <span>
                <span style={{ display: 'inline-block', width: 8, height: 8, borderRadius: 2, background: entry.color, marginRight: 6 }} />
                {key}
              </span>
              <span className="num">{formatMoney(exact, currency)}</span>
            </div>
          );
        })}
        <div style={{ display: 'flex', justifyContent: 'space-between', borderTop: '1px solid var(--c-border)', marginTop: 6, paddingTop: 6, fontWeight: 700 }}>
          <span>Total</span>
          <span className="num">{formatMoney(point.total, currency)}</span>
        </div>
      </div>
    );
  };
  return (
    <figure className="chart" aria-label={label} role="img" style={{ margin: 0 }} data-testid="stacked-chart" data-series={keys.join('|')}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid vertical={false} stroke="#e3e6eb" />
          <XAxis dataKey="period" tickFormatter={fmtPeriod} tickLine={false} axisLine={false} fontSize={12} minTickGap={16} />
          <YAxis tickFormatter={(v: number) => formatCompact(v)} tickLine={false} axisLine={false} fontSize={12} width={48} />
          <Tooltip content={renderTooltip} cursor={{ fill: 'rgba(47,91,234,0.06)' }} />
          <Legend iconType="square" iconSize={10} wrapperStyle={{ fontSize: 12 }} />
          {keys.map((k, i) => (
            <Bar key={k} dataKey={k} stackId="spend" fill={SERIES_COLOURS[i % SERIES_COLOURS.length]} isAnimationActive={false} maxBarSize={36} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
