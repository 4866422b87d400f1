import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge, Card, EmptyState, ErrorState, PageHeader, ProviderBadge } from '../../../../components/ui.component.tsx';
import { attempt } from '../../../../lib/api-client.server.ts';
import type { FindingDetailResponse, FindingView } from '../../../../lib/api.types.ts';
import { getFinding, listFindings } from '../../../../lib/findings.server.ts';
import { canTriage } from '../../../../lib/me.server.ts';
import { formatAgo, formatDateTime, formatMoney } from '../../../../lib/format.util.ts';
import { ReopenForm, SuppressForm } from './finding-actions.component.tsx';

export const metadata: Metadata = { title: 'Findings' };

const FILTERS = ['status', 'check', 'severity', 'category', 'provider', 'account', 'region', 'text'] as const;
const SORTS = [
  { value: '-savings', label: 'Savings, largest first' },
  { value: 'savings', label: 'Savings, smallest first' },
  { value: '-lastSeenAt', label: 'Last seen, newest first' },
  { value: '-firstSeenAt', label: 'First seen, newest first' },
  { value: 'firstSeenAt', label: 'First seen, oldest first' },
  { value: 'title', label: 'Title A–Z' },
] as const;
const PAGE_SIZE = 25;

type Search = Partial<Record<(typeof FILTERS)[number] | 'sort' | 'cursor' | 'fp' | 'page', string>>;

function hrefWith(base: string, search: Search, changes: Search): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...search, ...changes })) if (v) p.set(k, v);
  const qs = p.toString();
  return qs ? `${base}?${qs}` : base;
}

function DetailPanel({ tenantId, detail, triage, closeHref }: { tenantId: string; detail: FindingDetailResponse; triage: boolean; closeHref: string }) {
  const latest = detail.observations[0];
  return (
    <Card
      className="panel"
      id="finding-detail"
      title="Finding"
      actions={
        <Link href={closeHref} className="btn btn-sm btn-ghost" aria-label="Close details">
          ✕
        </Link>
      }
    >
      <div className="form-stack" data-testid="finding-detail">
        <div>
          <div className="row-title" style={{ fontSize: 'var(--text-md)' }}>
            {detail.title}
          </div>
          <div style={{ display: 'flex', gap: 6, marginTop: 6, flexWrap: 'wrap' }}>
            <Badge>{detail.status}</Badge>
            <Badge>{detail.severity}</Badge>
            <ProviderBadge provider={detail.provider} />
            <span className="badge">{detail.category}</span>
          </div>
        </div>
        <div className="stat" style={{ padding: 0 }}>
          <span className="stat-label">Estimated savings / month</span>
          <span className="stat-value" data-testid="detail-savings">
            {formatMoney(detail.estimatedMonthlySavings, detail.currency)}
          </span>
          {detail.savingsBasis ? <span className="stat-foot">Basis: {detail.savingsBasis}</span> : null}
        </div>
        {detail.recommendation ? (
          <div>
            <div className="section-title">Recommendation</div>
            <p style={{ margin: 0 }}>{detail.recommendation}</p>
          </div>
        ) : null}
        <dl className="kv">
          <dt>Check</dt>
          <dd className="mono">{detail.checkId}</dd>
          <dt>Resource</dt>
          <dd className="mono">
            {detail.resourceType} · {detail.resourceId}
          </dd>
          <dt>Account</dt>
          <dd className="mono">{detail.accountId}</dd>
          <dt>Region</dt>
          <dd>{detail.region ?? '—'}</dd>
          <dt>First seen</dt>
          <dd>{formatDateTime(detail.firstSeenAt)}</dd>
          <dt>Last seen</dt>
          <dd>{formatDateTime(detail.lastSeenAt)}</dd>
          {detail.resolvedAt ? (
            <>
              <dt>Resolved</dt>
              <dd>{formatDateTime(detail.resolvedAt)}</dd>
            </>
          ) : null}
          {detail.status === 'suppressed' ? (
            <>
              <dt>Suppressed</dt>
              <dd>
                {detail.suppressedReason} <span className="muted">by {detail.suppressedBy ?? 'unknown'}</span>
                {detail.suppressedUntil ? <div className="muted">until {formatDateTime(detail.suppressedUntil)}</div> : null}
              </dd>
            </>
          ) : null}
          <dt>Reopened</dt>
          <dd>{detail.reopenCount} time(s)</dd>
          <dt>Fingerprint</dt>
          <dd className="mono small">{detail.fingerprint}</dd>
        </dl>
        {triage ? (
          detail.status === 'suppressed' ? (
            <ReopenForm tenantId={tenantId} fingerprint={detail.fingerprint} />
          ) : detail.status === 'open' ? (
            <>
              <div className="section-title">Suppress</div>
              <SuppressForm tenantId={tenantId} fingerprint={detail.fingerprint} formId="suppress-one" />
            </>
          ) : null
        ) : null}
        <div>
          <div className="section-title">Evidence {latest ? <span className="muted small">(run {latest.runId})</span> : null}</div>
          {latest ? <pre className="code">{JSON.stringify(latest.evidence, null, 2)}</pre> : <p className="muted small">No observation in the lake yet.</p>}
        </div>
        <div>
          <div className="section-title">History</div>
          {detail.observations.length ? (
            <ol className="timeline" aria-label="Observations, newest first">
              {detail.observations.map((o) => (
                <li key={o.runId}>
                  <span>
                    {formatDateTime(o.observedAt)}
                    <div className="row-sub mono">
                      {o.runId} · v{o.checkVersion}
                    </div>
                  </span>
                  <span className="num">{formatMoney(o.estimatedMonthlySavings, o.currency)}</span>
                </li>
              ))}
            </ol>
          ) : (
            <p className="muted small">No observations recorded.</p>
          )}
        </div>
      </div>
    </Card>
  );
}

