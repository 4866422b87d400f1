import { type Command } from 'commander';
import { FocusLakeRepository } from '@openfinops/api/imports';
import { LakeLayout, parseTenantId, resolveDataDir } from '@openfinops/tenants';
import { printJson, printTable } from '../cli-output.ts';
import { addFocusValidateCommand } from './focus-validate.command.ts';

interface TotalsOptions {
  tenant: string;
  billingPeriod?: string;
  provider?: string;
  json?: boolean;
}

export function addFocusCommand(program: Command): void {
  const focus = program.command('focus').description('FOCUS billing data in the tenant lake: totals, validate');
  focus
    .command('totals')
    .description('BilledCost / EffectiveCost / ListCost per billing period, provider and currency, read from the lake')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--billing-period <yyyy-mm>', 'only this billing period')
    .option('--provider <provider>', 'only this provider (aws, azure, gcp, oci, other)')
    .option('--json', 'print JSON')
    .action(async (opts: TotalsOptions) => {
      const tenantId = parseTenantId(opts.tenant);
      const repo = new FocusLakeRepository(new LakeLayout(resolveDataDir()));
      const rows = await repo.totals(tenantId, { billingPeriod: opts.billingPeriod, provider: opts.provider });
      if (opts.json) {
        printJson({ tenantId, totals: rows });
        return;
      }
      if (rows.length === 0) {
        process.stdout.write(`No FOCUS data for tenant ${tenantId}${opts.billingPeriod ? ` in ${opts.billingPeriod}` : ''}\n`);
        return;
      }
      printTable(
        ['Billing period', 'Provider', 'Currency', 'Rows', 'BilledCost', 'EffectiveCost', 'ListCost'],
        rows.map((r) => [r.billingPeriod, r.provider, r.currency, r.rows, r.billedCost, r.effectiveCost, r.listCost]),
      );
    });
  addFocusValidateCommand(focus);
}
