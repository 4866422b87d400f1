import { FormField } from '../../../../components/form-field.component.tsx';
import type { CloudAccount } from '../../../../lib/api.types.ts';

/** Kind of work and the account it is for: the same two choices when scheduling a run and when triggering one. */
export function RunKindFields({ idPrefix, accounts }: { idPrefix: string; accounts: readonly CloudAccount[] }) {
  return (
    <>
      <FormField id={`${idPrefix}-kind`} name="kind" label="Kind">
        <select id={`${idPrefix}-kind`} name="kind" defaultValue="import">
          <option value="import">Import billing</option>
          <option value="inventory">Collect inventory</option>
          <option value="check">Run checks</option>
        </select>
      </FormField>
      <FormField id={`${idPrefix}-account`} name="cloudAccountId" label="Cloud account">
        <select id={`${idPrefix}-account`} name="cloudAccountId" defaultValue="">
          <option value="">All accounts</option>
          {accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name} ({a.provider})
            </option>
          ))}
        </select>
      </FormField>
    </>
  );
}