function FindingRow({ f, href, selected, triage }: { f: FindingView; href: string; selected: boolean; triage: boolean }) {
  return (
    <tr aria-selected={selected} data-fingerprint={f.fingerprint}>
      {triage ? (
        <td style={{ width: 36 }}>
          {f.status === 'open' ? <input type="checkbox" name="fingerprint" value={f.fingerprint} form="bulk-suppress" aria-label={`Select ${f.title}`} /> : null}
        </td>
      ) : null}
      <td>
        <Link href={href} className="row-title" scroll={false}>
          {f.title}
        </Link>
        <div className="row-sub mono truncate">
          {f.checkId} · {f.resourceId}
        </div>
      </td>
      <td className="hide-phone hide-split">
        <Badge>{f.severity}</Badge>
      </td>
      <td className="hide-split">
        <Badge>{f.status}</Badge>
      </td>
      <td className="hide-phone hide-split">
        <ProviderBadge provider={f.provider} />
        <div className="row-sub mono">
          {f.accountId}
          {f.region ? ` · ${f.region}` : ''}
        </div>
      </td>
      <td className="num" data-testid="row-savings">
        {formatMoney(f.estimatedMonthlySavings, f.currency)}
      </td>
      <td className="hide-phone hide-split muted small">{formatAgo(f.lastSeenAt)}</td>
    </tr>
  );
}

