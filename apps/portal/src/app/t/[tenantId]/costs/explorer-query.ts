import { validDay } from '../../../../lib/dates.util.ts';

/** Cost explorer state, read from and written to the URL so every view can be bookmarked and shared. */
export const GROUP_DIMENSIONS = [
  { value: 'service', label: 'Service' },
  { value: 'account', label: 'Account' },
  { value: 'subAccount', label: 'Sub account' },
  { value: 'region', label: 'Region' },
  { value: 'provider', label: 'Provider' },
  { value: 'chargeCategory', label: 'Charge category' },
  { value: 'serviceCategory', label: 'Service category' },
  { value: 'tag', label: 'Tag key…' },
] as const;

export const FILTER_FIELDS = ['provider', 'service', 'account', 'region', 'chargeCategory'] as const;
const TAG_KEY = /^[A-Za-z0-9 _.:/=+@-]{1,128}$/;

export interface ExplorerQuery {
  from?: string;
  to?: string;
  dim: string;
  tagKey: string;
  /** What the API receives: a dimension or `tag:<key>`. */
  groupBy: string;
  filters: Partial<Record<(typeof FILTER_FIELDS)[number], string>>;
  currency?: string;
}

export function parseExplorerQuery(sp: Record<string, string | string[] | undefined>): ExplorerQuery {
  const one = (k: string) => {
    const v = sp[k];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const dimRaw = one('groupBy') ?? 'service';
  const dim = GROUP_DIMENSIONS.some((d) => d.value === dimRaw) ? dimRaw : 'service';
  const tagKey = one('tagKey') ?? '';
  const groupBy = dim === 'tag' ? (TAG_KEY.test(tagKey) ? `tag:${tagKey}` : 'service') : dim;
  const filters: ExplorerQuery['filters'] = {};
  for (const f of FILTER_FIELDS) {
    const v = one(f);
    if (v) filters[f] = v.slice(0, 200);
  }
  const currency = one('currency');
  return {
    from: validDay(one('from')),
    to: validDay(one('to')),
    dim: groupBy.startsWith('tag:') ? 'tag' : groupBy,
    tagKey: groupBy.startsWith('tag:') ? tagKey : '',
    groupBy,
    filters,
    ...(currency && /^[A-Z]{3}$/.test(currency) ? { currency } : {}),
  };
}

export function explorerSearch(q: ExplorerQuery, from: string, to: string): URLSearchParams {
  const p = new URLSearchParams({ from, to, groupBy: q.dim });
  if (q.dim === 'tag') p.set('tagKey', q.tagKey);
  for (const [k, v] of Object.entries(q.filters)) if (v) p.set(k, v);
  if (q.currency) p.set('currency', q.currency);
  return p;
}
