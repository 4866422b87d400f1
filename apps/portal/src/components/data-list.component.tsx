import type { ReactNode } from 'react';
import type { ActionResult } from '../lib/action-result.ts';
import type { ApiError } from '../lib/api-client.server.ts';
import { ActionForm } from './action-form.component.tsx';
import { Card, EmptyState, ErrorState } from './ui.component.tsx';

export interface Column<T> {
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** On both the header and the cells (`num`, `hide-phone`, …). */
  className?: string;
  /** The header is for screen readers only (action columns). */
  hiddenHeader?: boolean;
}

export function DataTable<T>({ rows, rowKey, columns, testId, className }: { rows: readonly T[]; rowKey: (row: T) => string; columns: Array<Column<T>>; testId?: string; className?: string }) {
  return (
    <div className="table-wrap">
      <table className={`table ${className ?? ''}`} data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} scope="col" className={c.className}>
                {c.hiddenHeader ? <span className="sr-only">{c.header}</span> : c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c, i) => (
                <td key={i} className={c.className}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A card listing one endpoint's rows: its error state when the call failed, an empty state, or the table. */
export function ListCard<T>({ title, hint, actions, result, empty, ...table }: {
  title?: ReactNode;
  hint?: ReactNode;
  actions?: ReactNode;
  result: { ok: true; value: readonly T[] } | { ok: false; error: ApiError };
  empty: { title: string; body: ReactNode; icon?: string };
  rowKey: (row: T) => string;
  columns: Array<Column<T>>;
  testId?: string;
}) {
  return (
    <Card title={title} hint={hint} actions={actions} flush>
      {!result.ok ? (
        <ErrorState error={result.error} />
      ) : result.value.length === 0 ? (
        <EmptyState title={empty.title} icon={empty.icon}>
          {empty.body}
        </EmptyState>
      ) : (
        <DataTable rows={result.value} {...table} />
      )}
    </Card>
  );
}

/** The console's list pages: the list, and beside it (under it on phones) the form that adds to it. */
export function ListWithCreateForm({ list, formTitle, formHint, action, submitLabel, formLabel, children }: {
  list: ReactNode;
  formTitle: string;
  formHint?: ReactNode;
  action: (prev: ActionResult, form: FormData) => Promise<ActionResult>;
  submitLabel: string;
  formLabel: string;
  children: ReactNode;
}) {
  return (
    <div className="split">
      {list}
      <Card title={formTitle} hint={formHint}>
        <ActionForm action={action} submitLabel={submitLabel} label={formLabel}>
          {children}
        </ActionForm>
      </Card>
    </div>
  );
}