export default async function FindingsPage({ params, searchParams }: { params: Promise<{ tenantId: string }>; searchParams: Promise<Search> }) {
  const { tenantId } = await params;
  const raw = await searchParams;
  const search: Search = {};
  for (const k of [...FILTERS, 'sort', 'cursor', 'fp', 'page'] as const) if (typeof raw[k] === 'string' && raw[k]) search[k] = raw[k].slice(0, 2000);
  const sort = SORTS.some((s) => s.value === search.sort) ? search.sort! : '-savings';
  const query = { ...Object.fromEntries(FILTERS.map((f) => [f, search[f]])), sort, limit: PAGE_SIZE, cursor: search.cursor };
  const [page, detail, triage] = await Promise.all([
    attempt(listFindings(tenantId, query)),
    search.fp ? attempt(getFinding(tenantId, search.fp)) : Promise.resolve(null),
    canTriage(tenantId),
  ]);
  const base = `/t/${encodeURIComponent(tenantId)}/findings`;
  const pageNo = Number(search.page ?? '1') || 1;
  const withoutDetail = { ...search, fp: undefined };

  const list = (
    <Card flush>
      <form method="get" action={base} className="card-body" aria-label="Filter findings" style={{ borderBottom: '1px solid var(--c-border)' }}>
        <div className="filters">
          <div className="field">
            <label htmlFor="ff-text">Search</label>
            <input id="ff-text" name="text" type="search" defaultValue={search.text ?? ''} placeholder="title, resource or check" maxLength={200} />
          </div>
          <div className="field">
            <label htmlFor="ff-status">Status</label>
            <select id="ff-status" name="status" defaultValue={search.status ?? ''}>
              <option value="">Any</option>
              <option value="open">Open</option>
              <option value="suppressed">Suppressed</option>
              <option value="resolved">Resolved</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="ff-check">Check</label>
            <input id="ff-check" name="check" defaultValue={search.check ?? ''} placeholder="e.g. aws/ebs-unattached" maxLength={200} />
          </div>
          <div className="field">
            <label htmlFor="ff-severity">Severity</label>
            <select id="ff-severity" name="severity" defaultValue={search.severity ?? ''}>
              <option value="">Any</option>
              {['critical', 'high', 'medium', 'low', 'info'].map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="ff-provider">Provider</label>
            <select id="ff-provider" name="provider" defaultValue={search.provider ?? ''}>
              <option value="">Any</option>
              <option value="aws">AWS</option>
              <option value="azure">Azure</option>
              <option value="gcp">GCP</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="ff-account">Account</label>
            <input id="ff-account" name="account" defaultValue={search.account ?? ''} placeholder="any" maxLength={200} />
          </div>
          <div className="field">
            <label htmlFor="ff-region">Region</label>
            <input id="ff-region" name="region" defaultValue={search.region ?? ''} placeholder="any" maxLength={200} />
          </div>
          <div className="field">
            <label htmlFor="ff-sort">Sort</label>
            <select id="ff-sort" name="sort" defaultValue={sort}>
              {SORTS.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </div>
          <div className="form-row">
            <button type="submit" className="btn btn-primary">
              Apply
            </button>
            <a className="btn btn-ghost" href={base}>
              Clear
            </a>
          </div>
        </div>
      </form>
      {triage ? <SuppressForm tenantId={tenantId} formId="bulk-suppress" bulk /> : null}
      {!page.ok ? (
        <ErrorState error={page.error} />
      ) : page.value.findings.length === 0 ? (
        <EmptyState title={pageNo > 1 ? 'No more findings' : 'No findings match'} icon="✓">
          {Object.keys(search).some((k) => FILTERS.includes(k as (typeof FILTERS)[number])) ? 'Clear a filter to see more.' : 'Checks have not reported anything yet.'}
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table" data-testid="findings-table">
              <thead>
                <tr>
                  {triage ? (
                    <th scope="col">
                      <span className="sr-only">Select</span>
                    </th>
                  ) : null}
                  <th scope="col">Finding</th>
                  <th scope="col" className="hide-phone hide-split">
                    Severity
                  </th>
                  <th scope="col" className="hide-split">
                    Status
                  </th>
                  <th scope="col" className="hide-phone hide-split">
                    Where
                  </th>
                  <th scope="col" className="num">
                    Savings / mo
                  </th>
                  <th scope="col" className="hide-phone hide-split">
                    Last seen
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.value.findings.map((f) => (
                  <FindingRow key={f.fingerprint} f={f} selected={f.fingerprint === search.fp} triage={triage} href={hrefWith(base, search, { fp: f.fingerprint })} />
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pagination" aria-label="Pages">
            <span>
              Page {pageNo} · {page.value.findings.length} shown
            </span>
            <span style={{ display: 'flex', gap: 8 }}>
              {search.cursor ? (
                <Link className="btn btn-sm" href={hrefWith(base, withoutDetail, { cursor: undefined, page: undefined })}>
                  First page
                </Link>
              ) : null}
              {page.value.nextCursor ? (
                <Link className="btn btn-sm" href={hrefWith(base, withoutDetail, { cursor: page.value.nextCursor, page: String(pageNo + 1) })}>
                  Next page →
                </Link>
              ) : null}
            </span>
          </nav>
        </>
      )}
    </Card>
  );

  return (
    <>
      <PageHeader title="Findings" description="Fingerprinted findings from every check, with their lifecycle. Select rows to suppress several at once." />
      {detail ? (
        <div className="split">
          {list}
          {detail.ok ? (
            <DetailPanel tenantId={tenantId} detail={detail.value} triage={triage} closeHref={hrefWith(base, withoutDetail, {})} />
          ) : (
            <div className="card panel">
              <ErrorState error={detail.error} title="Finding could not be loaded" />
            </div>
          )}
        </div>
      ) : (
        list
      )}
    </>
  );
}
