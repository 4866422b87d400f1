import type { Metadata } from 'next';
import { ActionForm } from '../../../../../../components/action-form.component.tsx';
import { DataTable } from '../../../../../../components/data-list.component.tsx';
import { FormCheckbox, FormField } from '../../../../../../components/form-field.component.tsx';
import { Badge, Card, ErrorState, ProviderBadge } from '../../../../../../components/ui.component.tsx';
import { adminTenantPath, api, attempt } from '../../../../../../lib/api-client.server.ts';
import type { CheckerCatalogEntry, TenantCheckerView } from '../../../../../../lib/api.types.ts';
import { formatDateTime } from '../../../../../../lib/format.util.ts';
import { putChecker } from '../../../../admin.actions.ts';

export const metadata: Metadata = { title: 'Checkers' };

export default async function TenantCheckersPage({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const [settings, catalog] = await Promise.all([
    attempt(api<{ checkers: TenantCheckerView[] }>(adminTenantPath(tenantId, '/checkers'))),
    attempt(api<{ checkers: CheckerCatalogEntry[] }>('/admin/checkers')),
  ]);
  if (!settings.ok) return <ErrorState error={settings.error} />;
  const info = new Map((catalog.ok ? catalog.value.checkers : []).map((c) => [c.id, c]));
  return (
    <Card title="Checkers for this tenant" hint="Disabled checkers are skipped by check runs. Config is stored as given and validated by the checker." flush>
      <DataTable
        rows={settings.value.checkers}
        rowKey={(c) => c.checkId}
        testId="tenant-checkers-table"
        columns={[
          {
            header: 'Checker',
            className: 'cell-top',
            cell: (c) => {
              const meta = info.get(c.checkId);
              return (
                <>
                  <div className="row-title">{meta?.title ?? c.checkId}</div>
                  <div className="row-sub mono">{c.checkId}</div>
                  <div style={{ display: 'flex', gap: 6, marginTop: 6 }}>
                    {meta ? <ProviderBadge provider={meta.provider} /> : null}
                    <Badge tone={c.enabled ? 'badge-success' : undefined}>{c.enabled ? 'enabled' : 'disabled'}</Badge>
                  </div>
                  {c.updatedAt ? (
                    <div className="row-sub" style={{ marginTop: 6 }}>
                      changed {formatDateTime(c.updatedAt)} by {c.updatedBy}
                    </div>
                  ) : null}
                </>
              );
            },
          },
          {
            header: 'Enabled and config',
            cell: (c) => (
              <ActionForm label={`Settings of ${c.checkId}`} action={putChecker.bind(null, tenantId, c.checkId)} submitLabel="Save" variant="default">
                <FormCheckbox name="enabled" label="Enabled" defaultChecked={c.enabled} />
                <FormField id={`cfg-${c.checkId}`} name="config" label="Config (JSON)" help={<span className="mono">effective: {JSON.stringify(c.effectiveConfig)}</span>}>
                  <textarea id={`cfg-${c.checkId}`} name="config" className="mono" rows={3} defaultValue={JSON.stringify(c.config, null, 2)} spellCheck={false} />
                </FormField>
              </ActionForm>
            ),
          },
        ]}
      />
    </Card>
  );
}
